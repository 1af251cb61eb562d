"""The recount: every metric's counters for the tables registered on a DuckDB connection, as
one dense array per counter key and day.

The interval SQL (`engine.odr`, `engine.shipping`, `engine.account`) is encoded to integer
keys (`engine.intervals.encoded_sql`) and its counters summed by DuckDB on those integers; the
result is laid out as a (keys x days) array of deltas (`Counted`), whose running sum along
the days is every key's daily value. `sellerhealth rebuild` and `verify` count the whole year
(`days=None`); a question about some days counts those only (`Days`). An import's change
(`engine.change`) runs the same count over the old rows, marked as such (`OLD`), and the new
ones: the old rows' counters come out negated, so the result is the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa

from sellerhealth.domain.policy import Policy
from sellerhealth.engine.account import account_intervals_sql
from sellerhealth.engine.dense import Key, Series, day_number, day_of
from sellerhealth.engine.intervals import (
    KEYS,
    PARTS,
    Days,
    clipped_sql,
    decoded_sql,
    encoded_sql,
    ends_sql,
    key_tables_sql,
    summed_sql,
    with_key_tables,
)
from sellerhealth.engine.odr import odr_intervals_sql
from sellerhealth.engine.shipping import shared_sql, shipping_intervals_sql
from sellerhealth.store.counters import ENGINE_TABLES

OLD = "\x00old:"  # marks the accounts of a retracted copy of rows (see `engine.change`)
_CHUNK = 4096  # key rows summed at a time
SLICE = 10_000_000  # orders per slice of accounts in a count of many (bounds its memory)


def all_intervals_sql(policy: Policy, days: Days | None = None) -> str:
    """Every metric's intervals (text keys), clipped to `days` when given (and only of the
    rows that can count on one of them)."""
    groups = (
        ("", odr_intervals_sql(policy, days)),
        (f"WITH {shared_sql(policy, days)} ", shipping_intervals_sql(policy)),
        ("", account_intervals_sql(policy, days)),
    )
    return " UNION ALL ".join(
        f"SELECT * FROM ({shared}"
        + " UNION ALL ".join(f"SELECT * FROM ({clipped_sql(b, days)})" for b in branches)
        + ")"
        for shared, branches in groups
    )


def all_counters_sql(policy: Policy) -> str:
    """Every metric's counters (KEYS, day, delta), summed per key and day, in one
    self-contained query: what Spark runs, and the plain form the fast count is held to."""
    counting = summed_sql(ends_sql(encoded_sql(all_intervals_sql(policy))))
    return with_key_tables(policy, decoded_sql(counting))


def account_slices(orders: int) -> int:
    """How many slices of accounts a full count of `orders` orders takes (one per SLICE)."""
    return max(1, -(-orders // SLICE))


@dataclass(frozen=True)
class Counted:
    """Counter deltas per key (rows) and day (columns, from day number `first` on)."""

    keys: list[Key]
    first: int
    deltas: np.ndarray  # int64, (len(keys), days)

    def running(self, rows: slice = slice(None)) -> np.ndarray:
        """Each key's value (of `rows`) on each day of the columns."""
        return np.cumsum(self.deltas[rows], axis=1)

    def chunks(self) -> Iterator[slice]:
        """The key rows a few thousand at a time: a running sum of each at a time bounds the
        memory of the year's arrays."""
        for start in range(0, len(self.keys), _CHUNK):
            yield slice(start, start + _CHUNK)

    def series(self) -> dict[Key, Series]:
        """Every key's dense series (keys whose value is 0 on every day have none)."""
        out: dict[Key, Series] = {}
        for rows in self.chunks():
            out.update(_series(self.keys[rows], self.first, self.running(rows)))
        return out

    def changes(self) -> Iterator[tuple[Key, np.ndarray, np.ndarray]]:
        """Each key's (day numbers, deltas) where its delta is not 0."""
        for key, row in zip(self.keys, self.deltas, strict=True):
            days = np.flatnonzero(row)
            if len(days):
                yield key, days + self.first, row[days]

    def only(self, account: str) -> Counted:
        rows = [i for i, key in enumerate(self.keys) if key[0] == account]
        return Counted([self.keys[i] for i in rows], self.first, self.deltas[rows])

    def first_day(self) -> date | None:
        """The first day with a nonzero delta (None: no change at all)."""
        columns = np.flatnonzero(self.deltas.any(axis=0))
        return day_of(self.first + int(columns[0])) if len(columns) else None

    def values_table(self, first: date, last: date) -> pa.Table:
        """Every key's nonzero value on each day first..last: (KEYS, day, value)."""
        low = day_number(first) - self.first
        width = day_number(last) - day_number(first) + 1
        keys = pa.array(self.keys, pa.struct([(k, pa.string()) for k in KEYS]))
        parts = []
        for rows in self.chunks():
            running = self.running(rows)
            values = np.zeros((running.shape[0], width), dtype=np.int64)
            if running.shape[1]:  # the columns inside first..last, the last value after them
                inside = np.clip(np.arange(low, low + width), -1, running.shape[1] - 1)
                values = np.where(inside >= 0, running[:, np.maximum(inside, 0)], 0)
            found, columns = np.nonzero(values)
            days = pa.array(columns.astype(np.int32) + day_number(first)).cast(pa.date32())
            parts.append(
                pa.table(
                    [*keys.take(pa.array(found + rows.start)).flatten(), days,
                     pa.array(values[found, columns])],
                    names=[*KEYS, "day", "value"],
                )
            )  # fmt: skip
        if not parts:
            texts = [(k, pa.string()) for k in KEYS]
            return pa.schema([*texts, ("day", pa.date32()), ("value", pa.int64())]).empty_table()
        return pa.concat_tables(parts)


