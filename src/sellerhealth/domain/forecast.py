"""ODR forecasts: when counted defects age out, how many defects are still to come, and when
the rate is likely to cross its target (amazon-policy.md 1.6, 1.10; SPEC section 4).

The ODR as of D counts orders purchased in [D-73, D-14] (window 60, lag 14, from the policy)
with a defect counted on D. Feedback, claims and chargebacks arrive weeks after the order
(1.4, 1.10; feedback can be left for 90 days from the order date, 5.2), so an order that is
clean today may still become defective. Three tools here:

- `age_out_schedule`: the day each counted defect leaves the window, and the first day each
  channel is back on target if nothing new happens.
- `fit_delay_model` / `forecast_odr`: from the account's own history, the chance that an
  order ends up defective and how long after the purchase its defect starts to count; then
  the expected ODR for each of the next days with an interval and the probability of a breach.
- `backtest`: the same forecast made on past days from what was known then, compared with the
  ODR that actually followed.

Pure: standard library only, no clock; the as-of day and the policy are arguments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from statistics import NormalDist

from sellerhealth.domain.data import chargebacks_known_at, claims_known_at, feedback_known_at
from sellerhealth.domain.defects import (
    is_counted_chargeback,
    is_counted_claim,
    is_negative_feedback,
)
from sellerhealth.domain.headroom import exact_target
from sellerhealth.domain.metrics import Condition, Status, judge, ratio
from sellerhealth.domain.odr import compute_odr, odr_window
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel, Chargeback, Claim, Feedback, Order, StatusChange

NEGATIVE_FEEDBACK = "negative_feedback"
CLAIM = "claim"
CHARGEBACK = "chargeback"

TRAILING_DAYS = 30  # the volume of the next days is the average of the last 30
MIN_MATURITY_DAYS = 60
MATURITY_PERCENTILE = 0.95
MIN_OWN_DELAYS = 20  # fewer mature defects than this in a channel: use both channels' delays

_STANDARD_NORMAL = NormalDist()


# --- What counts on a day ------------------------------------------------------------------


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


# --- Age-out schedule ----------------------------------------------------------------------


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
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    is_business: bool = False,
    daily_orders: Mapping[Channel, float | Fraction] | None = None,
) -> AgeOut:
    """When each counted defect leaves the ODR window, and when each channel is back on target.

    `items`: every order in the window as of `as_of` with a defect counted on `as_of`, with the
    day it leaves the window (`leaves_window_on`).

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
    orders = [o for o in orders if o.purchase_date <= as_of]
    kinds = counted_defect_kinds(feedback, claims, chargebacks, as_of, policy)
    window = odr_window(as_of, policy)
    items = sorted(
        (
            AgedDefect(
                o.order_id,
                o.fulfillment_channel,
                kinds[o.order_id],
                o.purchase_date,
                leaves_window_on(o.purchase_date, policy),
            )
            for o in orders
            if o.purchase_date in window and o.order_id in kinds
        ),
        key=lambda a: (a.leaves_window_on, a.order_id),
    )
    rates = _volumes(orders, as_of, daily_orders)
    target = policy.odr_target(is_business)
    horizon = policy.odr.lag_days + policy.odr.window_days
    back: dict[Channel, date | None] = {}
    projection: dict[Channel, tuple[ProjectedDay, ...]] = {}
    for channel in Channel:
        mine = [o for o in orders if o.fulfillment_channel == channel]
        total = Counter(o.purchase_date for o in mine)
        defective = Counter(o.purchase_date for o in mine if o.order_id in kinds)
        days = []
        for k in range(horizon + 1):
            day = as_of + timedelta(days=k)
            n = bad = 0
            for purchased in odr_window(day, policy).each_day():
                if purchased <= as_of:
                    n += total[purchased]
                    bad += defective[purchased]
                else:
                    n += future_orders(rates[channel], as_of, purchased)
            status = judge(ratio(bad, n), target, Condition.LESS_THAN)
            days.append(ProjectedDay(day, n, bad, status))
        projection[channel] = tuple(days)
        back[channel] = next((d.day for d in days if d.status is Status.GOOD), None)
    return AgeOut(as_of, tuple(items), back, rates, projection)


def _volumes(
    orders: Sequence[Order], as_of: date, daily_orders: Mapping[Channel, float | Fraction] | None
) -> dict[Channel, Fraction]:
    if daily_orders is None:
        return trailing_daily_orders(orders, as_of)
    return {ch: _exact_rate(daily_orders.get(ch, 0)) for ch in Channel}


