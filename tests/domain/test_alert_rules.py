"""Alert rules on hand-made facts: each rule fires on its cause, at its boundary, once."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sellerhealth.domain.alert_account_rules import (
    AmazonStatusRule,
    AtRiskShipmentRule,
    StateChangeRule,
)
from sellerhealth.domain.alert_config import RULE_TYPES, AlertConfigError, parse_alert_config
from sellerhealth.domain.alert_facts import (
    AmazonStatusFact,
    Facts,
    FeedbackFact,
    HeadroomFact,
    StateChangeFact,
    StateFact,
)
from sellerhealth.domain.alert_rules import (
    ForecastBreachRule,
    HeadroomRule,
    NewNegativeFeedbackRule,
    TriageDeadlineRule,
    evaluate,
)
from sellerhealth.domain.forecast import BreachWarning
from sellerhealth.domain.radar_flags import RiskFlag, RiskKind
from sellerhealth.domain.records import Channel

D = date(2026, 11, 20)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alerts.toml"


def feedback(order="o1", days_ago=0, rating=1, verdict="removable", **kw) -> FeedbackFact:
    left = D - timedelta(days=days_ago)
    return FeedbackFact(
        order_id=order,
        feedback_date=left,
        rating=rating,
        verdict=verdict,
        request_by=left + timedelta(days=60),
        act_by=left + timedelta(days=6),
        ground=kw.pop("ground", "product_review" if verdict == "removable" else None),
        **kw,
    )


def facts(day: date = D, **kw) -> Facts:
    return Facts(account="acme", as_of=day, **kw)


def keys(alerts) -> list[str]:
    return [a.cause_key for a in alerts]


# --- new negative feedback ------------------------------------------------------------------


def test_new_negative_feedback_in_the_lookback_alerts_once_per_feedback():
    rule = NewNegativeFeedbackRule(name="new_negative_feedback", lookback_days=7)
    found = facts(
        feedback=(
            feedback("today", 0, rating=2),
            feedback("six-days", 6),  # the 7th day of the lookback: in
            feedback("seven-days", 7),  # before it: out
            feedback("neutral", 0, rating=3),  # not negative
        )
    )

    alerts = rule.alerts(found)

    assert keys(alerts) == [
        f"acme|new_negative_feedback|today|{D}",
        f"acme|new_negative_feedback|six-days|{D - timedelta(days=6)}",
    ]
    assert alerts[0].title == f"New 2-star feedback on order today ({D})"
    assert alerts[0].evidence["request_by"] == (D + timedelta(days=60)).isoformat()
    # Found again the next day: the same cause, so the store will not send it twice.
    next_day = Facts("acme", D + timedelta(days=1), feedback=found.feedback)
    assert keys(rule.alerts(next_day))[0] == keys(alerts)[0]


def test_new_feedback_can_include_neutral_ratings():
    rule = NewNegativeFeedbackRule(name="any_bad", max_rating=3)
    assert len(rule.alerts(facts(feedback=(feedback("n", rating=3),)))) == 1


# --- triage deadline ------------------------------------------------------------------------


def test_triage_deadline_fires_within_n_days_of_the_request_by_date():
    rule = TriageDeadlineRule(name="deadline", within_days=14)
    # request_by = feedback date + 60: 46 days ago -> 14 days left; 45 days ago -> 15 left.
    found = facts(
        feedback=(
            feedback("fourteen-left", 46),
            feedback("fifteen-left", 45),
            feedback("last-day", 60),
            feedback("expired", 61, expired=True),
            feedback("neither", 50, verdict="neither"),
            feedback("strike", 50, verdict="strike_through", ground="fba_fulfillment"),
        )
    )

    alerts = rule.alerts(found)

    assert [a.evidence["order_id"] for a in alerts] == ["fourteen-left", "last-day", "strike"]
    assert [a.evidence["days_left"] for a in alerts] == [14, 0, 10]
    assert alerts[0].title == (
        f"Feedback on order fourteen-left: request removal by {D + timedelta(days=14)} (in 14 days)"
    )
    assert "(today)" in alerts[1].title
    assert "strike-through" in alerts[2].title
    assert alerts[0].cause_key == (
        f"acme|deadline|fourteen-left|{D - timedelta(days=46)}|request_by|{D + timedelta(days=14)}"
    )


def test_triage_deadline_on_the_act_by_target():
    rule = TriageDeadlineRule(name="act_now", within_days=2, deadline="act_by")
    # act_by = feedback date + 6: 4 days ago -> 2 days left; 3 days ago -> 3 left.
    found = facts(feedback=(feedback("two-left", 4), feedback("three-left", 3)))

    [alert] = rule.alerts(found)

    assert alert.evidence["order_id"] == "two-left"
    assert alert.evidence["act_by"] == (D + timedelta(days=2)).isoformat()
    assert "act now" in alert.title


# --- headroom -------------------------------------------------------------------------------


def room(extra: int, status: str = "GOOD", metric="orderDefectRate", scope="mfn", n=9, d=1000):
    return HeadroomFact("ATVPDKIKX0DER", metric, scope, n, d, 0.01, status, extra)


def test_headroom_at_or_below_n_defects_alerts_and_again_when_it_shrinks():
    rule = HeadroomRule(name="headroom", at_most=1)

    assert rule.alerts(facts(headroom=(room(2),))) == []
    [one] = rule.alerts(facts(headroom=(room(1),)))
    [zero] = rule.alerts(facts(headroom=(room(0),)))
    [bad] = rule.alerts(facts(headroom=(room(0, "BAD", n=10),)))

    assert one.title == "orderDefectRate.mfn: 1 more defect before BAD (9/1000, target below 1.00%)"
    assert one.cause_key == "acme|headroom|ATVPDKIKX0DER|orderDefectRate.mfn|1"
    assert zero.cause_key.endswith("|0")
    assert bad.cause_key.endswith("|bad")
    assert bad.title == "orderDefectRate.mfn is BAD (10/1000, target below 1.00%)"
    assert one.severity == "critical"


def test_headroom_skips_metrics_with_nothing_to_measure_and_filters_by_name():
    none = room(0, "NONE", n=0, d=0)
    late = room(0, metric="lateShipmentRate", scope="10")
    only_odr = HeadroomRule(name="h", at_most=5, metrics=("orderDefectRate",))
    only_mfn = HeadroomRule(name="h", at_most=5, metrics=("orderDefectRate.afn",))

    assert HeadroomRule(name="h", at_most=5).alerts(facts(headroom=(none,))) == []
    assert [a.evidence["name"] for a in only_odr.alerts(facts(headroom=(room(0), late)))] == [
        "orderDefectRate.mfn"
    ]
    assert only_mfn.alerts(facts(headroom=(room(0),))) == []


# --- forecast breach ------------------------------------------------------------------------


def warning(days: int, p: float, channel=Channel.MFN) -> BreachWarning:
    return BreachWarning(D + timedelta(days=days), channel, p, 0.0104, 0.009, 0.012, 0.01)


def test_forecast_breach_with_enough_probability_within_the_horizon():
    rule = ForecastBreachRule(name="forecast", min_probability=0.6, within_days=10)

    [alert] = rule.alerts(facts(forecasts={"mfn": warning(3, 0.7), "afn": None}))
    assert alert.cause_key == f"acme|forecast|mfn|{D + timedelta(days=3)}"
    assert alert.title == (
        f"ODR MFN forecast to reach 1.00% on {D + timedelta(days=3)} (in 3 days, probability 70%)"
    )
    assert rule.alerts(facts(forecasts={"mfn": warning(3, 0.59)})) == []
    assert rule.alerts(facts(forecasts={"mfn": warning(11, 0.9)})) == []
    afn_only = ForecastBreachRule(name="f", channels=("afn",))
    assert afn_only.alerts(facts(forecasts={"mfn": warning(3, 0.9)})) == []


def test_alert_texts_read_as_english():
    """Issue 11: the texts said "in 1 days" and "target 0.01"."""
    rule = ForecastBreachRule(name="forecast")
    [one] = rule.alerts(facts(forecasts={"mfn": warning(1, 0.7)}))
    assert "(in 1 day, probability 70%)" in one.title
    [today] = rule.alerts(facts(forecasts={"mfn": warning(0, 0.7)}))
    assert "(today, probability 70%)" in today.title
    tracking = HeadroomFact("M", "validTrackingRate", "", 96, 100, 0.95, "GOOD", 1, "GREATER_THAN")
    [alert] = HeadroomRule(name="h", at_most=1).alerts(facts(headroom=(tracking,)))
    assert (
        alert.title
        == "validTrackingRate: 1 more defect before BAD (96/100, target at least 95.00%)"
    )


# --- state change and Amazon's status -------------------------------------------------------


def state(days_ago: int, to: str = "UNDER_REVIEW (risk)") -> StateFact:
    day = D - timedelta(days=days_ago)
    change = StateChangeFact(day, "HEALTHY", to, "customer_complaints", {"count": 2})
    return StateFact(to, day, change)


def test_state_change_in_the_lookback_alerts_with_its_evidence():
    rule = StateChangeRule(name="state", lookback_days=7)

    [alert] = rule.alerts(facts(state=state(6)))
    assert alert.cause_key == f"acme|state|{D - timedelta(days=6)}|HEALTHY|UNDER_REVIEW (risk)"
    assert alert.evidence["evidence"] == {"count": 2}
    assert "HEALTHY -> UNDER_REVIEW (risk)" in alert.title
    assert rule.alerts(facts(state=state(7))) == []
    assert rule.alerts(facts(state=StateFact("HEALTHY"))) == []
    assert rule.alerts(facts()) == []


def test_state_change_can_be_limited_to_some_states():
    rule = StateChangeRule(name="state", to_states=("SUSPENDED",))
    assert rule.alerts(facts(state=state(1))) == []
    assert len(rule.alerts(facts(state=state(1, "SUSPENDED")))) == 1
    review = StateChangeRule(name="state", to_states=("UNDER_REVIEW",))
    assert len(review.alerts(facts(state=state(1, "UNDER_REVIEW (risk)")))) == 1


def test_amazon_status_alerts_only_when_it_differs():
    rule = AmazonStatusRule(name="amazon")
    differs = AmazonStatusFact("NORMAL", "AT_RISK", D, differs=True)

    [alert] = rule.alerts(facts(amazon_status=differs))
    assert alert.cause_key == f"acme|amazon|{D}|NORMAL|AT_RISK"
    assert (
        alert.title == f"Amazon's status NORMAL differs from the computed AT_RISK (report of {D})"
    )
    assert rule.alerts(facts(amazon_status=AmazonStatusFact("NORMAL", "NORMAL", D))) == []
    assert rule.alerts(facts()) == []


# --- at-risk shipments ----------------------------------------------------------------------


def flag(order: str, priority: float, kind=RiskKind.NO_FIRST_SCAN, hours=-12.0) -> RiskFlag:
    deadline = datetime(2026, 11, 20, 12, tzinfo=UTC)
    return RiskFlag(
        account="acme",
        order_id=order,
        kind=kind,
        hours_left=hours,
        deadline=deadline,
        deadline_reason="claim_eligible",
        threatens=("validTrackingRate", "orderDefectRate"),
        impact={"validTrackingRate": -0.01, "orderDefectRate": 0.001},
        priority=priority,
        action="Confirm the tracking ID.",
        buyer_message="Hello, we are checking on your order.",
        evidence={"ship_confirm_date": "2026-11-10"},
        tracking_id=f"T-{order}",
        carrier="UPS",
    )


def test_at_risk_shipment_at_or_above_the_priority():
    rule = AtRiskShipmentRule(name="radar", min_priority=0.2)
    found = facts(risks=(flag("high", 0.3), flag("edge", 0.2), flag("low", 0.19)))

    alerts = rule.alerts(found)

    assert keys(alerts) == [
        "acme|radar|high|T-high|no_first_scan",
        "acme|radar|edge|T-edge|no_first_scan",
    ]
    assert alerts[0].title == "At-risk shipment high: no first scan (12 h overdue, priority 0.30)"
    assert "Hello, we are checking on your order." in alerts[0].body
    assert alerts[0].evidence["impact"] == {"validTrackingRate": -0.01, "orderDefectRate": 0.001}
    kinds = AtRiskShipmentRule(name="r", min_priority=0, kinds=("returned_to_sender",))
    assert kinds.alerts(found) == []


# --- evaluate -------------------------------------------------------------------------------


def test_evaluate_applies_rules_to_their_accounts_most_severe_first_each_cause_once():
    rules = [
        NewNegativeFeedbackRule(name="fb"),
        NewNegativeFeedbackRule(name="fb"),  # the same causes again
        AmazonStatusRule(name="amazon", severity="critical"),
        HeadroomRule(name="headroom", at_most=1, accounts=("other",)),
    ]
    found = facts(
        feedback=(feedback("o1"),),
        headroom=(room(0),),
        amazon_status=AmazonStatusFact("NORMAL", "AT_RISK", D, differs=True),
    )

    alerts = evaluate(rules, found)

    assert [a.rule for a in alerts] == ["amazon", "fb"]
    assert {a.created_on for a in alerts} == {D}
    assert {a.account for a in alerts} == {"acme"}


# --- the config file ------------------------------------------------------------------------


def test_the_example_config_has_every_rule_and_parses():
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))

    config = parse_alert_config(raw)

    assert sorted(type(r).TYPE for r in config.rules) == sorted(RULE_TYPES)
    assert config.digest is False
    assert config.attempts == 4
    kinds = {c["type"] for c in raw["channels"]}
    assert kinds == {"email", "webhook"}
    for channel in raw["channels"]:  # secrets come from the environment
        assert not {"password", "secret", "url"} & set(channel)


def test_rule_settings_and_defaults():
    config = parse_alert_config(
        {
            "watch": {"digest": True, "backoff": 1, "accounts": ["a"]},
            "rules": [
                {"type": "headroom", "at_most": 2, "metrics": ["orderDefectRate.mfn"]},
                {"type": "at_risk_shipment", "name": "radar", "min_priority": 1},
            ],
        }
    )

    headroom, radar = config.rules
    assert headroom == HeadroomRule(name="headroom", at_most=2, metrics=("orderDefectRate.mfn",))
    assert radar == AtRiskShipmentRule(name="radar", min_priority=1.0)
    assert (config.digest, config.backoff, config.accounts) == (True, 1.0, ("a",))


def test_every_problem_of_a_config_is_listed_at_once():
    raw = {
        "alerts": {},
        "watch": {"attempts": 0, "every": 5},
        "rules": [
            {"type": "headroom"},
            {"type": "nope"},
            {"type": "triage_deadline", "within_days": "7", "deadline": "soon"},
            {"type": "forecast_breach", "channels": ["xfn"], "min_probability": 1.5},
            {"type": "new_negative_feedback", "severity": "loud", "colour": "red"},
            {"type": "amazon_status", "name": "same"},
            {"type": "state_change", "name": "same", "to_states": ["GONE"]},
        ],
    }

    with pytest.raises(AlertConfigError) as error:
        parse_alert_config(raw)

    problems = error.value.problems
    expected = [
        "unknown table 'alerts'",
        "watch: unknown key 'every'",
        "watch.attempts: must be 1 or more",
        "rules[0] (headroom): missing key 'at_most'",
        "rules[1]: type must be one of",
        "rules[2] (triage_deadline).within_days: must be a whole number, not '7'",
        "rules[3] (forecast_breach).channels: 'xfn' is not one of afn, mfn",
        "rules[3] (forecast_breach).min_probability: must be between 0 and 1",
        "rules[4] (new_negative_feedback): unknown key 'colour'",
        "rules[6] (state_change).to_states: 'GONE' is not one of",
        "rules: the name 'same' is used twice",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    bad_severity = parse_problems({"rules": [{"type": "amazon_status", "severity": "loud"}]})
    assert any("severity: 'loud' is not one of info, warning, critical" in p for p in bad_severity)


def parse_problems(raw) -> list[str]:
    with pytest.raises(AlertConfigError) as error:
        parse_alert_config(raw)
    return error.value.problems
