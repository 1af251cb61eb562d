"""Versioned schema migrations: each one runs once, in order, inside a transaction.

A migration is a named list of SQL statements that both databases accept. Append new ones at
the end; never edit one that has shipped.

`migrate` reads the store's version first and writes nothing when it is current, so opening a
store to read never takes the write lock (and never waits for a writer); only a store older
than the program is migrated, once, by the first process that opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sellerhealth.store import access, counters, triage_actions
from sellerhealth.store import connections as spapi
from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial tables",
        (
            *(spec.ddl() for spec in t.ALL_TABLES),
            "CREATE INDEX orders_by_day ON orders (account, purchase_date)",
            "CREATE INDEX feedback_by_day ON feedback (account, feedback_date)",
            "CREATE INDEX tracking_by_id ON tracking_events (account, tracking_id)",
        ),
    ),
    Migration(
        2,
        "state transitions and appeals",
        (
            *(spec.ddl() for spec in t.STATE_TABLES),
            "CREATE INDEX appeals_by_account ON appeals (account, opened_on)",
        ),
    ),
    Migration(
        3,
        "alerts",
        (
            t.ALERTS.ddl(),
            "CREATE INDEX alerts_pending ON alerts (sent_at, created_on)",
        ),
    ),
    # Version 4 is the kept counters (issue 9); 5 the Selling Partner connections (issue 12).
    Migration(
        4,
        "kept counters",
        # Counters of accounts imported before this migration are counted on their next
        # import or `sellerhealth rebuild`; until then their figures are counted from records.
        tuple(spec.ddl() for spec in counters.COUNTER_TABLES),
    ),
    Migration(5, "selling partner connections and sync checkpoints", spapi.DDL),
    # Issue 13: tenants, users, tokens, sessions, the audit log and triage actions.
    Migration(
        6,
        "tenants, users, tokens, sessions, the audit log and triage actions",
        (*access.DDL, *triage_actions.DDL),
    ),
)


def current_version(backend: Backend) -> int:
    if not backend.table_exists("schema_version"):
        return 0
    return int(backend.query("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0])


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return max(m.version for m in migrations)


def migrate(backend: Backend, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """Apply every migration newer than the store's version; return the ones applied."""
    if current_version(backend) >= latest_version(migrations):
        return []  # a plain read: the store is current
    applied = []
    with backend.transaction():
        backend.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    for migration in migrations:
        if migration.version <= current_version(backend):
            continue
        with backend.transaction():
            # Re-check inside the write transaction: another process may have just migrated.
            if migration.version <= current_version(backend):
                continue
            for statement in migration.statements:
                backend.execute(statement)
            backend.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
        applied.append(migration)
    return applied
