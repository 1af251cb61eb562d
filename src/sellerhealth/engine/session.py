"""A DuckDB session over the store's tables, as Arrow columns."""

from __future__ import annotations

import duckdb

from sellerhealth.store.counters import ENGINE_TABLES
from sellerhealth.store.store import Store


def engine_for(store: Store, account: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one account's (or every account's) data registered."""
    con = duckdb.connect()
    for spec in ENGINE_TABLES:
        con.register(spec.name, store.arrow(spec, account))
    return con
