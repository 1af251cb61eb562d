"""Selling Partner connections and sync checkpoints (migration 5).

A connection is one account's link to Amazon: region, selling partner id, marketplaces, the
schedule it is synced on, and its LWA credentials sealed with the operator's key (see
`connectors/spapi_secrets.py`; this module never sees them in the clear). A checkpoint is where
one data kind's sync of one account got to: the next sync, or a sync resumed after a kill,
starts from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend

CONNECTIONS = t.TableSpec(
    "spapi_connections",
    t._cols(
        "account:text!",
        "region:text!",
        "selling_partner_id:text",
        "marketplaces:json!",
        "sealed_credentials:text!",
        "api_url:text",
        "token_url:text",
        "schedule:json!",
        "connected_at:timestamp!",
    ),
    ("account",),
)
CHECKPOINTS = t.TableSpec(
    "sync_checkpoints",
    t._cols(
        "account:text!",
        "data_kind:text!",
        "cursor:json!",
        "synced_at:timestamp",
        "last_error:text",
        "updated_at:timestamp!",
    ),
    ("account", "data_kind"),
)
TABLES = (CONNECTIONS, CHECKPOINTS)


@dataclass(frozen=True)
class Schedule:
    """How often an account is synced: orders and finances every few hours, reports daily,
    each run moved by up to `jitter_minutes` so 200 accounts do not all call at once."""

    orders_hours: float = 4.0
    reports_hours: float = 24.0
    jitter_minutes: float = 15.0

    def as_dict(self) -> dict[str, float]:
        return {
            "orders_hours": self.orders_hours,
            "reports_hours": self.reports_hours,
            "jitter_minutes": self.jitter_minutes,
        }


@dataclass(frozen=True)
class Connection:
    account: str
    region: str
    selling_partner_id: str | None
    marketplaces: tuple[str, ...]
    sealed_credentials: str = field(repr=False)
    api_url: str | None = None
    token_url: str | None = None
    schedule: Schedule = field(default_factory=Schedule)
    connected_at: datetime | None = None


@dataclass(frozen=True)
class Checkpoint:
    account: str
    data_kind: str
    cursor: dict[str, Any]
    synced_at: datetime | None = None
    last_error: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Connections:
    """The connections and checkpoints tables of one store."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def save(self, c: Connection) -> None:
        row = (
            c.account,
            c.region,
            c.selling_partner_id,
            json.dumps(list(c.marketplaces)),
            c.sealed_credentials,
            c.api_url,
            c.token_url,
            json.dumps(c.schedule.as_dict(), sort_keys=True),
            (c.connected_at or datetime.now(UTC)).isoformat(),
        )
        with self.backend.transaction():
            self.backend.execute(CONNECTIONS.upsert(self.backend.placeholder), row)

    def get(self, account: str) -> Connection | None:
        found = [c for c in self.all() if c.account == account]
        return found[0] if found else None

    def all(self) -> list[Connection]:
        names = CONNECTIONS.names
        rows = self.backend.query(f"SELECT {', '.join(names)} FROM {CONNECTIONS.name} ORDER BY 1")
        out = []
        for values in rows:
            row = dict(zip(names, values, strict=True))
            row["marketplaces"] = tuple(json.loads(row["marketplaces"]))
            row["schedule"] = Schedule(**json.loads(row["schedule"]))
            row["connected_at"] = datetime.fromisoformat(row["connected_at"])
            out.append(Connection(**row))
        return out

    def checkpoint(self, account: str, data_kind: str) -> Checkpoint:
        rows = self.backend.query(
            f"SELECT cursor, synced_at, last_error FROM {CHECKPOINTS.name} "
            "WHERE account = ? AND data_kind = ?",
            (account, data_kind),
        )
        if not rows:
            return Checkpoint(account, data_kind, {})
        cursor, synced_at, error = rows[0]
        when = datetime.fromisoformat(synced_at) if synced_at else None
        return Checkpoint(account, data_kind, json.loads(cursor), when, error)

    def checkpoints(self, account: str) -> list[Checkpoint]:
        rows = self.backend.query(
            f"SELECT data_kind FROM {CHECKPOINTS.name} WHERE account = ? ORDER BY 1", (account,)
        )
        return [self.checkpoint(account, row[0]) for row in rows]

    def advance(
        self, account: str, data_kind: str, cursor: dict[str, Any], finished: bool = False
    ) -> None:
        """Record how far a sync got; `finished` marks a completed run (for the schedule)."""
        before = self.checkpoint(account, data_kind)
        synced = (
            _now() if finished else (before.synced_at.isoformat() if before.synced_at else None)
        )
        row = (account, data_kind, json.dumps(cursor, sort_keys=True), synced, None, _now())
        with self.backend.transaction():
            self.backend.execute(CHECKPOINTS.upsert(self.backend.placeholder), row)

    def failed(self, account: str, data_kind: str, error: str) -> None:
        """Keep the checkpoint where it was; remember why the run stopped."""
        before = self.checkpoint(account, data_kind)
        row = (
            account,
            data_kind,
            json.dumps(before.cursor, sort_keys=True),
            before.synced_at.isoformat() if before.synced_at else None,
            error,
            _now(),
        )
        with self.backend.transaction():
            self.backend.execute(CHECKPOINTS.upsert(self.backend.placeholder), row)

    def imported(self, account: str, kind: str, sha256: str, name: str | None = None) -> bool:
        """Whether the import log has this exact document for this account and kind (and,
        given `name`, under that file name: a report's name carries its range and day)."""
        sql = "SELECT file FROM imports WHERE import_id = ?"
        rows = self.backend.query(sql, (f"{account}:{kind}:{sha256}",))
        if name is None:
            return bool(rows)
        return any(str(row[0]).replace("\\", "/").endswith("/" + name) for row in rows)


DDL = tuple(spec.ddl() for spec in TABLES)
