"""The stored tables, declared once: their columns, keys and the record each row holds.

One declaration serves both stores (SQLite and PostgreSQL): the DDL, the upsert and the
conversion between records and rows are all derived from it. Dates are stored as ISO text
(`YYYY-MM-DD`) and instants as ISO UTC text, which sort and compare correctly in both
databases and keep one schema for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sellerhealth.domain import records as r


@dataclass(frozen=True, slots=True)
class Col:
    name: str
    type: str = "text"  # text | int | real | bool | date | timestamp | json | blob
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        cols = ",\n  ".join(
            f"{c.name} {_SQL_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}"
            for c in self.columns
        )
        return f"CREATE TABLE {self.name} (\n  {cols},\n  PRIMARY KEY ({', '.join(self.key)})\n)"

    def upsert(self, placeholder: str, update: frozenset[str] | None = None) -> str:
        """INSERT that updates an existing row's non-key columns (only `update`'s, if given)."""
        names = self.names
        updates = [n for n in names if n not in self.key and (update is None or n in update)]
        action = (
            "DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in updates)
            if updates
            else "DO NOTHING"
        )
        return (
            f"INSERT INTO {self.name} ({', '.join(names)}) "
            f"VALUES ({', '.join([placeholder] * len(names))}) "
            f"ON CONFLICT ({', '.join(self.key)}) {action}"
        )


_SQL_TYPES = {
    "text": "TEXT",
    "int": "BIGINT",
    "real": "DOUBLE PRECISION",
    "bool": "INTEGER",
    "date": "TEXT",
    "timestamp": "TEXT",
    "json": "TEXT",
    # PostgreSQL's binary type; SQLite stores bytes as they are under any type name
    "blob": "BYTEA",
}


def to_cell(value: Any) -> Any:
    """A Python value as stored: ISO text for dates, 0/1 for booleans, plain str for enums."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value


def from_cell(value: Any, type_: str) -> Any:
    if value is None:
        return None
    if type_ == "date":
        return date.fromisoformat(value)
    if type_ == "timestamp":
        return datetime.fromisoformat(value)
    if type_ == "bool":
        return bool(value)
    if type_ == "json":
        return json.loads(value)
    return value


def from_column(values: Sequence[Any], type_: str) -> list[Any]:
    """A whole column of stored cells as Python values; the cells of a column repeat a lot
    (a year has 365 days), so each distinct text is parsed once."""
    if type_ in ("text", "int", "real"):
        return list(values)
    parsed: dict[Any, Any] = {None: None}
    out = []
    for value in values:
        if value not in parsed:
            parsed[value] = from_cell(value, type_)
        out.append(parsed[value])
    return out


def _cols(*specs: str) -> tuple[Col, ...]:
    """`"name:type"` shorthand; a trailing `!` means NOT NULL."""
    out = []
    for spec in specs:
        name, _, type_ = spec.partition(":")
        required = type_.endswith("!")
        out.append(Col(name, type_.rstrip("!") or "text", nullable=not required))
    return tuple(out)


ACCOUNTS = TableSpec(
    "accounts", _cols("account:text!", "policy:text!", "program:text!"), ("account",)
)
ORDERS = TableSpec(
    "orders",
    _cols(
        "account:text!",
        "order_id:text!",
        "purchase_date:date!",
        "fulfillment_channel:text!",
        "marketplace_id:text!",
        "is_business_order:bool!",
        "units:int!",
        "latest_ship_date:date",
        "latest_delivery_date:date",
        "order_status:text",
        "category:text",
        "skus:text",
    ),
    ("account", "order_id"),
)
FEEDBACK = TableSpec(
    "feedback",
    _cols(
        "account:text!",
        "order_id:text!",
        "feedback_date:date!",
        "rating:int!",
        "comments:text",
        "removed_date:date",
        "struck_through_date:date",
        "last_seen_report:date",
    ),
    ("account", "order_id"),
)
FEEDBACK_REPORTS = TableSpec(
    "feedback_reports",
    _cols(
        "account:text!", "report_date:date!", "range_from:date!", "range_to:date!", "listed:int!"
    ),
    ("account", "report_date", "range_from", "range_to"),
)
CLAIMS = TableSpec(
    "claims",
    _cols(
        "account:text!",
        "order_id:text!",
        "claim_date:date!",
        "reason:text",
        "buy_shipping_protected:bool!",
    ),
    ("account", "order_id", "claim_date"),
)
CLAIM_STATUSES = TableSpec(
    "claim_statuses",
    _cols(
        "account:text!",
        "order_id:text!",
        "claim_date:date!",
        "effective_date:date!",
        "status:text!",
    ),
    ("account", "order_id", "claim_date", "effective_date"),
)
CHARGEBACKS = TableSpec(
    "chargebacks",
    _cols("account:text!", "order_id:text!", "chargeback_date:date!", "reason:text!"),
    ("account", "order_id", "chargeback_date"),
)
CHARGEBACK_STATUSES = TableSpec(
    "chargeback_statuses",
    _cols(
        "account:text!",
        "order_id:text!",
        "chargeback_date:date!",
        "effective_date:date!",
        "status:text!",
    ),
    ("account", "order_id", "chargeback_date", "effective_date"),
)
SHIPMENTS = TableSpec(
    "shipments",
    _cols(
        "account:text!",
        "order_id:text!",
        "package:text!",
        "ship_confirm_date:date!",
        "carrier:text",
        "tracking_id:text",
        "tracking_valid:bool",
        "first_scan_date:date",
        "delivered_date:date",
        "promised_delivery_date:date",
        "units:int",
    ),
    ("account", "order_id", "package"),
)
TRACKING_EVENTS = TableSpec(
    "tracking_events",
    _cols(
        "account:text!",
        "tracking_id:text!",
        "event_time:timestamp!",
        "status:text!",
        "location:text",
    ),
    ("account", "tracking_id", "event_time", "status"),
)
CANCELLATIONS = TableSpec(
    "cancellations",
    _cols("account:text!", "order_id:text!", "cancel_date:date!", "initiator:text!", "reason:text"),
    ("account", "order_id"),
)
VIOLATIONS = TableSpec(
    "violations",
    _cols(
        "account:text!",
        "violation_id:text!",
        "date:date!",
        "category:text!",
        "severity:text!",
        "asin:text",
        "status:text!",
        "status_date:date",
    ),
    ("account", "violation_id"),
)
MESSAGES = TableSpec(
    "messages",
    _cols("account:text!", "message_id:text!", "received_at:timestamp!", "responded_at:timestamp"),
    ("account", "message_id"),
)
SNAPSHOTS = TableSpec(
    "snapshots",
    _cols("account:text!", "report_date:date!", "document:json!"),
    ("account", "report_date"),
)
IMPORTS = TableSpec(
    "imports",
    _cols(
        "import_id:text!",
        "account:text!",
        "file:text!",
        "kind:text!",
        "sha256:text!",
        "rows:int!",
        "records:int!",
        "imported_at:timestamp!",
    ),
    ("import_id",),
)

