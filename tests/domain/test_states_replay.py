"""Account states (SPEC section 5), replay mechanics and the record-level builder of the day's
facts. Each test is a hand-computed case of one rule of the transition table, evaluated day by day
(builders: tests/domain/state_builders.py)."""

from __future__ import annotations

import pytest
from tests.domain.state_builders import IN_WINDOW, MFN, D, healthy, mfn_orders, plus

from sellerhealth.domain import records as r
from sellerhealth.domain.state_facts import DayFacts, facts_for_day
from sellerhealth.domain.state_machine import evaluate_day, replay


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
