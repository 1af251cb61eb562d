"""When each counted defect leaves the ODR window, and when each channel is back on target if
nothing new happens (amazon-policy.md 1.6, 1.10).

The ODR as of D counts orders purchased in [D-73, D-14] (window 60, lag 14, from the policy):
an order leaves the window 74 days after its purchase, and its defects with it.

Pure: standard library only, no clock; the as-of day and the policy are arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from sellerhealth.domain.defect_arrivals import OdrHistory, future_orders, volumes
from sellerhealth.domain.metrics import Condition, Status, judge, ratio
from sellerhealth.domain.odr import odr_window
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel


@dataclass(frozen=True, slots=True)
class AgedDefect:
    """A defective order counted today, and the first day it is out of the ODR window."""

    order_id: str
    channel: Channel
    kinds: tuple[str, ...]
    purchase_date: date
    leaves_window_on: date


@dataclass(frozen=True, slots=True)
class ProjectedDay:
    """One channel's ODR counts on a future day under the age-out assumptions."""

    day: date
    order_count: int
    defective_orders: int
    status: Status

    @property
    def rate(self) -> float | None:
        return ratio(self.defective_orders, self.order_count)


@dataclass(frozen=True, slots=True)
class AgeOut:
    as_of: date
    items: tuple[AgedDefect, ...]  # by leaves_window_on, then order id
    back_on_target: dict[Channel, date | None]
    daily_orders: dict[Channel, Fraction]
    projection: dict[Channel, tuple[ProjectedDay, ...]] = field(compare=False)


def leaves_window_on(purchase_date: date, policy: Policy) -> date:
    """The first day an order is no longer in the ODR window: purchase + lag + window.

    The window as of D starts at D - (lag + window - 1); an order purchased on P is in it up to
    D = P + lag + window - 1 (P + 73) and out from P + lag + window (P + 74).
    """
    return purchase_date + timedelta(days=policy.odr.lag_days + policy.odr.window_days)


def age_out_schedule(
    history: OdrHistory,
    policy: Policy,
    is_business: bool = False,
    daily_orders: Mapping[Channel, float | Fraction] | None = None,
) -> AgeOut:
    """When each counted defect leaves the ODR window, and when each channel is back on target.

    `items`: every order in the window as of the history's `as_of` with a defect counted that
    day, with the day it leaves the window (`leaves_window_on`).

    `back_on_target[channel]`: the first day from `as_of` on (so `as_of` itself when the channel
    is GOOD today) on which its ODR is GOOD, assuming that
    - no new defect arrives and every defect counted on `as_of` keeps counting (no removal,
      no claim decided either way), including defects already known on orders purchased in
      the last 14 days, which enter the window later;
    - clean orders keep coming at the channel's trailing 30-day average volume (or
      `daily_orders`, where a channel left out gets none), as whole orders: floor(rate * k) by
      the k-th day after `as_of`.
    The counts are exact, the same counting compute_odr does on those assumed orders. None
    when the channel is not GOOD on any day until every known order has left the window (with
    no volume, the window ends empty, which is NONE, not GOOD).
    """
    as_of = history.as_of
    window = odr_window(as_of, policy)
    counted = [d for d in history.defective if d.kinds]
    items = sorted(
        (
            AgedDefect(
                d.order_id,
                d.channel,
                d.kinds,
                d.purchase_date,
                leaves_window_on(d.purchase_date, policy),
            )
            for d in counted
            if d.purchase_date in window
        ),
        key=lambda a: (a.leaves_window_on, a.order_id),
    )
    rates = volumes(history, daily_orders)
    target = policy.odr_target(is_business)
    horizon = policy.odr.lag_days + policy.odr.window_days
    back: dict[Channel, date | None] = {}
    projection: dict[Channel, tuple[ProjectedDay, ...]] = {}
    for channel in Channel:
        defective = Counter(d.purchase_date for d in counted if d.channel == channel)
        days = []
        for k in range(horizon + 1):
            day = as_of + timedelta(days=k)
            n = bad = 0
            for purchased in odr_window(day, policy).each_day():
                if purchased <= as_of:
                    n += history.orders_on(channel, purchased)
                    bad += defective[purchased]
                else:
                    n += future_orders(rates[channel], as_of, purchased)
            status = judge(ratio(bad, n), target, Condition.LESS_THAN)
            days.append(ProjectedDay(day, n, bad, status))
        projection[channel] = tuple(days)
        back[channel] = next((d.day for d in days if d.status is Status.GOOD), None)
    return AgeOut(as_of, tuple(items), back, rates, projection)
