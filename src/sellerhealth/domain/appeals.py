"""Appeals of a suspension: the Plan of Action record, its checks and its deadlines.

amazon-policy.md 4.4: a Plan of Action answers three questions (the root cause, the actions
taken, the steps that prevent a repeat), with evidence attached. Amazon may refuse to
reinstate an account that sends no acceptable plan within 17 days of the suspension, or after
two unsuccessful appeals; both figures come from the policy file (`states.*`).

Pure: the dates are arguments, nothing here reads a clock or a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sellerhealth.domain.policy import Policy
from sellerhealth.errors import SellerhealthError


class AppealOutcome(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"


# The three parts of a Plan of Action, in the order Amazon asks for them, and what each answers.
PLAN_PARTS = {
    "root_cause": "root cause: what caused the problem",
    "actions_taken": "actions taken: what was done to resolve it",
    "prevention": "prevention: the steps that stop it happening again",
}


class AppealError(SellerhealthError):
    """An appeal change that cannot be made; every problem is listed."""

    def __init__(self, appeal_id: str, problems: list[str]) -> None:
        self.appeal_id = appeal_id
        self.problems = problems
        listed = "\n".join(f"appeal {appeal_id}: {p}" for p in problems)
        super().__init__(f"{listed}\nnothing was changed")


@dataclass(frozen=True, slots=True)
class Appeal:
    """One appeal of one suspension: the Plan of Action, its evidence and its decision."""

    appeal_id: str
    account: str
    opened_on: date
    root_cause: str = ""
    actions_taken: str = ""
    prevention: str = ""
    evidence: tuple[str, ...] = ()  # file names or links of the documents attached
    submitted_on: date | None = None
    decided_on: date | None = None
    outcome: AppealOutcome | None = None

    @property
    def status(self) -> str:
        """draft, submitted, granted or denied."""
        if self.outcome is not None:
            return str(self.outcome)
        return "submitted" if self.submitted_on is not None else "draft"


@dataclass(frozen=True, slots=True)
class AppealEvent:
    """What happened to an appeal on one day: it was submitted, or decided with an outcome."""

    day: date
    appeal_id: str
    action: str  # "submitted" or "decided"
    outcome: AppealOutcome | None = None


def appeal_events(appeals: Iterable[Appeal]) -> dict[date, tuple[AppealEvent, ...]]:
    """The submissions and decisions of `appeals`, by day (for `states.DayFacts.appeal_events`)."""
    by_day: dict[date, list[AppealEvent]] = {}
    for a in sorted(appeals, key=lambda a: (a.opened_on, a.appeal_id)):
        if a.submitted_on is not None:
            by_day.setdefault(a.submitted_on, []).append(
                AppealEvent(a.submitted_on, a.appeal_id, "submitted")
            )
        if a.decided_on is not None and a.outcome is not None:
            by_day.setdefault(a.decided_on, []).append(
                AppealEvent(a.decided_on, a.appeal_id, "decided", a.outcome)
            )
    return {day: tuple(events) for day, events in sorted(by_day.items())}


def validate_plan(appeal: Appeal, policy: Policy | None = None) -> list[str]:
    """Every problem of the Plan of Action, one line each; empty when it can be sent.

    A part is missing when it is empty or blank; with a policy, a part shorter than
    `states.plan_min_words` words is refused as well.
    """
    min_words = policy.states.plan_min_words if policy is not None else 1
    problems = []
    for part, meaning in PLAN_PARTS.items():
        text = (getattr(appeal, part) or "").strip()
        if not text:
            problems.append(f"{part}: missing; the Plan of Action must state the {meaning}")
        elif len(text.split()) < min_words:
            problems.append(
                f"{part}: {len(text.split())} word(s); write at least {min_words} "
                f"to state the {meaning}"
            )
    return problems


_FIXED = ("appeal_id", "account")
_PLAN = (*PLAN_PARTS, "evidence")


def apply_appeal_update(
    appeal: Appeal, /, *, policy: Policy | None = None, **changes: Any
) -> Appeal:
    """`appeal` with `changes` applied, or AppealError listing every reason it cannot be.

    - the plan (its three parts and the evidence) can change until the appeal is submitted;
    - `submitted_on` needs a complete plan (`validate_plan`) and is not before `opened_on`;
    - `outcome` (granted/denied) and `decided_on` come together, on a submitted appeal, on or
      after the submission; a decision is final.
    """
    problems: list[str] = []
    known = {f.name for f in dataclasses.fields(Appeal)}
    problems += [f"{name}: unknown field" for name in changes if name not in known]
    problems += [f"{name}: cannot be changed" for name in changes if name in _FIXED]
    if problems:
        raise AppealError(appeal.appeal_id, problems)
    changes = {name: _clean(name, value) for name, value in changes.items()}
    if "outcome" in changes and changes["outcome"] is not None:
        try:
            changes["outcome"] = AppealOutcome(changes["outcome"])
        except ValueError:
            problems.append(f"outcome: {changes['outcome']!r} is not one of granted, denied")
    if appeal.submitted_on is not None:
        problems += [
            f"{name}: the plan was submitted on {appeal.submitted_on}; open a new appeal"
            for name in _PLAN
            if name in changes and changes[name] != getattr(appeal, name)
        ]
    if appeal.outcome is not None and any(
        changes.get(n, getattr(appeal, n)) != getattr(appeal, n)
        for n in ("outcome", "decided_on", "submitted_on")
    ):
        problems.append(f"outcome: the appeal was {appeal.outcome} on {appeal.decided_on}")
    if problems:
        raise AppealError(appeal.appeal_id, problems)
    updated = dataclasses.replace(appeal, **changes)
    problems += _check(updated, policy)
    if problems:
        raise AppealError(appeal.appeal_id, problems)
    return updated


def _clean(name: str, value: Any) -> Any:
    if name in PLAN_PARTS:
        return (value or "").strip()
    if name == "evidence":
        return tuple(str(v).strip() for v in (value or ()) if str(v).strip())
    return value


def _check(appeal: Appeal, policy: Policy | None) -> list[str]:
    problems = []
    if appeal.submitted_on is not None:
        problems += [f"cannot submit: {p}" for p in validate_plan(appeal, policy)]
        if appeal.submitted_on < appeal.opened_on:
            problems.append(
                f"submitted_on: {appeal.submitted_on} is before the appeal was opened "
                f"({appeal.opened_on})"
            )
    if (appeal.outcome is None) != (appeal.decided_on is None):
        problems.append("outcome and decided_on: give both or neither")
    if appeal.decided_on is not None:
        if appeal.submitted_on is None:
            problems.append("decided_on: the appeal has not been submitted")
        elif appeal.decided_on < appeal.submitted_on:
            problems.append(
                f"decided_on: {appeal.decided_on} is before the submission ({appeal.submitted_on})"
            )
    return problems


def plan_due(suspended_on: date, policy: Policy) -> date:
    """The last day on which a Plan of Action is on time: the suspension day + 17 days."""
    return suspended_on + timedelta(days=policy.states.plan_of_action_days)


def deadlines(
    appeal: Appeal | None,
    suspended_on: date,
    policy: Policy,
    as_of: date | None = None,
    earlier: Iterable[Appeal] = (),
) -> dict[str, Any]:
    """The dates and counts a suspended seller has to watch, as of `as_of`.

    `appeal` is the current appeal (None before one is opened); `earlier` are the other appeals
    of the same suspension, whose denials count towards the limit. Keys:
    plan_due (last day to send the plan), deactivation_on (the day after, unless a plan was sent
    on time),
    plan_submitted_on, plan_on_time, days_left (to plan_due as of `as_of`, negative when late,
    None once submitted or without `as_of`), overdue, unsuccessful_appeals,
    max_unsuccessful_appeals, appeals_remaining, sources (amazon-policy.md sections).
    """
    due = plan_due(suspended_on, policy)
    all_appeals = [*earlier, *([appeal] if appeal is not None else [])]
    submitted = sorted(a.submitted_on for a in all_appeals if a.submitted_on is not None)
    first_submitted = submitted[0] if submitted else None
    denied = sum(1 for a in all_appeals if a.outcome == AppealOutcome.DENIED)
    limit = policy.states.max_unsuccessful_appeals
    on_time = first_submitted is not None and first_submitted <= due
    days_left = (due - as_of).days if as_of is not None and first_submitted is None else None
    return {
        "suspended_on": suspended_on,
        "plan_of_action_days": policy.states.plan_of_action_days,
        "plan_due": due,
        "deactivation_on": None if on_time else due + timedelta(days=1),
        "plan_submitted_on": first_submitted,
        "plan_on_time": None if first_submitted is None else on_time,
        "days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "unsuccessful_appeals": denied,
        "max_unsuccessful_appeals": limit,
        "appeals_remaining": max(0, limit - denied),
        "sources": {
            "plan_due": policy.sources.get("states.plan_of_action_days", ""),
            "appeals_remaining": policy.sources.get("states.max_unsuccessful_appeals", ""),
        },
    }
