"""The store: records in, records (or columns for the engine) out, one interface for both
databases. An import is one transaction: all of a file's records land, or none do."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal, AppealOutcome
from sellerhealth.domain.marketplaces import policy_for_account
from sellerhealth.domain.states import AccountState, ReviewKind, Transition
from sellerhealth.engine import kept
from sellerhealth.store import counters
from sellerhealth.store import tables as t
from sellerhealth.store.alert_store import AlertStore
from sellerhealth.store.backends import Backend, open_backend
from sellerhealth.store.migrations import migrate
from sellerhealth.store.record_writes import RecordWriter


class Store(RecordWriter, AlertStore):
    """Seller data, per account, in SQLite (a path) or PostgreSQL (a postgresql:// URL)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        # Reads the schema version; writes (and waits for the write lock) only when the store
        # is older than the program, which happens once per migration (see store.migrations).
        migrate(backend)
        # Records and columns already read, per account; any import empties it.
        self._cache: dict[tuple[Any, ...], Any] = {}

    @classmethod
    def open(cls, target: str | Path) -> Store:
        backend = open_backend(target)
        try:
            return cls(backend)
        except BaseException:
            backend.close()
            raise

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around several writes: every `import_records` (and any other write)
        inside it lands when the block ends, or none does."""
        self._cache.clear()
        try:
            with self.backend.transaction():
                yield
        finally:
            self._cache.clear()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def set_account(self, settings: r.AccountSettings) -> None:
        """Store an account's settings; a new policy recounts its kept counters, in the same
        transaction (counters are part of a policy: see `engine.kept`)."""
        self._cache.clear()
        try:
            with self.backend.transaction():
                self._upsert(t.ACCOUNTS, [t.row_of(t.ACCOUNTS, settings)])
                if kept.current(self, settings.account) is None:
                    kept.recount(self, settings.account)
        finally:
            self._cache.clear()  # what was read inside the transaction

    # --- reading -------------------------------------------------------------------------

    def account(self, name: str, resolve: bool = True) -> r.AccountSettings:
        """The account's settings; an unset policy resolved from its marketplaces unless not
        `resolve` (read once per store object until the next write: every question asks)."""
        return self.memo(("account", name, resolve), lambda: self._account(name, resolve))

    def _account(self, name: str, resolve: bool) -> r.AccountSettings:
        rows = self.backend.query(
            "SELECT account, policy, program FROM accounts WHERE account = ?", (name,)
        )
        settings = r.AccountSettings(*rows[0]) if rows else r.AccountSettings(name)
        if settings.policy or not resolve:
            return settings
        # Not set: the policy of the marketplace the account sells in (issue 14).
        counts = self.backend.query(
            "SELECT marketplace_id, COUNT(*) FROM orders WHERE account = ? GROUP BY 1", (name,)
        )
        return replace(settings, policy=policy_for_account(dict(counts)))

    def accounts(self) -> list[str]:
        """Every account with settings or data."""
        rows = self.backend.query(
            "SELECT account FROM accounts UNION SELECT DISTINCT account FROM orders "
            "UNION SELECT DISTINCT account FROM snapshots ORDER BY 1"
        )
        return [row[0] for row in rows]

    def marketplaces(self, account: str) -> list[str]:
        rows = self.backend.query(
            "SELECT DISTINCT marketplace_id FROM orders WHERE account = ? ORDER BY 1", (account,)
        )
        return [row[0] for row in rows]

    def _columns(
        self, spec: t.TableSpec, account: str, where: str = "", params: Sequence[Any] = ()
    ) -> dict[str, list[Any]]:
        names = spec.names
        sql = f"SELECT {', '.join(names)} FROM {spec.name} WHERE account = ?"
        where = where.format(table=spec.name)  # `{table}` in `where` names the table read
        found = self.backend.query(sql + (f" AND {where}" if where else ""), (account, *params))
        columns = zip(*found, strict=True) if found else ([] for _ in names)
        return {
            c.name: t.from_column(values, c.type)
            for c, values in zip(spec.columns, columns, strict=True)
        }

    def rows(
        self, spec: t.TableSpec, account: str, where: str = "", params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        columns = self._columns(spec, account, where, params)
        return [
            dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]

    def records(self, record_type: type, account: str) -> list[Any]:
        """Every stored record of one type for one account, as the domain's records.

        Loaded once per store object until the next import: a report reads the same records
        for its metrics, state replay and forecast."""
        key = ("records", record_type, account)
        if key not in self._cache:
            self._cache[key] = self._load_records(record_type, account)
        return list(self._cache[key])  # the caller's own list; the records are frozen

    def records_where(
        self, record_type: type, account: str, where: str, params: Sequence[Any] = ()
    ) -> list[Any]:
        """The account's records of one type whose rows match `where` (SQL over the record's
        table, named `{table}` in it; claims and chargebacks come with their status history)."""
        return self._load_records(record_type, account, where, params)

    def defect_records(
        self, account: str, first: date, last: date
    ) -> tuple[list[r.Order], list[r.Feedback], list[r.Claim], list[r.Chargeback]]:
        """The orders purchased first..last that have feedback, a claim or a chargeback, with
        those records: what names the defective orders of a window, by index, not a scan."""
        # Probed from each defect row (few) into the orders' key, not the window's orders (many).
        in_window = (
            "EXISTS (SELECT 1 FROM orders o WHERE o.account = {table}.account "
            "AND o.order_id = {table}.order_id AND o.purchase_date BETWEEN ? AND ?)"
        )
        window = (first.isoformat(), last.isoformat())
        defects = [
            self.records_where(kind, account, in_window, window)
            for kind in (r.Feedback, r.Claim, r.Chargeback)
        ]
        ids = sorted({d.order_id for found in defects for d in found})
        orders: list[r.Order] = []
        for start in range(0, len(ids), _IN_LIST):
            chunk = ids[start : start + _IN_LIST]
            orders += self.records_where(
                r.Order, account, f"order_id IN ({', '.join('?' * len(chunk))})", chunk
            )
        feedback, claims, chargebacks = defects
        return orders, feedback, claims, chargebacks

    def _load_records(
        self, record_type: type, account: str, where: str = "", params: Sequence[Any] = ()
    ) -> list[Any]:
        if record_type is r.Claim:
            return self._with_history(
                t.CLAIMS, t.CLAIM_STATUSES, "claim_date", r.Claim, account, where, params
            )
        if record_type is r.Chargeback:
            return self._with_history(
                t.CHARGEBACKS,
                t.CHARGEBACK_STATUSES,
                "chargeback_date",
                r.Chargeback,
                account,
                where,
                params,
            )
        spec, _ = t.RECORD_TABLES[record_type]
        columns = self._columns(spec, account, where, params)
        # The table's columns are the record's leading fields, in order: build positionally.
        fields = [f.name for f in dataclasses.fields(record_type) if f.name in columns]
        return [record_type(*row) for row in zip(*(columns[f] for f in fields), strict=True)]

    def _with_history(
        self,
        spec: t.TableSpec,
        statuses: t.TableSpec,
        date_field: str,
        cls: type,
        account: str,
        where: str = "",
        params: Sequence[Any] = (),
    ) -> list[Any]:
        history: dict[tuple[str, date], list[r.StatusChange]] = defaultdict(list)
        for row in self.rows(statuses, account, where, params):
            key = (row["order_id"], row[date_field])
            history[key].append(r.StatusChange(row["status"], row["effective_date"]))
        out = []
        for row in self.rows(spec, account, where, params):
            changes = tuple(
                sorted(history[(row["order_id"], row[date_field])], key=lambda c: c.effective_date)
            )
            latest = changes[-1]
            row.update(status=latest.status, status_date=latest.effective_date, history=changes)
            out.append(cls(**row))
        return out

    def snapshots(self, account: str) -> list[r.PerformanceSnapshot]:
        rows = self.rows(t.SNAPSHOTS, account)
        return sorted((r.PerformanceSnapshot(**row) for row in rows), key=lambda s: s.report_date)

    def arrow(self, spec: t.TableSpec, account: str | None = None) -> pa.Table:
        """A stored table as Arrow columns for the engine (all accounts when None)."""
        key = ("arrow", spec.name, account)
        if key not in self._cache:
            self._cache[key] = self._load_arrow(spec, account)
        return self._cache[key]

    def _load_arrow(self, spec: t.TableSpec, account: str | None) -> pa.Table:
        sql = f"SELECT {', '.join(spec.names)} FROM {spec.name}"
        if account is None:
            return _as_arrow(spec, self.backend.query(sql))
        return _as_arrow(spec, self.backend.query(sql + " WHERE account = ?", (account,)))

    def entity_rows(self, spec: t.TableSpec, account: str, column: str, ids: set[str]) -> pa.Table:
        """The account's rows of `spec` whose `column` is one of `ids`, by key lookups (a few
        thousand) or one pass over the account's rows (more)."""
        if not ids:
            return counters.ENGINE_SCHEMAS[spec.name].empty_table()
        sql = f"SELECT {', '.join(spec.names)} FROM {spec.name} WHERE account = ?"
        if len(ids) > _LOOKUPS:
            rows = _as_arrow(spec, self.backend.query(sql, (account,)))
            return rows.filter(pc.is_in(rows.column(column), pa.array(sorted(ids))))
        wanted, found = sorted(ids), []
        for start in range(0, len(wanted), _IN_LIST):
            chunk = wanted[start : start + _IN_LIST]
            found += self.backend.query(
                f"{sql} AND {column} IN ({', '.join('?' * len(chunk))})", (account, *chunk)
            )
        return _as_arrow(spec, found)

    def forget_cached(self) -> None:
        """Drop what was read (another process, or a recount, changed the store)."""
        self._cache.clear()

    def memo(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        """`load()`, computed once per store object until the next write."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    # --- account states and appeals ----------------------------------------------------

    def replace_transitions(self, account: str, transitions: Sequence[Transition]) -> None:
        """Replace the account's stored state history with `transitions` (a full replay, in
        order), in one transaction: replaying twice stores the same rows."""
        rows = []
        seq_of_day: dict[date, int] = defaultdict(int)
        for tr in transitions:
            seq = seq_of_day[tr.day]
            seq_of_day[tr.day] += 1
            rows.append(
                (
                    account,
                    tr.day.isoformat(),
                    seq,
                    str(tr.from_state),
                    str(tr.from_kind),
                    str(tr.to_state),
                    str(tr.kind),
                    tr.rule,
                    tr.trigger,
                    tr.source,
                    json.dumps(tr.evidence, sort_keys=True),
                )
            )
        with self.backend.transaction():
            self.backend.execute(
                f"DELETE FROM {t.STATE_TRANSITIONS.name} WHERE account = ?", (account,)
            )
            if rows:
                self._upsert(t.STATE_TRANSITIONS, rows)

    def transitions(self, account: str) -> list[Transition]:
        """The account's stored state history, in order (as the last replay stored it)."""
        rows = sorted(self.rows(t.STATE_TRANSITIONS, account), key=lambda x: (x["day"], x["seq"]))
        return [
            Transition(
                day=row["day"],
                from_state=AccountState(row["from_state"]),
                to_state=AccountState(row["to_state"]),
                kind=ReviewKind(row["to_kind"]),
                rule=row["rule"],
                evidence=row["evidence"],
                from_kind=ReviewKind(row["from_kind"]),
                trigger=row["trigger"],
                source=row["source"],
            )
            for row in rows
        ]

    def save_appeal(self, appeal: Appeal) -> None:
        """Store an appeal, or update the stored one with the same id."""
        row = tuple(
            json.dumps(list(appeal.evidence)) if name == "evidence" else t.to_cell(value)
            for name, value in ((n, getattr(appeal, n)) for n in t.APPEALS.names)
        )
        with self.backend.transaction():
            self._upsert(t.APPEALS, [row])

    def appeals(self, account: str) -> list[Appeal]:
        """The account's appeals, oldest first."""
        found = [_appeal(row) for row in self.rows(t.APPEALS, account)]
        return sorted(found, key=lambda a: (a.opened_on, a.appeal_id))

    def appeal(self, appeal_id: str) -> Appeal | None:
        """One appeal by its id, whatever its account."""
        names = t.APPEALS.names
        found = self.backend.query(
            f"SELECT {', '.join(names)} FROM {t.APPEALS.name} WHERE appeal_id = ?", (appeal_id,)
        )
        if not found:
            return None
        types = [c.type for c in t.APPEALS.columns]
        return _appeal(
            {n: t.from_cell(v, ty) for n, v, ty in zip(names, found[0], types, strict=True)}
        )


def _appeal(row: dict[str, Any]) -> Appeal:
    return Appeal(
        **{
            **row,
            "evidence": tuple(row["evidence"] or ()),
            "outcome": AppealOutcome(row["outcome"]) if row["outcome"] else None,
        }
    )


_LOOKUPS = 4_000  # touched entities up to which their rows are looked up by key
_IN_LIST = 500  # ids per `IN (...)` lookup


def _as_arrow(spec: t.TableSpec, found: list[tuple[Any, ...]]) -> pa.Table:
    """Stored rows as the engine's Arrow columns (`store.counters.arrow_schema`)."""
    schema = counters.ENGINE_SCHEMAS.get(spec.name) or counters.arrow_schema(spec)
    columns = list(zip(*found, strict=True)) if found else [() for _ in spec.names]
    return pa.table(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema
    )
