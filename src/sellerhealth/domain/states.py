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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sellerhealth.domain.appeals import Appeal, AppealEvent, AppealOutcome, appeal_events
from sellerhealth.domain.compliance import (
    AhrEstimate,
    ViolationCount,
    account_health_rating,
    policy_compliance,
)
from sellerhealth.domain.defects import is_negative_feedback
from sellerhealth.domain.metrics import OdrMetric, RateMetric, Status
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy, TransitionRule
from sellerhealth.domain.records import (
    Cancellation,
    Channel,
    Chargeback,
    Claim,
    Feedback,
    Order,
    Shipment,
    Violation,
)
from sellerhealth.domain.shipping import cancellation_rate, late_shipment
from sellerhealth.domain.windows import Window


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
class FeedbackShare:
    """Negative feedback (1-2 stars) among all feedback left in the window, as known on D."""

    window: Window
    negative: int
    total: int
    order_ids: tuple[str, ...] = ()  # the orders with negative feedback

    @property
    def share(self) -> float | None:
        return self.negative / self.total if self.total else None


def negative_feedback_share(
    feedback: Iterable[Feedback], as_of: date, policy: Policy
) -> FeedbackShare:
    """Feedback dated in the `states.negative_feedback_window_days` ending on D that is neither
    removed nor struck through by D; negative as for the ODR (rating <= 2)."""
    window = Window.ending(as_of, policy.states.negative_feedback_window_days)
    visible = [
        f
        for f in feedback
        if f.feedback_date in window
        and not (f.removed_date is not None and f.removed_date <= as_of)
        and not (f.struck_through_date is not None and f.struck_through_date <= as_of)
    ]
    negative = sorted({f.order_id for f in visible if is_negative_feedback(f, as_of, policy)})
    return FeedbackShare(window, len(negative), len({f.order_id for f in visible}), tuple(negative))


def early_orders(
    orders: Iterable[Order], as_of: date, policy: Policy, first_order_date: date | None = None
) -> tuple[date | None, int]:
    """The account's first order date and its orders (distinct ids, any channel) purchased from
    that day through the end of its first `states.growth_window_days`, as known on D.

    `first_order_date` overrides the earliest order in `orders` when the account's start is
    known (imported history may not reach back to it)."""
    known = [o for o in orders if o.purchase_date <= as_of]
    first = first_order_date or min((o.purchase_date for o in known), default=None)
    if first is None:
        return None, 0
    window = Window(first, first + timedelta(days=policy.states.growth_window_days - 1))
    return first, len({o.order_id for o in known if o.purchase_date in window})


@dataclass(frozen=True)
class DayFacts:
    """Everything a transition rule may look at on one day; a missing metric never fires."""

    day: date
    odr: Mapping[Channel, OdrMetric] = field(default_factory=dict)
    late_shipment: Sequence[RateMetric] = ()
    cancellation: RateMetric | None = None
    ahr: AhrEstimate | None = None
    compliance: Mapping[str, ViolationCount] = field(default_factory=dict)
    feedback: FeedbackShare | None = None
    first_order_date: date | None = None
    early_orders: int = 0  # orders in the first growth_window_days, as known on `day`
    appeal_events: tuple[AppealEvent, ...] = ()
    # A day past the end of the data: its facts are a projection, and a projection does not
    # assume the seller does nothing (see INACTION_TRIGGERS).
    projected: bool = False


# Triggers that fire only because nothing was recorded in time (no Plan of Action, a review
# left open): on a projected day they do not fire, since what the seller will do is unknown.
INACTION_TRIGGERS = frozenset({"plan_overdue", "review_elapsed"})


