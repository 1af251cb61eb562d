"""Account states for one account: replay its history, store it, show where it stands.

The day's figures come from the engine (`health_series`: every metric for every day of the
range in one pass); the plain rules run only on the days a rule fires, to put the order and
violation ids in the evidence. The state machine itself is `domain.states`: the policy's
transition table, evaluated day by day from the account's first order day.

The negative-feedback share (`negative_feedback` rule) is judged only when the account's
feedback includes positive ratings (4-5 stars): Amazon's feedback report lists 1-3 star
feedback only, so from it alone every rating in the window looks negative and the share is
unknown, not 70%.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.amazon_report import amazon_statuses
from sellerhealth.domain.appeals import Appeal, appeal_events, deadlines
from sellerhealth.domain.compliance import account_health_rating, policy_compliance
from sellerhealth.domain.metrics import OdrMetric, RateMetric, Status
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.domain.states import (
    AccountState,
    Capabilities,
    DayFacts,
    FeedbackShare,
    ReviewKind,
    StateSnapshot,
    Transition,
    assessment,
    capabilities,
    negative_feedback_share,
    state_label,
    step,
)
from sellerhealth.domain.windows import Window
from sellerhealth.errors import InputError
from sellerhealth.service.metrics import health_by_day, policy_for
from sellerhealth.store.store import Store

# Ratings from this many stars up are positive feedback (Amazon: 4-5 stars).
POSITIVE_MIN_RATING = 4

# Our state in the vocabulary of Amazon's `accountStatuses` (NORMAL, AT_RISK, DEACTIVATED).
AMAZON_EQUIVALENT = {
    AccountState.HEALTHY: "NORMAL",
    AccountState.UNDER_REVIEW: "AT_RISK",
    AccountState.SUSPENDED: "AT_RISK",
    AccountState.DEACTIVATED: "DEACTIVATED",
}
# Triggers whose evidence names orders or violations: re-run with the plain rules' ids.
_EVIDENCE_IDS = frozenset({"metric_breach", "violations", "ahr_band", "negative_feedback_share"})


# --- Replay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """The account's states from its first order day to `last`."""

    account: str
    policy: Policy
    first: date
    last: date
    final: StateSnapshot
    transitions: list[Transition]
    states: dict[date, StateSnapshot] = field(default_factory=dict)  # the days asked for


@dataclass(frozen=True)
class _Records:
    orders: list[r.Order]
    feedback: list[r.Feedback]
    claims: list[r.Claim]
    chargebacks: list[r.Chargeback]
    violations: list[r.Violation]

    @classmethod
    def load(cls, store: Store, account: str) -> _Records:
        return cls(
            store.records(r.Order, account),
            store.records(r.Feedback, account),
            store.records(r.Claim, account),
            store.records(r.Chargeback, account),
            store.records(r.Violation, account),
        )


def first_order_day_or_none(store: Store, account: str, as_of: date) -> date | None:
    """The account's first order day on or before `as_of`, or None when it had sold nothing."""
    found = store.backend.query(
        "SELECT MIN(purchase_date) FROM orders WHERE account = ? AND purchase_date <= ?",
        (account, as_of.isoformat()),
    )[0][0]
    return None if found is None else date.fromisoformat(found)


def first_order_day(store: Store, account: str, as_of: date) -> date:
    """The account's first order day, or InputError when it has no order by `as_of`."""
    found = first_order_day_or_none(store, account, as_of)
    if found is None:
        raise InputError(
            f"account {account!r} has no order on or before {as_of}: import its orders first "
            f"(sellerhealth import FILE --account {account}) or pass a later --as-of"
        )
    return found


