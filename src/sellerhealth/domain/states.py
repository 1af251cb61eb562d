"""Account states and the transitions between them (SPEC section 5, amazon-policy.md 4).

An account is HEALTHY, UNDER_REVIEW (kind `growth`: early sales volume passed the review
threshold, selling goes on but disbursements are held; kind `risk`: complaints or breaches,
selling and disbursements held), SUSPENDED (an appeal with a Plan of Action is open) or
DEACTIVATED (final). What each state allows comes from the policy file.

The transitions are the policy's table (`states.transitions`), evaluated once per day on the
facts of that day (`DayFacts`): rules in table order, the first whose `from` matches the
current state and whose trigger fires decides the day. Every transition carries the rule that
fired and its evidence: the figures and the order or violation ids, as JSON-ready values.

Pure: the day's facts and the policy are arguments. `facts_for_day` builds the facts from
records with the plain metric rules; a caller with the columnar engine can build them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sellerhealth.domain.policy import Policy


class AccountState(StrEnum):
    HEALTHY = "HEALTHY"
    UNDER_REVIEW = "UNDER_REVIEW"
    SUSPENDED = "SUSPENDED"
    DEACTIVATED = "DEACTIVATED"


class ReviewKind(StrEnum):
    GROWTH = "growth"
    RISK = "risk"
    NONE = "none"  # every state but UNDER_REVIEW


def state_label(state: AccountState, kind: ReviewKind = ReviewKind.NONE) -> str:
    """`UNDER_REVIEW (risk)`, `SUSPENDED`, ...: the state's code, for machines and rules."""
    return f"{state} ({kind})" if kind is not ReviewKind.NONE else str(state)


# The computed state in words for a person. It is our risk assessment from the seller's data,
# never a fact about the account: only Amazon says what the account's status is (and what it
# may do). The one vocabulary of the CLI, the JSON (`assessment`), the dashboard and the
# alerts; docs/states.md lists it.
ASSESSMENTS = {
    (AccountState.HEALTHY, ReviewKind.NONE): "no risk found",
    (AccountState.UNDER_REVIEW, ReviewKind.GROWTH): "at risk of a growth review",
    (AccountState.UNDER_REVIEW, ReviewKind.RISK): "at risk of review",
    (AccountState.SUSPENDED, ReviewKind.NONE): "at risk of suspension",
    (AccountState.DEACTIVATED, ReviewKind.NONE): "at risk of deactivation",
}


def assessment(state: AccountState | str, kind: ReviewKind | str = ReviewKind.NONE) -> str:
    """`at risk of review`, `no risk found`, ...: the state in the words a person reads."""
    return ASSESSMENTS[(AccountState(state), ReviewKind(kind))]


@dataclass(frozen=True, slots=True)
class Capabilities:
    can_sell: bool
    can_receive_disbursements: bool
    can_appeal: bool
    can_log_in: bool


CAPABILITY_NAMES = tuple(f.name for f in fields(Capabilities))


def capabilities(state: AccountState, kind: ReviewKind, policy: Policy) -> Capabilities:
    """What the account may do in `state` (of review `kind`), from `states.capabilities_*`."""
    rules = policy.states
    granted = {
        (AccountState.HEALTHY, ReviewKind.NONE): rules.capabilities_healthy,
        (AccountState.UNDER_REVIEW, ReviewKind.GROWTH): rules.capabilities_under_review_growth,
        (AccountState.UNDER_REVIEW, ReviewKind.RISK): rules.capabilities_under_review_risk,
        (AccountState.SUSPENDED, ReviewKind.NONE): rules.capabilities_suspended,
        (AccountState.DEACTIVATED, ReviewKind.NONE): rules.capabilities_deactivated,
    }.get((AccountState(state), ReviewKind(kind)))
    if granted is None:
        raise ValueError(f"no such state: {state_label(AccountState(state), ReviewKind(kind))}")
    return Capabilities(**{name: name in granted for name in CAPABILITY_NAMES})


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """The state on some day, since when, and what a suspension has seen of its appeals."""

    state: AccountState
    kind: ReviewKind
    since: date
    plan_submitted_on: date | None = None  # first Plan of Action sent in this suspension
    unsuccessful_appeals: int = 0  # denials in this suspension

    @property
    def label(self) -> str:
        return state_label(self.state, self.kind)


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of state on `day` (or a rule that kept a suspension, such as a denied appeal)."""

    day: date
    from_state: AccountState
    to_state: AccountState
    kind: ReviewKind  # of the state entered
    rule: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)
    from_kind: ReviewKind = ReviewKind.NONE
    trigger: str = ""
    source: str = ""  # the rule's amazon-policy.md sections

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for storage and the `timeline` output."""
        return {
            "day": self.day.isoformat(),
            "from_state": str(self.from_state),
            "from_kind": str(self.from_kind),
            "to_state": str(self.to_state),
            "kind": str(self.kind),
            "rule": self.rule,
            "trigger": self.trigger,
            "source": self.source,
            "evidence": self.evidence,
        }

    def __str__(self) -> str:
        return (
            f"{self.day} {state_label(self.from_state, self.from_kind)} -> "
            f"{state_label(self.to_state, self.kind)}: {self.rule} [{self.source}]"
        )


# --- Triggers: each returns the evidence when it fires on the day, else None -----------------


# --- Evaluation ------------------------------------------------------------------------------
