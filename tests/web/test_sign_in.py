"""The dashboard's sign-in: the session cookie's flags, CSRF on every form and cookie write,
lock-out after repeated failures, sign-out; `serve` refuses a public address without users."""

from __future__ import annotations

import re
import sys

import pytest

from sellerhealth.cli import main
from sellerhealth.service import access
from sellerhealth.web import create_app

from .conftest import DEMO_ACCOUNT, PASSWORD, SOUTH_ACCOUNT, TestClient, build_tenants


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db, _ = build_tenants(tmp_path_factory.mktemp("sign-in"))
    return create_app(str(db))


@pytest.fixture
def browser(app):
    with TestClient(app) as client:
        yield client


def sign_in(client, username, password):
    form = client.get("/sign-in", params={"next": f"/accounts/{DEMO_ACCOUNT}"})
    fields = dict(re.findall(r'name="(csrf|next)" value="([^"]+)"', form.text))
    fields |= {"username": username, "password": password}
    return client.post("/sign-in", data=fields, follow_redirects=False)


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(app, browser):
    assert browser.get("/", follow_redirects=False).headers["location"] == "/sign-in?next=%2F"
    with TestClient(app, base_url="https://testserver") as over_tls:
        answer = sign_in(over_tls, "north-viewer", PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == f"/accounts/{DEMO_ACCOUNT}"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    answer = sign_in(browser, "north-viewer", PASSWORD)
    assert "Secure" not in answer.headers["set-cookie"]  # plain http: Secure would not come back
    page = browser.get("/", params={"as_of": "2026-11-20"})
    assert page.status_code == 200 and "north-viewer" in page.text
    assert SOUTH_ACCOUNT not in page.text
    # a cookie write without the CSRF token is refused
    assert browser.post(f"/api/accounts/{DEMO_ACCOUNT}/sync").status_code == 403
    assert browser.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert browser.post("/sign-out", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_a_forged_sign_in_form_and_wrong_passwords_are_refused(browser, monkeypatch):
    monkeypatch.setattr(access, "FAILURE_DELAY_S", 0.0)
    fields = {"username": "north-admin", "password": PASSWORD, "csrf": "x"}
    assert browser.post("/sign-in", data=fields).status_code == 403
    for _ in range(access.LOCK_AFTER):
        assert sign_in(browser, "north-admin", "wrong password").status_code == 401
    locked = sign_in(browser, "north-admin", PASSWORD)
    assert locked.status_code == 401 and "locked" in locked.text


def test_serve_refuses_a_public_address_without_users(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "s.db")
    monkeypatch.setattr(sys, "argv", ["sh", "--db", db, "account", "set", "a", "--create"])
    with pytest.raises(SystemExit):
        main()
    monkeypatch.setattr(sys, "argv", ["sh", "--db", db, "serve", "--host", "0.0.0.0"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in capsys.readouterr().err
