"""The JSON API on the demo seller as of 2026-11-20: each endpoint gives the figures the CLI
gives, an unknown account is 404, a bad date 422, a usage error 400."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from sellerhealth.store.store import Store

from .conftest import AS_OF, DEMO_ACCOUNT, EMPTY_ACCOUNT

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "data/schema/accountHealthReport-2020-11-18.fixed.json"
    ).read_text()
)
BASE = f"/api/accounts/{DEMO_ACCOUNT}"
ENDPOINTS = ("report", "history", "status", "timeline", "triage", "shipments", "forecast")


def get(client, path: str, **params: str):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_accounts_lists_names_with_program_and_policy(client):
    assert get(client, "/api/accounts") == [
        {"account": EMPTY_ACCOUNT, "program": "business", "policy": "amazon-us-2026"},
        {"account": DEMO_ACCOUNT, "program": "standard", "policy": "amazon-us-2026"},
    ]


def test_portfolio_judges_every_account_failing_ones_first(client):
    lines = get(client, "/api/portfolio", as_of=AS_OF)
    assert [(line["account"], line["status"]) for line in lines] == [
        (DEMO_ACCOUNT, "BAD"),  # two policy violations in the window
        (EMPTY_ACCOUNT, "NONE"),  # settings only: nothing to judge yet
    ]
    assert {f["metric"] for f in lines[0]["failing"]} == {"policyCompliance"}
    assert lines[0]["odrOrders"] == 3039
    assert lines[1]["program"] == "business"


def test_report_is_amazons_document_with_the_demo_figures(client):
    document = get(client, f"{BASE}/report", as_of=AS_OF)
    jsonschema.validate(document, SCHEMA)
    odr = document["performanceMetrics"][0]["orderDefectRate"]
    # MFN: 11 defective of 1211 orders purchased 2026-09-08 .. 2026-11-06.
    assert (odr["mfn"]["orderWithDefects"]["count"], odr["mfn"]["orderCount"]) == (11, 1211)
    assert (odr["afn"]["orderWithDefects"]["count"], odr["afn"]["orderCount"]) == (7, 1828)
    assert odr["mfn"]["reportingDateRange"]["reportingDateFrom"] == "2026-09-08T00:00:00Z"
    meta = document["sellerhealth"]
    assert meta["asOf"] == AS_OF and "UNDER_REVIEW" in meta["state"]["label"]


def test_history_defaults_to_the_30_days_ending_on_as_of(client):
    rows = get(client, f"{BASE}/history", as_of=AS_OF)
    days = sorted({row["date"] for row in rows})
    assert (days[0], days[-1], len(days)) == ("2026-10-22", AS_OF, 30)


def test_history_of_one_metric_over_a_range(client):
    rows = get(client, f"{BASE}/history", **{"from": "2026-11-19", "to": AS_OF, "metric": "odr"})
    assert {row["metric"] for row in rows} == {"orderDefectRate"}
    assert len(rows) == 4  # 2 days x AFN, MFN
    last_mfn = next(r for r in rows if r["date"] == AS_OF and r["scope"] == "mfn")
    assert (last_mfn["numerator"], last_mfn["denominator"]) == (11, 1211)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"metric": "speed"}, "unknown metric 'speed'"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "is before"),
    ],
)
def test_history_usage_errors_are_400(client, params, says):
    response = client.get(f"{BASE}/history", params=params)
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_status_is_under_review_with_capabilities_and_amazons_status(client):
    status = get(client, f"{BASE}/status", as_of=AS_OF)
    assert "UNDER_REVIEW" in status["label"] and status["since"] == "2026-11-11"
    assert status["capabilities"]["can_sell"] is False
    assert status["amazon"]["statuses"] == {"ATVPDKIKX0DER": "NORMAL"}
    assert status["amazon"]["differs"] is True


def test_timeline_replays_every_change_and_stores_nothing(client, web_db):
    rows = get(client, f"{BASE}/timeline", as_of=AS_OF)
    assert (rows[0]["day"], rows[0]["rule"]) == ("2026-06-04", "growth_review")
    assert (rows[-1]["day"], rows[-1]["rule"]) == ("2026-11-11", "customer_complaints")
    assert "productConditionCustomerComplaints" in rows[-1]["reason"]
    with Store.open(web_db) as store:
        assert store.transitions(DEMO_ACCOUNT) == []  # a GET writes nothing


def test_triage_queue_has_the_40_standing_feedback(client):
    items = get(client, f"{BASE}/triage", as_of=AS_OF)
    assert len(items) == 40
    first = items[0]
    assert (first["order_id"], first["verdict"]) == ("113-5366432-3618400", "removable")
    assert first["removal_request"] and first["odr_before"] > first["odr_after"]


def test_at_risk_shipments_at_the_end_of_the_day(client):
    flags = get(client, f"{BASE}/shipments", as_of=AS_OF)
    assert len(flags) == 49
    assert (flags[0]["order_id"], flags[0]["kind"]) == ("111-8915509-2024800", "no_first_scan")
    assert [f["priority"] for f in flags] == sorted((f["priority"] for f in flags), reverse=True)


def test_forecast_warns_of_the_mfn_breach(client):
    forecast = get(client, f"{BASE}/forecast", as_of=AS_OF)
    mfn, afn = forecast["channels"]["mfn"], forecast["channels"]["afn"]
    assert mfn["breachWarning"]["day"] == "2026-11-23" and afn["breachWarning"] is None
    assert set(mfn["expected"]) == {"7", "14", "30"}


def test_reconcile_explains_amazons_extra_defect(client):
    rows = get(client, f"{BASE}/reconcile")
    assert len(rows) == 1
    row = rows[0]
    assert (row["metric"], row["scope"], row["date"]) == ("orderDefectRate", "mfn", AS_OF)
    assert (row["amazon"]["numerator"], row["computed"]["numerator"]) == (12, 11)


def test_as_of_defaults_to_today_utc(client):
    status = get(client, f"{BASE}/status")
    assert status["asOf"] == datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "reconcile"])
def test_unknown_account_is_404(client, endpoint):
    response = client.get(f"/api/accounts/nobody/{endpoint}")
    assert response.status_code == 404
    assert response.json() == {
        "error": f"no such account 'nobody'; the store has: {EMPTY_ACCOUNT}, {DEMO_ACCOUNT} "
        "(create one with `sellerhealth import FILE --account NAME` or "
        "`sellerhealth account set NAME --create`)"
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_bad_date_is_422_with_the_problem(client, endpoint):
    response = client.get(f"{BASE}/{endpoint}", params={"as_of": "2026-02-30"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("as_of: '2026-02-30' is not an ISO 8601 date")


def test_a_bad_history_bound_is_422(client):
    response = client.get(f"{BASE}/history", params={"from": "yesterday"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("from: 'yesterday'")


def test_an_account_without_orders_is_422_saying_what_to_do(client):
    response = client.get(f"/api/accounts/{EMPTY_ACCOUNT}/status", params={"as_of": AS_OF})
    assert response.status_code == 422
    assert "import its orders first" in response.json()["error"]


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert (response.status_code, response.json()) == (404, {"error": "Not Found"})
