"""The store's side of the engine: the tables it counts from, as Arrow, and the kept counters.

Kept counters (migration 4) are one row per counter key (account, marketplace, scope, metric,
part): the key's value on every day from `first_day` to `last_day` (day numbers since
1970-01-01), packed as little-endian 64-bit integers (`engine.dense.Series`). `counter_sets`
records which policy file, and which version of it (a digest of its text), each account's
counters were counted under: counters counted under another policy are not that policy's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa

from sellerhealth.engine.dense import Key, Series
from sellerhealth.store.backends import Backend
from sellerhealth.store.tables import (
    CANCELLATIONS,
    CHARGEBACK_STATUSES,
    CHARGEBACKS,
    CLAIM_STATUSES,
    CLAIMS,
    FEEDBACK,
    MESSAGES,
    ORDERS,
    SHIPMENTS,
    VIOLATIONS,
    TableSpec,
    _cols,
)

# The tables the metrics engine counts from (tracking events feed the shipment radar only).
ENGINE_TABLES = (
    ORDERS,
    FEEDBACK,
    CLAIMS,
    CLAIM_STATUSES,
    CHARGEBACKS,
    CHARGEBACK_STATUSES,
    SHIPMENTS,
    CANCELLATIONS,
    VIOLATIONS,
    MESSAGES,
)
# The column tying a table's rows to the entity whose counters they feed: an order (with its
# feedback, claims, shipments...), a buyer message or a violation.
ENTITY_COLUMN = {MESSAGES.name: "message_id", VIOLATIONS.name: "violation_id"}

# Stored columns as the engine reads them: dates stay ISO text (its queries cast them).
_ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int64(),
    "real": pa.float64(),
    "bool": pa.int8(),
    "date": pa.string(),
    "timestamp": pa.string(),
    "json": pa.string(),
}


def entity_column(spec: TableSpec) -> str:
    return ENTITY_COLUMN.get(spec.name, "order_id")


def arrow_schema(spec: TableSpec) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in spec.columns])


ENGINE_SCHEMAS = {spec.name: arrow_schema(spec) for spec in ENGINE_TABLES}

COUNTER_SERIES = TableSpec(
    "counter_series",
    _cols(
        "account:text!",
        "marketplace_id:text!",
        "scope:text!",
        "metric:text!",
        "part:text!",
        "first_day:int!",
        "last_day:int!",
        "run:blob!",
    ),
    ("account", "marketplace_id", "scope", "metric", "part"),
)
COUNTER_SETS = TableSpec(
    "counter_sets",
    # `version` goes up with every change of the account's counters (see service.kept_replay)
    _cols("account:text!", "policy:text!", "digest:text!", "version:int!", "counted_at:timestamp!"),
    ("account",),
)
# The kept replay of each account's states (service.kept_replay): derived, like the counters.
STATE_REPLAYS = TableSpec(
    "state_replays",
    _cols(
        "account:text!",
        "stamp:text!",
        "first_day:date!",
        "through_day:date!",
        "checkpoints:json!",
        "transitions:json!",
    ),
    ("account",),
)
COUNTER_TABLES = (COUNTER_SERIES, COUNTER_SETS, STATE_REPLAYS)
_KEY_COLUMNS = COUNTER_SERIES.key


@dataclass(frozen=True, slots=True)
class CounterSet:
    policy: str
    digest: str


def counter_set(backend: Backend, account: str) -> CounterSet | None:
    found = backend.query("SELECT policy, digest FROM counter_sets WHERE account = ?", (account,))
    return CounterSet(*found[0]) if found else None


def counter_sets(backend: Backend) -> dict[str, CounterSet]:
    return {
        account: CounterSet(policy, digest)
        for account, policy, digest in backend.query(
            "SELECT account, policy, digest FROM counter_sets"
        )
    }


def read_series(backend: Backend, account: str) -> dict[Key, Series]:
    """Every kept series of one account (a few dozen rows, whatever its size)."""
    rows = backend.query(
        f"SELECT {', '.join(_KEY_COLUMNS)}, first_day, run FROM counter_series WHERE account = ?",
        (account,),
    )
    return {tuple(row[:5]): Series.from_bytes(row[5], bytes(row[6])) for row in rows}


def values_on(backend: Backend, day: int) -> list[tuple[Key, int]]:
    """Every account's nonzero counter values on one day, read inside the database: of each
    series only the 8 bytes of that day (or of its last day, after it) leave the store."""
    # PostgreSQL's substr takes INTEGER positions; the day numbers are BIGINT columns.
    offset = "(CASE WHEN CAST(? AS BIGINT) > last_day THEN last_day ELSE CAST(? AS BIGINT) END)"
    offset += " - first_day"
    rows = backend.query(
        f"SELECT {', '.join(_KEY_COLUMNS)}, substr(run, CAST(({offset}) * 8 + 1 AS INTEGER), 8) "
        "FROM counter_series WHERE first_day <= CAST(? AS BIGINT)",
        (day, day, day),
    )
    out = []
    for row in rows:
        value = int.from_bytes(bytes(row[5]), "little", signed=True)
        if value:
            out.append((tuple(row[:5]), value))
    return out


def write_series(
    backend: Backend, account: str, changed: Mapping[Key, Series], emptied: Iterable[Key]
) -> None:
    """Store changed series and drop emptied ones (inside the caller's transaction)."""
    key_match = " AND ".join(f"{k} = ?" for k in _KEY_COLUMNS)
    backend.executemany(f"DELETE FROM counter_series WHERE {key_match}", list(emptied))
    backend.executemany(
        COUNTER_SERIES.upsert(backend.placeholder),
        [(*key, s.first, s.last, s.to_bytes()) for key, s in changed.items()],
    )


def replace_series(
    backend: Backend, account: str, series: Mapping[Key, Series], policy: str, digest: str
) -> None:
    """Replace all of one account's kept counters (inside the caller's transaction)."""
    backend.execute("DELETE FROM counter_series WHERE account = ?", (account,))
    write_series(backend, account, series, ())
    mark_counted(backend, [account], policy, digest)


def mark_counted(backend: Backend, accounts: Sequence[str], policy: str, digest: str) -> None:
    """Record that the accounts' counters are counted under `policy` (the file's `digest`)."""
    now = datetime.now(UTC).isoformat()
    backend.executemany(
        COUNTER_SETS.upsert(backend.placeholder),
        [(a, policy, digest, counter_version(backend, a) + 1, now) for a in accounts],
    )


def counter_version(backend: Backend, account: str) -> int:
    found = backend.query("SELECT version FROM counter_sets WHERE account = ?", (account,))
    return int(found[0][0]) if found else 0


def bump_version(backend: Backend, account: str) -> None:
    """The account's counters changed (inside the caller's transaction)."""
    backend.execute("UPDATE counter_sets SET version = version + 1 WHERE account = ?", (account,))


def forget(backend: Backend, account: str) -> None:
    """Drop an account's kept counters: they will be counted afresh."""
    backend.execute("DELETE FROM counter_series WHERE account = ?", (account,))
    backend.execute("DELETE FROM counter_sets WHERE account = ?", (account,))
