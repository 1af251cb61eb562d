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
from sellerhealth.engine import incremental as incremental_module
from sellerhealth.engine.incremental import IncrementalEngine
from sellerhealth.policy_files import load_policy
from sellerhealth.store.counters import ENGINE_TABLES
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


def full_recompute(*parts):
    with Store.open(":memory:") as store:  # the same events, imported in the same order
        for records in parts:
            store.import_records(records)
        everything = {spec.name: store.arrow(spec) for spec in ENGINE_TABLES}
    full = IncrementalEngine(POLICY)
    full.build(everything)
    return full.values(FIRST, LAST)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seller_data(), seller_data(), seller_data())
def test_incremental_equals_full_recompute(base, batch, next_batch):
    incremental = IncrementalEngine(POLICY)
    incremental.build(tables(base))
    incremental.apply(tables(batch))
    incremental.apply(tables(next_batch))  # rows now in several chunks, counters pending

    expected = full_recompute(base, batch, next_batch)
    assert incremental.values(FIRST, LAST) == expected
    incremental.compact()
    assert incremental.values(FIRST, LAST) == expected


def test_file_backed_engine_with_folded_counters_equals_full_recompute(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental_module, "FOLD_ROWS", 0)  # fold after every batch
    base = [r.Order("a", f"o{i}", date(2026, 2, i % 20 + 1), r.Channel.MFN) for i in range(30)]
    batch = [
        r.Feedback("a", "o3", date(2026, 2, 20), 1),
        r.Order("a", "o3", date(2026, 2, 4), r.Channel.AFN),  # the order itself replaced
        r.Order("b", "n1", date(2026, 2, 21), r.Channel.MFN),
    ]
    engine = IncrementalEngine(POLICY, tmp_path / "engine")
    engine.build(tables(base))
    engine.apply(tables(batch))
    assert list((tmp_path / "engine" / "orders").glob("*.arrow"))
    assert engine.values(FIRST, LAST) == full_recompute(base, batch)


def test_an_empty_batch_changes_nothing():
    base = [r.Order("a", f"o{i}", date(2026, 2, 1), r.Channel.MFN) for i in range(3)]
    engine = IncrementalEngine(POLICY)
    engine.build(tables(base))
    before = engine.values(FIRST, LAST)
    engine.apply({})
    engine.apply(tables([]))  # every table present, no rows
    assert engine.values(FIRST, LAST) == before
    assert engine.pending.num_rows == 0


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
