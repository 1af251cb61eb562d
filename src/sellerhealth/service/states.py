"""Account states for one account: where it stands, every change and why, for a person.

The states themselves are replayed by `service.replay` (from the kept replay of
`service.kept_replay` when it is current).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sellerhealth.domain.amazon_report import amazon_statuses
from sellerhealth.domain.appeals import Appeal, deadlines
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.states import (
    AccountState,
    Capabilities,
    ReviewKind,
    StateSnapshot,
    Transition,
    assessment,
    capabilities,
    state_label,
)
from sellerhealth.service.replay import replay_states
from sellerhealth.store.store import Store

# Our state in the vocabulary of Amazon's `accountStatuses` (NORMAL, AT_RISK, DEACTIVATED).
AMAZON_EQUIVALENT = {
    AccountState.HEALTHY: "NORMAL",
    AccountState.UNDER_REVIEW: "AT_RISK",
    AccountState.SUSPENDED: "AT_RISK",
    AccountState.DEACTIVATED: "DEACTIVATED",
}


# --- Status and timeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusView:
    """Where the account stands on `as_of`, why, and what Amazon's own report said."""

    account: str
    as_of: date
    state: AccountState
    kind: ReviewKind
    since: date
    capabilities: Capabilities
    last_transition: Transition | None
    deadlines: dict[str, Any] | None  # when SUSPENDED
    amazon_statuses: dict[str, str]  # marketplace -> Amazon's status, from the latest snapshot
    amazon_snapshot_date: date | None
    amazon_equivalent: str  # our state in Amazon's vocabulary
    differs: bool
    policy: str
    appeals: list[Appeal] = field(default_factory=list)
    history: list[Transition] = field(default_factory=list)  # every transition, oldest first

    @property
    def label(self) -> str:
        return state_label(self.state, self.kind)

    def to_dict(self) -> dict[str, Any]:
        last = self.last_transition
        return {
            "account": self.account,
            "asOf": self.as_of.isoformat(),
            "state": str(self.state),
            "kind": str(self.kind),
            "label": self.label,
            "assessment": assessment(self.state, self.kind),
            "since": self.since.isoformat(),
            "capabilities": dataclasses.asdict(self.capabilities),
            "lastTransition": (
                {**last.to_dict(), "reason": describe(last)} if last is not None else None
            ),
            "deadlines": json_ready(self.deadlines),
            "amazon": {
                "snapshotDate": json_ready(self.amazon_snapshot_date),
                "statuses": self.amazon_statuses,
                "computedAsAmazonStatus": self.amazon_equivalent,
                "differs": self.differs,
                "mapping": {str(k): v for k, v in AMAZON_EQUIVALENT.items()},
            },
            "appeals": [appeal_dict(a) for a in self.appeals],
            "policy": self.policy,
        }


def account_status(store: Store, account: str, as_of: date, *, save: bool = True) -> StatusView:
    """Replay the account's states up to `as_of`, store the history (unless `save` is False),
    and show the state."""
    replay = replay_states(store, account, as_of)
    if save:
        store.replace_transitions(account, replay.transitions)
    final, policy = replay.final, replay.policy
    snapshots = [s for s in store.snapshots(account) if s.report_date <= as_of]
    snapshot = snapshots[-1] if snapshots else None
    theirs = amazon_statuses(snapshot.document) if snapshot is not None else {}
    equivalent = AMAZON_EQUIVALENT[final.state]
    appeals = [a for a in store.appeals(account) if a.opened_on <= as_of]
    return StatusView(
        account=account,
        as_of=as_of,
        state=final.state,
        kind=final.kind,
        since=final.since,
        capabilities=capabilities(final.state, final.kind, policy),
        last_transition=replay.transitions[-1] if replay.transitions else None,
        deadlines=suspension_deadlines(final, appeals, policy, as_of),
        amazon_statuses=theirs,
        amazon_snapshot_date=snapshot.report_date if snapshot is not None else None,
        amazon_equivalent=equivalent,
        differs=any(s not in (equivalent, str(final.state)) for s in theirs.values()),
        policy=f"{policy.meta.name} {policy.meta.version}",
        appeals=appeals,
        history=replay.transitions,
    )


def suspension_deadlines(
    state: StateSnapshot, appeals: Sequence[Appeal], policy: Policy, as_of: date
) -> dict[str, Any] | None:
    """The plan due date, days left and appeals remaining of the current suspension (None
    when not suspended). The appeals of this suspension are those opened since it began."""
    if state.state is not AccountState.SUSPENDED:
        return None
    mine = [a for a in appeals if state.since <= a.opened_on <= as_of]
    current = mine[-1] if mine else None
    return deadlines(current, state.since, policy, as_of, earlier=mine[:-1])


