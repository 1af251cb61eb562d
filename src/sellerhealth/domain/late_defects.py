"""The late-defect model behind the ODR forecast: from an account's own history, the chance that
an order ends up defective and how long after the purchase its defect starts to count
(amazon-policy.md 1.4, 1.10: feedback, claims and chargebacks arrive weeks after the order;
feedback can be left for 90 days from the order date, 5.2).

Pure: standard library only, no clock; the as-of day and the policy are arguments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sellerhealth.domain.defect_arrivals import OdrHistory
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel

MIN_MATURITY_DAYS = 60
MATURITY_PERCENTILE = 0.95
MIN_OWN_DELAYS = 20  # fewer mature defects than this in a channel: use both channels' delays


@dataclass(frozen=True, slots=True)
class ChannelDelay:
    """One channel's late-defect model.

    `p_ultimate`: share of mature orders (purchased `maturity_days` or more before the as-of
    day) with a counted defect. `cdf[k]`: share of those defects that started to count within
    k days of the purchase (1 beyond the last entry). `probability_by(age)` = p * F(age): the
    chance that an order has a defect counting by the time it is `age` days old.

    `delay_counts[k]`: the sample behind `cdf`, defects with a delay of k days.
    `p_variance`: the sampling variance of p, p~ (1 - p~) / mature orders with the Jeffreys
    estimate p~ = (defective + 1/2) / (mature + 1), so that a channel with no defect yet is
    not taken as certain never to get one.
    """

    p_ultimate: float
    cdf: tuple[float, ...]
    mature_orders: int
    mature_defective: int
    pooled_delays: bool  # too few own defects: the delays of both channels were used
    delay_counts: tuple[int, ...] = ()
    p_variance: float = 0.0

    def delay_share(self, age: int) -> float:
        """F(age): the share of defects that have started to count by `age` days."""
        if age < 0 or not self.cdf:
            return 0.0
        return self.cdf[age] if age < len(self.cdf) else 1.0

    def probability_by(self, age: int) -> float:
        return self.p_ultimate * self.delay_share(age)


@dataclass(frozen=True, slots=True)
class DelayModel:
    as_of: date
    maturity_days: int
    channels: dict[Channel, ChannelDelay]


def _percentile(sorted_values: Sequence[int], share: float) -> int:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not sorted_values:
        return 0
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def _jeffreys_variance(defective: int, orders: int) -> float:
    if orders == 0:
        return 0.0
    p = (defective + 0.5) / (orders + 1)
    return p * (1 - p) / orders


def _delay_counts(delays: Sequence[int]) -> tuple[int, ...]:
    counts = Counter(delays)
    return tuple(counts[k] for k in range(max(delays, default=-1) + 1))


def _cdf(counts: Sequence[int]) -> tuple[float, ...]:
    total, running, cdf = sum(counts), 0, []
    for count in counts:
        running += count
        cdf.append(running / total)
    return tuple(cdf)


def fit_delay_model(
    history: OdrHistory,
    policy: Policy,
    *,
    min_maturity_days: int = MIN_MATURITY_DAYS,
    min_own_delays: int = MIN_OWN_DELAYS,
) -> DelayModel:
    """Estimate, per channel, how many orders end up defective and how late their defect comes.

    Only what was known on the history's `as_of` is used: orders purchased by then and defects
    counted by then. The delay of a defective order is the days from its purchase to the first
    day a defect counted.

    Maturity: an order is mature when it is old enough for nearly all its defects to have
    arrived: `maturity_days` = the 95th percentile of the observed delays, at least 60 days.
    Recent orders only show their early defects, which would pull that percentile down, so it
    is taken twice: first over every observed delay, then over the delays of orders that were
    mature by that first figure.

    `p_ultimate` per channel = defective mature orders / mature orders. The delay distribution
    is that channel's mature defects, or both channels' when it has fewer than
    `min_own_delays` of them. A channel with no mature orders borrows both channels' figures;
    with none at all, p is 0 and the forecast adds no late defects.
    """
    as_of = history.as_of
    delays = [
        (
            d.channel,
            (as_of - d.purchase_date).days,
            max(0, (d.first_counted - d.purchase_date).days),
        )
        for d in history.defective
    ]
    maturity = max(
        min_maturity_days, _percentile(sorted(x for _, _, x in delays), MATURITY_PERCENTILE)
    )
    settled = sorted(x for _, age, x in delays if age >= maturity)
    if settled:
        maturity = max(min_maturity_days, _percentile(settled, MATURITY_PERCENTILE))
    mature_orders = {
        ch: sum(
            n for day, n in history.orders.get(ch, {}).items() if (as_of - day).days >= maturity
        )
        for ch in Channel
    }
    pooled_delays = [x for _, age, x in delays if age >= maturity]
    pooled_orders = sum(mature_orders.values())
    channels = {}
    for channel in Channel:
        mine = mature_orders[channel]
        own_delays = [x for ch, age, x in delays if ch == channel and age >= maturity]
        own = len(own_delays) >= min_own_delays
        defective, base = (len(own_delays), mine) if mine else (len(pooled_delays), pooled_orders)
        counts = _delay_counts(own_delays if own else pooled_delays)
        channels[channel] = ChannelDelay(
            p_ultimate=defective / base if base else 0.0,
            cdf=_cdf(counts),
            mature_orders=mine,
            mature_defective=len(own_delays),
            pooled_delays=not own,
            delay_counts=counts,
            p_variance=_jeffreys_variance(defective, base),
        )
    return DelayModel(as_of, maturity, channels)
