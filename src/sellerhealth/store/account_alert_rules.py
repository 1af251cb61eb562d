"""Alert rules kept on one account (migration 7), edited through the server: each is the table
a `[[rules]]` entry of the alerts config would be (`type` and its settings), under a name
unique within the account. `watch` adds them to the config file's rules for that account.

The tables are stored as given once `service.account_alert_rules` has checked them with the
config file's own parser; they are parsed again when read, so a rule always means what the
config file's would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend

ACCOUNT_ALERT_RULES = t.TableSpec(
    "account_alert_rules",
    t._cols(
        "account:text!",
        "name:text!",
        "rule:json!",
        "changed_by:text!",
        "changed_at:timestamp!",
    ),
    ("account", "name"),
)
DDL = (ACCOUNT_ALERT_RULES.ddl(),)


def rule_tables(backend: Backend, account: str) -> list[dict[str, Any]]:
    """The account's rule tables (each with its `type` and `name`), by name."""
    rows = backend.query(
        "SELECT rule FROM account_alert_rules WHERE account = ? ORDER BY name", (account,)
    )
    return [t.from_cell(rule, "json") for (rule,) in rows]


def rule_table(backend: Backend, account: str, name: str) -> dict[str, Any] | None:
    rows = backend.query(
        "SELECT rule FROM account_alert_rules WHERE account = ? AND name = ?", (account, name)
    )
    return t.from_cell(rows[0][0], "json") if rows else None


def save_rule(backend: Backend, account: str, table: dict[str, Any], by: str, at: datetime) -> None:
    """Add the rule `table` (it has its `name`), or replace the account's rule of that name."""
    row = (account, table["name"], table, by, at)
    with backend.transaction():
        backend.execute(
            ACCOUNT_ALERT_RULES.upsert(backend.placeholder), tuple(t.to_cell(v) for v in row)
        )


def remove_rule(backend: Backend, account: str, name: str) -> bool:
    """Remove the account's rule `name`; whether there was one."""
    with backend.transaction():
        found = rule_table(backend, account, name) is not None
        backend.execute(
            "DELETE FROM account_alert_rules WHERE account = ? AND name = ?", (account, name)
        )
    return found