def timeline(store: Store, account: str, as_of: date) -> list[Transition]:
    """Every state change up to `as_of` (replayed and stored), oldest first."""
    replay = replay_states(store, account, as_of)
    store.replace_transitions(account, replay.transitions)
    return replay.transitions


def transition_row(transition: Transition) -> dict[str, Any]:
    """One transition for a table or a JSON list: its fields and a sentence for a person."""
    return {**transition.to_dict(), "reason": describe(transition)}


def appeal_dict(appeal: Appeal) -> dict[str, Any]:
    return {
        "appeal_id": appeal.appeal_id,
        "account": appeal.account,
        "status": appeal.status,
        "opened_on": appeal.opened_on.isoformat(),
        "root_cause": appeal.root_cause,
        "actions_taken": appeal.actions_taken,
        "prevention": appeal.prevention,
        "evidence": list(appeal.evidence),
        "submitted_on": json_ready(appeal.submitted_on),
        "decided_on": json_ready(appeal.decided_on),
        "outcome": json_ready(appeal.outcome),
    }


def json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, bool | int | float | str):
        return str(value)
    return value


# --- Reasons, for a person -------------------------------------------------------------------

MAX_IDS = 6


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_IDS])
    return shown + (f" (+{len(ids) - MAX_IDS} more)" if len(ids) > MAX_IDS else "")


def _breach(b: dict[str, Any]) -> str:
    if b.get("metric") == "odr":
        text = (
            f"ODR {b['channel']} {_pct(b['rate'])} ({b['defective_orders']} of "
            f"{b['order_count']} orders) not below {_pct(b['target'])}"
        )
        return text + (f"; orders {_ids(b['order_ids'])}" if b.get("order_ids") else "")
    scope = f" {b['scope']}" if b.get("scope") else ""
    return (
        f"{b['metric']}{scope} {_pct(b['rate'])} ({b['numerator']} of {b['denominator']}) "
        f"against target {_pct(b['target'])}"
    )


def describe(transition: Transition) -> str:
    """Why the rule fired, in one line, from the transition's evidence."""
    e, trigger = transition.evidence, transition.trigger
    if trigger == "metric_breach":
        return "; ".join(_breach(b) for b in e.get("breaches", []))
    if trigger == "violations":
        categories = ", ".join(f"{c} {n}" for c, n in e.get("categories", {}).items())
        return (
            f"{e['count']} open violation(s) (limit {e['at_least']}): {categories}; "
            f"ids {_ids(e.get('violation_ids', []))}"
        )
    if trigger == "ahr_band":
        critical = ", a critical violation" if e.get("critical") else ""
        return (
            f"Account Health Rating {e['score']} ({e['band']}{critical}); violations "
            f"{_ids(e.get('violation_ids', [])) or 'none'}"
        )
    if trigger == "negative_feedback_share":
        return (
            f"negative feedback {_pct(e['share'])} ({e['negative']} of {e['total']} ratings "
            f"in {e['window'][0]} .. {e['window'][1]}) reaches {_pct(e['threshold'])}; "
            f"orders {_ids(e.get('order_ids', []))}"
        )
    if trigger == "growth":
        return (
            f"{e['orders']} orders from the first order on {e['first_order_date']}: a review "
            f"starts at {e['threshold']} within {e['window'][0]} .. {e['window'][1]}"
        )
    if trigger == "review_elapsed":
        return f"review open since {e['since']}: {e['days']} days (at most {e['max_days']})"
    if trigger == "all_clear":
        odr = ", ".join(f"{ch} {_pct(v)}" for ch, v in e.get("figures", {}).get("odr", {}).items())
        return f"no review condition holds any more (ODR {odr})"
    if trigger in ("appeal_granted", "appeal_denied"):
        verb = "granted" if trigger == "appeal_granted" else "denied"
        return f"appeal {', '.join(e.get('appeal_ids', []))} {verb} on {e.get('decided_on')}"
    if trigger == "appeals_exhausted":
        return (
            f"{e['unsuccessful_appeals']} unsuccessful appeals (limit "
            f"{e['max_unsuccessful_appeals']})"
        )
    if trigger == "plan_overdue":
        return (
            f"no Plan of Action by {e['plan_due']} (suspended {e['suspended_on']} + "
            f"{e['plan_of_action_days']} days)"
        )
    return transition.rule
