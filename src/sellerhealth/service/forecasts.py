"""ODR forecasts for one account: the next days with an interval, the first likely breach,
the headroom of every rate metric, when each counted defect ages out, and the backtest.

The forecast is made for one marketplace (the account's busiest, unless one is named): the
ODR is judged per marketplace and channel, and so is its forecast. Only what was known on the
as-of day is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.age_out import AgeOut, age_out_schedule
from sellerhealth.domain.data import (
    SellerData,
    chargebacks_known_at,
    claims_known_at,
    feedback_known_at,
    known_at,
)
from sellerhealth.domain.defect_arrivals import HISTORY_DAYS, OdrHistory, odr_history
from sellerhealth.domain.forecast import breach_warning, forecast_odr
from sellerhealth.domain.forecast_backtest import Backtest, backtest
from sellerhealth.domain.headroom import headroom_of
from sellerhealth.domain.late_defects import fit_delay_model
from sellerhealth.domain.metrics import OdrMetric, RateMetric, Status
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.engine.dense import Key, Series, day_number, day_of
from sellerhealth.errors import InputError, UsageError
from sellerhealth.service.forecast_views import (
    HORIZONS,
    ChannelForecast,
    ForecastView,
    MetricHeadroom,
)
from sellerhealth.service.metrics import account_series, marketplace_health, policy_for
from sellerhealth.store.store import Store

LEVEL = 0.8  # the forecast interval: 80% of outcomes expected inside it
BACKTEST_STEP = 7  # days between two backtest forecast days


def _back_on_target(ages: AgeOut, channel: r.Channel) -> tuple[date | None, date | None]:
    """From the age-out projection (no new defect, trailing volume of clean orders): the first
    day the known defects make the channel BAD (today when it is BAD now), and the first day
    from which it stays GOOD (the day after the last BAD one); without a BAD day, the
    age-out's own first GOOD day."""
    days = ages.projection[channel]
    bad = [i for i, d in enumerate(days) if d.status is Status.BAD]
    if not bad:
        return None, ages.back_on_target[channel]
    after = days[bad[-1] + 1 :]
    back = after[0].day if after and after[0].status is Status.GOOD else None
    return days[bad[0]].day, back


def choose_marketplace(store: Store, account: str, marketplace: str | None) -> str:
    """`marketplace` if the account sells there, else its marketplace with the most orders.

    Counted from the kept ODR `orders` counters, not the orders: each order is in exactly
    `window` days' windows, so a marketplace's orders are the sum of its counter over the days
    divided by the window (orders the ODR leaves out, cancelled ones under a policy that says
    so, are not counted)."""
    policy, series = account_series(store, account)
    totals: dict[str, int] = {}
    for (_, market, _, metric, part), values in series.items():
        if (metric, part) == ("odr", "orders"):
            total = int(values.values.sum()) // policy.odr.window_days
            totals[market] = totals.get(market, 0) + total
    markets = sorted(totals, key=lambda m: (-totals[m], m))
    if marketplace is None:
        if not markets:
            raise InputError(
                f"account {account!r} has no orders: import its files first "
                f"(sellerhealth import FILE --account {account})"
            )
        return markets[0]
    if marketplace not in markets:
        raise UsageError(
            f"--marketplace: account {account!r} has no orders in {marketplace}; "
            f"it sells in {', '.join(markets) or 'none'}"
        )
    return marketplace


def _data(store: Store, account: str, marketplace: str, as_of: date) -> SellerData:
    """The account's orders in `marketplace` and their defects, as known on `as_of` (every
    record: the backtest forecasts from each past week)."""
    orders = [o for o in store.records(r.Order, account) if o.marketplace_id == marketplace]
    ids = {o.order_id for o in orders}
    data = SellerData.of(
        orders,
        [f for f in store.records(r.Feedback, account) if f.order_id in ids],
        [c for c in store.records(r.Claim, account) if c.order_id in ids],
        [c for c in store.records(r.Chargeback, account) if c.order_id in ids],
    )
    return known_at(data, as_of)


def stored_history(
    store: Store, account: str, marketplace: str, as_of: date, policy: Policy
) -> OdrHistory:
    """What the forecast reads, without loading every order: the orders per channel and
    purchase day of the year before `as_of` (`orders_per_day`, from the counters), and the
    orders of those days that have a defect record, with those records
    (`Store.defect_records`: probed from the few defect rows)."""
    first = as_of - timedelta(days=HISTORY_DAYS - 1)
    _, series = account_series(store, account, policy)
    counts = {
        (channel, day): n
        for channel in r.Channel
        for day, n in orders_per_day(series, account, marketplace, channel, as_of, policy).items()
        if day >= first
    }
    orders, feedback, claims, chargebacks = store.defect_records(account, first, as_of)
    return odr_history(
        counts,
        [o for o in orders if o.marketplace_id == marketplace],
        feedback_known_at(feedback, as_of),
        claims_known_at(claims, as_of),
        chargebacks_known_at(chargebacks, as_of),
        as_of,
        policy,
        first,
    )


