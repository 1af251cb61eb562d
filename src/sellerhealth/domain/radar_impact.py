"""How much a radar flag matters: its impact on each threatened metric and its priority.

Impact (`RiskFlag.impact`): the change in each threatened rate between this order or shipment
going right and going wrong, with today's other counts from a `MetricContext`: one more late
order in an LSR window of n orders (this one included) is +1/n; one more untracked shipment is
-1/n of VTR; u late units are -u/n of unit OTD (n units); one more defective order is +1/n of the
MFN ODR (0 when the order is already defective). Where several windows or scopes apply (LSR 10
and 30 days, VTR overall and the order's category) the largest change is reported.

Priority, highest first:

    priority = urgency * sum over threatened metrics m of weight_m * |impact_m| / budget_m
    urgency  = 1 / (1 + max(hours_left, 0) / urgency_hours)       (overdue = 1)
    budget_m = target for "lower is better" metrics (LSR, ODR), 1 - target for the others
    weight_m = claim probability of the flag's kind for ODR; 1 for the shipping metric,
               except 0 for a delivery that is already late (that damage cannot be prevented)

so a priority of 1 means "expected to use up the metric's whole allowance, right now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sellerhealth.domain.metrics import Condition, OdrMetric, RateMetric
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.radar_flags import ORDER_DEFECT, THREATENS, RiskKind, claim_probability
from sellerhealth.domain.records import Channel, Chargeback, Claim, Feedback, Order, Shipment
from sellerhealth.domain.shipping import (
    LATE_SHIPMENT,
    ON_TIME_DELIVERY,
    VALID_TRACKING,
    is_tracked,
    late_shipment,
    on_time_delivery,
    shipment_units,
    valid_tracking,
)


@dataclass(frozen=True, slots=True)
class MetricContext:
    """Today's window counts the impact of a flag is measured against (plain rules, as of D)."""

    as_of: date
    late_shipment: tuple[RateMetric, ...]
    valid_tracking: tuple[RateMetric, ...]
    on_time_delivery: RateMetric
    odr: OdrMetric  # the MFN one


def metric_context(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    *,
    is_business: bool = False,
) -> MetricContext:
    """LSR (every window), VTR (overall and per category), unit OTD and MFN ODR as of `as_of`."""
    order_list = list(orders)
    shipment_list = list(shipments)
    odr = compute_odr(
        order_list, feedback, claims, chargebacks, as_of, policy, is_business=is_business
    )
    return MetricContext(
        as_of=as_of,
        late_shipment=tuple(
            late_shipment(order_list, shipment_list, as_of, policy, is_business=is_business)
        ),
        valid_tracking=tuple(valid_tracking(order_list, shipment_list, as_of, policy)),
        on_time_delivery=on_time_delivery(order_list, shipment_list, as_of, policy),
        odr=odr[Channel.MFN],
    )


@dataclass(frozen=True, slots=True)
class FlagScorer:
    """Scores flags against one day's `MetricContext` under one policy."""

    policy: Policy
    context: MetricContext
    is_business: bool

    def score(
        self, kind: RiskKind, order: Order, s: Shipment | None, hours_left: float
    ) -> tuple[dict[str, float], float]:
        """The flag's impact on each metric it threatens, and its priority."""
        threatens = THREATENS[kind]
        impact = {m: self.impact(m, order, s) for m in threatens}
        damage = sum(self.weight(kind, m) * abs(impact[m]) / self.budget(m) for m in threatens)
        urgency = 1 / (1 + max(hours_left, 0.0) / self.policy.radar.urgency_hours)
        return impact, damage * urgency

    def weight(self, kind: RiskKind, metric: str) -> float:
        if metric == ORDER_DEFECT:
            return claim_probability(self.policy, kind)
        return 0.0 if kind is RiskKind.DELIVERED_LATE else 1.0

    def budget(self, metric: str) -> float:
        """The metric's allowance: target when lower is better, 1 - target otherwise."""
        ctx = self.context
        if metric == ORDER_DEFECT:
            return max(ctx.odr.target, 1e-9)
        known = {
            LATE_SHIPMENT: ctx.late_shipment,
            VALID_TRACKING: ctx.valid_tracking,
            ON_TIME_DELIVERY: (ctx.on_time_delivery,),
        }[metric]
        if known:
            target, condition = known[0].target, known[0].condition
        elif metric == LATE_SHIPMENT:
            lsr = self.policy.late_shipment
            target = lsr.target_business if self.is_business else lsr.target
            condition = Condition.LESS_THAN
        else:
            target, condition = self.policy.valid_tracking.target, Condition.GREATER_THAN
        budget = target if condition is Condition.LESS_THAN else 1 - target
        return max(budget, 1e-9)

    def impact(self, metric: str, order: Order, s: Shipment | None) -> float:
        """The rate change between this order or shipment going right and going wrong."""
        ctx = self.context
        if metric == ORDER_DEFECT:
            odr = ctx.odr
            if order.order_id in odr.defective_order_ids:
                return 0.0
            inside = order.purchase_date in odr.window
            return 1 / (odr.order_count - inside + 1)
        if metric == LATE_SHIPMENT:
            changes = [
                1 / (m.denominator - (order.latest_ship_date in m.window) + 1)
                for m in ctx.late_shipment
            ]
            return max(changes, default=1.0)
        if s is None:  # pragma: no cover - unshipped orders threaten LSR and ODR only
            return 0.0
        if metric == VALID_TRACKING:
            changes = [
                -1 / (m.denominator - self.counted_in(m, s, tracked_only=False) + 1)
                for m in ctx.valid_tracking
                if m.scope in ("", order.category)
            ]
            return min(changes, default=-1.0)
        units = shipment_units(s, order)
        m = ctx.on_time_delivery
        counted = units if self.counted_in(m, s, tracked_only=True) else 0
        return -units / (m.denominator - counted + units)

    def counted_in(self, metric: RateMetric, s: Shipment, *, tracked_only: bool) -> bool:
        """Whether the shipment is in the metric's denominator on the context's day."""
        as_of = self.context.as_of
        return (
            s.ship_confirm_date <= as_of
            and s.promised_delivery_date in metric.window
            and (not tracked_only or is_tracked(s, as_of))
        )
