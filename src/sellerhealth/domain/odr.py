"""Order Defect Rate, computed plainly from records (SPEC section 4, amazon-policy.md 1).

This is the obviously-correct version: the report for one account uses the columnar engine,
and a property test holds the two equal on random data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sellerhealth.domain.defects import (
    is_counted_chargeback,
    is_counted_claim,
    is_negative_feedback,
)
from sellerhealth.domain.metrics import OdrMetric
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import (
    Channel,
    Chargeback,
    Claim,
    Feedback,
    Order,
    is_cancelled_status,
)
from sellerhealth.domain.windows import Window


def odr_window(as_of: date, policy: Policy) -> Window:
    return Window.ending(as_of, policy.odr.window_days, policy.odr.lag_days)


def compute_odr(
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    is_business: bool = False,
) -> dict[Channel, OdrMetric]:
    """ODR per fulfilment channel, as of `as_of`, for the orders of one account and marketplace."""
    window = odr_window(as_of, policy)
    # A cancelled order stays in the denominator unless the policy says otherwise (its choice
    # says why: a cancelled order can still carry a counted claim).
    keep_cancelled = policy.odr.count_cancelled_orders
    channel_of = {
        o.order_id: o.fulfillment_channel
        for o in orders
        if o.purchase_date in window and (keep_cancelled or not is_cancelled_status(o.order_status))
    }
    with_feedback = {f.order_id for f in feedback if is_negative_feedback(f, as_of, policy)}
    with_claim = {c.order_id for c in claims if is_counted_claim(c, as_of, policy)}
    with_chargeback = {c.order_id for c in chargebacks if is_counted_chargeback(c, as_of, policy)}
    target = policy.odr_target(is_business)
    results = {}
    for channel in Channel:
        ids = {order_id for order_id, ch in channel_of.items() if ch == channel}
        defective = ids & (with_feedback | with_claim | with_chargeback)
        results[channel] = OdrMetric(
            channel=channel,
            window=window,
            order_count=len(ids),
            defective_orders=len(defective),
            negative_feedback=len(ids & with_feedback),
            claims=len(ids & with_claim),
            chargebacks=len(ids & with_chargeback),
            target=target,
            defective_order_ids=tuple(sorted(defective)),
        )
    return results
