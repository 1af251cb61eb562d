"""What the ODR forecast reads: which defects count on a day, the day each order's first
defect started to count, and the volume of orders assumed for the days to come
(amazon-policy.md 1.4, 1.10; SPEC section 4).

Pure: standard library only, no clock; the as-of day and the policy are arguments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial

from sellerhealth.domain.defects import (
    is_counted_chargeback,
    is_counted_claim,
    is_negative_feedback,
)
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import (
    Channel,
    Chargeback,
    Claim,
    Feedback,
    Order,
    StatusChange,
    is_cancelled_status,
)

NEGATIVE_FEEDBACK = "negative_feedback"
CLAIM = "claim"
CHARGEBACK = "chargeback"

TRAILING_DAYS = 30  # the volume of the next days is the average of the last 30
# The forecast reads the orders purchased in the year before its as-of day: the ODR windows of
# the next days, the trailing volume and the model's history all fall within it.
HISTORY_DAYS = 365


def counted_defect_kinds(
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    day: date,
    policy: Policy,
) -> dict[str, tuple[str, ...]]:
    """Each order with a defect counted on `day` (defects.py rules), and its kinds of defect."""
    kinds: dict[str, set[str]] = {}
    for f in feedback:
        if is_negative_feedback(f, day, policy):
            kinds.setdefault(f.order_id, set()).add(NEGATIVE_FEEDBACK)
    for c in claims:
        if is_counted_claim(c, day, policy):
            kinds.setdefault(c.order_id, set()).add(CLAIM)
    for b in chargebacks:
        if is_counted_chargeback(b, day, policy):
            kinds.setdefault(b.order_id, set()).add(CHARGEBACK)
    order = (NEGATIVE_FEEDBACK, CLAIM, CHARGEBACK)
    return {oid: tuple(k for k in order if k in found) for oid, found in kinds.items()}


def _first_counted(
    opened: date,
    changes: tuple[StatusChange, ...],
    counts_on: Callable[[date], bool],
    as_of: date,
) -> date | None:
    """The first day on or before `as_of` on which a claim or chargeback counts.

    Whether it counts changes only on the day it is filed and on its status changes, so those
    are the only days to look at.
    """
    candidates = sorted({opened} | {c.effective_date for c in changes if c.effective_date > opened})
    for candidate in candidates:
        if candidate > as_of:
            return None
        if counts_on(candidate):
            return candidate
    return None


def first_counted_days(
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
) -> dict[str, date]:
    """Each order's first day (on or before `as_of`) with a counted defect.

    The day a defect starts to count, whether or not it still counts on `as_of`: a feedback
    counts from its date unless it was removed or struck through that same day; a claim or
    chargeback from the first day it is filed and in a counted status.
    """
    first: dict[str, date] = {}

    def note(order_id: str, day: date | None) -> None:
        if day is not None and (order_id not in first or day < first[order_id]):
            first[order_id] = day

    for f in feedback:
        if f.feedback_date <= as_of and is_negative_feedback(f, f.feedback_date, policy):
            note(f.order_id, f.feedback_date)
    for c in claims:
        note(
            c.order_id,
            _first_counted(
                c.claim_date, c.changes(), partial(is_counted_claim, c, policy=policy), as_of
            ),
        )
    for b in chargebacks:
        note(
            b.order_id,
            _first_counted(
                b.chargeback_date,
                b.changes(),
                partial(is_counted_chargeback, b, policy=policy),
                as_of,
            ),
        )
    return first


def trailing_daily_orders(
    orders: Iterable[Order], as_of: date, days: int = TRAILING_DAYS
) -> dict[Channel, Fraction]:
    """Average orders a day per channel over the `days` days ending on `as_of`, exactly."""
    first = as_of - timedelta(days=days - 1)
    counts = Counter(o.fulfillment_channel for o in orders if first <= o.purchase_date <= as_of)
    return {channel: Fraction(counts[channel], days) for channel in Channel}


def _exact_rate(value: float | Fraction) -> Fraction:
    if isinstance(value, Fraction | int):
        return Fraction(value)
    return Fraction(repr(float(value)))


def future_orders(rate: Fraction, as_of: date, day: date) -> int:
    """Orders assumed purchased on `day` (after `as_of`) at `rate` a day.

    Whole orders: by the k-th day after `as_of`, floor(rate * k) orders in all, so a rate of
    1.5 gives 1, 2, 1, 2, ... and the count is never a fraction.
    """
    k = (day - as_of).days
    if k <= 0:
        return 0
    return math.floor(rate * k) - math.floor(rate * (k - 1))


def volumes(
    history: OdrHistory, daily_orders: Mapping[Channel, float | Fraction] | None
) -> dict[Channel, Fraction]:
    """The orders a day assumed after the as-of day: the trailing 30-day average, or as given
    (a channel left out of `daily_orders` gets none)."""
    if daily_orders is None:
        return history.trailing_daily_orders()
    return {ch: _exact_rate(daily_orders.get(ch, 0)) for ch in Channel}


# --- The aggregates the forecast reads ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DefectiveOrder:
    """An order with a defect counted on or before the as-of day.

    `first_counted`: the first day one of its defects counted (`first_counted_days`);
    `kinds`: the kinds of defect counted on the as-of day itself, () when none counts any more
    (feedback removed, claim decided for the seller).
    """

    order_id: str
    channel: Channel
    purchase_date: date
    first_counted: date
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OdrHistory:
    """What the ODR forecast reads of one account and marketplace as of `as_of`: the orders
    counted by the ODR per channel and purchase day from `first_day` to `as_of`, and those of
    them with a defect counted by `as_of`. Aggregates, not records: a store answers them with
    one grouped query over the days and an indexed one over the few defective orders."""

    as_of: date
    first_day: date
    orders: Mapping[Channel, Mapping[date, int]]
    defective: tuple[DefectiveOrder, ...]  # by purchase date, then order id

    def orders_on(self, channel: Channel, day: date) -> int:
        return self.orders.get(channel, {}).get(day, 0)

    def trailing_daily_orders(self, days: int = TRAILING_DAYS) -> dict[Channel, Fraction]:
        """Average orders a day per channel over the `days` days ending on `as_of`, exactly."""
        first = self.as_of - timedelta(days=days - 1)
        return {
            ch: Fraction(sum(n for d, n in self.orders.get(ch, {}).items() if d >= first), days)
            for ch in Channel
        }


def odr_history(
    order_counts: Mapping[tuple[Channel, date], int],
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    first_day: date | None = None,
) -> OdrHistory:
    """The forecast's aggregates from the orders counted per (channel, purchase day) and the
    defect records with their orders (any superset of the defective ones will do).

    Only what was known on `as_of` is kept: orders purchased `first_day` (default: a year
    before) .. `as_of` and defects counted by `as_of`; cancelled orders count as the ODR
    counts them (policy `odr.count_cancelled_orders`).
    """
    first_day = first_day or as_of - timedelta(days=HISTORY_DAYS - 1)
    counts: dict[Channel, dict[date, int]] = {ch: {} for ch in Channel}
    for (channel, day), n in order_counts.items():
        if first_day <= day <= as_of and n:
            counts[channel][day] = counts[channel].get(day, 0) + n
    feedback, claims, chargebacks = list(feedback), list(claims), list(chargebacks)
    first = first_counted_days(feedback, claims, chargebacks, as_of, policy)
    kinds = counted_defect_kinds(feedback, claims, chargebacks, as_of, policy)
    defective = sorted(
        (
            DefectiveOrder(
                o.order_id,
                o.fulfillment_channel,
                o.purchase_date,
                first[o.order_id],
                kinds.get(o.order_id, ()),
            )
            for o in orders
            if o.order_id in first
            and first_day <= o.purchase_date <= as_of
            and _counted_order(o, policy)
        ),
        key=lambda d: (d.purchase_date, d.order_id),
    )
    return OdrHistory(as_of, first_day, counts, tuple(defective))


def odr_history_of_records(
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
) -> OdrHistory:
    """`odr_history` counted from every order record (the plain reference, and the backtest)."""
    orders = list(orders)
    counts = Counter(
        (o.fulfillment_channel, o.purchase_date) for o in orders if _counted_order(o, policy)
    )
    return odr_history(counts, orders, feedback, claims, chargebacks, as_of, policy)


def _counted_order(order: Order, policy: Policy) -> bool:
    return policy.odr.count_cancelled_orders or not is_cancelled_status(order.order_status)