def facts_for_day(
    day: date,
    policy: Policy,
    *,
    orders: Sequence[Order] = (),
    feedback: Sequence[Feedback] = (),
    claims: Sequence[Claim] = (),
    chargebacks: Sequence[Chargeback] = (),
    shipments: Sequence[Shipment] = (),
    cancellations: Sequence[Cancellation] = (),
    violations: Sequence[Violation] = (),
    appeals: Sequence[Appeal] = (),
    is_business: bool = False,
    first_order_date: date | None = None,
) -> DayFacts:
    """The facts of `day` for one account, from its records, with the plain metric rules."""
    first, early = early_orders(orders, day, policy, first_order_date)
    return DayFacts(
        day=day,
        odr=compute_odr(orders, feedback, claims, chargebacks, day, policy, is_business),
        late_shipment=tuple(late_shipment(orders, shipments, day, policy, is_business=is_business)),
        cancellation=cancellation_rate(
            orders, cancellations, shipments, day, policy, is_business=is_business
        ),
        ahr=account_health_rating(orders, violations, day, policy),
        compliance=policy_compliance(violations, day, policy),
        feedback=negative_feedback_share(feedback, day, policy),
        first_order_date=first,
        early_orders=early,
        appeal_events=appeal_events(appeals).get(day, ()),
    )


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

Evidence = dict[str, Any] | None
Trigger = Callable[[StateSnapshot, DayFacts, TransitionRule, Policy], Evidence]


def _window(window: Window) -> list[str]:
    return [window.first.isoformat(), window.last.isoformat()]


def _odr_evidence(m: OdrMetric) -> dict[str, Any]:
    return {
        "metric": "odr",
        "channel": str(m.channel),
        "rate": m.rate,
        "target": m.target,
        "defective_orders": m.defective_orders,
        "order_count": m.order_count,
        "negative_feedback": m.negative_feedback,
        "claims": m.claims,
        "chargebacks": m.chargebacks,
        "window": _window(m.window),
        "order_ids": list(m.defective_order_ids),
    }


def _rate_evidence(m: RateMetric) -> dict[str, Any]:
    return {
        "metric": m.name,
        "scope": m.scope,
        "rate": m.rate,
        "target": m.target,
        "numerator": m.numerator,
        "denominator": m.denominator,
        "window": _window(m.window),
    }


