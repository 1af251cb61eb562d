"""The store: records in, records (or columns for the engine) out, one interface for both
databases. An import is one transaction: all of a file's records land, or none do."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sellerhealth.domain import records as r
from sellerhealth.domain.alerts import Alert, dedupe
from sellerhealth.domain.appeals import Appeal, AppealOutcome
from sellerhealth.domain.marketplaces import policy_for_account
from sellerhealth.domain.states import AccountState, ReviewKind, Transition
from sellerhealth.engine import kept
from sellerhealth.store import counters
from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend, open_backend
from sellerhealth.store.migrations import migrate
from sellerhealth.store.rows import rows_of


@dataclass(frozen=True, slots=True)
class ImportSource:
    """Where a batch came from, for the import log (idempotent: same file, same id)."""

    file: str
    kind: str
    account: str
    sha256: str
    rows: int


@dataclass(slots=True)
class ImportSummary:
    records: int = 0
    by_table: dict[str, int] = field(default_factory=dict)
    removed_feedback: int = 0
    # per touched account, the first day whose figures changed (None: anything may have)
    changed_from: dict[str, date | None] = field(default_factory=dict)


class Store:
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

    # --- writing -------------------------------------------------------------------------

    def import_records(
        self,
        records: Sequence[r.Record],
        source: ImportSource | None = None,
        fields: frozenset[str] | None = None,
    ) -> ImportSummary:
        """Store a file's records in one transaction; rows update only `fields` when given."""
        self._cache.clear()
        summary = ImportSummary()
        by_type: dict[type, list[Any]] = defaultdict(list)
        for record in records:
            by_type[type(record)].append(record)
        reports = by_type.pop(r.FeedbackReport, [])
        try:
            with self.backend.transaction():
                grouped = [record for batch in by_type.values() for record in batch]
                upkeep = kept.Upkeep.start(self, grouped, reports)
                self._write_records(by_type, reports, summary, fields)
                if source is not None:
                    self._log_import(source, summary.records)
                self._cache.clear()  # the counters are counted from what was just written
                upkeep.finish()
                summary.changed_from = upkeep.changed_from
        finally:
            self._cache.clear()  # nothing read inside the transaction outlives it
        return summary

    def _write_records(
        self,
        by_type: dict[type, list[Any]],
        reports: list[r.FeedbackReport],
        summary: ImportSummary,
        fields: frozenset[str] | None,
    ) -> None:
        """Every record where it belongs (inside the import's transaction)."""
        for record_type, batch in by_type.items():
            spec, extra = t.RECORD_TABLES[record_type]
            if record_type is r.Feedback and reports:
                self._upsert_listed_feedback(batch, max(rep.report_date for rep in reports))
            else:
                self._upsert(spec, rows_of(spec, batch, extra), fields)
            if record_type is r.Claim:
                self._upsert_statuses(t.CLAIM_STATUSES, batch, "claim_date")
            elif record_type is r.Chargeback:
                self._upsert_statuses(t.CHARGEBACK_STATUSES, batch, "chargeback_date")
            summary.by_table[spec.name] = len(batch)
            summary.records += len(batch)
        for report in reports:
            summary.removed_feedback += self._apply_feedback_report(report)

    def _upsert(
        self, spec: t.TableSpec, rows: Iterable[Sequence[Any]], fields: frozenset[str] | None = None
    ) -> None:
        self.backend.executemany(spec.upsert(self.backend.placeholder, fields), rows)

    def _upsert_statuses(self, spec: t.TableSpec, batch: list[Any], date_field: str) -> None:
        rows = (
            (
                rec.account,
                rec.order_id,
                getattr(rec, date_field),
                change.effective_date,
                change.status,
            )
            for rec in batch
            for change in rec.changes()
        )
        self._upsert(spec, ([t.to_cell(v) for v in row] for row in rows))

    def _upsert_listed_feedback(self, batch: list[r.Feedback], report_date: date) -> None:
        """Feedback listed in an Amazon report: remember the newest report that listed it.

        A feedback listed again by a report dated on or after its recorded removal is back in
        Amazon's list, so the removal is cleared; an older report imported late changes nothing.
        """
        seen = report_date.isoformat()
        sql = (
            "INSERT INTO feedback (account, order_id, feedback_date, rating, comments, "
            "removed_date, struck_through_date, last_seen_report) "
            "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?) "
            "ON CONFLICT (account, order_id) DO UPDATE SET "
            "feedback_date = excluded.feedback_date, rating = excluded.rating, "
            "comments = excluded.comments, "
            "removed_date = CASE WHEN feedback.removed_date <= excluded.last_seen_report "
            "THEN NULL ELSE feedback.removed_date END, "
            "last_seen_report = CASE WHEN feedback.last_seen_report IS NULL "
            "OR feedback.last_seen_report < excluded.last_seen_report "
            "THEN excluded.last_seen_report ELSE feedback.last_seen_report END"
        )
        rows = (
            (f.account, f.order_id, f.feedback_date.isoformat(), f.rating, f.comments, seen)
            for f in batch
        )
        self.backend.executemany(sql, rows)

    def _apply_feedback_report(self, report: r.FeedbackReport) -> int:
        """Mark as removed, on the report's date, the feedback an older report listed and this
        newer one does not, within the dates it covers (SPEC section 3, amazon-feedback)."""
        cells = [
            t.to_cell(v)
            for v in (report.account, report.report_date, report.range_from, report.range_to)
        ]
        self._upsert(t.FEEDBACK_REPORTS, [(*cells, len(report.order_ids))])
        account, day, first, last = cells
        where = (
            "account = ? AND feedback_date BETWEEN ? AND ? AND last_seen_report IS NOT NULL "
            "AND last_seen_report < ? AND (removed_date IS NULL OR removed_date > ?)"
        )
        params = (account, first, last, day, day)
        count = self.backend.query(f"SELECT COUNT(*) FROM feedback WHERE {where}", params)[0][0]
        self.backend.execute(f"UPDATE feedback SET removed_date = ? WHERE {where}", (day, *params))
        return int(count)

    def _log_import(self, source: ImportSource, records: int) -> None:
        import_id = f"{source.account}:{source.kind}:{source.sha256}"
        row = (
            import_id,
            source.account,
            source.file,
            source.kind,
            source.sha256,
            source.rows,
            records,
            datetime.now(UTC).isoformat(),
        )
        self.backend.execute(
            f"INSERT INTO imports ({', '.join(t.IMPORTS.names)}) VALUES "
            f"({', '.join('?' * len(row))}) ON CONFLICT (import_id) DO NOTHING",
            row,
        )

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

    # --- alerts (migration 3) ------------------------------------------------------------
    # Stored once per cause; delivered per channel; pending until every channel has it.

    def save_alerts(self, alerts: Iterable[Alert]) -> list[Alert]:
        """Store the alerts whose cause is not stored yet; return those, in the order given."""
        with self.backend.transaction():
            new = dedupe(alerts, self.known_cause_keys())
            rows = [(*(t.to_cell(getattr(a, n)) for n in _ALERT_FIELDS), None, "{}") for a in new]
            self.backend.executemany(
                f"INSERT INTO {t.ALERTS.name} ({', '.join(t.ALERTS.names)}) VALUES "
                f"({', '.join('?' * len(t.ALERTS.names))}) ON CONFLICT (cause_key) DO NOTHING",
                rows,
            )
        return new

    def known_cause_keys(self, account: str | None = None) -> set[str]:
        """The cause keys of every stored alert (of one account, when given)."""
        sql = "SELECT cause_key FROM alerts"
        params: tuple[str, ...] = ()
        if account is not None:
            sql, params = sql + " WHERE account = ?", (account,)
        return {row[0] for row in self.backend.query(sql, params)}

    def pending_alerts(self) -> list[StoredAlert]:
        """Alerts not yet delivered to every channel, oldest first."""
        return self._alerts("sent_at IS NULL")

    def stored_alert(self, cause_key: str) -> StoredAlert | None:
        found = self._alerts("cause_key = ?", (cause_key,))
        return found[0] if found else None

    def mark_sent(
        self, cause_key: str, channel: str, at: datetime, channels: Iterable[str]
    ) -> bool:
        """Record that `channel` got the alert at `at`; once every one of `channels` has it,
        the alert is sent (no longer pending). Returns whether it is."""
        wanted = set(channels)
        with self.backend.transaction():
            found = self.backend.query(
                "SELECT channels_delivered FROM alerts WHERE cause_key = ?", (cause_key,)
            )
            if not found:
                raise KeyError(f"no stored alert {cause_key!r}")
            delivered = json.loads(found[0][0] or "{}")
            delivered.setdefault(channel, at.isoformat())
            complete = wanted <= set(delivered)
            self.backend.execute(
                "UPDATE alerts SET channels_delivered = ?, sent_at = ? WHERE cause_key = ?",
                (
                    json.dumps(delivered, sort_keys=True),
                    at.isoformat() if complete else None,
                    cause_key,
                ),
            )
        return complete

    def _alerts(self, where: str, params: Sequence[Any] = ()) -> list[StoredAlert]:
        names = t.ALERTS.names
        types = [c.type for c in t.ALERTS.columns]
        found = self.backend.query(
            f"SELECT {', '.join(names)} FROM alerts WHERE {where} ORDER BY created_on, cause_key",
            params,
        )
        out = []
        for values in found:
            row = {n: t.from_cell(v, ty) for n, v, ty in zip(names, values, types, strict=True)}
            alert = Alert(**{n: row[n] for n in _ALERT_FIELDS})
            out.append(StoredAlert(alert, row["channels_delivered"] or {}, row["sent_at"]))
        return out


def _appeal(row: dict[str, Any]) -> Appeal:
    return Appeal(
        **{
            **row,
            "evidence": tuple(row["evidence"] or ()),
            "outcome": AppealOutcome(row["outcome"]) if row["outcome"] else None,
        }
    )


_ALERT_FIELDS = (
    "cause_key",
    "account",
    "rule",
    "severity",
    "title",
    "body",
    "evidence",
    "created_on",
)


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """A stored alert: the channels that got it (name -> ISO time) and when all of them had."""

    alert: Alert
    channels_delivered: dict[str, str]
    sent_at: datetime | None

    def delivered_to(self, channel: str) -> bool:
        return channel in self.channels_delivered


_LOOKUPS = 4_000  # touched entities up to which their rows are looked up by key
_IN_LIST = 500  # ids per `IN (...)` lookup


def _as_arrow(spec: t.TableSpec, found: list[tuple[Any, ...]]) -> pa.Table:
    """Stored rows as the engine's Arrow columns (`store.counters.arrow_schema`)."""
    schema = counters.ENGINE_SCHEMAS.get(spec.name) or counters.arrow_schema(spec)
    columns = list(zip(*found, strict=True)) if found else [() for _ in spec.names]
    return pa.table(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema
    )
