"""Seller data for the engine's property tests, and its tables as the store gives them."""

from __future__ import annotations

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

from sellerhealth.policy_files import load_policy
from sellerhealth.store.counters import ENGINE_TABLES
from sellerhealth.store.store import Store

POLICY = load_policy()


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