def replay_states(
    store: Store,
    account: str,
    last: date,
    *,
    appeals: Sequence[Appeal] | None = None,
    keep: Iterable[date] = (),
) -> Replay:
    """Replay the account's states day by day from its first order day to `last`.

    `appeals` default to the stored ones; `keep` names the days whose state to return in
    `Replay.states`. Nothing is stored (see `account_status` and `timeline`).
    """
    settings, policy = policy_for(store, account, None)
    first = first_order_day(store, account, last)
    _, by_day = health_by_day(store, account, first, last, policy)
    records = _Records.load(store, account)
    if appeals is None:
        appeals = store.appeals(account)
    events = appeal_events(a for a in appeals if a.opened_on <= last)
    shares = _feedback_shares(records.feedback, first, last, policy)
    early = _early_orders(records.orders, first, policy)
    markets: dict[date, list[MarketplaceHealth]] = {}
    for (_, day), health in sorted(by_day.items()):
        markets.setdefault(day, []).append(health)
    wanted = set(keep)
    data_end = max((o.purchase_date for o in records.orders), default=first)
    current = StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, first)
    transitions: list[Transition] = []
    states: dict[date, StateSnapshot] = {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        facts = _facts(day, markets.get(day, []), shares, early, first, events.get(day, ()))
        if day > data_end:  # past the data: a projection (see domain.states.INACTION_TRIGGERS)
            facts = dataclasses.replace(facts, projected=True)
        before = current
        current, transition = step(current, facts, policy)
        if transition is not None and transition.trigger in _EVIDENCE_IDS:
            facts = _with_ids(facts, markets.get(day, []), records, settings, policy)
            current, transition = step(before, facts, policy)
        if transition is not None:
            transitions.append(transition)
        if day in wanted:
            states[day] = current
    return Replay(account, policy, first, last, current, transitions, states)


def _worst(metrics: Iterable[Any]) -> Any:
    """Of one metric in several marketplaces, the one that fires first: BAD, then the highest
    rate (LESS_THAN metrics), then the most items."""
    found = [m for m in metrics if m is not None]
    if not found:
        return None
    return max(found, key=lambda m: (m.status is Status.BAD, m.rate or 0.0, _items(m)))


def _items(metric: OdrMetric | RateMetric) -> int:
    return metric.order_count if isinstance(metric, OdrMetric) else metric.denominator


def _facts(
    day: date,
    healths: list[MarketplaceHealth],
    shares: Mapping[date, FeedbackShare],
    early: Any,
    first: date,
    events: tuple[Any, ...],
) -> DayFacts:
    """The day's facts from the engine's figures; several marketplaces give their worst."""
    if not healths:
        return DayFacts(day=day, first_order_date=first, early_orders=early(day))
    odr = {ch: _worst(h.odr.get(ch) for h in healths) for ch in r.Channel}
    windows = max(len(h.late_shipment) for h in healths)
    late = tuple(
        _worst(h.late_shipment[i] for h in healths if i < len(h.late_shipment))
        for i in range(windows)
    )
    ahrs = [h.ahr for h in healths if h.ahr is not None]
    return DayFacts(
        day=day,
        odr={ch: m for ch, m in odr.items() if m is not None},
        late_shipment=late,
        cancellation=_worst(h.cancellation for h in healths),
        ahr=min(ahrs, key=lambda a: a.score) if ahrs else None,
        compliance=healths[0].compliance,  # account-wide: the same in every marketplace
        feedback=shares.get(day),
        first_order_date=first,
        early_orders=early(day),
        appeal_events=events,
    )


def _with_ids(
    facts: DayFacts,
    healths: list[MarketplaceHealth],
    records: _Records,
    settings: r.AccountSettings,
    policy: Policy,
) -> DayFacts:
    """The facts with the ids the evidence names: the defective orders (from the plain ODR
    rule, in the marketplace whose figure was taken), the open violations and the orders with
    negative feedback."""
    day = facts.day
    odr = dict(facts.odr)
    for channel, metric in facts.odr.items():
        market = next((h.marketplace_id for h in healths if h.odr.get(channel) is metric), None)
        mine = [o for o in records.orders if o.marketplace_id == market]
        plain = compute_odr(
            mine,
            records.feedback,
            records.claims,
            records.chargebacks,
            day,
            policy,
            settings.is_business,
        )
        odr[channel] = dataclasses.replace(
            metric, defective_order_ids=plain[channel].defective_order_ids
        )
    ahr = facts.ahr
    if ahr is not None:
        counted = account_health_rating((), records.violations, day, policy).violations_counted
        ahr = dataclasses.replace(ahr, violations_counted=counted)
    share = facts.feedback
    if share is not None:
        share = negative_feedback_share(records.feedback, day, policy)
    return dataclasses.replace(
        facts,
        odr=odr,
        ahr=ahr,
        compliance=policy_compliance(records.violations, day, policy),
        feedback=share,
    )


def _feedback_shares(
    feedback: Sequence[r.Feedback], first: date, last: date, policy: Policy
) -> dict[date, FeedbackShare]:
    """Negative and total feedback in the window of each day, as counts (difference arrays:
    a feedback is in the window from its date for window_days, until it is removed or struck
    through). Empty when the feedback has no positive rating (see the module docstring)."""
    if not any(f.rating >= POSITIVE_MIN_RATING for f in feedback):
        return {}
    length = policy.states.negative_feedback_window_days
    span = (last - first).days + 1
    total, negative = [0] * (span + 1), [0] * (span + 1)
    for f in feedback:
        gone = min(
            (d for d in (f.removed_date, f.struck_through_date) if d is not None), default=None
        )
        end = f.feedback_date + timedelta(days=length - 1)
        if gone is not None:
            end = min(end, gone - timedelta(days=1))
        a, b = max((f.feedback_date - first).days, 0), min((end - first).days, span - 1)
        if a > b:
            continue
        total[a] += 1
        total[b + 1] -= 1
        if f.rating <= policy.feedback.negative_max_rating:
            negative[a] += 1
            negative[b + 1] -= 1
    shares, n, bad = {}, 0, 0
    for offset in range(span):
        n, bad = n + total[offset], bad + negative[offset]
        day = first + timedelta(days=offset)
        shares[day] = FeedbackShare(Window.ending(day, length), bad, n)
    return shares


def _early_orders(orders: Sequence[r.Order], first: date, policy: Policy) -> Any:
    """day -> orders purchased from the first order day to the end of the growth window, as
    known on that day (see `domain.states.early_orders`)."""
    last = first + timedelta(days=policy.states.growth_window_days - 1)
    days = sorted(o.purchase_date for o in orders if first <= o.purchase_date <= last)
    return lambda day: bisect_right(days, min(day, last))


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
