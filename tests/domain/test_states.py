"""Account states (SPEC section 5): each test is a hand-computed case of one rule of the
transition table in policies/amazon-us-2026.toml, evaluated day by day."""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta

import pytest

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal, AppealOutcome, appeal_events
from sellerhealth.domain.compliance import account_health_rating, policy_compliance
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import TRIGGER_PARAMS
from sellerhealth.domain.policy_read import policy_from_dict
from sellerhealth.domain.state_facts import (
    DayFacts,
    early_orders,
    facts_for_day,
    negative_feedback_share,
)
from sellerhealth.domain.state_machine import advance, evaluate_day, replay
from sellerhealth.domain.state_triggers import TRIGGERS
from sellerhealth.domain.states import (
    CAPABILITY_NAMES,
    AccountState,
    ReviewKind,
    StateSnapshot,
    capabilities,
)
from sellerhealth.errors import PolicyError
from sellerhealth.policy_files import policy_path

S = AccountState
K = ReviewKind
MFN = r.Channel.MFN
IP = "receivedIntellectualPropertyComplaints"


def plus(day: date, n: int) -> date:
    return day + timedelta(days=n)


def days(first: date, last: date) -> list[date]:
    return [plus(first, n) for n in range((last - first).days + 1)]


def healthy(since: date) -> StateSnapshot:
    return StateSnapshot(S.HEALTHY, K.NONE, since)


def odr_facts(day: date, orders, feedback, policy) -> DayFacts:
    return DayFacts(day=day, odr=compute_odr(orders, feedback, [], [], day, policy))


def violation(vid: str, on: date, category: str = IP, **kw) -> r.Violation:
    return r.Violation("a", vid, on, category, **kw)


def compliance_facts(day: date, violations, policy) -> DayFacts:
    return DayFacts(day=day, compliance=policy_compliance(violations, day, policy))


# --- the policy table ------------------------------------------------------------------------


def test_every_trigger_in_the_policy_vocabulary_is_implemented(policy):
    assert set(TRIGGERS) == set(TRIGGER_PARAMS)
    assert {rule.trigger for rule in policy.states.transitions} <= set(TRIGGERS)


def test_state_settings_cite_a_source(policy):
    for name in vars(policy.states):
        assert policy.sources[f"states.{name}"], name
    assert all(rule.source for rule in policy.states.transitions)


def test_capability_names_in_the_policy_are_known(policy):
    for name, granted in vars(policy.states).items():
        if name.startswith("capabilities_"):
            assert set(granted) <= set(CAPABILITY_NAMES), name


def test_a_broken_transition_table_reports_every_problem():
    raw = tomllib.loads(policy_path("amazon-us-2026").read_text(encoding="utf-8"))
    rules = raw["states"]["transitions"]["value"]
    rules[0]["to"] = "HEALTY"
    rules[3]["trigger"] = "odr_over"
    rules[4]["kind"] = "none"  # to UNDER_REVIEW without a kind of review
    del rules[5]["source"]
    rules[6]["params"]["at_least"] = 0
    with pytest.raises(PolicyError) as raised:
        policy_from_dict(raw)
    (problem,) = [p for p in raised.value.problems if p.startswith("states.transitions")]
    assert "[0] ip_repeat: to: 'HEALTY' is not one of" in problem
    assert "[3] odr_breach: trigger: 'odr_over' is not one of" in problem
    assert "[4] late_shipment_breach: kind 'none' does not fit `to` 'UNDER_REVIEW'" in problem
    assert "[5] cancellation_breach: source: missing" in problem
    assert "[6] ip_complaint: params.at_least: expected a whole number >= 1, got 0" in problem


# --- capabilities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "kind", "sell", "disburse", "appeal", "log_in"),
    [
        (S.HEALTHY, K.NONE, True, True, False, True),
        (S.UNDER_REVIEW, K.GROWTH, True, False, False, True),  # selling goes on, money held
        (S.UNDER_REVIEW, K.RISK, False, False, False, True),  # both held
        (S.SUSPENDED, K.NONE, False, False, True, True),  # an appeal is open
        (S.DEACTIVATED, K.NONE, False, False, False, False),  # final: no login, no appeal
    ],
)
def test_capabilities_of_each_state(policy, state, kind, sell, disburse, appeal, log_in):
    c = capabilities(state, kind, policy)
    assert (c.can_sell, c.can_receive_disbursements, c.can_appeal, c.can_log_in) == (
        sell,
        disburse,
        appeal,
        log_in,
    )


