"""The ODR forecast made on past days from what was known then, compared with the ODR that
actually followed: how often its interval held the real figure, per horizon.

Pure: standard library only, no clock; the policy is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sellerhealth.domain.data import chargebacks_known_at, claims_known_at, feedback_known_at
from sellerhealth.domain.defect_arrivals import odr_history_of_records
from sellerhealth.domain.forecast import forecast_odr
from sellerhealth.domain.late_defects import fit_delay_model
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel, Chargeback, Claim, Feedback, Order


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
        history = odr_history_of_records(
            [o for o in orders if o.purchase_date <= t],
            feedback_known_at(feedback, t),
            claims_known_at(claims, t),
            chargebacks_known_at(chargebacks, t),
            t,
            policy,
        )
        model = fit_delay_model(history, policy)
        forecast = forecast_odr(model, history, policy, is_business, days=max(horizon), level=level)
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
