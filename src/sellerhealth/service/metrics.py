"""Figures for one account: the report, daily history and reconciliation with Amazon."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sellerhealth.domain import records as r
from sellerhealth.domain.history import MetricRow, metric_name, metric_rows
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.reconcile import Discrepancy, reconcile
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.engine.series import health_series
from sellerhealth.engine.session import engine_for
from sellerhealth.errors import UsageError
from sellerhealth.policy_files import load_policy
from sellerhealth.store.store import Store


def policy_for(
    store: Store, account: str, policy: Policy | None
) -> tuple[r.AccountSettings, Policy]:
    settings = store.account(account)
    return settings, policy or load_policy(settings.policy)


def marketplace_health(
    store: Store, settings: r.AccountSettings, as_of: date, policy: Policy
) -> list[MarketplaceHealth]:
    """Every metric for one account per marketplace it sells in, as of `as_of`.

    The figures come from the engine; the defective order ids shown as evidence come from the
    plain rules, which a property test holds equal to the engine.
    """
    account = settings.account
    _, by_day = health_by_day(store, account, as_of, as_of, policy)
    orders = store.records(r.Order, account)
    defects = (
        store.records(r.Feedback, account),
        store.records(r.Claim, account),
        store.records(r.Chargeback, account),
    )
    healths = []
    for (marketplace, _), health in sorted(by_day.items()):
        mine = [o for o in orders if o.marketplace_id == marketplace]
        evidence = compute_odr(mine, *defects, as_of, policy, settings.is_business)
        odr = {
            ch: replace(metric, defective_order_ids=evidence[ch].defective_order_ids)
            for ch, metric in health.odr.items()
        }
        healths.append(replace(health, odr=odr))
    return healths


def health_by_day(
    store: Store, account: str, first: date, last: date, policy: Policy | None = None
) -> tuple[Policy, dict[tuple[str, date], MarketplaceHealth]]:
    """Every metric of one account for each (marketplace, day) in first..last."""
    settings, policy = policy_for(store, account, policy)
    business = frozenset({account}) if settings.is_business else frozenset()
    series = health_series(
        engine_for(store, account), first, last, policy, business, accounts=[account]
    )
    return policy, {(market, day): health for (_, market, day), health in series.items()}


def history(
    store: Store, account: str, first: date, last: date, metric: str | None = None
) -> list[MetricRow]:
    """Each metric as of each day of the range (time-travel: only what was known that day)."""
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")
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