def test_under_review_needs_a_kind(policy):
    with pytest.raises(ValueError, match="no such state"):
        capabilities(S.UNDER_REVIEW, K.NONE, policy)


# --- metric breaches and recovery ------------------------------------------------------------

D = date(2026, 6, 30)  # ODR window [2026-04-18, 2026-06-16]
IN_WINDOW = date(2026, 5, 1)


def mfn_orders(n: int, on: date, prefix: str) -> list[r.Order]:
    return [r.Order("a", f"{prefix}{i}", on, MFN) for i in range(n)]


def test_odr_breach_starts_a_risk_review_with_the_rate_and_the_defective_orders(policy):
    # 50 MFN orders in the window, o0 and o1 with 1-star feedback: ODR 2/50 = 4% > 1%.
    orders = mfn_orders(50, IN_WINDOW, "o")
    feedback = [r.Feedback("a", f"o{i}", plus(IN_WINDOW, 5), 1) for i in range(2)]
    t = evaluate_day(healthy(IN_WINDOW), odr_facts(D, orders, feedback, policy), policy)
    assert t is not None
    assert (t.from_state, t.to_state, t.kind, t.rule) == (
        S.HEALTHY,
        S.UNDER_REVIEW,
        K.RISK,
        "odr_breach",
    )
    (breach,) = t.evidence["breaches"]
    assert breach["channel"] == "MFN"
    assert breach["rate"] == pytest.approx(0.04)
    assert (breach["defective_orders"], breach["order_count"]) == (2, 50)
    assert breach["order_ids"] == ["o0", "o1"]
    assert breach["window"] == ["2026-04-18", "2026-06-16"]
    json.dumps(t.to_dict())  # stored as JSON as it is


def test_a_clean_account_stays_healthy(policy):
    orders = mfn_orders(50, IN_WINDOW, "o")
    assert evaluate_day(healthy(IN_WINDOW), odr_facts(D, orders, [], policy), policy) is None


def test_risk_review_ends_when_the_breach_clears(policy):
    # Under review for ODR since D-3; on D the feedback was removed: ODR 0/50, GOOD again.
    orders = mfn_orders(50, IN_WINDOW, "o")
    removed = [r.Feedback("a", "o0", plus(IN_WINDOW, 5), 1, removed_date=D)]
    review = StateSnapshot(S.UNDER_REVIEW, K.RISK, plus(D, -3))
    before = evaluate_day(review, odr_facts(plus(D, -1), orders, removed, policy), policy)
    assert before is None  # 1/50 still counts the day before the removal
    t = evaluate_day(review, odr_facts(D, orders, removed, policy), policy)
    assert t is not None
    assert (t.to_state, t.kind, t.rule) == (S.HEALTHY, K.NONE, "risk_cleared")
    assert t.evidence["figures"]["odr"]["MFN"] == 0.0
    assert "odr_breach" in t.evidence["checked"]


def test_the_state_changes_on_the_exact_day_the_defect_ages_out(policy):
    # 50 MFN orders bought on P (p0..p49) and 50 on P+10 (q0..q49). p0 gets a 1-star feedback
    # on P+60. The ODR window as of D is [D-73, D-14], so the P orders count on D = P+14 ..
    # P+73 and leave it on P+74.
    #   P+59: no feedback yet, 0/100                -> HEALTHY
    #   P+60: 1/100 = 1%, not under the 1% target   -> UNDER_REVIEW (risk)
    #   P+73: window [P, P+59], still 1/100         -> still under review
    #   P+74: window [P+1, P+60], 0/50 (q orders)   -> HEALTHY again, exactly that day
    p = date(2026, 3, 2)
    orders = mfn_orders(50, p, "p") + mfn_orders(50, plus(p, 10), "q")
    feedback = [r.Feedback("a", "p0", plus(p, 60), 1)]
    facts = [odr_facts(d, orders, feedback, policy) for d in days(plus(p, 50), plus(p, 90))]
    final, transitions = advance(facts, policy)
    assert [(t.day, t.to_state, t.rule) for t in transitions] == [
        (plus(p, 60), S.UNDER_REVIEW, "odr_breach"),
        (plus(p, 74), S.HEALTHY, "risk_cleared"),
    ]
    assert transitions[0].evidence["breaches"][0]["rate"] == pytest.approx(0.01)
    assert transitions[0].evidence["breaches"][0]["order_ids"] == ["p0"]
    assert final == healthy(plus(p, 74))
    on_73, _ = advance([f for f in facts if f.day <= plus(p, 73)], policy)
    assert (on_73.state, on_73.kind, on_73.since) == (S.UNDER_REVIEW, K.RISK, plus(p, 60))


