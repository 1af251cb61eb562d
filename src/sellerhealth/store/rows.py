"""Records as stored rows, many at a time: the import's fast path for `tables.row_of`."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sellerhealth.store.tables import Extra, TableSpec, no_extra, to_cell


def _iso_cell(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _text_cell(value: Any) -> Any:
    return value if value is None or type(value) is str else to_cell(value)


def _bool_cell(value: bool | None) -> int | None:
    return None if value is None else int(value)


# The conversion of each column type that needs one; ints, reals and blobs are stored as given.
_CELLS: dict[str, Callable[[Any], Any]] = {
    "text": _text_cell,
    "date": _iso_cell,
    "timestamp": _iso_cell,
    "bool": _bool_cell,
    "json": to_cell,
}


def rows_of(
    spec: TableSpec, records: Sequence[Any], extra: Extra = no_extra
) -> list[tuple[Any, ...]]:
    """The stored rows of many records of one type: `row_of` of each, column by column.

    An import stores up to millions of rows; converting a column with one `map` (and not at
    all where its type needs nothing) does in C what `row_of` does cell by cell. A property
    test holds the two equal."""
    if not records:
        return []
    given = extra(records[0])  # the same keys for every record of a type
    columns: list[Sequence[Any]] = []
    for col in spec.columns:
        if col.name in given:
            values: Sequence[Any] = [extra(rec)[col.name] for rec in records]
        else:
            values = list(map(operator.attrgetter(col.name), records))
        cell = _CELLS.get(col.type)
        columns.append(values if cell is None else list(map(cell, values)))
    return list(zip(*columns, strict=True))