def count(
    con: duckdb.DuckDBPyConnection, policy: Policy, days: Days | None = None, slices: int = 1
) -> Counted:
    """The counters of the tables registered on `con` (every day, or only `days`).

    With `slices`, one slice of the accounts (by a hash of their name) is counted at a time:
    accounts never share a counter, so this is exact, and each slice's joins and sums hold
    only its share of the rows (the tables are then read once per slice)."""
    names = {}
    for table, sql in key_tables_sql(policy).items():
        found = con.sql(sql).to_arrow_table()
        con.register(table, found)
        order = np.argsort(found.column(1).to_numpy())
        names[table] = [found.column(0)[int(i)].as_py() for i in order]
    counting = summed_sql(ends_sql(encoded_sql(all_intervals_sql(policy, days))))
    if slices == 1:
        rows = con.sql(counting).to_arrow_table()
    else:
        found = []
        for part in range(slices):
            shadows = ", ".join(
                f"{spec.name} AS (SELECT * FROM main.{spec.name} "
                f"WHERE hash(account) % {slices} = {part})"
                for spec in ENGINE_TABLES
            )
            found.append(con.sql(f"WITH {shadows} SELECT * FROM ({counting})").to_arrow_table())
        rows = pa.concat_tables(found)
    return _laid_out(rows, names, days)


def _laid_out(rows: pa.Table, names: dict[str, list[str]], days: Days | None) -> Counted:
    """Counter rows (CODES, day, delta) as a Counted: one row per text key, one column a day."""
    accounts, markets, scopes = names["key_accounts"], names["key_markets"], names["key_scopes"]
    # A marked account is its unmarked twin, with its deltas negated.
    plain = [a.removeprefix(OLD) for a in accounts]
    own = sorted(set(plain))
    at = {name: i for i, name in enumerate(own)}
    twin = np.array([at[a] for a in plain], dtype=np.int64)
    sign = np.array([-1 if a.startswith(OLD) else 1 for a in accounts], dtype=np.int64)
    aid = rows.column("aid").to_numpy()
    widths = (len(markets), len(scopes), len(PARTS))
    code = twin[aid] if len(aid) else np.zeros(0, np.int64)
    for column, width in zip(("mid", "sid", "pid"), widths, strict=True):
        code = code * width + rows.column(column).to_numpy()
    day = rows.column("day").cast(pa.int32()).to_numpy()
    if days is not None:
        low, high = day_number(days.first), day_number(days.last)
    elif len(day):
        low, high = int(day.min()), int(day.max())
    else:
        low, high = 0, -1
    inside = day <= high  # a clipped interval's end, the day after `days`, changes nothing there
    codes, key_of = _numbered(code[inside], len(own) * widths[0] * widths[1] * widths[2])
    width = high - low + 1
    deltas = np.zeros((len(codes), width), dtype=np.int64)
    cells = key_of * width + (day[inside] - low)
    np.add.at(deltas.reshape(-1), cells, (rows.column("delta").to_numpy() * sign[aid])[inside])
    keep = deltas.any(axis=1)
    keys = [_key(int(c), own, markets, scopes) for c in codes[keep]]
    return Counted(keys, low, deltas[keep])


def _numbered(codes: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (sorted) and each code's index among them. A lookup table over the
    code space when it is small (one pass, no sort), else a sort."""
    if space > 1 << 26:
        return np.unique(codes, return_inverse=True)
    present = np.zeros(space, dtype=bool)
    present[codes] = True
    distinct = np.flatnonzero(present)
    index = np.cumsum(present) - 1
    return distinct, index[codes]


def _series(keys: list[Key], first: int, running: np.ndarray) -> dict[Key, Series]:
    """The keys' series from their values on each day from `first` on: each from its first
    nonzero value to its last change (after which the value repeats)."""
    if not running.size:
        return {}
    width = running.shape[1]
    nonzero = running != 0
    start = np.argmax(nonzero, axis=1)
    end = start + 1  # where the value never changes after its first day
    if width > 1:
        changed = np.diff(running, axis=1) != 0  # column j: the value changes after day j
        last_change = width - 2 - np.argmax(changed[:, ::-1], axis=1)
        end = np.where(changed.any(axis=1), last_change + 2, end)
    return {
        key: Series(first + int(a), running[row, a:b].copy())
        for row, (key, a, b) in enumerate(zip(keys, start, end, strict=True))
        if nonzero[row, a]
    }


def _key(code: int, accounts: list[str], markets: list[str], scopes: list[str]) -> Key:
    code, part = divmod(code, len(PARTS))
    code, scope = divmod(code, len(scopes))
    account, market = divmod(code, len(markets))
    metric, part_name = PARTS[part]
    return (accounts[account], markets[market], scopes[scope], metric, part_name)