def test_a_risk_review_still_open_after_30_days_ends_in_suspension(policy):
    orders = mfn_orders(50, IN_WINDOW, "o")
    feedback = [r.Feedback("a", "o0", plus(IN_WINDOW, 5), 1)]
    start = StateSnapshot(S.UNDER_REVIEW, K.RISK, plus(D, -30))
    on_29 = evaluate_day(start, odr_facts(plus(D, -1), orders, feedback, policy), policy)
    assert on_29 is None
    t = evaluate_day(start, odr_facts(D, orders, feedback, policy), policy)
    assert t is not None
    assert (t.to_state, t.rule, t.evidence["days"]) == (S.SUSPENDED, "risk_review_expired", 30)


# --- the growth review -----------------------------------------------------------------------


def test_growth_review_fires_when_early_volume_passes_the_threshold_and_ends_after_30_days(
    policy,
):
    # First order on F, 20 orders a day. Orders in the first 28 days [F, F+27] as known on
    # F+k: 20 * (k + 1); the threshold is 500, reached on F+24 (F+23: 480).
    # A clean growth review ends 30 days later, on F+54; the trigger cannot fire again after
    # the first 28 days.
    f = date(2026, 1, 5)
    orders = [
        r.Order("a", f"g{k}-{i}", plus(f, k), r.Channel.AFN) for k in range(70) for i in range(20)
    ]
    assert early_orders(orders, plus(f, 23), policy) == (f, 480)
    assert early_orders(orders, plus(f, 24), policy) == (f, 500)
    assert early_orders(orders, plus(f, 40), policy) == (f, 560)  # 28 days * 20, no more

    def facts(d: date) -> DayFacts:
        first, early = early_orders(orders, d, policy)
        return DayFacts(day=d, first_order_date=first, early_orders=early)

    final, transitions = advance([facts(d) for d in days(f, plus(f, 69))], policy)
    assert [(t.day, t.to_state, t.kind, t.rule) for t in transitions] == [
        (plus(f, 24), S.UNDER_REVIEW, K.GROWTH, "growth_review"),
        (plus(f, 54), S.HEALTHY, K.NONE, "growth_cleared"),
    ]
    assert transitions[0].evidence == {
        "first_order_date": "2026-01-05",
        "window": ["2026-01-05", "2026-02-01"],
        "orders": 500,
        "threshold": 500,
    }
    during = capabilities(transitions[0].to_state, transitions[0].kind, policy)
    assert during.can_sell and not during.can_receive_disbursements
    assert final.state is S.HEALTHY


def test_a_breach_during_a_growth_review_turns_it_into_a_risk_review(policy):
    orders = mfn_orders(50, IN_WINDOW, "o")
    feedback = [r.Feedback("a", "o0", plus(IN_WINDOW, 5), 1)]
    growth = StateSnapshot(S.UNDER_REVIEW, K.GROWTH, plus(D, -5))
    t = evaluate_day(growth, odr_facts(D, orders, feedback, policy), policy)
    assert t is not None
    assert (t.from_kind, t.to_state, t.kind) == (K.GROWTH, S.UNDER_REVIEW, K.RISK)


# --- violations, AHR and negative feedback ---------------------------------------------------


def test_an_open_ip_complaint_starts_a_risk_review(policy):
    complaints = [violation("v1", plus(D, -10))]
    t = evaluate_day(healthy(D), compliance_facts(D, complaints, policy), policy)
    assert t is not None
    assert (t.to_state, t.kind, t.rule) == (S.UNDER_REVIEW, K.RISK, "ip_complaint")
    assert t.evidence["violation_ids"] == ["v1"]
    assert t.evidence["categories"] == {IP: 1}


def test_a_resolved_ip_complaint_does_not(policy):
    resolved = [violation("v1", plus(D, -10), status=r.ViolationStatus.RESOLVED, status_date=D)]
    assert evaluate_day(healthy(D), compliance_facts(D, resolved, policy), policy) is None


