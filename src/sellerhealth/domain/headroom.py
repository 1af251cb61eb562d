"""Headroom: how far a rate metric is from turning BAD, and what brings a BAD one back.

Everything is exact integer arithmetic on the metric's counts: the target is read as the decimal
the policy file writes (0.01 is exactly 1/100), so a count on the edge is judged the way
`metrics.judge` judges it (10 defects in 1000 orders is 1%, which is not below 1%: BAD).

The counts are the metric's own: orders for ODR, late shipment and cancellation, shipments for
valid tracking, units for on-time delivery, messages for contact response ("items" below). A
"defect" is an item that fails the metric: a defective, late or cancelled order for the
LESS_THAN metrics (rate = defects / items must stay below the target), an item missing from
the numerator for the GREATER_THAN ones (rate = good items / items must stay at or above it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from sellerhealth.domain.metrics import Condition, OdrMetric, RateMetric, Status, judge, ratio


@dataclass(frozen=True, slots=True)
class Headroom:
    """Room left before a rate metric turns BAD, and the way back when it is BAD.

    - `extra_defects_before_bad`: how many more items *already in the window* can turn into
      defects (the denominator unchanged: a claim or a negative feedback on an order already
      counted, a pending order confirmed late, a good shipment that fails) while the status
      stays GOOD. 0 when the metric is BAD or has no items.
    - `extra_defective_new_items_before_bad`: how many more *new* items that are defects (added
      to the denominator too: a new order that gets a claim, a new shipment without valid
      tracking) the window can take while the status stays GOOD; None means no limit (a target
      that a single good item cannot miss).
    - `clean_orders_to_recover`: the fewest new good items (clean orders, tracked shipments,
      ...) that make the status GOOD: 0 when it already is, None when no number can.
    - `defects_to_remove_to_recover`: the fewest defects that must go (a feedback removed, a
      claim reversed, a tracking number corrected) for the status to be GOOD with the same
      items: 0 when it already is, None when removing them all is not enough.
    """

    numerator: int
    denominator: int
    target: float
    condition: Condition
    status: Status
    extra_defects_before_bad: int
    extra_defective_new_items_before_bad: int | None
    clean_orders_to_recover: int | None
    defects_to_remove_to_recover: int | None

    @property
    def rate(self) -> float | None:
        return ratio(self.numerator, self.denominator)


def exact_target(target: float | Fraction) -> Fraction:
    """The target as the decimal it is written as: `0.01` is 1/100, not its binary neighbour."""
    if isinstance(target, Fraction):
        return target
    if isinstance(target, int):
        return Fraction(target)
    return Fraction(repr(float(target)))


def headroom(numerator: int, denominator: int, target: float, condition: Condition) -> Headroom:
    """Headroom of a rate `numerator / denominator` against `target` under `condition`.

    LESS_THAN (ODR, late shipment, cancellation): the numerator counts defects. GREATER_THAN
    (valid tracking, on-time delivery, contact response): the numerator counts good items.
    EQUALS targets (policy compliance counts) have no rate to make room in: ValueError.
    """
    if condition is Condition.EQUALS:
        raise ValueError("headroom is defined for LESS_THAN and GREATER_THAN targets only")
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"need 0 <= numerator <= denominator, got {numerator}/{denominator}")
    status = judge(ratio(numerator, denominator), target, condition)
    t = exact_target(target)
    compute = _less_than if condition is Condition.LESS_THAN else _greater_than
    extra, extra_new, clean, remove = compute(numerator, denominator, t, status)
    return Headroom(
        numerator=numerator,
        denominator=denominator,
        target=target,
        condition=condition,
        status=status,
        extra_defects_before_bad=extra,
        extra_defective_new_items_before_bad=extra_new,
        clean_orders_to_recover=clean,
        defects_to_remove_to_recover=remove,
    )


def headroom_of(metric: OdrMetric | RateMetric) -> Headroom:
    """`headroom` for an ODR metric (defective orders of orders, < target) or a rate metric."""
    if isinstance(metric, OdrMetric):
        return headroom(
            metric.defective_orders, metric.order_count, metric.target, Condition.LESS_THAN
        )
    return headroom(metric.numerator, metric.denominator, metric.target, metric.condition)


_Counts = tuple[int, int | None, int | None, int | None]


def _less_than(n: int, d: int, t: Fraction, status: Status) -> _Counts:
    """Rate n/d must stay < t; n counts defects."""
    good = status is Status.GOOD
    # (n + k) / d < t  <=>  n + k < t*d; at most every clean order in the window (d - n).
    extra = min(d - n, math.ceil(t * d) - 1 - n) if good else 0
    # (n + k) / (d + k) < t  <=>  k * (1 - t) < t*d - n.
    if not good:
        extra_new: int | None = 0
    elif t >= 1:
        extra_new = None  # n < d stays true however many defective orders are added
    else:
        extra_new = max(0, math.ceil((t * d - n) / (1 - t)) - 1)
    # n / (d + m) < t  <=>  d + m > n / t.
    clean = None if t <= 0 else max(0, math.floor(n / t - d) + 1)
    # (n - r) / d < t  <=>  r > n - t*d; impossible past r = n.
    remove = None
    if d > 0 and t > 0:
        remove = max(0, math.floor(n - t * d) + 1)
    return extra, extra_new, clean, remove


def _greater_than(n: int, d: int, t: Fraction, status: Status) -> _Counts:
    """Rate n/d must stay >= t; n counts good items, d - n the defects."""
    good = status is Status.GOOD
    # (n - k) / d >= t  <=>  k <= n - t*d; at most every good item (n).
    extra = min(n, math.floor(n - t * d)) if good else 0
    # n / (d + k) >= t  <=>  k <= n / t - d.
    if not good:
        extra_new: int | None = 0
    elif t <= 0:
        extra_new = None
    else:
        extra_new = max(0, math.floor(n / t - d))
    # (n + m) / (d + m) >= t  <=>  m * (1 - t) >= t*d - n; at least one item to have a rate.
    if good:
        clean: int | None = 0
    elif t > 1 or (t == 1 and n < d):
        clean = None
    elif t == 1:
        clean = 1  # no items yet: one good item makes 1/1
    else:
        clean = max(0, math.ceil((t * d - n) / (1 - t)))
        if d + clean == 0:
            clean = 1
    # (n + r) / d >= t  <=>  r >= t*d - n; at most every failing item (d - n).
    remove = None
    if d > 0:
        needed = max(0, math.ceil(t * d - n))
        remove = needed if needed <= d - n else None
    return extra, extra_new, clean, remove
