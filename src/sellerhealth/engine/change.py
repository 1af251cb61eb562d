"""The counters a change makes: those of the rows as they become less those of the rows as
they were, counted by one query.

The counters are additive (see `engine.intervals`), so replacing some entities' rows (an
order with all its feedback, claims, shipments...) changes the counters by exactly "new rows'
counters minus old rows' counters". Both copies go through the same count (`engine.count`):
the old copy runs under marked account names, so the two never meet in a join, and its
counters come out negated, under the unmarked names. The kept counters of the store
(`engine.kept`) count every import's change with it.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sellerhealth.domain.policy import Policy
from sellerhealth.engine.count import OLD, Counted, count
from sellerhealth.store.counters import ENGINE_TABLES


def marked_old(rows: pa.Table) -> pa.Table:
    """`rows` with their accounts marked as the retracted copy."""
    account = pc.binary_join_element_wise(OLD, rows.column("account"), "")
    return rows.set_column(rows.schema.get_field_index("account"), "account", account)


def counted_change(
    policy: Policy,
    new: Mapping[str, pa.Table],
    old: Mapping[str, pa.Table],
    schemas: Mapping[str, pa.Schema],
) -> Counted:
    """The counters that turn the counters of `old`'s rows into those of `new`'s (tables
    absent from both are empty, with `schemas`)."""
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
        return count(con, policy)
    finally:
        con.close()
