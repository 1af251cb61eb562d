"""Account states (SPEC section 5), a suspension and its appeals: the Plan of Action deadline,
granted and denied appeals, and deactivation as the final state.
Each test is a hand-computed case of one rule of the transition table, evaluated day by day
(builders: tests/domain/state_builders.py)."""

from __future__ import annotations

from datetime import date

from tests.domain.state_builders import D, K, S, days, plus, violation

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal, AppealOutcome, appeal_events
from sellerhealth.domain.compliance import policy_compliance
from sellerhealth.domain.state_facts import DayFacts
from sellerhealth.domain.state_machine import advance, evaluate_day, replay
from sellerhealth.domain.states import StateSnapshot

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
