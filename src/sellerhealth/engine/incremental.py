"""Counters kept up to date as events arrive, instead of recomputed from scratch.

The engine's counters are additive (see `engine.intervals`), so a batch of new events changes
only the counters of what it touches. For every entity the batch mentions (an order with all
its feedback, claims, shipments...; a buyer message; a violation):

1. its current rows are found by key in each table (`engine.rowstore`: a binary search, no scan),
2. the counters of those rows are retracted and the counters of the same rows with the batch's
   rows in place of theirs (same key, as the store upserts) are added, in one query; these
   counters are kept apart in memory until folded into the counters table (`compact`, or past
   FOLD_ROWS rows),
3. the batch's rows replace theirs in the tables.

Reading any day's figures is then the usual prefix sum over the counters. A property test
holds the result equal to a full recompute.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.engine.change import change_sql, marked_old
from sellerhealth.engine.intervals import KEYS
from sellerhealth.engine.rowstore import KEY, POSITION, KeyedRows
from sellerhealth.engine.series import build_counters, health_series
from sellerhealth.engine.slots import Slot, filled
from sellerhealth.store import tables as t
from sellerhealth.store.counters import ENGINE_TABLES

# The column tying a table's rows to the entity whose intervals they feed.
_ENTITY_COLUMN = {t.MESSAGES.name: "message_id", t.VIOLATIONS.name: "violation_id"}
SLICE = 10_000_000  # orders per slice of accounts when counting everything (bounds memory)


def account_slices(orders: int) -> int:
    """How many slices of accounts a full count of `orders` orders takes (one per SLICE)."""
    return max(1, -(-orders // SLICE))


# The engine's column types by the store's (text, ISO dates as the store keeps them, become
# these; timestamps and JSON stay text).
_ARROW_TYPES = {"date": pa.date32(), "bool": pa.int32(), "int": pa.int64(), "real": pa.float64()}
_NO_KEYS = np.empty(0, dtype=np.uint64)
_KEYED = pa.schema([("account", pa.string()), ("id", pa.string()), ("row", pa.int64())])
_COUNTERS = pa.schema(
    [*(pa.field(k, pa.string()) for k in KEYS), ("day", pa.date32()), ("delta", pa.int64())]
)
FOLD_ROWS = 2_000_000  # batches' counters kept apart (cheap to add to) up to this many rows


def _entity(table: str) -> str:
    return _ENTITY_COLUMN.get(table, "order_id")


def _schema(spec: t.TableSpec) -> pa.Schema:
    """The engine's columns of a table: the store's, typed for counting, and the entity key."""
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type, pa.string())) for c in spec.columns]
    return pa.schema([*fields, pa.field(KEY, pa.uint64())])


class IncrementalEngine:
    """Tables (`engine.rowstore`) and their counters (DuckDB), in memory unless a folder is given.

    The view `counters` is the counters table and the counters of the batches applied since it
    was last folded (held apart in memory, so a batch adds to them without a write).

    With a folder, the tables are memory-mapped files there and the counters a DuckDB file:
    working storage for data larger than memory (reopening it in another process is not
    supported; build again).
    """

    def __init__(self, policy: Policy, folder: Path | None = None) -> None:
        self.policy = policy
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(":memory:" if folder is None else str(folder / "counters.db"))
        # Counters are sums: no query here needs rows in any order, and keeping it costs time.
        self.con.execute("SET preserve_insertion_order = false")
        self.tables = {
            spec.name: KeyedRows(_schema(spec), None if folder is None else folder / spec.name)
            for spec in ENGINE_TABLES
        }
        # The queries below read the tables through slots: built once, run on each batch.
        self.slots = {spec.name: Slot(_schema(spec)) for spec in ENGINE_TABLES}
        self.slots["keyed"] = Slot(_KEYED)
        self.pending = Slot(_COUNTERS)
        for name, slot in [*self.slots.items(), ("pending_counters", self.pending)]:
            self.con.register(name, slot)
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS folded_counters AS SELECT * FROM pending_counters LIMIT 0"
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP VIEW counters AS "
            "SELECT * FROM folded_counters UNION ALL SELECT * FROM pending_counters"
        )
        self._hashing = self.con.sql("SELECT row, hash(account, id) AS k FROM keyed")
        self._counting = self.con.sql(change_sql(policy))

    def build(self, tables: dict[str, pa.Table]) -> None:
        """Load every table and compute all counters from scratch."""
        for spec in ENGINE_TABLES:
            self._load(spec, tables[spec.name].to_batches() if spec.name in tables else [])
        self.recount()

    def build_from_parquet(self, folder: Path) -> None:
        """As `build`, from a folder holding one Parquet dataset per table (`orders/*.parquet`),
        read a batch at a time."""
        for spec in ENGINE_TABLES:
            found = (folder / spec.name).is_dir()
            source = ds.dataset(folder / spec.name, format="parquet") if found else None
            self._load(spec, source.to_batches(columns=list(spec.names)) if source else [])
        self.recount()

    def recount(self, into: str | None = None) -> None:
        """All counters computed afresh from the tables, a slice of accounts per 10M orders:
        the engine's own (by default) or into the table `into`, for a check."""
        live = {name: rows.table() for name, rows in self.tables.items()}
        slices = account_slices(live["orders"].num_rows)
        with filled(self.slots, live):
            build_counters(self.con, self.policy, into or "folded_counters", slices)
        if into is None:
            self.pending.parts = []

    def apply(self, batch: dict[str, pa.Table]) -> None:
        """Add a batch of new or changed rows, updating only the counters they touch."""
        incoming = self._normalized({name: rows for name, rows in batch.items() if rows.num_rows})
        if not incoming:
            return
        touched: dict[str, list[np.ndarray]] = {}
        for name, rows in incoming.items():
            touched.setdefault(_entity(name), []).append(rows.column(KEY).to_numpy())
        keys = {column: np.unique(np.concatenate(parts)) for column, parts in touched.items()}
        before = {
            name: rows.find(keys.get(_entity(name), _NO_KEYS)) for name, rows in self.tables.items()
        }
        dead = {
            spec.name: _replaced(spec, before[spec.name], incoming.get(spec.name))
            for spec in ENGINE_TABLES
        }
        chunks = {name: self.tables[name].prepare(rows) for name, rows in incoming.items()}
        self.pending.parts.append(self._counted_change(before, dead, incoming))
        for name, rows in self.tables.items():
            rows.replace(dead[name], chunks.get(name))
        if self.pending.num_rows > FOLD_ROWS:
            self._fold()

    def values(
        self,
        first: date,
        last: date,
        business_accounts: frozenset[str] = frozenset(),
    ) -> dict[tuple[str, str, date], MarketplaceHealth]:
        return health_series(
            self.con, first, last, self.policy, business_accounts, counters="SELECT * FROM counters"
        )

    def compact(self) -> None:
        """Sum the counters' rows per key and day into the counters table and merge each
        table's chunks into one (apply appends to both; this keeps them small)."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE packed AS SELECT {', '.join(KEYS)}, day, "
            "CAST(sum(delta) AS BIGINT) AS delta FROM counters GROUP BY ALL HAVING sum(delta) <> 0"
        )
        self.con.execute("BEGIN")
        self.con.execute("DELETE FROM folded_counters")
        self.con.execute("INSERT INTO folded_counters SELECT * FROM packed")
        self.con.execute("COMMIT")
        self.pending.parts = []
        for rows in self.tables.values():
            rows.merge()

    # --- internals -----------------------------------------------------------------------

    def _load(self, spec: t.TableSpec, batches: Iterable[pa.RecordBatch]) -> None:
        """Replace the table's rows with `batches` (streamed: a file-backed table never holds
        them all in memory)."""
        rows = KeyedRows(_schema(spec), self.tables[spec.name].folder)
        normalized = (self._normalized({spec.name: pa.Table.from_batches([b])}) for b in batches)
        rows.replace(_NO_KEYS, rows.prepare(part[spec.name] for part in normalized))
        self.tables[spec.name] = rows

    def _normalized(self, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        """The engine's tables among `tables`, with the engine's column types and each row's
        entity key: a 64-bit hash of (account, entity id), cheap to search for, unlike two
        text columns. One query hashes them all (any query costs about a millisecond)."""
        typed = {  # the engine's columns and types, less the key computed here
            spec.name: tables[spec.name]
            .select(spec.names)
            .cast(self.tables[spec.name].schema.remove(len(spec.names)))
            for spec in ENGINE_TABLES
            if spec.name in tables
        }
        if not typed:
            return {}
        sizes = [rows.num_rows for rows in typed.values()]
        keyed = pa.table({
            "account": _joined(rows["account"] for rows in typed.values()),
            "id": _joined(rows[_entity(name)] for name, rows in typed.items()),
            "row": np.arange(sum(sizes)),
        })  # fmt: skip
        with filled(self.slots, {"keyed": keyed}):
            found = self._hashing.fetchnumpy()
        keys = np.empty(sum(sizes), dtype=np.uint64)
        keys[found["row"]] = found["k"]  # placed by row number: a query's row order is free
        return {
            name: rows.append_column(KEY, pa.array(part))
            for (name, rows), part in zip(
                typed.items(), np.split(keys, np.cumsum(sizes)[:-1]), strict=True
            )
        }

    def _counted_change(
        self,
        before: dict[str, pa.Table],
        dead: dict[str, np.ndarray],
        incoming: dict[str, pa.Table],
    ) -> pa.Table:
        """The counters that retract the touched entities as they were and add them as they
        become, from one query over both copies: the old copy runs under marked account
        names, so the two never meet in a join."""
        tables = {}
        for spec in ENGINE_TABLES:
            columns, old = self.tables[spec.name].schema.names, before[spec.name]
            parts = [incoming[spec.name]] if spec.name in incoming else []
            if old.num_rows:
                kept = old.filter(pa.array(~np.isin(old[POSITION].to_numpy(), dead[spec.name])))
                parts = [marked_old(old.select(columns)), kept.select(columns), *parts]
            if parts:
                tables[spec.name] = pa.concat_tables(parts)
        with filled(self.slots, tables):
            return self._counting.to_arrow_table().cast(_COUNTERS)

    def _fold(self) -> None:
        """Move the batches' counters into the counters table."""
        self.con.execute("INSERT INTO folded_counters SELECT * FROM pending_counters")
        self.pending.parts = []


def _joined(columns: Iterable[pa.ChunkedArray]) -> pa.ChunkedArray:
    """Text columns of several tables as one column (their chunks, not copied)."""
    return pa.chunked_array([chunk for column in columns for chunk in column.chunks], pa.string())


def _replaced(spec: t.TableSpec, before: pa.Table, incoming: pa.Table | None) -> np.ndarray:
    """Positions of the rows in `before` that a row of `incoming` replaces: the same key.

    Only rows of entities the batch touches are compared (a few hundred), so comparing the key
    values themselves, in Python, is cheap and exact (entity keys are hashes: they only narrow).
    """
    if incoming is None or not before.num_rows:
        return np.empty(0, dtype=np.int64)
    near = np.isin(incoming.column(KEY).to_numpy(), before.column(KEY).to_numpy())
    new_keys = set(_key_values(incoming.filter(pa.array(near)), spec.key))
    replaced = [key in new_keys for key in _key_values(before, spec.key)]
    return before.column(POSITION).to_numpy()[np.array(replaced, dtype=bool)]


def _key_values(rows: pa.Table, key: tuple[str, ...]) -> Iterator[tuple]:
    return zip(*(rows.column(k).to_pylist() for k in key), strict=True)
