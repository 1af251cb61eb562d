"""Every account on one day, for an agency or a marketplace that runs many sellers.

The figures come from the kept counters, read for every account in one query that takes only
the day's value of each series out of the store: the cost grows with the number of accounts'
counter keys, not with their orders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sellerhealth.domain.history import MetricRow, metric_rows
from sellerhealth.domain.metrics import Status
from sellerhealth.engine import kept
from sellerhealth.engine.dense import Values, day_number, values_between
from sellerhealth.engine.series import healths_of
from sellerhealth.engine.spark_session import SparkEngine
from sellerhealth.policy_files import load_policy
from sellerhealth.service.metrics import account_series
from sellerhealth.store.counters import values_on
from sellerhealth.store.store import Store


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    """One account in one marketplace: BAD when a figure fails its target, GOOD when every
    rate with data meets it, NONE when no rate has data yet (counts of violations and the
    rating alone do not make an account without orders look GOOD)."""

    account: str
    program: str
    marketplace_id: str
    status: str
    odr_orders: int  # orders in the ODR window, both channels: how much the figures rest on
    failing: tuple[MetricRow, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "marketplaceId": self.marketplace_id,
            "program": self.program,
            "status": self.status,
            "odrOrders": self.odr_orders,
            "failing": [row.as_dict() for row in self.failing],
        }

    def summary(self) -> dict[str, Any]:
        """A flat row for a table or CSV: the failing figures in words."""
        return {
            "account": self.account,
            "marketplace": self.marketplace_id,
            "program": self.program,
            "status": self.status,
            "odr orders": self.odr_orders,
            "failing": "; ".join(_in_words(row) for row in self.failing),
        }


def portfolio(
    store: Store,
    as_of: date,
    spark: SparkEngine | None = None,
    accounts: list[str] | None = None,
) -> list[PortfolioLine]:
    """Every account's figures (of `accounts`, when given: a tenant's) as of `as_of`, the
    failing accounts first (counted on Spark from the records, or a data lake's copy, with
    `spark`)."""
    chosen = store.accounts() if accounts is None else accounts
    settings = sorted((store.account(name) for name in chosen), key=lambda s: s.policy)
    names = [s.account for s in settings]
    if spark is None:
        values = _values_on(store, as_of, names)
    else:
        from sellerhealth.engine.spark import day_values  # pyspark and sqlglot: the extra

        values = day_values(store, names, as_of, spark)
    lines = []
    for policy_name, members in groupby(settings, key=lambda s: s.policy):
        group = {s.account: s for s in members}
        policy = load_policy(policy_name)
        business = frozenset(name for name, s in group.items() if s.is_business)
        mine = {key: by_day for key, by_day in values.items() if key[0] in group}
        healths = healths_of(mine, as_of, as_of, policy, business, accounts=list(group))
        for (account, market, _), health in healths.items():
            rows = metric_rows(as_of, health, policy)
            failing = tuple(row for row in rows if row.status == Status.BAD)
            rated = any(row.rate is not None for row in rows)
            status = Status.BAD if failing else Status.GOOD if rated else Status.NONE
            lines.append(
                PortfolioLine(
                    account=account,
                    program=group[account].program,
                    marketplace_id=market,
                    status=status.value,
                    odr_orders=sum(m.order_count for m in health.odr.values()),
                    failing=failing,
                )
            )
    order = {Status.BAD.value: 0, Status.GOOD.value: 1, Status.NONE.value: 2}
    return sorted(lines, key=lambda line: (order[line.status], line.account, line.marketplace_id))


def _values_on(store: Store, as_of: date, accounts: list[str]) -> Values:
    """Every account's counter values on `as_of`: the kept counters in one query (a few bytes
    per series), and the accounts whose counters are not current counted from their records."""
    values: Values = defaultdict(lambda: defaultdict(dict))
    current = {account for account in accounts if kept.current(store, account) is not None}
    for (account, market, scope, metric, part), value in values_on(
        store.backend, day_number(as_of)
    ):
        if account in current:
            values[(account, market, scope, metric)][as_of][part] = value
    for account in accounts:
        if account not in current:
            _, series = account_series(store, account)
            for key, by_day in values_between(series.items(), as_of, as_of).items():
                values[key] = by_day
    return values


def _in_words(row: MetricRow) -> str:
    name = f"{row.metric}.{row.scope}" if row.scope else row.metric
    if row.rate is None:
        return f"{name} {row.numerator}"
    return f"{name} {row.rate:.2%} ({row.numerator}/{row.denominator})"
