"""Running the state rules: one day (`step`), a run of days (`advance`, `replay`), and how long a
state may still change after the facts stop (`settle_days`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sellerhealth.domain.appeals import AppealOutcome
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.state_facts import DayFacts
from sellerhealth.domain.state_triggers import INACTION_TRIGGERS, TRIGGERS, rule_applies
from sellerhealth.domain.states import AccountState, ReviewKind, StateSnapshot, Transition


def _note_appeals(current: StateSnapshot, facts: DayFacts, decisions: bool = True) -> StateSnapshot:
    """A suspension remembers its first plan sent and its denials."""
    if current.state is not AccountState.SUSPENDED:
        return current
    submitted = current.plan_submitted_on
    denied = current.unsuccessful_appeals
    for event in facts.appeal_events:
        if event.action == "submitted" and submitted is None:
            submitted = event.day
        elif decisions and event.action == "decided" and event.outcome == AppealOutcome.DENIED:
            denied += 1
    return StateSnapshot(current.state, current.kind, current.since, submitted, denied)


def step(
    current: StateSnapshot, facts: DayFacts, policy: Policy
) -> tuple[StateSnapshot, Transition | None]:
    """The state at the end of `facts.day` and the transition that day, if a rule fired."""
    if current.state is AccountState.DEACTIVATED:
        return current, None
    current = _note_appeals(current, facts)
    for rule in policy.states.transitions:
        if not rule_applies(rule, current):
            continue
        if facts.projected and rule.trigger in INACTION_TRIGGERS:
            continue
        evidence = TRIGGERS[rule.trigger](current, facts, rule, policy)
        if evidence is None:
            continue
        transition = Transition(
            day=facts.day,
            from_state=current.state,
            to_state=AccountState(rule.to),
            kind=ReviewKind(rule.kind),
            rule=rule.name,
            evidence=evidence,
            from_kind=current.kind,
            trigger=rule.trigger,
            source=rule.source,
        )
        if (transition.to_state, transition.kind) == (current.state, current.kind):
            return current, transition
        entered = StateSnapshot(transition.to_state, transition.kind, facts.day)
        return _note_appeals(entered, facts, decisions=False), transition
    return current, None


def evaluate_day(current: StateSnapshot, facts: DayFacts, policy: Policy) -> Transition | None:
    """The transition on `facts.day` from `current`, or None. DEACTIVATED is final."""
    return step(current, facts, policy)[1]


def advance(
    facts_by_day: Iterable[DayFacts], policy: Policy, start: StateSnapshot | None = None
) -> tuple[StateSnapshot, list[Transition]]:
    """Run the days in order from `start` (HEALTHY since the first day by default): the state
    after the last day and every transition on the way. Days may have gaps, not go back."""
    current = start
    transitions: list[Transition] = []
    last_day: date | None = None
    for facts in facts_by_day:
        if last_day is not None and facts.day <= last_day:
            raise ValueError(f"days must increase: {facts.day} after {last_day}")
        last_day = facts.day
        if current is None:
            current = StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, facts.day)
        current, transition = step(current, facts, policy)
        if transition is not None:
            transitions.append(transition)
    if current is None:
        raise ValueError("no days to replay and no start state")
    return current, transitions


def replay(
    facts_by_day: Iterable[DayFacts], policy: Policy, start: StateSnapshot | None = None
) -> list[Transition]:
    """Every transition over the days, in order (see `advance` for the final state)."""
    days = list(facts_by_day)
    return advance(days, policy, start)[1] if days or start else []


def settle_days(policy: Policy) -> int:
    """How many days after an account's facts stop changing its state may still change: each
    timed rule (a review running out, a Plan of Action overdue) fires within its own length,
    and they can follow one another; twice their sum is a safe bound (a choice, recorded in
    the policy file's [decisions])."""
    rules = policy.states
    return 2 * (rules.review_max_days + rules.plan_of_action_days + rules.growth_window_days)
