"""Arrow tables that DuckDB reads under a fixed name while their rows change.

A query over slots is built once (its text parsed, its tables registered) and run again on
whatever the slots hold. For a day's batch that matters: registering ten tables under their
names costs a catalog change each, and the counting query is 14 KB of SQL. (DuckDB still plans
the query on every run.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa


class Slot:
    """A named table's current rows: a list of Arrow tables, read as one."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.parts: list[pa.Table] = []

    @property
    def num_rows(self) -> int:
        return sum(part.num_rows for part in self.parts)

    def table(self) -> pa.Table:
        if len(self.parts) == 1:
            return self.parts[0]
        return pa.concat_tables([self.schema.empty_table(), *self.parts])

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """DuckDB asks for the rows on every scan, so it always reads the current ones."""
        return self.table().__arrow_c_stream__(requested_schema)


@contextmanager
def filled(slots: dict[str, Slot], tables: dict[str, pa.Table]) -> Iterator[None]:
    """The named slots hold `tables` for the `with` block, and nothing after it."""
    for name, rows in tables.items():
        slots[name].parts = [rows]
    try:
        yield
    finally:
        for name in tables:
            slots[name].parts = []