def orders_per_day(
    series: Mapping[Key, Series],
    account: str,
    marketplace: str,
    channel: r.Channel,
    as_of: date,
    policy: Policy,
) -> dict[date, int]:
    """The orders the ODR counts per purchase day up to `as_of`, from its kept `orders`
    counter: that counter on as-of day D is the sum of the orders purchased in
    [D - lag - window + 1, D - lag], so from one day to the next it gains the orders of
    D - lag and loses those of D - lag - window:
    orders(p) = value(p + lag) - value(p + lag - 1) + orders(p - window), from the counter's
    first day on (no order before it). Exact integers, one step a day, and nothing after
    `as_of` is read (value(p + lag) holds no order purchased after p)."""
    found = series.get((account, marketplace, channel.value, "odr", "orders"))
    if found is None:
        return {}
    lag, window = policy.odr.lag_days, policy.odr.window_days
    counts: dict[int, int] = {}
    for p in range(found.first - lag, day_number(as_of) + 1):
        n = found.at(p + lag) - found.at(p + lag - 1) + counts.get(p - window, 0)
        counts[p] = n
    return {day_of(p): n for p, n in counts.items() if n}


def _rate_metrics(health: Any) -> list[tuple[str, str, OdrMetric | RateMetric]]:
    found: list[tuple[str, str, OdrMetric | RateMetric]] = [
        ("orderDefectRate", str(ch), health.odr[ch]) for ch in r.Channel
    ]
    found += [(m.name, m.scope, m) for m in health.late_shipment]
    for metric in (health.cancellation, *health.valid_tracking, health.on_time_delivery):
        if metric is not None:
            found.append((metric.name, metric.scope, metric))
    if health.contact_response is not None:
        found.append(("contactResponse", "", health.contact_response))
    return found


def odr_forecast(
    store: Store,
    account: str,
    as_of: date,
    days: int = 30,
    marketplace: str | None = None,
) -> ForecastView:
    """The expected ODR per channel for each of the next `days` days, with an interval; the
    first day each channel is likely (p >= 0.5) to breach; the headroom of every rate metric
    of the report as of `as_of`; when each counted defect ages out and each channel is back
    on target."""
    if days < 1:
        raise UsageError(f"--days: {days} is not a number of days (1 or more)")
    settings, policy = policy_for(store, account, None)
    market = choose_marketplace(store, account, marketplace)
    history = stored_history(store, account, market, as_of, policy)
    business = settings.is_business
    model = fit_delay_model(history, policy)
    forecast = forecast_odr(model, history, policy, business, days=days, level=LEVEL)
    ages = age_out_schedule(history, policy, business)
    health = next(
        (
            h
            for h in marketplace_health(store, settings, as_of, policy)
            if h.marketplace_id == market
        ),
        # Nothing counted there on `as_of` (its orders are all older than the windows): zero.
        MarketplaceHealth(market, compute_odr((), (), (), (), as_of, policy, business)),
    )
    channels = {}
    for channel in r.Channel:
        mine = tuple(f for f in forecast if f.channel == channel)
        bad_from, back = _back_on_target(ages, channel)
        channels[channel.value.lower()] = ChannelForecast(
            channel=channel,
            current=health.odr[channel],
            days=mine,
            warning=breach_warning(mine, channel=channel),
            back_on_target=back,
            age_out=tuple(a for a in ages.items if a.channel == channel),
            projected_bad_from=bad_from,
        )
    return ForecastView(
        account=account,
        as_of=as_of,
        marketplace_id=market,
        horizon=days,
        level=LEVEL,
        channels=channels,
        warnings={name: c.warning for name, c in channels.items()},
        headroom=[
            MetricHeadroom(name, scope, headroom_of(metric))
            for name, scope, metric in _rate_metrics(health)
        ],
        model=model,
    )


def forecast_backtest(
    store: Store, account: str, as_of: date, marketplace: str | None = None
) -> Backtest:
    """Forecasts made every week of the account's history (from the first day its ODR window
    is full of orders), each from what was known that day, against the ODR that followed 7,
    14 and 30 days later; only days up to `as_of` are read."""
    settings, policy = policy_for(store, account, None)
    market = choose_marketplace(store, account, marketplace)
    data = _data(store, account, market, as_of)
    return backtest(
        data.orders,
        data.feedback,
        data.claims,
        data.chargebacks,
        policy,
        settings.is_business,
        horizon=HORIZONS,
        step=BACKTEST_STEP,
        level=LEVEL,
    )
