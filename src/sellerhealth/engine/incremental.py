"""Counters kept up to date as events arrive, instead of recomputed from scratch.

The engine's counters are additive (see `engine.intervals`), so a batch of new events changes
only the counters of what it touches. For every entity the batch mentions (an order with all
its feedback, claims, shipments...; a buyer message; a violation):

1. its current rows are copied out of the big tables (one hashed-key scan per table),
2. the counters of those rows are retracted,
3. the batch's rows replace theirs (same key, as the store upserts), in the copy,
4. the counters of the copy are added, and the big tables get the same replacement.

Reading any day's figures is then the usual prefix sum over the counters. A property test
holds the result equal to a full recompute.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.engine.intervals import KEYS, counters_sql
from sellerhealth.engine.series import all_intervals_sql, build_counters, health_series
from sellerhealth.engine.session import ENGINE_TABLES
from sellerhealth.store import tables as t

# The column tying a table's rows to the entity whose intervals they feed.
_ENTITY_COLUMN = {t.MESSAGES.name: "message_id", t.VIOLATIONS.name: "violation_id"}
SLICE = 10_000_000  # orders per slice of accounts when counting everything (bounds memory)
_OLD = "\x00old:"  # marks the retracted copy's accounts inside the one counting query
_DUCK_TYPES = {"date": "DATE", "bool": "INTEGER", "int": "BIGINT", "real": "DOUBLE"}


def _entity_key(table: str, prefix: str = "") -> str:
    """A 64-bit hash of (account, entity id): cheap to scan for, unlike two text columns."""
    column = _ENTITY_COLUMN.get(table, "order_id")
    return f"hash({prefix}account, {prefix}{column})"


def _type(spec: t.TableSpec, column: str) -> str:
    kind = next(c.type for c in spec.columns if c.name == column)
    return _DUCK_TYPES.get(kind, "VARCHAR")


class IncrementalEngine:
    """Base tables and counters in one DuckDB database (in memory unless a path is given)."""

    def __init__(self, policy: Policy, path: str = ":memory:") -> None:
        self.policy = policy
        self.con = duckdb.connect(path)
        for spec in ENGINE_TABLES:
            cols = ", ".join(f"{c.name} {_DUCK_TYPES.get(c.type, 'VARCHAR')}" for c in spec.columns)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {spec.name} ({cols}, k UBIGINT)")
        key_cols = ", ".join(f"{k} VARCHAR" for k in KEYS)
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS counters ({key_cols}, day DATE, delta BIGINT)"
        )

    def build(self, tables: dict[str, pa.Table]) -> None:
        """Load every table and compute all counters from scratch."""
        for spec in ENGINE_TABLES:
            self.con.execute(f"DELETE FROM {spec.name}")
            if spec.name in tables:
                self.con.register("incoming", tables[spec.name])
                self._insert_from(spec, "incoming")
                self.con.unregister("incoming")
        self.recount()

    def build_from_parquet(self, folder: Path) -> None:
        """As `build`, from a folder holding one Parquet dataset per table (`orders/*.parquet`)."""
        for spec in ENGINE_TABLES:
            self.con.execute(f"DELETE FROM {spec.name}")
            if (folder / spec.name).is_dir():
                source = (folder / spec.name / "*.parquet").as_posix().replace("'", "''")
                self._insert_from(spec, f"read_parquet('{source}')")
        self.recount()

    def recount(self) -> None:
        """All counters computed afresh from the tables, a slice of accounts per 10M orders."""
        orders = self.con.sql("SELECT count(*) FROM orders").fetchall()[0][0]
        build_counters(self.con, self.policy, "counters", parts=max(1, -(-orders // SLICE)))

    def apply(self, batch: dict[str, pa.Table]) -> None:
        """Add a batch of new or changed rows, updating only the counters they touch."""
        self.con.execute("BEGIN")
        try:
            for name, rows in batch.items():
                self.con.register(f"batch_{name}", rows)
            self._copy_touched(batch)
            self._count_change(batch)
            for spec in ENGINE_TABLES:
                if spec.name in batch:
                    self._replace(spec)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            for name in batch:
                self.con.unregister(f"batch_{name}")

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
        """Sum the counters' rows per key and day (apply appends; this keeps the table small)."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE packed AS SELECT {', '.join(KEYS)}, day, "
            "CAST(sum(delta) AS BIGINT) AS delta FROM counters GROUP BY ALL HAVING sum(delta) <> 0"
        )
        self.con.execute("DELETE FROM counters")
        self.con.execute("INSERT INTO counters SELECT * FROM packed")

    # --- internals -----------------------------------------------------------------------

    def _insert_from(self, spec: t.TableSpec, source: str) -> None:
        names = ", ".join(spec.names)
        casts = ", ".join(f"CAST({n} AS {_type(spec, n)})" for n in spec.names)
        self.con.execute(
            f"INSERT INTO {spec.name} ({names}, k) SELECT {casts}, "
            f"{_entity_key(spec.name)} FROM {source}"
        )

    def _copy_touched(self, batch: dict[str, pa.Table]) -> None:
        """before_<table>: the current rows of every entity the batch mentions (with rowid)."""
        keys: dict[str, list[str]] = {}
        for name in batch:
            column = _ENTITY_COLUMN.get(name, "order_id")
            keys.setdefault(column, []).append(f"SELECT {_entity_key(name)} AS k FROM batch_{name}")
        for column, queries in keys.items():
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE touched_{column} AS {' UNION '.join(queries)}"
            )
        for spec in ENGINE_TABLES:
            column = _ENTITY_COLUMN.get(spec.name, "order_id")
            where = f"k IN (SELECT k FROM touched_{column})" if column in keys else "FALSE"
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE before_{spec.name} AS "
                f"SELECT rowid AS rid, * FROM main.{spec.name} WHERE {where}"
            )

    def _replaced(self, spec: t.TableSpec) -> str:
        """SQL condition: row `b` of before_<table> has the key of one of the batch's rows."""
        match = " AND ".join(f"b.{k} = CAST(x.{k} AS {_type(spec, k)})" for k in spec.key)
        return f"EXISTS (SELECT 1 FROM batch_{spec.name} x WHERE {match})"

    def _replace(self, spec: t.TableSpec) -> None:
        """The batch's rows replace the table's rows with the same key (as the store upserts)."""
        self.con.execute(
            f"DELETE FROM main.{spec.name} WHERE rowid IN "
            f"(SELECT b.rid FROM before_{spec.name} b WHERE {self._replaced(spec)})"
        )
        self._insert_from(spec, f"batch_{spec.name}")

    def _count_change(self, batch: dict[str, pa.Table]) -> None:
        """Retract the touched entities' counters as they were and add them as they become, in
        one query: the old copy runs under a marked account name, so the two copies never meet
        in a join, and its counters come out negated and unmarked."""
        shadows = []
        for spec in ENGINE_TABLES:
            old = (
                f"SELECT * EXCLUDE (rid) REPLACE ('{_OLD}' || account AS account) "
                f"FROM before_{spec.name} b"
            )
            new = f"SELECT * EXCLUDE (rid) FROM before_{spec.name} b"
            if spec.name in batch:
                casts = ", ".join(f"CAST({n} AS {_type(spec, n)})" for n in spec.names)
                new = (
                    f"{new} WHERE NOT {self._replaced(spec)} UNION ALL "
                    f"SELECT {casts}, {_entity_key(spec.name)} FROM batch_{spec.name}"
                )
            shadows.append(f"{spec.name} AS ({old} UNION ALL {new})")
        sql = counters_sql(all_intervals_sql(self.policy))
        marked = f"starts_with(account, '{_OLD}')"
        self.con.execute(
            f"INSERT INTO counters WITH {', '.join(shadows)} "
            f"SELECT * REPLACE (CASE WHEN {marked} THEN substr(account, {len(_OLD) + 1}) "
            f"ELSE account END AS account, CASE WHEN {marked} THEN -delta ELSE delta END AS delta) "
            f"FROM ({sql})"
        )