# --- Late-defect model ---------------------------------------------------------------------


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
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    *,
    min_maturity_days: int = MIN_MATURITY_DAYS,
    min_own_delays: int = MIN_OWN_DELAYS,
) -> DelayModel:
    """Estimate, per channel, how many orders end up defective and how late their defect comes.

    Only what was known on `as_of` is used: orders purchased by then and defects counted by
    then (`first_counted_days`). The delay of a defective order is the days from its purchase
    to the first day a defect counted.

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
    known = [o for o in orders if o.purchase_date <= as_of]
    first = first_counted_days(feedback, claims, chargebacks, as_of, policy)
    delay_of = {
        o.order_id: max(0, (first[o.order_id] - o.purchase_date).days)
        for o in known
        if o.order_id in first
    }
    maturity = max(min_maturity_days, _percentile(sorted(delay_of.values()), MATURITY_PERCENTILE))
    settled = sorted(
        delay
        for o in known
        if (delay := delay_of.get(o.order_id)) is not None
        and (as_of - o.purchase_date).days >= maturity
    )
    if settled:
        maturity = max(min_maturity_days, _percentile(settled, MATURITY_PERCENTILE))
    mature = [o for o in known if (as_of - o.purchase_date).days >= maturity]
    pooled_delays = [delay_of[o.order_id] for o in mature if o.order_id in delay_of]
    channels = {}
    for channel in Channel:
        mine = [o for o in mature if o.fulfillment_channel == channel]
        delays = [delay_of[o.order_id] for o in mine if o.order_id in delay_of]
        own = len(delays) >= min_own_delays
        defective, base = (len(delays), len(mine)) if mine else (len(pooled_delays), len(mature))
        counts = _delay_counts(delays if own else pooled_delays)
        channels[channel] = ChannelDelay(
            p_ultimate=defective / base if base else 0.0,
            cdf=_cdf(counts),
            mature_orders=len(mine),
            mature_defective=len(delays),
            pooled_delays=not own,
            delay_counts=counts,
            p_variance=_jeffreys_variance(defective, base),
        )
    return DelayModel(as_of, maturity, channels)


# --- Forecast ------------------------------------------------------------------------------


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
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    is_business: bool = False,
    days: int = 30,
    daily_orders: Mapping[Channel, float | Fraction] | None = None,
    *,
    level: float = 0.8,
) -> list[ForecastDay]:
    """The expected ODR per channel for each day `as_of + 1` .. `as_of + days`.

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

    Only what was known on `as_of` is read: later orders and events in the lists are ignored.
    Channel-days with no order in the window (status NONE) are left out.
    """
    known = [o for o in orders if o.purchase_date <= as_of]
    counted = counted_defect_kinds(feedback, claims, chargebacks, as_of, policy)
    ever = first_counted_days(feedback, claims, chargebacks, as_of, policy)
    rates = _volumes(known, as_of, daily_orders)
    target = policy.odr_target(is_business)
    z = _STANDARD_NORMAL.inv_cdf(0.5 + level / 2)
    result = []
    for channel in Channel:
        delay = model.channels[channel]
        mine = [o for o in known if o.fulfillment_channel == channel]
        total = Counter(o.purchase_date for o in mine)
        defective = Counter(o.purchase_date for o in mine if o.order_id in counted)
        clean = Counter(o.purchase_date for o in mine if o.order_id not in ever)
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
                    n += total[purchased]
                    known_defects += defective[purchased]
                    count = clean[purchased]
                    age_before = (as_of - purchased).days
                    still_clean = 1 - delay.probability_by(age_before)
                else:
                    count = future_orders(rates[channel], as_of, purchased)
                    n += count
                    age_before, still_clean = -1, 1.0
                if count == 0 or still_clean <= 0:
                    continue
                q = (delay.probability_by(age_after) - (1 - still_clean)) / still_clean
                mean += count * q
                variance += count * q * (1 - q)
                _add_range(weight, age_before + 1, age_after, count / still_clean)
            if n == 0:
                continue
            expected = known_defects + mean
            sd = math.sqrt(variance + _estimate_variance(delay, weight))
            low = max(known_defects, math.ceil(expected - 0.5 - z * sd))
            high = min(n, max(low, math.ceil(expected - 0.5 + z * sd)))
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


# --- Backtest ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BacktestCase:
    """One forecast made on `as_of` for `as_of + horizon`, against what happened."""

    as_of: date
    horizon: int
    channel: Channel
    expected_rate: float
    low: float
    high: float
    actual_rate: float
    actual_defects: int
    actual_orders: int

    @property
    def covered(self) -> bool:
        return self.low - 1e-12 <= self.actual_rate <= self.high + 1e-12


@dataclass(frozen=True, slots=True)
class HorizonStats:
    cases: int
    covered: int
    coverage: float | None
    mean_abs_error: float | None  # |expected - actual| rate, averaged


@dataclass(frozen=True, slots=True)
class Backtest:
    """Coverage: the share of (as-of day, horizon, channel) cases inside the interval."""

    coverage: float | None
    cases: int
    per_horizon: dict[int, HorizonStats]
    level: float
    start: date | None
    end: date | None
    results: tuple[BacktestCase, ...] = field(compare=False)


def _stats(cases: Sequence[BacktestCase]) -> HorizonStats:
    if not cases:
        return HorizonStats(0, 0, None, None)
    covered = sum(c.covered for c in cases)
    error = sum(abs(c.expected_rate - c.actual_rate) for c in cases) / len(cases)
    return HorizonStats(len(cases), covered, covered / len(cases), error)


def default_backtest_range(
    orders: Iterable[Order], policy: Policy, horizon: Sequence[int] = (7, 14, 30)
) -> tuple[date, date] | None:
    """From the first day the ODR window is full of history to the last day whose longest
    horizon still falls within the data (the last purchase date); None when that is empty."""
    dates = [o.purchase_date for o in orders]
    if not dates:
        return None
    start = min(dates) + timedelta(days=policy.odr.lag_days + policy.odr.window_days)
    end = max(dates) - timedelta(days=max(horizon, default=0))
    return (start, end) if start <= end else None


def backtest(
    orders: Iterable[Order],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    policy: Policy,
    is_business: bool = False,
    start: date | None = None,
    end: date | None = None,
    horizon: Sequence[int] = (7, 14, 30),
    step: int = 7,
    *,
    level: float = 0.8,
) -> Backtest:
    """Forecast from past days and count how often the real ODR fell inside the interval.

    For t = start, start + step, ... up to end: the records are cut to what was known on t
    (orders purchased by t; feedback, claims and chargebacks filed by t, with removals and
    status changes after t taken out: data.known_at rules), the model is fitted and the
    forecast made on that view, and each horizon h is compared with compute_odr on the full
    records as of t + h. A case is one (t, h, channel) with orders in the real window; horizons
    past the last purchase date in the data are skipped, since the real figure is not known
    yet. `start` / `end` default to `default_backtest_range`.
    """
    orders = list(orders)
    feedback, claims, chargebacks = list(feedback), list(claims), list(chargebacks)
    if start is None or end is None:
        default = default_backtest_range(orders, policy, horizon)
        if default is None:
            return Backtest(None, 0, {h: _stats([]) for h in horizon}, level, start, end, ())
        start = start or default[0]
        end = end or default[1]
    last_known = max((o.purchase_date for o in orders), default=start)
    cases: list[BacktestCase] = []
    t = start
    while t <= end:
        view_orders = [o for o in orders if o.purchase_date <= t]
        view_feedback = feedback_known_at(feedback, t)
        view_claims = claims_known_at(claims, t)
        view_chargebacks = chargebacks_known_at(chargebacks, t)
        model = fit_delay_model(
            view_orders, view_feedback, view_claims, view_chargebacks, t, policy
        )
        forecast = forecast_odr(
            model,
            view_orders,
            view_feedback,
            view_claims,
            view_chargebacks,
            t,
            policy,
            is_business,
            days=max(horizon),
            level=level,
        )
        by_key = {(f.day, f.channel): f for f in forecast}
        for h in horizon:
            day = t + timedelta(days=h)
            if day > last_known:
                continue
            actual = compute_odr(orders, feedback, claims, chargebacks, day, policy, is_business)
            for channel, metric in actual.items():
                f = by_key.get((day, channel))
                if metric.order_count == 0 or f is None:
                    continue
                cases.append(
                    BacktestCase(
                        as_of=t,
                        horizon=h,
                        channel=channel,
                        expected_rate=f.expected_rate,
                        low=f.low,
                        high=f.high,
                        actual_rate=metric.defective_orders / metric.order_count,
                        actual_defects=metric.defective_orders,
                        actual_orders=metric.order_count,
                    )
                )
        t += timedelta(days=step)
    overall = _stats(cases)
    per_horizon = {h: _stats([c for c in cases if c.horizon == h]) for h in horizon}
    return Backtest(overall.coverage, overall.cases, per_horizon, level, start, end, tuple(cases))
