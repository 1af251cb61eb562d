"""Every account on one day, for an agency or a marketplace that runs many sellers.

The figures come from one engine pass over the whole store per policy file (accounts under
the same rules share a pass), not one computation per account: the cost grows with the data,
not with the number of accounts times the setup of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sellerhealth.domain.history import MetricRow, metric_rows
from sellerhealth.domain.metrics import Status
from sellerhealth.engine.series import health_series
from sellerhealth.engine.session import engine_for
from sellerhealth.policy_files import load_policy
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


def portfolio(store: Store, as_of: date) -> list[PortfolioLine]:
    """Every account's figures as of `as_of`, the failing accounts first."""
    settings = sorted((store.account(name) for name in store.accounts()), key=lambda s: s.policy)
    lines = []
    for policy_name, members in groupby(settings, key=lambda s: s.policy):
        group = {s.account: s for s in members}
        policy = load_policy(policy_name)
        business = frozenset(name for name, s in group.items() if s.is_business)
        series = health_series(
            engine_for(store), as_of, as_of, policy, business, accounts=list(group)
        )
        for (account, market, _), health in series.items():
            if account not in group:  # another policy file's account: its own pass judges it
                continue
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


def _in_words(row: MetricRow) -> str:
    name = f"{row.metric}.{row.scope}" if row.scope else row.metric
    if row.rate is None:
        return f"{name} {row.numerator}"
    return f"{name} {row.rate:.2%} ({row.numerator}/{row.denominator})"
