"""A DuckDB session over the store's tables, as Arrow columns."""

from __future__ import annotations

import duckdb

from sellerhealth.store import tables as t
from sellerhealth.store.store import Store

ENGINE_TABLES = (
    t.ORDERS,
    t.FEEDBACK,
    t.CLAIMS,
    t.CLAIM_STATUSES,
    t.CHARGEBACKS,
    t.CHARGEBACK_STATUSES,
    t.SHIPMENTS,
    t.CANCELLATIONS,
    t.VIOLATIONS,
    t.MESSAGES,
)


def engine_for(store: Store, account: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one account's (or every account's) data registered."""
    con = duckdb.connect()
    for spec in ENGINE_TABLES:
        con.register(spec.name, store.arrow(spec, account))
    return con
