"""The facts of one day that the state rules look at (`DayFacts`), built from records with the plain
metric rules: the metrics, the early-order count, the negative feedback share, the appeal events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sellerhealth.domain.appeals import Appeal, AppealEvent, appeal_events
from sellerhealth.domain.compliance import (
    AhrEstimate,
    ViolationCount,
    account_health_rating,
    policy_compliance,
)
from sellerhealth.domain.defects import is_negative_feedback
from sellerhealth.domain.metrics import OdrMetric, RateMetric
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
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
