"""The dashboard's audit log page and its sync and appeal forms, signed in: admins read the
log (of one account when asked; another tenant's account is unknown), weaker roles are
refused; an appeal recorded by the form is stored with its plan and audited; a sync of an
account that is not connected says so and writes nothing, one of a connected account (the
SP-API emulator) imports and is audited."""

from __future__ import annotations

import re

import pytest
from tests.sync.conftest import FAST, rig  # noqa: F401  # the SP-API emulator, serving `seller`

from sellerhealth.emulator import SampleSeller
from sellerhealth.service import sync
from sellerhealth.store.store import Store
from sellerhealth.web import create_app

from .conftest import DEMO_ACCOUNT, NORTH, SOUTH, SOUTH_ACCOUNT, TestClient, build_tenants
from .test_page_forms import csrf_of, signed_in

PAGE = f"/accounts/{DEMO_ACCOUNT}"
AS_OF = {"as_of": "2026-11-20"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db, tokens = build_tenants(tmp_path_factory.mktemp("dashboard-writes"))
    app = create_app(str(db))
    with TestClient(app) as client:
        yield db, app, client, tokens


def audit_log(client, tokens, **params) -> list[dict]:
    headers = {"Authorization": f"Bearer {tokens[(NORTH, 'admin')]}"}
    return client.get("/api/audit", headers=headers, params=params).json()


def test_an_analyst_records_an_appeal_and_updates_it(site):
    db, app, client, tokens = site
    analyst = signed_in(app, "north-analyst")
    page = analyst.get(PAGE, params=AS_OF)
    assert 'data-testid="appeal-form"' in page.text
    plan = {
        "csrf": csrf_of(page),
        "opened_on": "2026-11-21",
        "root_cause": "late carrier <b>pickups</b>",
        "actions_taken": "",
        "evidence": "invoice-1.pdf\n\n https://x/2 \n",
    }
    opened = analyst.post(f"{PAGE}/appeals", params=AS_OF, data=plan, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"].endswith("#appeals")
    appeal_id = f"{DEMO_ACCOUNT}-appeal-1"
    with Store.open(db) as store:
        appeal = store.appeal(appeal_id)
    assert appeal is not None and appeal.opened_on.isoformat() == "2026-11-21"
    assert (appeal.root_cause, appeal.actions_taken) == ("late carrier <b>pickups</b>", "")
    assert appeal.evidence == ("invoice-1.pdf", "https://x/2")
    shown = analyst.get(PAGE, params=AS_OF).text
    assert "late carrier &lt;b&gt;pickups&lt;/b&gt;" in shown and 'data-testid="appeals"' in shown
    decision = {"csrf": plan["csrf"], "decided_on": "2026-11-25", "outcome": "granted"}
    early = analyst.post(f"{PAGE}/appeals/{appeal_id}", data=decision)
    assert early.status_code == 422 and "the appeal has not been submitted" in early.text
    rest = {"actions_taken": "moved to another carrier", "prevention": "daily pickup checks"}
    submit = {"csrf": plan["csrf"], "submitted_on": "2026-11-22", **rest}
    for form in (submit, decision):
        saved = analyst.post(f"{PAGE}/appeals/{appeal_id}", data=form, follow_redirects=False)
        assert saved.status_code == 303
    assert analyst.post(f"{PAGE}/appeals/{DEMO_ACCOUNT}-appeal-9", data=decision).status_code == 404
    with Store.open(db) as store:
        assert store.appeal(appeal_id).status == "granted"
    half = analyst.post(
        f"{PAGE}/appeals/{appeal_id}", data={"csrf": plan["csrf"], "outcome": "denied"}
    )
    assert half.status_code == 422 and "decided_on and outcome go together" in half.text
    bad = analyst.post(f"{PAGE}/appeals", data={"csrf": plan["csrf"], "submitted_on": "soon"})
    assert bad.status_code == 422 and 'data-testid="appeal-refused"' in bad.text
    assert "submitted_on" in bad.text
    actions = [
        (e["action"], e["actor"]) for e in audit_log(client, tokens) if "appeal" in e["action"]
    ]
    assert actions == [("appeal update", "north-analyst")] * 2 + [("appeal open", "north-analyst")]
    # (the refused forms wrote nothing)


def test_a_sync_of_an_account_not_connected_says_so_and_writes_nothing(site):
    _db, app, client, tokens = site
    analyst = signed_in(app, "north-analyst")
    page = analyst.get(PAGE, params=AS_OF)
    assert 'data-testid="not-connected"' in page.text
    before = audit_log(client, tokens)
    answer = analyst.post(f"{PAGE}/sync", params=AS_OF, data={"csrf": csrf_of(page)})
    assert answer.status_code == 400 and "is not connected" in answer.text
    assert analyst.post(f"{PAGE}/sync", data={"csrf": "forged"}).status_code == 403
    assert audit_log(client, tokens) == before


def test_viewers_cannot_use_the_write_forms(site):
    _db, app, _client, _tokens = site
    viewer = signed_in(app, "north-viewer")
    page = viewer.get(PAGE, params=AS_OF)
    assert 'data-testid="appeal-form"' not in page.text and "sync-submit" not in page.text
    form = {"csrf": csrf_of(page)}
    assert viewer.post(f"{PAGE}/sync", data=form).status_code == 403
    assert viewer.post(f"{PAGE}/appeals", data=form | {"root_cause": "x"}).status_code == 403


def test_the_audit_log_page_for_admins_of_one_account_or_all(site):
    _db, app, client, tokens = site
    rule = {"type": "amazon_status"}  # a write, so the log has an entry of the account
    headers = {"Authorization": f"Bearer {tokens[(NORTH, 'admin')]}"}
    put = client.put(f"/api/accounts/{DEMO_ACCOUNT}/alert-rules/amazon", headers=headers, json=rule)
    assert put.status_code == 200
    admin = signed_in(app, "north-admin")
    page = admin.get("/audit")
    assert page.status_code == 200 and 'data-testid="audit-log"' in page.text
    entries = audit_log(client, tokens, limit=1, account=DEMO_ACCOUNT)
    one = admin.get("/audit", params={"limit": 1, "account": DEMO_ACCOUNT}).text
    assert len(entries) == 1 and one.count("<tr>") == 2  # the header and the one entry
    assert entries[0]["action"] in one and "every account" in one
    assert admin.get("/audit", params={"account": SOUTH_ACCOUNT}).status_code == 404
    assert admin.get("/audit", params={"account": "nobody"}).status_code == 404
    assert audit_log(client, tokens, account=SOUTH_ACCOUNT) == {
        "error": audit_log(client, tokens, account="nobody")["error"].replace(
            "nobody", SOUTH_ACCOUNT
        )
    }
    for user in ("north-viewer", "north-analyst"):
        assert signed_in(app, user).get("/audit").status_code == 403


@pytest.fixture(scope="module")
def seller() -> SampleSeller:
    """The sample seller's last 24 orders, no feedback: a sync of it is quick."""
    whole = SampleSeller.build()
    return SampleSeller(end=whole.end, orders=whole.orders[-24:], performance=whole.performance)


def test_a_sync_of_a_connected_account_imports_and_is_audited(site, rig, monkeypatch):  # noqa: F811
    db, app, client, tokens = site  # south's account: north's tests expect it unconnected
    monkeypatch.setenv("SELLERHEALTH_SECRET_KEY", rig.env["SELLERHEALTH_SECRET_KEY"])
    connect = sync.api_for  # the server's own pacing, with the sync tests' short waits
    monkeypatch.setattr(sync, "api_for", lambda c, env=None, retry=None: connect(c, env, FAST))
    with Store.open(db) as store:
        rig.connect(store, SOUTH_ACCOUNT)
    analyst = signed_in(app, "south-analyst")
    page = analyst.get(f"/accounts/{SOUTH_ACCOUNT}", params=AS_OF)
    synced = analyst.post(
        f"/accounts/{SOUTH_ACCOUNT}/sync", params=AS_OF, data={"csrf": csrf_of(page)}
    )
    assert synced.status_code == 200
    notice = re.search(r'data-testid="notice">([^<]*)', synced.text).group(1)
    assert notice.startswith(f"Synced: {SOUTH_ACCOUNT}: orders: 1 document(s), 24 records;")
    assert "Failed" not in notice
    south_admin = {"Authorization": f"Bearer {tokens[(SOUTH, 'admin')]}"}
    entry = client.get("/api/audit", headers=south_admin).json()[0]
    assert (entry["action"], entry["actor"], entry["account"], entry["detail"]) == (
        "sync",
        "south-analyst",
        SOUTH_ACCOUNT,
        {"failed": []},
    )
