"""Every metric, for every account, marketplace and day of a range, in one columnar pass.

The interval queries of `engine.odr`, `engine.shipping` and `engine.account` are summed into
counters (`engine.count`) and read back as daily values; this module turns those values into
the domain's metric results (the same objects the plain rules return), one `MarketplaceHealth` per
(account, marketplace, day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb

from sellerhealth.domain.compliance import AhrEstimate, ViolationCount, ahr_band
from sellerhealth.domain.metrics import Condition, RateMetric
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import DEFAULT_MARKETPLACE, Channel
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.domain.windows import Window
from sellerhealth.engine.account import ACCOUNT_WIDE
from sellerhealth.engine.count import count
from sellerhealth.engine.dense import Values, values_between
from sellerhealth.engine.intervals import Days
from sellerhealth.engine.odr import odr_metric

Parts = dict[str, int]


def health_series(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    policy: Policy,
    business_accounts: frozenset[str] = frozenset(),
    accounts: Iterable[str] | None = None,
) -> dict[tuple[str, str, date], MarketplaceHealth]:
    """Every metric for each (account, marketplace, day) in first..last, counted from the
    tables registered on `con` (those days only)."""
    counted = count(con, policy, Days(first, last))
    values = values_between(counted.series().items(), first, last)
    return healths_of(values, first, last, policy, business_accounts, accounts)


def healths_of(
    values: Values,
    first: date,
    last: date,
    policy: Policy,
    business_accounts: frozenset[str] = frozenset(),
    accounts: Iterable[str] | None = None,
) -> dict[tuple[str, str, date], MarketplaceHealth]:
    """The metric results of daily values, for each (account, marketplace, day) in first..last:
    every marketplace an account has values in, or the default one when it has none."""
    markets: dict[str, set[str]] = {account: set() for account in accounts or ()}
    for account, market, _scope, _metric in values:
        found = markets.setdefault(account, set())
        if market != ACCOUNT_WIDE:
            found.add(market)
    out = {}
    for account, found in markets.items():
        business = account in business_accounts
        for market in sorted(found) or [DEFAULT_MARKETPLACE]:
            for offset in range((last - first).days + 1):
                day = date.fromordinal(first.toordinal() + offset)
                out[(account, market, day)] = assemble(
                    values, account, market, day, policy, business
                )
    return out


def assemble(
    values: Values, account: str, market: str, day: date, policy: Policy, business: bool
) -> MarketplaceHealth:
    """One (account, marketplace, day)'s metric results from the daily values."""

    def parts(metric: str, scope: str = "", where: str = market) -> Parts:
        return values.get((account, where, scope, metric), {}).get(day, {})

    def rate(
        name: str,
        scope: str,
        window: Window,
        num: str,
        den: str,
        target: float,
        condition: Condition,
        where: str = market,
        label: str | None = None,
    ) -> RateMetric:
        p = parts(name, scope, where)
        return RateMetric(
            name,
            window,
            p.get(num, 0),
            p.get(den, 0),
            target,
            condition,
            scope if label is None else label,
        )

    lsr_target = policy.late_shipment.target_business if business else policy.late_shipment.target
    cancel_target = policy.cancellation.target_business if business else policy.cancellation.target
    vtr = policy.valid_tracking
    vtr_window = Window.ending(day, vtr.window_days, vtr.lag_days)
    categories = sorted(
        scope
        for (acc, where, scope, metric), by_day in values.items()
        if (acc, where, metric) == (account, market, "validTrackingRate")
        and scope
        and by_day.get(day, {}).get("shipments", 0)
    )
    otd = policy.on_time_delivery
    return MarketplaceHealth(
        marketplace_id=market,
        odr={ch: odr_metric(ch, day, parts("odr", ch.value), policy, business) for ch in Channel},
        late_shipment=tuple(
            rate(
                "lateShipmentRate",
                f"{n}d",
                Window.ending(day, n),
                "late",
                "orders",
                lsr_target,
                Condition.LESS_THAN,
            )
            for n in policy.late_shipment.windows_days
        ),
        cancellation=_with_unattributed(
            rate(
                "preFulfillmentCancellationRate",
                "",
                Window.ending(day, policy.cancellation.window_days),
                "cancelled",
                "orders",
                cancel_target,
                Condition.LESS_THAN,
            ),
            parts("preFulfillmentCancellationRate", "", market).get("unattributed", 0),
            policy.cancellation.count_unknown_initiator,
        ),
        valid_tracking=tuple(
            rate(
                "validTrackingRate",
                scope,
                vtr_window,
                "valid",
                "shipments",
                vtr.target,
                Condition.GREATER_THAN,
            )
            for scope in ["", *categories]
        ),
        on_time_delivery=rate(
            "unitOnTimeDeliveryRate",
            "",
            Window.ending(day, otd.window_days, otd.lag_days),
            "onTime",
            "units",
            otd.target,
            Condition.GREATER_THAN,
        ),
        contact_response=rate(
            "contactResponse",
            "",
            Window.ending(day, policy.contact_response.window_days),
            "onTime",
            "messages",
            policy.contact_response.target,
            Condition.GREATER_THAN,
            where=ACCOUNT_WIDE,
        ),
        compliance=_compliance(values, account, day, policy),
        ahr=_ahr(parts("ahr"), parts("ahr", where=ACCOUNT_WIDE), day, policy),
    )


def _compliance(values: Values, account: str, day: date, policy: Policy) -> dict[str, Any]:
    rules = policy.policy_compliance
    window = Window.ending(day, rules.window_days)
    parts = {
        scope: by_day.get(day, {})
        for (acc, where, scope, metric), by_day in values.items()
        if (acc, where, metric) == (account, ACCOUNT_WIDE, "policyCompliance")
    }
    counts = {scope: p.get("violations", 0) for scope, p in parts.items()}
    others = sorted(c for c, p in parts.items() if c not in rules.categories and p.get("dated", 0))
    ordered = list(rules.categories) + others
    return {c: ViolationCount(c, window, counts.get(c, 0), rules.target) for c in ordered}


def _ahr(orders: Parts, violations: Parts, day: date, policy: Policy) -> AhrEstimate:
    rules = policy.ahr
    order_count = orders.get("orders", 0)
    order_points = rules.points_per_order_block * (order_count // rules.order_block)
    lost = violations.get("violationPoints", 0)
    critical = violations.get("critical", 0) > 0
    score = 0 if critical else max(0, min(rules.maximum, rules.start + order_points) - lost)
    return AhrEstimate(
        score=score,
        band=ahr_band(score, policy),
        window=Window.ending(day, rules.window_days),
        order_count=order_count,
        order_points=order_points,
        violation_points=lost,
        critical=critical,
    )


def _with_unattributed(metric: RateMetric, unknown: int, counted: bool) -> RateMetric:
    """Cancellations of unknown initiator: the seller's when the policy says so, else shown
    beside the rate (domain.shipping.cancellation_rate is the plain twin)."""
    numerator = metric.numerator + (unknown if counted else 0)
    return replace(metric, numerator=numerator, unattributed=unknown, unattributed_counted=counted)
