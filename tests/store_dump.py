"""Every row of every table of a store, to tell whether a command changed it."""

from __future__ import annotations

from typing import Any

from sellerhealth.store.store import Store


def table_names(store: Store) -> list[str]:
    if store.backend.placeholder == "?":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    return [row[0] for row in store.backend.query(sql)]


def dump(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """{table: its rows, sorted}; the schema version's applied_at and the kept counters' times
    and versions are left out (it is the same store either way)."""
    with Store.open(target) as store:
        found = {}
        for name in table_names(store):
            if name == "schema_version":
                continue
            if name == "counter_sets":  # when the counters were counted is no content
                rows = store.backend.query("SELECT account, policy, digest FROM counter_sets")
            else:
                rows = store.backend.query(f"SELECT * FROM {name}")
            found[name] = sorted(rows, key=repr)
        return found
