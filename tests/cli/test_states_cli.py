"""`status`, `timeline`, `appeal`, `forecast`, `simulate` and the demo, from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests import state_cases as cases


@pytest.fixture
def breach_db(tmp_path) -> str:
    db = tmp_path / "breach.db"
    cases.store_with(db, cases.write_breach_case(tmp_path / "in")).close()
    return str(db)


@pytest.fixture
def suspended_db(tmp_path) -> str:
    db = tmp_path / "suspended.db"
    cases.store_with(db, cases.write_suspension_case(tmp_path / "in")).close()
    return str(db)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[str, str]:
    db, as_of = cases.demo_store(tmp_path_factory.mktemp("demo"))
    return str(db), as_of.isoformat()


# --- status and timeline on imported files ---------------------------------------------------


def test_status_json_has_state_capabilities_evidence_and_amazons_status(cli, breach_db):
    status = ("--db", breach_db, "status", "--account", "shop", "--as-of", "2026-04-25")
    code, out, _ = cli(*status, "--format", "json")
    assert code == 0
    view = json.loads(out)
    assert (view["state"], view["kind"], view["since"]) == ("UNDER_REVIEW", "risk", "2026-04-20")
    assert view["capabilities"]["can_sell"] is False
    last = view["lastTransition"]
    assert (last["rule"], last["day"]) == ("odr_breach", "2026-04-20")
    assert last["evidence"]["breaches"][0]["order_ids"] == ["bad-1"]
    assert view["amazon"] == {
        "snapshotDate": "2026-04-25",
        "statuses": {"ATVPDKIKX0DER": "NORMAL"},
        "computedAsAmazonStatus": "AT_RISK",
        "differs": True,
        "mapping": {
            "HEALTHY": "NORMAL",
            "UNDER_REVIEW": "AT_RISK",
            "SUSPENDED": "AT_RISK",
            "DEACTIVATED": "DEACTIVATED",
        },
    }


def test_status_table_names_the_state_the_evidence_and_amazons_view(cli, breach_db):
    status = ("--db", breach_db, "status", "--account", "shop", "--as-of", "2026-04-25")
    code, out, _ = cli(*status, "--format", "table")
    assert code == 0
    lines = out.splitlines()
    # Amazon's status first: it is the account's; ours is worded as a risk assessment.
    assert lines[1] == "Account status (Amazon, report of 2026-04-25): ATVPDKIKX0DER NORMAL"
    assert lines[2].startswith("Risk assessment (ours): at risk of review since 2026-04-20: ODR")
    assert "can_sell" not in out and "can sell" not in out
    assert "it typically stops: selling, disbursements, appeals (an assessment" in out
    assert "odr_breach" in out and "bad-1" in out


def test_timeline_lists_every_change_with_its_reason(cli, breach_db):
    args = ("--db", breach_db, "timeline", "--account", "shop", "--as-of", "2026-06-01")
    code, out, _ = cli(*args, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["day"], r["rule"], r["to_state"]) for r in rows] == [
        ("2026-04-20", "odr_breach", "UNDER_REVIEW"),
        ("2026-05-14", "risk_cleared", "HEALTHY"),
    ]
    assert "bad-1" in rows[0]["reason"]
    code, out, _ = cli(*args, "--format", "csv")
    assert code == 0
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert [r["rule"] for r in parsed] == ["odr_breach", "risk_cleared"]
    assert json.loads(parsed[0]["evidence"])["breaches"][0]["order_ids"] == ["bad-1"]
    code, out, _ = cli(*args, "--format", "table")
    assert code == 0 and "risk_cleared" in out


def test_status_without_data_says_what_to_do(cli, tmp_path):
    db = str(tmp_path / "empty.db")
    assert cli("--db", db, "account", "set", "x", "--create")[0] == 0
    code, _, err = cli("--db", db, "status", "--account", "x")
    assert code == 1
    assert "import its orders first" in err
    code, _, err = cli("--db", str(tmp_path / "e.db"), "timeline", "--format", "xml")
    assert code == 2 and "--format" in err


# --- appeals ---------------------------------------------------------------------------------

PLAN = (
    "--root-cause", "a supplier sent unsafe stock",
    "--actions-taken", "removed the listing and refunded buyers",
)  # fmt: skip


def test_appeal_shows_the_17_day_deadline_and_refuses_a_plan_with_a_part_missing(cli, suspended_db):
    db = ("--db", suspended_db)
    code, out, _ = cli(
        *db, "appeal", "open", "--account", "shop", "--id", "ap-1", "--on", "2026-04-02"
    )
    assert code == 0
    assert "opened appeal ap-1" in out
    assert "due 2026-04-18 (17 days from the suspension on 2026-04-01)" in out
    assert "16 day(s) left" in out
    code, _, err = cli(*db, "appeal", "update", "ap-1", *PLAN, "--submit", "2026-04-05")
    assert code == 1
    assert "prevention: missing" in err
    assert "nothing was changed" in err
    show = (*db, "appeal", "show", "--account", "shop", "--format", "json")
    code, out, _ = cli(*show, "--as-of", "2026-04-10")
    shown = json.loads(out)
    assert shown["appeals"][0]["status"] == "draft"
    assert shown["appeals"][0]["submitted_on"] is None
    assert shown["deadlines"]["plan_due"] == "2026-04-18"
    assert (shown["deadlines"]["days_left"], shown["deadlines"]["appeals_remaining"]) == (8, 2)


def test_appeal_lifecycle_from_the_command_line(cli, suspended_db, tmp_path):
    db = ("--db", suspended_db)
    document = tmp_path / "certificates.pdf"
    document.write_bytes(b"%PDF")
    assert (
        cli(*db, "appeal", "open", "--account", "shop", "--id", "ap-1", "--on", "2026-04-02")[0]
        == 0
    )
    code, out, _ = cli(
        *db, "appeal", "update", "ap-1", *PLAN,
        "--prevention", "safety certificates checked before listing",
        "--evidence", str(document), "--evidence", "https://example.com/recall-notice",
        "--submit", "2026-04-05",
    )  # fmt: skip
    assert code == 0 and "submitted" in out
    code, out, _ = cli(
        *db, "appeal", "update", "ap-1", "--decide", "2026-04-08", "--outcome", "denied"
    )
    assert code == 0
    show = (*db, "appeal", "show", "--account", "shop", "--format", "json")
    code, out, _ = cli(*show, "--as-of", "2026-04-09")
    shown = json.loads(out)
    (appeal,) = shown["appeals"]
    assert appeal["evidence"] == [str(document.resolve()), "https://example.com/recall-notice"]
    assert (appeal["status"], appeal["decided_on"]) == ("denied", "2026-04-08")
    assert shown["deadlines"]["appeals_remaining"] == 1
    assert shown["deadlines"]["plan_on_time"] is True
    # A decided appeal is final; --decide alone is a usage error.
    code, _, err = cli(
        *db, "appeal", "update", "ap-1", "--decide", "2026-04-09", "--outcome", "granted"
    )
    assert code == 1 and "the appeal was denied" in err
    code, _, err = cli(*db, "appeal", "update", "ap-1", "--decide", "2026-04-09")
    assert code == 2 and "--outcome" in err
    code, _, err = cli(*db, "appeal", "update", "nope", "--prevention", "x y z")
    assert code == 2 and "appeal open" in err


# --- forecast, backtest, simulate and the demo on the demo data ------------------------------


def test_forecast_prints_the_next_days_and_the_breach_warning(cli, demo):
    db, as_of = demo
    args = ("--db", db, "forecast", "--account", "demo-seller", "--as-of", as_of)
    code, out, _ = cli(*args, "--format", "json")
    assert code == 0
    view = json.loads(out)
    assert len(view["channels"]["mfn"]["forecast"]) == 30
    assert {"afn", "mfn"} == set(view["channels"])
    assert view["headroom"][0]["metric"] == "orderDefectRate"
    code, out, _ = cli(*args, "--days", "7", "--format", "table")
    assert code == 0
    assert "in 7 days" in out and "Headroom" in out


def test_forecast_backtest_prints_a_coverage_figure(cli, demo):
    db, as_of = demo
    args = ("--db", db, "forecast", "--account", "demo-seller", "--as-of", as_of, "--backtest")
    code, out, _ = cli(*args, "--format", "table")
    assert code == 0
    assert "Backtest: " in out and "inside the 80% interval" in out
    code, out, _ = cli(*args, "--format", "json")
    result = json.loads(out)["backtest"]
    assert result["cases"] > 0
    assert result["coverage"] == result["covered"] / result["cases"]
    assert (
        f"{result['covered']} of {result['cases']} cases ({result['coverage']:.1%})"
        in (cli(*args, "--format", "table")[1])
    )


def test_simulate_removing_a_feedback_lowers_mfn_odr_by_one_order(cli, demo):
    db, as_of = demo
    code, out, _ = cli(
        "--db", db, "forecast", "--account", "demo-seller", "--as-of", as_of, "--format", "json"
    )  # fmt: skip
    order_id = next(
        a["orderId"]
        for a in json.loads(out)["channels"]["mfn"]["ageOut"]
        if a["kinds"] == ["negative_feedback"]
    )
    args = ("--db", db, "simulate", "--account", "demo-seller", "--as-of", as_of, "--days", "2")
    code, out, _ = cli(*args, "--remove-feedback", order_id, "--format", "json")
    assert code == 0
    view = json.loads(out)
    day = view["days"][0]
    assert day["day"] == as_of
    odr = next(m for m in day["metrics"] if (m["metric"], m["scope"]) == ("orderDefectRate", "MFN"))
    orders = odr["before"]["denominator"]
    assert odr["after"]["denominator"] == orders
    assert odr["after"]["numerator"] == odr["before"]["numerator"] - 1
    assert odr["before"]["rate"] - odr["after"]["rate"] == pytest.approx(1 / orders)
    assert day["stateBefore"] and day["stateAfter"]
    code, out, _ = cli(*args, "--remove-feedback", order_id, "--format", "table")
    assert code == 0 and "->" in out and order_id in out
    code, _, err = cli(*args, "--remove-feedback", "no-such-order")
    assert code == 1 and "no feedback on order no-such-order" in err
    code, _, err = cli(*args)
    assert code == 2 and "nothing to change" in err


def test_demo_prints_the_state_history_and_the_forecast(cli, tmp_path):
    code, out, _ = cli("demo", "--keep", str(tmp_path), "--format", "table")
    assert code == 0
    assert "State history" in out and "customer_complaints" in out
    assert "ODR forecast" in out and "in 30 days" in out
    code, out, _ = cli("demo", "--keep", str(tmp_path), "--format", "json")
    document = json.loads(out)  # one JSON document on stdout
    extra = document["sellerhealth"]
    assert extra["state"]["label"] == "UNDER_REVIEW (risk)"
    assert extra["state"]["timeline"][0]["rule"] == "growth_review"
    assert set(extra["forecast"]["channels"]["mfn"]["expected"]) == {"7", "14", "30"}
