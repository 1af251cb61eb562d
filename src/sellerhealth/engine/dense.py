"""Kept counters as dense daily series: one array per counter key, its value on every day.

The engine's counters are deltas (+weight on an interval's first as-of day, -weight on the day
after its last; see `engine.intervals`), and a metric part's value on day D is the sum of its
deltas dated on or before D. The store keeps that running sum itself, per key: the values from
the key's first delta day to its last. So one day's figure is one lookup, a range of days is a
slice, and a far-off day costs nothing: after its last delta a key's value no longer changes.

Adding deltas (an import's changes) to a series is a cumulative sum over the days they cover.
A series is kept trimmed (no leading zeros, no repeated tail), so equal values are equal arrays
and an all-zero series is no series at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa

from sellerhealth.engine.intervals import KEYS

# account, marketplace_id, scope, metric, part
Key = tuple[str, str, str, str, str]
# (account, marketplace, scope, metric) -> day -> part -> value: what `engine.series` assembles
Values = dict[tuple[str, str, str, str], dict[date, dict[str, int]]]

_EPOCH = date(1970, 1, 1).toordinal()
_BYTES = np.dtype("<i8")  # as stored: little-endian 64-bit, whatever the machine


def day_number(day: date) -> int:
    """Days since 1970-01-01, the numbering of Arrow's date32 and of the stored series."""
    return day.toordinal() - _EPOCH


def day_of(number: int) -> date:
    return date.fromordinal(number + _EPOCH)


@dataclass(frozen=True)
class Series:
    """A key's value on each day from `first` (a day number) on; after the last, the last."""

    first: int
    values: np.ndarray  # int64, never empty, values[0] != 0

    @property
    def last(self) -> int:
        return self.first + len(self.values) - 1

    def at(self, day: int) -> int:
        if day < self.first:
            return 0
        return int(self.values[min(day - self.first, len(self.values) - 1)])

    def between(self, first: int, last: int) -> np.ndarray:
        """The values on each day first..last."""
        days = np.arange(first, last + 1)
        inside = np.clip(days - self.first, 0, len(self.values) - 1)
        return np.where(days < self.first, 0, self.values[inside])

    def plus(self, days: np.ndarray, deltas: np.ndarray) -> Series | None:
        """This series with more deltas added (None when every value becomes 0)."""
        low, high = min(self.first, int(days.min())), max(self.last, int(days.max()))
        base = np.full(high - low + 1, self.values[-1], dtype=np.int64)
        base[: self.first - low] = 0
        base[self.first - low : self.first - low + len(self.values)] = self.values
        return _trimmed(low, base + _running(days - low, deltas, high - low + 1))

    def to_bytes(self) -> bytes:
        return self.values.astype(_BYTES, copy=False).tobytes()

    @classmethod
    def from_bytes(cls, first: int, data: bytes) -> Series:
        return cls(first, np.frombuffer(data, dtype=_BYTES).astype(np.int64))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Series)
            and self.first == other.first
            and np.array_equal(self.values, other.values)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable array inside: not a dict key


def from_running(first: int, values: np.ndarray) -> Series | None:
    """The series of a key's values on the days from `first` on (None when all are 0)."""
    return _trimmed(first, values)


def from_deltas(days: np.ndarray, deltas: np.ndarray) -> Series | None:
    """The series of a key's deltas (None when they sum to 0 on every day)."""
    low, high = int(days.min()), int(days.max())
    return _trimmed(low, _running(days - low, deltas, high - low + 1))


def _running(offsets: np.ndarray, deltas: np.ndarray, length: int) -> np.ndarray:
    steps = np.zeros(length, dtype=np.int64)
    np.add.at(steps, offsets, deltas)
    return np.cumsum(steps)


def _trimmed(first: int, values: np.ndarray) -> Series | None:
    nonzero = np.flatnonzero(values)
    if not len(nonzero):
        return None
    start = int(nonzero[0])
    changes = np.flatnonzero(np.diff(values[start:]))  # the tail after the last change repeats
    end = start + (int(changes[-1]) + 2 if len(changes) else 1)
    return Series(first + start, values[start:end].copy())


def grouped_deltas(counters: pa.Table) -> dict[Key, tuple[np.ndarray, np.ndarray]]:
    """A counters table (KEYS, day, delta) as each key's day numbers and deltas.

    Grouped by DuckDB into one row per key holding lists (millions of rows, tens of
    thousands of keys: only the keys are built as Python values, and DuckDB groups in
    parallel, four times faster than sorting the five text columns in Arrow)."""
    if not counters.num_rows:
        return {}
    keys = ", ".join(KEYS)
    con = duckdb.connect()
    try:
        con.register("counters", counters)
        grouped = con.sql(
            f"SELECT {keys}, list(CAST(day - DATE '1970-01-01' AS INTEGER)) AS days, "
            f"list(CAST(delta AS BIGINT)) AS deltas FROM counters GROUP BY {keys}"
        ).to_arrow_table()
    finally:
        con.close()
    days_list = grouped.column("days").combine_chunks()
    offsets = days_list.offsets.to_numpy()
    offsets = offsets - offsets[0]
    days = days_list.flatten().to_numpy()
    deltas = grouped.column("deltas").combine_chunks().flatten().to_numpy()
    found = zip(*(grouped.column(k).to_pylist() for k in KEYS), strict=True)
    return {
        key: (days[offsets[i] : offsets[i + 1]], deltas[offsets[i] : offsets[i + 1]])
        for i, key in enumerate(found)
    }


def series_of(counters: pa.Table) -> dict[Key, Series]:
    """Every key's series from a counters table."""
    out = {}
    for key, (days, deltas) in grouped_deltas(counters).items():
        found = from_deltas(days, deltas)
        if found is not None:
            out[key] = found
    return out


def apply(
    kept: Mapping[Key, Series], changes: Iterable[tuple[Key, np.ndarray, np.ndarray]]
) -> tuple[dict[Key, Series], list[Key]]:
    """The series that `changes` (each key's day numbers and deltas) change (the new ones and
    the changed ones) and the keys whose series become all zero."""
    changed: dict[Key, Series] = {}
    emptied: list[Key] = []
    for key, days, deltas in changes:
        old = kept.get(key)
        new = from_deltas(days, deltas) if old is None else old.plus(days, deltas)
        if new is None:
            if old is not None:
                emptied.append(key)
        elif new != old:
            changed[key] = new
    return changed, emptied


def values_between(series: Iterable[tuple[Key, Series]], first: date, last: date) -> Values:
    """Every key's nonzero value on each day first..last, shaped for `engine.series.assemble`."""
    low, high = day_number(first), day_number(last)
    days = [day_of(n) for n in range(low, high + 1)]
    values: Values = defaultdict(lambda: defaultdict(dict))
    for (account, market, scope, metric, part), found in series:
        if found.last < low and found.values[-1] == 0:
            continue
        daily = found.between(low, high)
        by_day = values[(account, market, scope, metric)]
        for offset in np.flatnonzero(daily):
            by_day[days[offset]][part] = int(daily[offset])
    return values
