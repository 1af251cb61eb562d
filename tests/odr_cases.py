"""Run one ODR case through either implementation: the plain rules or the columnar engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sellerhealth.domain import records as r
from sellerhealth.domain.metrics import OdrMetric
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.engine.series import health_series
from sellerhealth.engine.session import engine_for
from sellerhealth.store.store import Store


def plain(
    records: Sequence[r.Record], as_of: date, policy: Policy, business: bool = False
) -> dict[r.Channel, OdrMetric]:
    def of(kind: type) -> list:
        return [x for x in records if isinstance(x, kind)]

    return compute_odr(
        of(r.Order), of(r.Feedback), of(r.Claim), of(r.Chargeback), as_of, policy, business
    )


def engine(
    records: Sequence[r.Record], as_of: date, policy: Policy, business: bool = False
) -> dict[r.Channel, OdrMetric]:
    return engine_range(records, as_of, as_of, policy, business)[as_of]


def engine_range(
    records: Sequence[r.Record], first: date, last: date, policy: Policy, business: bool = False
) -> dict[date, dict[r.Channel, OdrMetric]]:
    """Through the real store (in memory) and the engine, as the report computes it."""
    with Store.open(":memory:") as store:
        store.import_records(list(records))
        accounts = frozenset({"a"}) if business else frozenset()
        series = health_series(engine_for(store), first, last, policy, accounts, accounts=["a"])
    return {day: health.odr for (_, _, day), health in series.items()}