def test_five_open_ip_complaints_suspend_the_account(policy):
    # Repeat-infringement limit 5 in 180 days (amazon-policy.md 3.3); 4 only start a review.
    four = [violation(f"v{i}", plus(D, -20 - i)) for i in range(4)]
    fifth = violation("v9", D, "suspectedIntellectualPropertyViolations")
    review = StateSnapshot(S.UNDER_REVIEW, K.RISK, plus(D, -20))
    assert evaluate_day(review, compliance_facts(D, four, policy), policy) is None
    t = evaluate_day(review, compliance_facts(D, [*four, fifth], policy), policy)
    assert t is not None
    assert (t.from_state, t.to_state, t.rule) == (S.UNDER_REVIEW, S.SUSPENDED, "ip_repeat")
    assert t.evidence["count"] == 5
    assert t.evidence["violation_ids"] == ["v0", "v1", "v2", "v3", "v9"]


def test_a_critical_violation_zeroes_the_ahr_and_suspends(policy):
    critical = [violation("c1", D, "productSafetyCustomerComplaints", severity=r.Severity.CRITICAL)]
    facts = DayFacts(day=D, ahr=account_health_rating([], critical, D, policy))
    t = evaluate_day(healthy(D), facts, policy)
    assert t is not None
    assert (t.to_state, t.rule, t.evidence["score"]) == (S.SUSPENDED, "ahr_unhealthy", 0)
    assert t.evidence["violation_ids"] == ["c1"]


def test_a_high_share_of_negative_feedback_starts_a_risk_review(policy):
    # 90-day window; 1 negative of 10 ratings = 10% fires; 1 of 9 is too few ratings to judge.
    def left(n: int) -> list[r.Feedback]:
        return [r.Feedback("a", f"f{i}", plus(D, -i), 1 if i == 0 else 5) for i in range(n)]

    ten = DayFacts(day=D, feedback=negative_feedback_share(left(10), D, policy))
    nine = DayFacts(day=D, feedback=negative_feedback_share(left(9), D, policy))
    assert evaluate_day(healthy(D), nine, policy) is None
    t = evaluate_day(healthy(D), ten, policy)
    assert t is not None
    assert t.rule == "negative_feedback"
    assert (t.evidence["share"], t.evidence["order_ids"]) == (0.1, ["f0"])


# --- suspension and appeals ------------------------------------------------------------------

SUSPENDED_ON = date(2026, 4, 1)


def suspended() -> StateSnapshot:
    return StateSnapshot(S.SUSPENDED, K.NONE, SUSPENDED_ON)


def quiet_days(first: int, last: int, appeals=()) -> list[DayFacts]:
    events = appeal_events(appeals)
    return [
        DayFacts(day=d, appeal_events=events.get(d, ()))
        for d in days(plus(SUSPENDED_ON, first), plus(SUSPENDED_ON, last))
    ]


def test_no_plan_within_17_days_deactivates_on_day_18(policy):
    t = replay(quiet_days(1, 25), policy, suspended())
    assert [(x.day, x.to_state, x.rule) for x in t] == [
        (plus(SUSPENDED_ON, 18), S.DEACTIVATED, "plan_overdue")
    ]
    assert t[0].evidence["plan_due"] == "2026-04-18"


def test_a_plan_sent_on_day_17_is_in_time(policy):
    sent = Appeal("A1", "a", SUSPENDED_ON, submitted_on=plus(SUSPENDED_ON, 17))
    final, transitions = advance(quiet_days(1, 40, [sent]), policy, suspended())
    assert transitions == []
    assert (final.state, final.plan_submitted_on) == (S.SUSPENDED, plus(SUSPENDED_ON, 17))


def test_a_plan_sent_on_day_18_is_late(policy):
    late = Appeal("A1", "a", SUSPENDED_ON, submitted_on=plus(SUSPENDED_ON, 18))
    t = replay(quiet_days(1, 25, [late]), policy, suspended())
    assert [(x.day, x.rule) for x in t] == [(plus(SUSPENDED_ON, 18), "plan_overdue")]


