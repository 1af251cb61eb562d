"""ODR forecasts: the expected ODR of each of the next days with an interval, the probability
of a breach, and the first day a breach is likely (amazon-policy.md 1.6, 1.10; SPEC section 4).

Known defects are assumed to keep counting; clean orders may still become defective, by the
late-defect model (`late_defects`) fitted on the account's own history. The day each counted
defect ages out is in `age_out`, the backtest of this forecast in `forecast_backtest`.

Pure: standard library only, no clock; the as-of day and the policy are arguments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from statistics import NormalDist

from sellerhealth.domain.defect_arrivals import OdrHistory, future_orders, volumes
from sellerhealth.domain.headroom import exact_target
from sellerhealth.domain.late_defects import ChannelDelay, DelayModel
from sellerhealth.domain.odr import odr_window
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel

_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class ForecastDay:
    """The expected ODR of one channel on one future day, with an interval.

    `order_count`: orders in that day's window, known ones plus those assumed at the daily
    volume. `known_defects`: defects counted on the as-of day on orders in that window (they
    are assumed to keep counting). `expected_defects` and `sd`: mean and standard deviation of
    the defective orders, known plus expected late ones. `low` / `high`: the interval's rates
    (`low_defects` / `high_defects` orders). `p_breach`: the probability that the ODR is at or
    above `target` (BAD).
    """

    day: date
    channel: Channel
    order_count: int
    known_defects: int
    expected_defects: float
    sd: float
    expected_rate: float
    low: float
    high: float
    low_defects: int
    high_defects: int
    p_breach: float
    target: float


def breach_probability(
    expected_defects: float, sd: float, order_count: int, known_defects: int, target: float
) -> float:
    """P(defective / orders >= target), normal approximation with a continuity correction.

    The count is an integer: BAD means at least c = ceil(target * orders) defective orders,
    so P(X >= c) ~ 1 - Phi((c - 0.5 - mean) / sd). Certain (1) when the known defects alone
    reach c; 0 or 1 when nothing is uncertain.
    """
    if order_count == 0:
        return 0.0
    threshold = math.ceil(exact_target(target) * order_count)
    if known_defects >= threshold:
        return 1.0
    if sd == 0:
        return 1.0 if expected_defects >= threshold else 0.0
    return 1.0 - _STANDARD_NORMAL.cdf((threshold - 0.5 - expected_defects) / sd)


def forecast_odr(
    model: DelayModel,
    history: OdrHistory,
    policy: Policy,
    is_business: bool = False,
    days: int = 30,
    daily_orders: Mapping[Channel, float | Fraction] | None = None,
    *,
    level: float = 0.8,
) -> list[ForecastDay]:
    """The expected ODR per channel for each day `as_of + 1` .. `as_of + days` (`as_of`: the
    history's).

    For a day D', the window's orders are the known orders purchased by `as_of` plus future
    orders at the trailing 30-day average volume (`daily_orders` to override; whole orders,
    see `future_orders`). Its defective orders are
    - the orders with a defect counted on `as_of` (assumed to keep counting: no removals);
    - plus, for each known order with no defect so far, the chance its first defect starts
      counting between `as_of` and D': (G(age on D') - G(age on as_of)) / (1 - G(age on as_of))
      with G(age) = p_ultimate * F(age) from `model`: p * (F(age on D') - F(age on as_of)),
      conditioned on the order being clean so far; orders whose defect counted once and was
      removed are not expected to get another;
    - plus, for each future order, G(its age on D').
    Each order is a Bernoulli trial, so the count is Poisson-binomial: its mean and variance
    are sums. p and F are themselves estimates shared by every order, so their sampling
    variance is added too (`_estimate_variance`): it is what keeps the interval honest for a
    young account or a small channel, where a few mature orders say little. The `level`
    interval (80% by default) and `p_breach` come from the normal approximation with a
    continuity correction, in whole orders, never below the known defects. The uncertainty of
    the future volume is not modelled.

    Channel-days with no order in the window (status NONE) are left out.
    """
    as_of = history.as_of
    rates = volumes(history, daily_orders)
    target = policy.odr_target(is_business)
    z = _STANDARD_NORMAL.inv_cdf(0.5 + level / 2)
    result = []
    for channel in Channel:
        delay = model.channels[channel]
        mine = [d for d in history.defective if d.channel == channel]
        defective = Counter(d.purchase_date for d in mine if d.kinds)
        ever = Counter(d.purchase_date for d in mine)
        for k in range(1, days + 1):
            day = as_of + timedelta(days=k)
            n = known_defects = 0
            mean = variance = 0.0
            # weight[d]: orders whose defect would land in (as_of, day] if its delay were d,
            # each divided by its chance of being clean so far (see _estimate_variance).
            weight = [0.0] * (len(delay.cdf) + 1)
            for purchased in odr_window(day, policy).each_day():
                age_after = (day - purchased).days
                if purchased <= as_of:
                    orders = history.orders_on(channel, purchased)
                    n += orders
                    known_defects += defective[purchased]
                    count = orders - ever[purchased]
                    age_before = (as_of - purchased).days
                    still_clean = 1 - delay.probability_by(age_before)
                else:
                    count = future_orders(rates[channel], as_of, purchased)
                    n += count
                    age_before, still_clean = -1, 1.0
                if count == 0 or still_clean <= 0:
                    continue
                q = late_defect_chance(delay, age_before, age_after)
                mean += count * q
                variance += count * q * (1 - q)
                _add_range(weight, age_before + 1, age_after, count / still_clean)
            if n == 0:
                continue
            expected = known_defects + mean
            sd = math.sqrt(variance + _estimate_variance(delay, weight))
            low, high = whole_interval(expected, sd, z, known_defects, n)
            result.append(
                ForecastDay(
                    day=day,
                    channel=channel,
                    order_count=n,
                    known_defects=known_defects,
                    expected_defects=expected,
                    sd=sd,
                    expected_rate=expected / n,
                    low=low / n,
                    high=high / n,
                    low_defects=low,
                    high_defects=high,
                    p_breach=breach_probability(expected, sd, n, known_defects, target),
                    target=target,
                )
            )
    result.sort(key=lambda f: (f.day, f.channel))
    return result


def late_defect_chance(delay: ChannelDelay, age_before: int, age_after: int) -> float:
    """The chance that an order clean at `age_before` has its first defect counted by
    `age_after`: (G(after) - G(before)) / (1 - G(before)) with G = p F.

    Written as p (F(after) - F(before)) / (1 - p F(before)): F is a cumulative share, so the
    difference is exactly 0 or more, and with p <= 1 the chance stays within [0, 1]. The form
    (G(after) - (1 - (1 - G(before)))) / (1 - G(before)) it replaces cancels: for an order
    past its last possible delay (F = 1 at both ages) it gave -1e-17 instead of 0, and a window
    of such orders summed to a negative variance (the crash of bench/serve.py).
    """
    before = delay.probability_by(age_before)
    if before >= 1:
        return 0.0
    spread = delay.delay_share(age_after) - delay.delay_share(age_before)
    return min(1.0, delay.p_ultimate * spread / (1 - before))


def whole_interval(
    expected: float, sd: float, z: float, known_defects: int, orders: int
) -> tuple[int, int]:
    """The interval in whole orders, continuity corrected, never below the known defects
    nor above the orders, and holding the expected figure (floor(mean) .. ceil(mean) at
    least: a rounded bound could otherwise step past a mean with little spread)."""
    low = min(max(known_defects, math.ceil(expected - 0.5 - z * sd)), math.floor(expected))
    high = max(low, math.ceil(expected - 0.5 + z * sd), math.ceil(expected))
    return low, min(orders, high)


def _add_range(weight: list[float], first: int, last: int, amount: float) -> None:
    """Add `amount` to the difference array `weight` over delays first..last (clipped)."""
    first, last = max(first, 0), min(last, len(weight) - 2)
    if first <= last:
        weight[first] += amount
        weight[last + 1] -= amount


def _estimate_variance(delay: ChannelDelay, weight: list[float]) -> float:
    """The variance the expected late defects owe to p and F being estimated.

    The expected late defects are p * A, where A = sum over the orders of
    (F(age after) - F(age before)) / (1 - p F(age before)) = the mean, over the n sampled
    defect delays d, of W(d) = the (weighted) orders for which a delay d falls between their
    two ages (`weight`, a difference array over d). A is a sample mean, so Var(A) = Var(W) / n;
    with p estimated independently of the delays (delta method):
    Var(p A) ~ A^2 Var(p) + p^2 Var(W) / n.
    """
    n = sum(delay.delay_counts)
    if n == 0:
        return 0.0
    running = first_moment = second_moment = 0.0
    for count, step in zip(delay.delay_counts, weight, strict=False):
        running += step
        first_moment += count * running
        second_moment += count * running * running
    mean_w, mean_w2 = first_moment / n, second_moment / n
    spread = max(0.0, mean_w2 - mean_w * mean_w)
    p = delay.p_ultimate
    return mean_w * mean_w * delay.p_variance + p * p * spread / n


# --- Breach warning ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreachWarning:
    """The first forecast day on which a channel's ODR is likely to be at or above target."""

    day: date
    channel: Channel
    probability: float
    expected_rate: float
    low: float
    high: float
    target: float


def breach_warning(
    forecast: Iterable[ForecastDay],
    target: float | None = None,
    *,
    threshold: float = 0.5,
    channel: Channel | None = None,
) -> BreachWarning | None:
    """The earliest day (either channel, or only `channel`) with P(breach) >= `threshold`.

    `target` defaults to the one the forecast was made against; another one (say, the business
    program's 0.5%) re-judges the same forecast. None when no day reaches the threshold.
    """
    for f in sorted(forecast, key=lambda f: (f.day, f.channel)):
        if channel is not None and f.channel != channel:
            continue
        goal = f.target if target is None else target
        p = (
            f.p_breach
            if target is None
            else breach_probability(f.expected_defects, f.sd, f.order_count, f.known_defects, goal)
        )
        if p >= threshold:
            return BreachWarning(f.day, f.channel, p, f.expected_rate, f.low, f.high, goal)
    return None
