"""Writing imported records: one transaction per file, upserts by key, feedback reports that remove
feedback no longer listed, and the import log (the same file imports to the same id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

from sellerhealth.domain import records as r
from sellerhealth.engine import kept
from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend
from sellerhealth.store.rows import rows_of

if TYPE_CHECKING:  # the kept counters' upkeep reads the whole store
    from sellerhealth.store.store import Store


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
    # of `records`: not stored before, stored with other values, stored just so (a re-import)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    by_table: dict[str, int] = field(default_factory=dict)
    removed_feedback: int = 0
    # per touched account, the first day whose figures changed (None: anything may have)
    changed_from: dict[str, date | None] = field(default_factory=dict)


class RecordWriter:
    """The writing half of `Store`: records in, in one transaction per file."""

    backend: Backend
    _cache: dict[tuple[Any, ...], Any]

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
                upkeep = kept.Upkeep.start(cast("Store", self), grouped, reports)
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
            rows = rows_of(spec, batch, extra)
            listed = record_type is r.Feedback and bool(reports)
            # A feedback report writes only what Amazon lists: the rest is the store's own.
            compared = _LISTED_FEEDBACK if listed else fields
            self._count_changes(spec, rows, compared, summary)
            if listed:
                self._upsert_listed_feedback(batch, max(rep.report_date for rep in reports))
            else:
                self._upsert(spec, rows, fields)
            if record_type is r.Claim:
                self._upsert_statuses(t.CLAIM_STATUSES, batch, "claim_date")
            elif record_type is r.Chargeback:
                self._upsert_statuses(t.CHARGEBACK_STATUSES, batch, "chargeback_date")
            summary.by_table[spec.name] = len(batch)
            summary.records += len(batch)
        for report in reports:
            summary.removed_feedback += self._apply_feedback_report(report)

    def _count_changes(
        self,
        spec: t.TableSpec,
        rows: list[tuple[Any, ...]],
        fields: frozenset[str] | None,
        summary: ImportSummary,
    ) -> None:
        """Count the rows as new, updated or unchanged against what is stored (before writing).
        The stored rows are read only for accounts that have some: a first import reads none."""
        names = spec.names
        where = [names.index(k) for k in spec.key]
        compared = [
            i for i, n in enumerate(names) if n not in spec.key and (fields is None or n in fields)
        ]
        stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for account in sorted({row[0] for row in rows}):
            held = self.backend.query(
                f"SELECT 1 FROM {spec.name} WHERE account = ? LIMIT 1", (account,)
            )
            if not held:
                continue
            chosen = [*spec.key, *(names[i] for i in compared)]
            found = self.backend.query(
                f"SELECT {', '.join(chosen)} FROM {spec.name} WHERE account = ?", (account,)
            )
            width = len(spec.key)
            stored.update((tuple(v[:width]), tuple(v[width:])) for v in found)
        for row in rows:
            before = stored.get(tuple(row[i] for i in where))
            if before is None:
                summary.new += 1
            elif all(_same(row[i], b) for i, b in zip(compared, before, strict=True)):
                summary.unchanged += 1
            else:
                summary.updated += 1

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


# The columns a feedback report writes (`_upsert_listed_feedback`); the removal and the report
# that last listed it follow from the report, not from the row.
_LISTED_FEEDBACK = frozenset({"feedback_date", "rating", "comments"})


def _same(new: Any, stored: Any) -> bool:
    """A cell about to be written equals the stored one (a real column hands back 2.0 for 2)."""
    if isinstance(new, float) or isinstance(stored, float):
        return new is not None and stored is not None and float(new) == float(stored)
    return bool(new == stored)