def _metric_breach(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    breaches = []
    for metric in rule.params["metrics"]:
        if metric == "odr":
            breaches += [
                _odr_evidence(m) for _, m in sorted(facts.odr.items()) if m.status is Status.BAD
            ]
        elif metric == "late_shipment":
            breaches += [_rate_evidence(m) for m in facts.late_shipment if m.status is Status.BAD]
        elif facts.cancellation is not None and facts.cancellation.status is Status.BAD:
            breaches.append(_rate_evidence(facts.cancellation))
    return {"breaches": breaches} if breaches else None


def _ahr_band(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    ahr = facts.ahr
    if ahr is None or ahr.band not in rule.params["bands"]:
        return None
    return {
        "score": ahr.score,
        "band": str(ahr.band),
        "critical": ahr.critical,
        "order_count": ahr.order_count,
        "violation_points": ahr.violation_points,
        "window": _window(ahr.window),
        "violation_ids": list(ahr.violations_counted),
    }


def _violations(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    counted = [facts.compliance[c] for c in rule.params["categories"] if c in facts.compliance]
    total = sum(c.count for c in counted)
    if total < rule.params["at_least"]:
        return None
    return {
        "count": total,
        "at_least": rule.params["at_least"],
        "categories": {c.category: c.count for c in counted if c.count},
        "window": _window(counted[0].window),
        "violation_ids": sorted(v for c in counted for v in c.violation_ids),
    }


def _negative_feedback(
    _: StateSnapshot, facts: DayFacts, __: TransitionRule, p: Policy
) -> Evidence:
    share = facts.feedback
    rules = p.states
    if share is None or share.share is None or share.total < rules.negative_feedback_min_ratings:
        return None
    if share.share < rules.negative_feedback_share:
        return None
    return {
        "share": share.share,
        "negative": share.negative,
        "total": share.total,
        "threshold": rules.negative_feedback_share,
        "min_ratings": rules.negative_feedback_min_ratings,
        "window": _window(share.window),
        "order_ids": list(share.order_ids),
    }


def _growth(_: StateSnapshot, facts: DayFacts, __: TransitionRule, policy: Policy) -> Evidence:
    first = facts.first_order_date
    if first is None:
        return None
    last = first + timedelta(days=policy.states.growth_window_days - 1)
    if facts.day > last or facts.early_orders < policy.states.growth_review_orders:
        return None
    return {
        "first_order_date": first.isoformat(),
        "window": [first.isoformat(), last.isoformat()],
        "orders": facts.early_orders,
        "threshold": policy.states.growth_review_orders,
    }


def _review_elapsed(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, policy: Policy
) -> Evidence:
    days = (facts.day - current.since).days
    if days < policy.states.review_max_days:
        return None
    return {
        "since": current.since.isoformat(),
        "days": days,
        "max_days": policy.states.review_max_days,
    }


CONDITIONS = ("metric_breach", "ahr_band", "violations", "negative_feedback_share")


def _all_clear(current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy) -> Evidence:
    """None of the rules that take a HEALTHY account into a risk review or a suspension on a
    condition (a breach, a band, violations, negative feedback) would fire today."""
    healthy = StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, current.since)
    checked = [
        r
        for r in p.states.transitions
        if r.trigger in CONDITIONS and r.kind != ReviewKind.GROWTH and _applies(r, healthy)
    ]
    if any(TRIGGERS[r.trigger](healthy, facts, r, p) is not None for r in checked):
        return None
    return {"checked": [r.name for r in checked], "figures": _figures(facts)}


def _figures(facts: DayFacts) -> dict[str, Any]:
    figures: dict[str, Any] = {"odr": {str(ch): m.rate for ch, m in sorted(facts.odr.items())}}
    figures["late_shipment"] = {m.scope or m.name: m.rate for m in facts.late_shipment}
    if facts.cancellation is not None:
        figures["cancellation"] = facts.cancellation.rate
    if facts.ahr is not None:
        figures["ahr"] = facts.ahr.score
    if facts.feedback is not None:
        figures["negative_feedback_share"] = facts.feedback.share
    figures["open_violations"] = {c: v.count for c, v in facts.compliance.items() if v.count}
    return figures


def _decided(facts: DayFacts, outcome: AppealOutcome) -> list[str]:
    return [
        e.appeal_id for e in facts.appeal_events if e.action == "decided" and e.outcome == outcome
    ]


def _appeal_granted(_: StateSnapshot, facts: DayFacts, __: TransitionRule, ___: Policy) -> Evidence:
    granted = _decided(facts, AppealOutcome.GRANTED)
    return {"appeal_ids": granted, "decided_on": facts.day.isoformat()} if granted else None


def _appeal_denied(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    denied = _decided(facts, AppealOutcome.DENIED)
    if not denied:
        return None
    return {
        "appeal_ids": denied,
        "decided_on": facts.day.isoformat(),
        "unsuccessful_appeals": current.unsuccessful_appeals,
        "max_unsuccessful_appeals": p.states.max_unsuccessful_appeals,
    }


def _appeals_exhausted(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    if current.unsuccessful_appeals < p.states.max_unsuccessful_appeals:
        return None
    return {
        "appeal_ids": _decided(facts, AppealOutcome.DENIED),
        "unsuccessful_appeals": current.unsuccessful_appeals,
        "max_unsuccessful_appeals": p.states.max_unsuccessful_appeals,
    }


def _plan_overdue(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    """No plan sent by the suspension day + plan_of_action_days: fires the day after."""
    due = current.since + timedelta(days=p.states.plan_of_action_days)
    sent = current.plan_submitted_on
    if facts.day <= due or (sent is not None and sent <= due):
        return None
    return {
        "suspended_on": current.since.isoformat(),
        "plan_due": due.isoformat(),
        "plan_of_action_days": p.states.plan_of_action_days,
        "plan_submitted_on": sent.isoformat() if sent else None,
    }


TRIGGERS: dict[str, Trigger] = {
    "metric_breach": _metric_breach,
    "ahr_band": _ahr_band,
    "violations": _violations,
    "negative_feedback_share": _negative_feedback,
    "growth": _growth,
    "review_elapsed": _review_elapsed,
    "all_clear": _all_clear,
    "appeal_granted": _appeal_granted,
    "appeal_denied": _appeal_denied,
    "appeals_exhausted": _appeals_exhausted,
    "plan_overdue": _plan_overdue,
}


# --- Evaluation ------------------------------------------------------------------------------


def _applies(rule: TransitionRule, current: StateSnapshot) -> bool:
    here = (str(current.state), f"{current.state}:{current.kind}")
    return any(entry in here for entry in rule.from_states)


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
        if not _applies(rule, current):
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
