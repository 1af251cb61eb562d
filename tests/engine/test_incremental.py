"""Applying a batch of events to maintained counters equals recomputing everything."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.test_metrics_engine_equals_rules import (
    cancellations,
    messages,
    orders,
    shipments,
    violations,
)
from tests.engine.test_odr_engine_equals_rules import (
    chargebacks_strategy,
    claims_strategy,
    feedback_strategy,
)

from sellerhealth.domain import records as r
from sellerhealth.engine.incremental import IncrementalEngine
from sellerhealth.engine.session import ENGINE_TABLES
from sellerhealth.policy_files import load_policy
from sellerhealth.store.store import Store

POLICY = load_policy()
FIRST, LAST = date(2026, 2, 1), date(2026, 3, 20)


def tables(records):
    with Store.open(":memory:") as store:
        store.import_records(records)
        return {spec.name: store.arrow(spec) for spec in ENGINE_TABLES}


def seller_data():
    return st.tuples(
        orders,
        feedback_strategy,
        claims_strategy(),
        chargebacks_strategy(),
        shipments,
        cancellations,
        violations,
        messages(),
    ).map(lambda parts: [x for part in parts for x in part])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seller_data(), seller_data())
def test_incremental_equals_full_recompute(base, batch):
    incremental = IncrementalEngine(POLICY)
    incremental.build(tables(base))
    incremental.apply(tables(batch))

    with Store.open(":memory:") as store:  # the same events, imported in the same order
        store.import_records(base)
        store.import_records(batch)
        everything = {spec.name: store.arrow(spec) for spec in ENGINE_TABLES}
    full = IncrementalEngine(POLICY)
    full.build(everything)

    assert incremental.values(FIRST, LAST) == full.values(FIRST, LAST)
    incremental.compact()
    assert incremental.values(FIRST, LAST) == full.values(FIRST, LAST)


def test_one_new_negative_feedback_moves_only_its_day_range():
    base = [r.Order("a", f"o{i}", date(2026, 2, 1), r.Channel.MFN) for i in range(10)]
    engine = IncrementalEngine(POLICY)
    engine.build(tables(base))
    engine.apply(tables([r.Feedback("a", "o3", date(2026, 2, 20), 1)]))
    values = engine.values(date(2026, 2, 19), date(2026, 2, 21))
    rates = [
        values[("a", r.DEFAULT_MARKETPLACE, d)].odr[r.Channel.MFN].rate
        for d in (date(2026, 2, 19), date(2026, 2, 20), date(2026, 2, 21))
    ]
    assert rates == [0.0, 0.1, 0.1]  # known from the day it was left: 1 of 10 orders
