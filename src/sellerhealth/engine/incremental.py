"""Counters kept up to date as events arrive, instead of recomputed from scratch.

The engine's counters are additive (see `engine.intervals`), so a batch of new events changes
only the counters of what it touches: for every order (message, violation) the batch mentions,
the intervals its old data gave are retracted, the rows are replaced, and the intervals of its
new data are added. Reading any day's figures is then the usual prefix sum over the counters.
A property test holds the result equal to a full recompute.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.engine.intervals import KEYS, counters_sql
from sellerhealth.engine.series import all_intervals_sql, health_series
from sellerhealth.engine.session import ENGINE_TABLES
from sellerhealth.store import tables as t

# Which column ties a table's rows to the entity whose intervals they feed.
_ENTITY = {
    t.MESSAGES.name: ("messages", "message_id"),
    t.VIOLATIONS.name: ("violations", "violation_id"),
}
_DUCK_TYPES = {"date": "DATE", "bool": "INTEGER", "int": "BIGINT", "real": "DOUBLE"}


def _entity(table: str) -> tuple[str, str]:
    return _ENTITY.get(table, ("orders", "order_id"))


class IncrementalEngine:
    """Base tables and counters in one DuckDB database (in memory unless a path is given)."""

    def __init__(self, policy: Policy, path: str = ":memory:") -> None:
        self.policy = policy
        self.con = duckdb.connect(path)
        for spec in ENGINE_TABLES:
            cols = ", ".join(f"{c.name} {_DUCK_TYPES.get(c.type, 'VARCHAR')}" for c in spec.columns)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {spec.name} ({cols})")
        key_cols = ", ".join(f"{k} VARCHAR" for k in KEYS)
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS counters ({key_cols}, day DATE, delta BIGINT)"
        )

    def build(self, tables: dict[str, pa.Table]) -> None:
        """Load every table and compute all counters from scratch."""
        for spec in ENGINE_TABLES:
            self.con.execute(f"DELETE FROM {spec.name}")
            if spec.name in tables:
                self._insert(spec, tables[spec.name])
        self.con.execute("DELETE FROM counters")
        self.con.execute(f"INSERT INTO counters {counters_sql(all_intervals_sql(self.policy))}")

    def apply(self, batch: dict[str, pa.Table]) -> None:
        """Add a batch of new or changed rows, updating only the counters they touch."""
        self.con.execute("BEGIN")
        try:
            self._touch(batch)
            self._count(sign=-1)
            for spec in ENGINE_TABLES:
                if spec.name in batch:
                    self._replace(spec, batch[spec.name])
            self._count(sign=+1)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

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

    def _insert(self, spec: t.TableSpec, rows: pa.Table) -> None:
        self.con.register("incoming", rows)
        names = ", ".join(spec.names)
        self.con.execute(f"INSERT INTO {spec.name} ({names}) SELECT {names} FROM incoming")
        self.con.unregister("incoming")

    def _replace(self, spec: t.TableSpec, rows: pa.Table) -> None:
        """Rows with the same key as a batch row are replaced by it (as the store upserts)."""
        self.con.register("incoming", rows)
        match = " AND ".join(
            f"{spec.name}.{k} = CAST(incoming.{k} AS {self._type(spec, k)})" for k in spec.key
        )
        self.con.execute(
            f"DELETE FROM {spec.name} WHERE EXISTS (SELECT 1 FROM incoming WHERE {match})"
        )
        self.con.unregister("incoming")
        self._insert(spec, rows)

    @staticmethod
    def _type(spec: t.TableSpec, column: str) -> str:
        kind = next(c.type for c in spec.columns if c.name == column)
        return _DUCK_TYPES.get(kind, "VARCHAR")

    def _touch(self, batch: dict[str, pa.Table]) -> None:
        """Temp tables of the entities (orders, messages, violations) the batch mentions."""
        parts: dict[str, list[str]] = {"orders": [], "messages": [], "violations": []}
        for name, rows in batch.items():
            view = f"batch_{name}"
            self.con.register(view, rows)
            entity, column = _entity(name)
            parts[entity].append(f"SELECT account, {column} AS id FROM {view}")
        for entity, queries in parts.items():
            source = (
                " UNION ".join(queries)
                or "SELECT NULL::VARCHAR AS account, NULL::VARCHAR AS id WHERE FALSE"
            )
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE touched_{entity} AS {source}")

    def _count(self, sign: int) -> None:
        """Counters of the touched entities' current rows, with `sign` (-1 retracts)."""
        shadows = []
        for spec in ENGINE_TABLES:
            entity, column = _entity(spec.name)
            shadows.append(
                f"{spec.name} AS (SELECT * FROM main.{spec.name} x WHERE EXISTS ("
                f"SELECT 1 FROM touched_{entity} w "
                f"WHERE w.account = x.account AND w.id = x.{column}))"
            )
        sql = counters_sql(all_intervals_sql(self.policy), sign)
        self.con.execute(f"INSERT INTO counters WITH {', '.join(shadows)} SELECT * FROM ({sql})")
