"""Account states (SPEC section 5), reviews from the metrics: an ODR breach starts a risk review
that ends when the breach clears (or in suspension after 30 days), and the growth review.
Each test is a hand-computed case of one rule of the transition table, evaluated day by day
(builders: tests/domain/state_builders.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.domain.state_builders import (
    IN_WINDOW,
    D,
    K,
    S,
    days,
    healthy,
    mfn_orders,
    odr_facts,
    plus,
)

from sellerhealth.domain import records as r
from sellerhealth.domain.state_facts import DayFacts, early_orders
from sellerhealth.domain.state_machine import advance, evaluate_day
from sellerhealth.domain.states import StateSnapshot, capabilities

# --- metric breaches and recovery ------------------------------------------------------------


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
