"""What-if for one account: apply a scenario to its records and compare, day by day, the
metrics and the account state before and after.

The records are taken as known on the as-of day, in one marketplace (the busiest unless one is
named). Days after the as-of day assume that clean orders keep coming at each channel's
trailing 30-day average (rounded to whole orders a day), before and after alike, so that the
windows do not empty out; the scenario's own extra orders come on top. The state on each day
comes from a full replay of the account's history on each version of the records (an
in-memory store each), with the stored appeals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal
from sellerhealth.domain.data import SellerData, known_at
from sellerhealth.domain.defect_arrivals import trailing_daily_orders
from sellerhealth.domain.states import StateSnapshot
from sellerhealth.domain.whatif import (
    WHATIF_PREFIX,
    DayComparison,
    ExtraDailyOrders,
    Scenario,
    ScenarioError,
    apply,
    compare,
)
from sellerhealth.errors import InputError, UsageError
from sellerhealth.service.forecasts import choose_marketplace
from sellerhealth.service.metrics import policy_for
from sellerhealth.service.states import replay_states
from sellerhealth.store.store import Store

ASSUMED_PREFIX = "assumed-"  # ids of the clean orders assumed after the as-of day


@dataclass(frozen=True)
class WhatIfRequest:
    """The changes asked for on the command line. `on`: the day they happen (default the
    as-of day); a SKU moves to FBA for its orders from `on`, or from the first order day when
    `on` is not given (where would its defects have landed)."""

    remove_feedback: tuple[str, ...] = ()
    deny_claims: tuple[str, ...] = ()
    extra_orders: int = 0
    channel: r.Channel = r.Channel.MFN
    sku_to_fba: tuple[str, ...] = ()
    claims_from: tuple[str, ...] = ()
    on: date | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.remove_feedback
            or self.deny_claims
            or self.extra_orders
            or self.sku_to_fba
            or self.claims_from
        )


@dataclass(frozen=True)
class WhatIfView:
    account: str
    as_of: date
    marketplace_id: str
    changes: list[str]
    days: list[date]
    comparisons: list[DayComparison]
    states_before: dict[date, StateSnapshot]
    states_after: dict[date, StateSnapshot]
    assumed_daily_orders: dict[str, int] = field(default_factory=dict)

    def by_day(self) -> dict[date, list[DayComparison]]:
        found: dict[date, list[DayComparison]] = {day: [] for day in self.days}
        for c in self.comparisons:
            found[c.day].append(c)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "asOf": self.as_of.isoformat(),
            "marketplaceId": self.marketplace_id,
            "changes": self.changes,
            "assumedDailyOrders": self.assumed_daily_orders,
            "days": [
                {
                    "day": day.isoformat(),
                    "stateBefore": self.states_before[day].label,
                    "stateAfter": self.states_after[day].label,
                    "stateChanged": self.states_before[day].label != self.states_after[day].label,
                    "metrics": [_comparison(c) for c in rows],
                }
                for day, rows in self.by_day().items()
            ],
        }


def _comparison(c: DayComparison) -> dict[str, Any]:
    return {
        "metric": c.metric,
        "scope": c.scope,
        "before": {
            "numerator": c.before_numerator,
            "denominator": c.before_denominator,
            "rate": c.before_value,
            "status": str(c.before_status),
        },
        "after": {
            "numerator": c.after_numerator,
            "denominator": c.after_denominator,
            "rate": c.after_value,
            "status": str(c.after_status),
        },
        "changed": c.changed,
    }


def build_scenario(request: WhatIfRequest, as_of: date, last: date, first: date) -> Scenario:
    """The scenario of the request: every change on `request.on` (default `as_of`); the extra
    orders from then through `last`; a SKU moved from `request.on`, else from `first`."""
    on = request.on or as_of
    scenario = Scenario()
    for order_id in request.remove_feedback:
        scenario = scenario.remove_feedback(order_id, on)
    for order_id in request.deny_claims:
        scenario = scenario.deny_claim(order_id, on)
    if request.extra_orders:
        scenario = scenario.extra_daily_orders(request.extra_orders, request.channel, on, last)
    for sku in request.sku_to_fba:
        scenario = scenario.move_sku_to_fba(sku, request.on or first)
    if request.claims_from:
        scenario = scenario.shipments_become_claims(request.claims_from, on)
    return scenario


def _marketplace_data(store: Store, account: str, market: str, as_of: date) -> SellerData:
    """One marketplace's records of the account (violations are account-wide), as known on
    `as_of`."""
    orders = [o for o in store.records(r.Order, account) if o.marketplace_id == market]
    ids = {o.order_id for o in orders}

    def mine(record_type: type) -> list[Any]:
        return [x for x in store.records(record_type, account) if x.order_id in ids]

    data = SellerData.of(
        orders,
        mine(r.Feedback),
        mine(r.Claim),
        mine(r.Chargeback),
        mine(r.Shipment),
        mine(r.Cancellation),
        store.records(r.Violation, account),
    )
    return known_at(data, as_of)


def _with_assumed_volume(data: SellerData, as_of: date, last: date) -> tuple[SellerData, dict]:
    """`data` with clean orders after `as_of` through `last` at the trailing 30-day volume."""
    rates = trailing_daily_orders(data.orders, as_of)
    volume = {str(ch): round(rate) for ch, rate in rates.items()}
    if last <= as_of:
        return data, volume
    extended = data
    for channel in r.Channel:
        if volume[str(channel)]:
            change = ExtraDailyOrders(
                volume[str(channel)], channel, as_of + timedelta(days=1), last
            )
            extended = change.apply(extended)
    return _renamed(extended), volume


def _renamed(data: SellerData) -> SellerData:
    def rename(order_id: str) -> str:
        if order_id.startswith(WHATIF_PREFIX):
            return ASSUMED_PREFIX + order_id[len(WHATIF_PREFIX) :]
        return order_id

    return dataclasses.replace(
        data,
        orders=tuple(dataclasses.replace(o, order_id=rename(o.order_id)) for o in data.orders),
        shipments=tuple(
            dataclasses.replace(s, order_id=rename(s.order_id)) for s in data.shipments
        ),
    )


def _states(
    data: SellerData,
    settings: r.AccountSettings,
    appeals: Sequence[Appeal],
    last: date,
    days: Iterable[date],
) -> dict[date, StateSnapshot]:
    """The state on each of `days` from a replay of `data` in an in-memory store."""
    with Store.open(":memory:") as scratch:
        scratch.set_account(settings)
        scratch.import_records(
            [
                *data.orders,
                *data.feedback,
                *data.claims,
                *data.chargebacks,
                *data.shipments,
                *data.cancellations,
                *data.violations,
            ]
        )
        return replay_states(scratch, settings.account, last, appeals=appeals, keep=days).states


def simulate(
    store: Store,
    account: str,
    as_of: date,
    request: WhatIfRequest,
    days: int = 30,
    marketplace: str | None = None,
) -> WhatIfView:
    """Metrics and states before and after the request's changes, for each day from `as_of`
    to `as_of + days - 1`."""
    if request.empty:
        raise UsageError(
            "simulate: nothing to change; give at least one of --remove-feedback, "
            "--deny-claim, --extra-orders, --sku-to-fba, --claims-from"
        )
    if days < 1:
        raise UsageError(f"--days: {days} is not a number of days (1 or more)")
    if request.extra_orders < 0:
        raise UsageError(f"--extra-orders: {request.extra_orders} is below 0")
    settings, policy = policy_for(store, account, None)
    market = choose_marketplace(store, account, marketplace)
    shown = [as_of + timedelta(days=k) for k in range(days)]
    last = shown[-1]
    data = _marketplace_data(store, account, market, as_of)
    if not data.orders:
        raise InputError(
            f"account {account!r} has no order on or before {as_of} in {market}: "
            "import its orders first or pass a later --as-of"
        )
    first = min(o.purchase_date for o in data.orders)
    if request.sku_to_fba and not any(o.skus for o in data.orders):
        raise InputError(
            f"--sku-to-fba: none of the orders of account {account!r} in {market} has a SKU; "
            "import an orders file with a skus column (canonical orders CSV) first"
        )
    scenario = build_scenario(request, as_of, last, first)
    before, volume = _with_assumed_volume(data, as_of, last)
    try:
        after = apply(scenario, before)
    except ScenarioError as problem:
        raise InputError(
            f"simulate: {problem} in account {account!r} as of {as_of}; "
            "check the ids against the imported files"
        ) from None
    rows = compare(before, after, shown, policy, settings.is_business)
    appeals = [a for a in store.appeals(account) if a.opened_on <= as_of]
    return WhatIfView(
        account=account,
        as_of=as_of,
        marketplace_id=market,
        changes=scenario.describe(),
        days=shown,
        comparisons=rows,
        states_before=_states(before, settings, appeals, last, shown),
        states_after=_states(after, settings, appeals, last, shown),
        assumed_daily_orders=volume if last > as_of else {},
    )