def test_suspension_from_the_table_then_a_granted_appeal_restores_the_account(policy):
    # Five open IP complaints on day 0 suspend; the plan goes in on day 3, granted on day 5,
    # and the complaints are resolved with it.
    complaints = [
        violation(
            f"v{i}",
            plus(SUSPENDED_ON, -i),
            status=r.ViolationStatus.RESOLVED,
            status_date=plus(SUSPENDED_ON, 5),
        )
        for i in range(5)
    ]
    appeal = Appeal(
        "A1",
        "a",
        SUSPENDED_ON,
        submitted_on=plus(SUSPENDED_ON, 3),
        decided_on=plus(SUSPENDED_ON, 5),
        outcome=AppealOutcome.GRANTED,
    )
    events = appeal_events([appeal])
    facts = [
        DayFacts(
            day=d,
            compliance=policy_compliance(complaints, d, policy),
            appeal_events=events.get(d, ()),
        )
        for d in days(SUSPENDED_ON, plus(SUSPENDED_ON, 30))
    ]
    final, transitions = advance(facts, policy)
    assert [(t.day, t.from_state, t.to_state, t.rule) for t in transitions] == [
        (SUSPENDED_ON, S.HEALTHY, S.SUSPENDED, "ip_repeat"),
        (plus(SUSPENDED_ON, 5), S.SUSPENDED, S.HEALTHY, "appeal_granted"),
    ]
    assert transitions[1].evidence["appeal_ids"] == ["A1"]
    assert final.state is S.HEALTHY


def test_two_denied_appeals_deactivate(policy):
    first = Appeal(
        "A1",
        "a",
        SUSPENDED_ON,
        submitted_on=plus(SUSPENDED_ON, 2),
        decided_on=plus(SUSPENDED_ON, 6),
        outcome=AppealOutcome.DENIED,
    )
    second = Appeal(
        "A2",
        "a",
        plus(SUSPENDED_ON, 7),
        submitted_on=plus(SUSPENDED_ON, 8),
        decided_on=plus(SUSPENDED_ON, 12),
        outcome=AppealOutcome.DENIED,
    )
    final, transitions = advance(quiet_days(1, 40, [first, second]), policy, suspended())
    assert [(t.day, t.to_state, t.rule) for t in transitions] == [
        (plus(SUSPENDED_ON, 6), S.SUSPENDED, "appeal_denied"),  # stays suspended, 1 of 2
        (plus(SUSPENDED_ON, 12), S.DEACTIVATED, "appeals_exhausted"),
    ]
    assert transitions[0].evidence["unsuccessful_appeals"] == 1
    assert transitions[1].evidence == {
        "appeal_ids": ["A2"],
        "unsuccessful_appeals": 2,
        "max_unsuccessful_appeals": 2,
    }
    assert final.state is S.DEACTIVATED


def test_a_denial_keeps_the_suspension_date(policy):
    denied = Appeal(
        "A1",
        "a",
        SUSPENDED_ON,
        submitted_on=plus(SUSPENDED_ON, 2),
        decided_on=plus(SUSPENDED_ON, 6),
        outcome=AppealOutcome.DENIED,
    )
    final, _ = advance(quiet_days(1, 10, [denied]), policy, suspended())
    assert (final.since, final.unsuccessful_appeals) == (SUSPENDED_ON, 1)


def test_deactivated_is_final(policy):
    granted = Appeal("A1", "a", D, submitted_on=D, decided_on=D, outcome=AppealOutcome.GRANTED)
    gone = StateSnapshot(S.DEACTIVATED, K.NONE, plus(D, -10))
    facts = DayFacts(day=D, appeal_events=appeal_events([granted])[D])
    assert evaluate_day(gone, facts, policy) is None
    assert replay([facts], policy, gone) == []


# --- replay mechanics and the record-level builder -------------------------------------------


def test_days_must_increase(policy):
    with pytest.raises(ValueError, match="days must increase"):
        replay([DayFacts(day=D), DayFacts(day=D)], policy)
    assert replay([], policy) == []


def test_facts_for_day_from_records_fire_the_same_rule(policy):
    orders = mfn_orders(50, IN_WINDOW, "o")
    feedback = [r.Feedback("a", "o0", plus(IN_WINDOW, 5), 1)]
    facts = facts_for_day(D, policy, orders=orders, feedback=feedback)
    assert facts.odr[MFN].defective_order_ids == ("o0",)
    assert facts.first_order_date == IN_WINDOW and facts.early_orders == 50
    t = evaluate_day(healthy(IN_WINDOW), facts, policy)
    assert t is not None and t.rule == "odr_breach"
    assert str(t) == "2026-06-30 HEALTHY -> UNDER_REVIEW (risk): odr_breach [1.7, 4.6]"