ALL_TABLES = (
    ACCOUNTS,
    ORDERS,
    FEEDBACK,
    FEEDBACK_REPORTS,
    CLAIMS,
    CLAIM_STATUSES,
    CHARGEBACKS,
    CHARGEBACK_STATUSES,
    SHIPMENTS,
    TRACKING_EVENTS,
    CANCELLATIONS,
    VIOLATIONS,
    MESSAGES,
    SNAPSHOTS,
    IMPORTS,
)
# ALL_TABLES is what migration 1 created: a table added later is declared below and created by
# its own migration (store/migrations.py), never added to ALL_TABLES.

# --- Account states and appeals (migration 2) -------------------------------------------------
# The replayed state history: one row per transition, `seq` orders the transitions of a day.
STATE_TRANSITIONS = TableSpec(
    "state_transitions",
    _cols(
        "account:text!",
        "day:date!",
        "seq:int!",
        "from_state:text!",
        "from_kind:text!",
        "to_state:text!",
        "to_kind:text!",
        "rule:text!",
        "trigger:text!",
        "source:text!",
        "evidence:json!",
    ),
    ("account", "day", "seq"),
)
# Appeals of a suspension: the Plan of Action's three parts, the evidence attached (a JSON list
# of file names or links), the dates and the outcome (granted / denied).
APPEALS = TableSpec(
    "appeals",
    _cols(
        "appeal_id:text!",
        "account:text!",
        "opened_on:date!",
        "root_cause:text!",
        "actions_taken:text!",
        "prevention:text!",
        "evidence:json!",
        "submitted_on:date",
        "decided_on:date",
        "outcome:text",
    ),
    ("appeal_id",),
)
STATE_TABLES = (STATE_TRANSITIONS, APPEALS)

# --- Alerts (migration 3) -----------------------------------------------------------------------
# Every alert raised, keyed by its cause so a cause is stored (and sent) once. `evidence` holds
# the figures behind it; `channels_delivered` maps each channel name to when it got the alert;
# `sent_at` is set once every channel has it (until then the alert is pending and retried).
ALERTS = TableSpec(
    "alerts",
    _cols(
        "cause_key:text!",
        "account:text!",
        "rule:text!",
        "severity:text!",
        "title:text!",
        "body:text!",
        "evidence:json!",
        "created_on:date!",
        "sent_at:timestamp",
        "channels_delivered:json!",
    ),
    ("cause_key",),
)

# Which table holds which record, and the row for a record (beyond its same-named fields).
Extra = Callable[[Any], dict[str, Any]]


def no_extra(_record: Any) -> dict[str, Any]:
    return {}


RECORD_TABLES: dict[type, tuple[TableSpec, Extra]] = {
    r.Order: (ORDERS, no_extra),
    r.Feedback: (FEEDBACK, lambda f: {"last_seen_report": None}),
    r.Claim: (CLAIMS, no_extra),
    r.Chargeback: (CHARGEBACKS, no_extra),
    r.Shipment: (SHIPMENTS, lambda s: {"package": s.tracking_id or ""}),
    r.TrackingEvent: (TRACKING_EVENTS, no_extra),
    r.Cancellation: (CANCELLATIONS, no_extra),
    r.Violation: (VIOLATIONS, no_extra),
    r.BuyerMessage: (MESSAGES, no_extra),
    r.PerformanceSnapshot: (SNAPSHOTS, no_extra),
}


def row_of(spec: TableSpec, record: Any, extra: Extra = no_extra) -> tuple[Any, ...]:
    values = extra(record)
    return tuple(
        to_cell(values[name] if name in values else getattr(record, name)) for name in spec.names
    )
