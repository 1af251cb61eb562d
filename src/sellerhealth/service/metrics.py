"""Figures for one account: the report, daily history and reconciliation with Amazon."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

from sellerhealth.domain import records as r
from sellerhealth.domain.history import MetricRow, metric_name, metric_rows
from sellerhealth.domain.odr import compute_odr, odr_window
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.reconcile import Discrepancy, reconcile
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.domain.windows import check_range
from sellerhealth.engine import kept
from sellerhealth.engine.dense import Key, Series, values_between
from sellerhealth.engine.series import healths_of
from sellerhealth.errors import UsageError
from sellerhealth.policy_files import load_policy
from sellerhealth.store.store import Store


def policy_for(
    store: Store, account: str, policy: Policy | None
) -> tuple[r.AccountSettings, Policy]:
    settings = store.account(account)
    return settings, policy or store.memo(
        ("policy", settings.policy), lambda: load_policy(settings.policy)
    )


def recounting() -> bool:
    """`SELLERHEALTH_COUNTERS=recount`: count every figure from the records on each question,
    ignoring the kept counters and replays (for checking them, and for benchmarks)."""
    return os.environ.get("SELLERHEALTH_COUNTERS", "kept") == "recount"


def account_series(
    store: Store, account: str, policy: Policy | None = None
) -> tuple[Policy, dict[Key, Series]]:
    """The account's counter series and the policy they are counted under: the kept ones when
    they are current (the usual case: every import keeps them), else counted now from the
    records (an explicit `policy`, or a store whose counters are missing or stale; `sellerhealth
    rebuild` then makes them current)."""
    _, own = policy_for(store, account, None)
    chosen = policy or own
    if chosen == own and not recounting():
        found = store.memo(("kept-series", account), lambda: kept.kept_series(store, account))
        if found is not None:
            return chosen, found
    key = ("counted-series", account, id(chosen))
    return chosen, store.memo(key, lambda: kept.counted_series(store, account, chosen))


def marketplace_health(
    store: Store, settings: r.AccountSettings, as_of: date, policy: Policy
) -> list[MarketplaceHealth]:
    """Every metric for one account per marketplace it sells in, as of `as_of`, with the
    defective order ids of each ODR window as evidence (`defective_ids`)."""
    _, by_day = health_by_day(store, settings.account, as_of, as_of, policy)
    return [
        with_defective_ids(store, settings, health, as_of, policy)
        for (_, _), health in sorted(by_day.items())
    ]


def with_defective_ids(
    store: Store,
    settings: r.AccountSettings,
    health: MarketplaceHealth,
    as_of: date,
    policy: Policy,
) -> MarketplaceHealth:
    """`health` with the ids of the defective orders behind its ODR figures, from the plain
    rule over the window's orders that have a defect record (an indexed query, not a load of
    every record; a property test holds the figures equal)."""
    window = odr_window(as_of, policy)
    orders, feedback, claims, chargebacks = store.defect_records(
        settings.account, window.first, window.last
    )
    mine = [o for o in orders if o.marketplace_id == health.marketplace_id]
    evidence = compute_odr(mine, feedback, claims, chargebacks, as_of, policy, settings.is_business)
    odr = {
        ch: replace(metric, defective_order_ids=evidence[ch].defective_order_ids)
        for ch, metric in health.odr.items()
    }
    return replace(health, odr=odr)


def health_by_day(
    store: Store, account: str, first: date, last: date, policy: Policy | None = None
) -> tuple[Policy, dict[tuple[str, date], MarketplaceHealth]]:
    """Every metric of one account for each (marketplace, day) in first..last."""
    try:
        check_range(first, last)
    except ValueError as problem:
        raise UsageError(str(problem)) from None
    settings = store.account(account)
    policy, series = account_series(store, account, policy)
    business = frozenset({account}) if settings.is_business else frozenset()
    values = values_between(series.items(), first, last)
    healths = healths_of(values, first, last, policy, business, accounts=[account])
    return policy, {(market, day): health for (_, market, day), health in healths.items()}


def history(
    store: Store, account: str, first: date, last: date, metric: str | None = None
) -> list[MetricRow]:
    """Each metric as of each day of the range (time-travel: only what was known that day)."""
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")  # named as the options are
    try:
        wanted = metric_name(metric) if metric else None
    except ValueError as problem:
        raise UsageError(f"--metric: {problem}") from None
    policy, by_day = health_by_day(store, account, first, last)
    rows = [
        row
        for (_, day), health in sorted(by_day.items(), key=lambda item: (item[0][1], item[0][0]))
        for row in metric_rows(day, health, policy)
        if wanted is None or row.metric == wanted
    ]
    return rows


def reconcile_account(store: Store, account: str) -> list[Discrepancy]:
    """Every day where an imported Amazon snapshot and the computed figure disagree."""
    snapshots = store.snapshots(account)
    if not snapshots:
        return []
    first = snapshots[0].report_date - timedelta(days=1)
    last = snapshots[-1].report_date + timedelta(days=1)
    policy, by_day = health_by_day(store, account, first, last)
    return reconcile(snapshots, by_day, policy)
