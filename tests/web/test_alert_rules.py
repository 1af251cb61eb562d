"""Alert rules kept on an account, through the API and the dashboard's form: checked by the
alerts config's parser (a bad field is a 422 naming it, nothing kept), every change in the
audit log, admins only (403), another tenant's account unknown (404), and `watch` applies a
kept rule to its account alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sellerhealth.domain.alert_config import AlertConfig
from sellerhealth.service.alerts import WatchConfig, run_once
from sellerhealth.store.store import Store
from sellerhealth.web import create_app

from .conftest import DEMO_ACCOUNT, NORTH, SOUTH, SOUTH_ACCOUNT, TestClient, build_tenants
from .test_page_forms import csrf_of, signed_in

RULES = f"/api/accounts/{DEMO_ACCOUNT}/alert-rules"
# The demo seller's MFN ODR on 2026-11-20 is 11 of 1211 orders against a target under 1%:
# 12 of 1211 (0.991%) is still under it, 13 (1.073%) is not, so it can take 1 more defect.
ODR_RULE = {"type": "headroom", "at_most": 3, "metrics": ["orderDefectRate.mfn"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db, tokens = build_tenants(tmp_path_factory.mktemp("rules"))
    app = create_app(str(db))
    with TestClient(app) as client:
        yield db, app, client, tokens


def bearer(tokens, tenant: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[(tenant, role)]}"}


def audit_actions(client, tokens) -> list[tuple[str, str, dict]]:
    log = client.get("/api/audit", headers=bearer(tokens, NORTH, "admin")).json()
    return [(e["action"], e["actor"], e["detail"]) for e in log]


def test_an_admin_adds_edits_and_removes_a_rule_each_change_audited(site):
    _db, _app, client, tokens = site
    admin = bearer(tokens, NORTH, "admin")
    put = client.put(f"{RULES}/odr-near", headers=admin, json=ODR_RULE)
    assert put.status_code == 200, put.text
    kept = {**ODR_RULE, "name": "odr-near"}
    assert put.json() == kept
    viewer = bearer(tokens, NORTH, "viewer")
    assert client.get(RULES, headers=viewer).json() == [kept]
    edited = client.put(f"{RULES}/odr-near", headers=admin, json={**ODR_RULE, "at_most": 1})
    assert edited.status_code == 200 and client.get(RULES, headers=viewer).json()[0]["at_most"] == 1
    assert client.delete(f"{RULES}/odr-near", headers=admin).status_code == 204
    assert client.get(RULES, headers=viewer).json() == []
    assert client.delete(f"{RULES}/odr-near", headers=admin).status_code == 404
    assert audit_actions(client, tokens)[:3] == [
        ("alert rule remove", "north-admin", {"name": "odr-near"}),
        ("alert rule edit", "north-admin", {"rule": {**kept, "at_most": 1}}),
        ("alert rule add", "north-admin", {"rule": kept}),
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"type": "headroom", "at_most": "two"}, "at_most: must be a whole number, not 'two'"),
        ({"type": "headroom"}, "missing key 'at_most'"),
        ({"type": "headroom", "at_most": 2, "every": 1}, "unknown key 'every'"),
        ({"type": "loud"}, "type must be one of new_negative_feedback"),
        ({"type": "headroom", "at_most": 2, "severity": "dire"}, "severity: 'dire' is not one of"),
        ({**ODR_RULE, "accounts": ["x"]}, "accounts: a rule kept on an account"),
        ({**ODR_RULE, "name": "other"}, "name: 'other' differs from the rule's name 'bad'"),
    ],
)
def test_a_bad_rule_is_a_422_naming_its_field_and_nothing_is_kept(site, body, problem):
    _db, _app, client, tokens = site
    before = audit_actions(client, tokens)
    answer = client.put(f"{RULES}/bad", headers=bearer(tokens, NORTH, "admin"), json=body)
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("alert rule 'bad' refused: ")
    assert problem in answer.json()["error"]
    assert client.get(RULES, headers=bearer(tokens, NORTH, "admin")).json() == []
    assert audit_actions(client, tokens) == before


def test_only_admins_change_rules_and_another_tenants_account_is_unknown(site):
    _db, _app, client, tokens = site
    for role in ("viewer", "analyst"):
        headers = bearer(tokens, NORTH, role)
        assert client.put(f"{RULES}/r", headers=headers, json=ODR_RULE).status_code == 403
        assert client.delete(f"{RULES}/r", headers=headers).status_code == 403
    theirs = f"/api/accounts/{SOUTH_ACCOUNT}/alert-rules"
    admin = bearer(tokens, NORTH, "admin")
    assert client.put(f"{theirs}/r", headers=admin, json=ODR_RULE).status_code == 404
    assert client.get(theirs, headers=admin).status_code == 404
    assert client.get(theirs, headers=bearer(tokens, SOUTH, "admin")).json() == []


def test_watch_applies_a_kept_rule_to_its_account_alone(site):
    db, _app, client, tokens = site
    admin = bearer(tokens, NORTH, "admin")
    assert client.put(f"{RULES}/odr-near", headers=admin, json=ODR_RULE).status_code == 200
    config = WatchConfig(AlertConfig(rules=()), channels=())  # the file has no rule at all
    moment = datetime(2026, 11, 20, 23, tzinfo=UTC)
    with Store.open(db) as store:
        result = run_once(store, config, [DEMO_ACCOUNT, SOUTH_ACCOUNT], moment.date(), moment)
    mine = [a for a in result.raised if a.rule == "odr-near"]
    found = [(a.account, a.title.split(":")[0]) for a in mine]
    assert found == [(DEMO_ACCOUNT, "orderDefectRate.mfn")]
    assert "1 more defect before BAD" in mine[0].title
    assert client.delete(f"{RULES}/odr-near", headers=admin).status_code == 204


def test_the_form_keeps_a_rule_shows_a_refused_one_and_removes_it(site):
    _db, app, _client, _tokens = site
    client = signed_in(app, "north-admin")
    page_url = f"/accounts/{DEMO_ACCOUNT}/alert-rules"
    page = client.get(page_url)
    assert page.status_code == 200 and 'data-testid="rule-form"' in page.text
    form = {"csrf": csrf_of(page), "name": "odr-near", "type": "headroom"}
    refused = client.post(page_url, data=form | {"settings": 'at_most = "two"'})
    assert refused.status_code == 422 and 'data-testid="rule-refused"' in refused.text
    assert "at_most: must be a whole number, not &#39;two&#39;" in refused.text
    assert "not valid TOML" in client.post(page_url, data=form | {"settings": "at_most ="}).text
    settings = 'at_most = 3\nmetrics = ["orderDefectRate.mfn"]\n'
    saved = client.post(page_url, data=form | {"settings": settings}, follow_redirects=False)
    assert saved.status_code == 303
    admin = bearer(_tokens, NORTH, "admin")
    assert _client.get(RULES, headers=admin).json() == [{**ODR_RULE, "name": "odr-near"}]
    shown = client.get(page_url).text
    assert 'data-testid="rule-odr-near"' in shown and settings in shown.replace("&#34;", '"')
    assert client.post(page_url, data=form | {"csrf": "x", "settings": ""}).status_code == 403
    removed = client.post(f"{page_url}/odr-near/remove", data={"csrf": csrf_of(page)})
    assert removed.status_code == 200 and _client.get(RULES, headers=admin).json() == []


def test_a_viewer_sees_the_rules_without_a_form_and_an_analyst_cannot_post(site):
    _db, app, _client, _tokens = site
    page_url = f"/accounts/{DEMO_ACCOUNT}/alert-rules"
    viewer = signed_in(app, "north-viewer").get(page_url)
    assert viewer.status_code == 200 and 'data-testid="rule-form"' not in viewer.text
    analyst = signed_in(app, "north-analyst")
    form = {"csrf": csrf_of(analyst.get(page_url)), "name": "r", "type": "amazon_status"}
    assert analyst.post(page_url, data=form).status_code == 403
    other = signed_in(app, "north-admin").get(f"/accounts/{SOUTH_ACCOUNT}/alert-rules")
    assert other.status_code == 404
