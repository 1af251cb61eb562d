"""The counters a change makes: those of the rows as they become less those of the rows as
they were, counted by one query.

The counters are additive (see `engine.intervals`), so replacing some entities' rows (an
order with all its feedback, claims, shipments...) changes the counters by exactly "new rows'
counters minus old rows' counters". Both copies go through the same query: the old copy runs
under marked account names, so the two never meet in a join, and its counters come out
negated and unmarked. Both the kept counters of the store (`engine.kept`) and the in-memory
incremental engine (`engine.incremental`) count their changes with it.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sellerhealth.domain.policy import Policy
from sellerhealth.engine.intervals import KEYS, counters_sql
from sellerhealth.engine.series import all_intervals_sql
from sellerhealth.store.counters import ENGINE_TABLES

_OLD = "\x00old:"  # marks the retracted copy's accounts inside the one counting query


def change_sql(policy: Policy, summed: bool = False) -> str:
    """The counters of the tables' rows, where rows with marked accounts (the old copy, see
    `marked_old`) count negated and unmarked; summed per key and day when `summed`."""
    marked = f"starts_with(account, '{_OLD}')"
    each = (
        f"SELECT * REPLACE (CASE WHEN {marked} THEN substr(account, {len(_OLD) + 1}) "
        f"ELSE account END AS account, "
        f"CAST(CASE WHEN {marked} THEN -delta ELSE delta END AS BIGINT) AS delta) "
        f"FROM ({counters_sql(all_intervals_sql(policy), summed=False)})"
    )
    if not summed:
        return each
    keys = ", ".join(KEYS)
    return (
        f"SELECT {keys}, day, CAST(sum(delta) AS BIGINT) AS delta FROM ({each}) "
        f"GROUP BY {keys}, day HAVING sum(delta) <> 0"
    )


def marked_old(rows: pa.Table) -> pa.Table:
    """`rows` with their accounts marked as the retracted copy (see `change_sql`)."""
    account = pc.binary_join_element_wise(_OLD, rows.column("account"), "")
    return rows.set_column(rows.schema.get_field_index("account"), "account", account)


def counted_change(
    policy: Policy,
    new: Mapping[str, pa.Table],
    old: Mapping[str, pa.Table],
    schemas: Mapping[str, pa.Schema],
) -> pa.Table:
    """The counters (KEYS, day, delta) that turn the counters of `old`'s rows into those of
    `new`'s, summed per key and day (tables absent from both are empty, with `schemas`)."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")  # sums: row order is irrelevant
    for spec in ENGINE_TABLES:
        parts = []
        if spec.name in old and old[spec.name].num_rows:
            parts.append(marked_old(old[spec.name]))
        if spec.name in new and new[spec.name].num_rows:
            parts.append(new[spec.name])
        rows = pa.concat_tables(parts) if parts else schemas[spec.name].empty_table()
        con.register(spec.name, rows)
    try:
        return con.sql(change_sql(policy, summed=True)).to_arrow_table()
    finally:
        con.close()
