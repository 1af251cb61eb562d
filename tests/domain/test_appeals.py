"""Appeals (amazon-policy.md 4.4): the Plan of Action's three parts, the record's life
(draft, submitted, decided) and the deadlines from the policy file."""

from __future__ import annotations

from datetime import date

import pytest

from sellerhealth.domain.appeals import (
    Appeal,
    AppealError,
    AppealEvent,
    AppealOutcome,
    appeal_events,
    apply_appeal_update,
    deadlines,
    validate_plan,
)

OPENED = date(2026, 4, 2)
PLAN = {
    "root_cause": "Carrier pickups were missed on weekends",
    "actions_taken": "Moved to daily scheduled pickups with a second carrier",
    "prevention": "A daily check of unconfirmed shipments before 3 pm",
}


def draft(**parts: str) -> Appeal:
    return Appeal("A1", "acct", OPENED, **parts)


def test_a_complete_plan_has_no_problems(policy):
    assert validate_plan(draft(**PLAN), policy) == []


def test_every_missing_or_blank_part_is_named(policy):
    problems = validate_plan(draft(root_cause="Carrier pickups were missed", prevention="   "))
    assert [p.split(":")[0] for p in problems] == ["actions_taken", "prevention"]
    assert "missing" in problems[0]


def test_a_part_shorter_than_the_policy_minimum_is_refused(policy):
    # states.plan_min_words = 3: "Fixed it" (2 words) does not say what was done.
    problems = validate_plan(draft(**{**PLAN, "actions_taken": "Fixed it"}), policy)
    assert problems == [
        "actions_taken: 2 word(s); write at least 3 to state the actions taken: "
        "what was done to resolve it"
    ]


def test_submission_with_a_part_missing_is_refused():
    a = apply_appeal_update(draft(), root_cause=PLAN["root_cause"], actions_taken="")
    with pytest.raises(AppealError) as raised:
        apply_appeal_update(a, submitted_on=date(2026, 4, 5))
    assert [p.split(":")[:2] for p in raised.value.problems] == [
        ["cannot submit", " actions_taken"],
        ["cannot submit", " prevention"],
    ]
    assert "nothing was changed" in str(raised.value)


def test_a_draft_is_filled_in_submitted_and_decided(policy):
    a = apply_appeal_update(draft(), policy=policy, **PLAN, evidence=["pickup-log.pdf", " "])
    assert (a.status, a.evidence) == ("draft", ("pickup-log.pdf",))
    a = apply_appeal_update(a, policy=policy, submitted_on=date(2026, 4, 5))
    assert a.status == "submitted"
    a = apply_appeal_update(a, decided_on=date(2026, 4, 7), outcome="denied")
    assert (a.status, a.outcome) == ("denied", AppealOutcome.DENIED)


def test_a_submitted_plan_cannot_be_edited():
    sent = apply_appeal_update(draft(**PLAN), submitted_on=date(2026, 4, 5))
    with pytest.raises(AppealError, match="prevention: the plan was submitted on 2026-04-05"):
        apply_appeal_update(sent, prevention="Something else entirely now")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"decided_on": date(2026, 4, 7), "outcome": "granted"}, "has not been submitted"),
        ({"outcome": "granted"}, "give both or neither"),
        ({"outcome": "maybe", "decided_on": date(2026, 4, 7)}, "not one of granted, denied"),
        ({"submitted_on": date(2026, 4, 1)}, "before the appeal was opened"),
        ({"appeal_id": "A2"}, "appeal_id: cannot be changed"),
        ({"colour": "red"}, "colour: unknown field"),
    ],
)
def test_impossible_updates_are_refused(changes, problem):
    with pytest.raises(AppealError, match=problem):
        apply_appeal_update(draft(**PLAN), **changes)


def test_a_decision_is_final():
    sent = apply_appeal_update(draft(**PLAN), submitted_on=date(2026, 4, 5))
    granted = apply_appeal_update(sent, decided_on=date(2026, 4, 6), outcome="granted")
    with pytest.raises(AppealError, match="the appeal was granted on 2026-04-06"):
        apply_appeal_update(granted, outcome="denied")


def test_a_decision_before_the_submission_is_refused():
    sent = apply_appeal_update(draft(**PLAN), submitted_on=date(2026, 4, 5))
    with pytest.raises(AppealError, match="before the submission"):
        apply_appeal_update(sent, decided_on=date(2026, 4, 4), outcome="granted")


def test_deadlines_before_a_plan_is_sent(policy):
    # Suspended 2026-04-01: plan due 17 days later, 2026-04-18; deactivated on the 19th.
    d = deadlines(None, date(2026, 4, 1), policy, as_of=date(2026, 4, 10))
    assert d["plan_due"] == date(2026, 4, 18)
    assert d["deactivation_on"] == date(2026, 4, 19)
    assert (d["days_left"], d["overdue"]) == (8, False)
    assert (d["unsuccessful_appeals"], d["appeals_remaining"]) == (0, 2)
    assert d["sources"] == {"plan_due": "4.4", "appeals_remaining": "4.4"}


def test_deadlines_on_the_last_day_and_after(policy):
    assert deadlines(None, date(2026, 4, 1), policy, as_of=date(2026, 4, 18))["days_left"] == 0
    late = deadlines(None, date(2026, 4, 1), policy, as_of=date(2026, 4, 20))
    assert (late["days_left"], late["overdue"]) == (-2, True)


def test_deadlines_after_a_denied_appeal_and_a_second_plan(policy):
    first = Appeal(
        "A1",
        "acct",
        OPENED,
        **PLAN,
        submitted_on=date(2026, 4, 5),
        decided_on=date(2026, 4, 7),
        outcome=AppealOutcome.DENIED,
    )
    second = Appeal("A2", "acct", date(2026, 4, 8), **PLAN, submitted_on=date(2026, 4, 9))
    d = deadlines(second, date(2026, 4, 1), policy, as_of=date(2026, 4, 25), earlier=[first])
    assert d["plan_submitted_on"] == date(2026, 4, 5)
    assert (d["plan_on_time"], d["days_left"], d["deactivation_on"]) == (True, None, None)
    assert (d["unsuccessful_appeals"], d["appeals_remaining"]) == (1, 1)


def test_appeal_events_by_day():
    a = Appeal(
        "A1",
        "acct",
        OPENED,
        **PLAN,
        submitted_on=date(2026, 4, 5),
        decided_on=date(2026, 4, 7),
        outcome=AppealOutcome.GRANTED,
    )
    assert appeal_events([a, draft()]) == {
        date(2026, 4, 5): (AppealEvent(date(2026, 4, 5), "A1", "submitted"),),
        date(2026, 4, 7): (AppealEvent(date(2026, 4, 7), "A1", "decided", AppealOutcome.GRANTED),),
    }
