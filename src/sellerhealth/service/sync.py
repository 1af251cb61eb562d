"""Syncing connected accounts from the Selling Partner API: each sync is an import.

Every document fetched (a getOrders page, a feedback or performance report, a page of
financial events) is written to a private temporary file and imported by
`service.imports.import_files` with its importer, exactly as a file a seller downloaded would
be: one code path, one transaction per document, nothing half-imported. The temporary file is
removed at once (a feedback report holds buyer e-mails).

Each data kind of each account keeps a checkpoint (store/connections.py) advanced after every
imported document; a killed sync resumes from it, and a document the import log already holds
(same account, kind and bytes) is not imported again.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sellerhealth.connectors import spapi_calls as calls
from sellerhealth.connectors.spapi import Endpoint, Retry, SpApi, SyncError, log
from sellerhealth.connectors.spapi_models import FEEDBACK_REPORT, PERFORMANCE_REPORT
from sellerhealth.connectors.spapi_secrets import unseal
from sellerhealth.errors import InputError, UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service.imports import import_files, refresh_replays
from sellerhealth.store.connections import Connection, Connections
from sellerhealth.store.record_writes import ImportSummary
from sellerhealth.store.store import Store

KINDS = ("orders", "finances", "feedback", "performance")
FIRST_SYNC_DAYS = 365  # a first sync without --since: a year back (ODR needs 73 days)
# Each feedback report covers 90 days ending on the sync day: past the 73 days the ODR window
# reaches back, so every feedback that still counts is re-listed (or found missing) daily.
FEEDBACK_RANGE_DAYS = 90


@dataclass
class KindResult:
    kind: str
    documents: int = 0
    records: int = 0
    skipped: int = 0  # documents the import log already had
    note: str = ""
    error: str | None = None


@dataclass
class SyncResult:
    account: str
    kinds: list[KindResult] = field(default_factory=list)

    @property
    def failed(self) -> list[KindResult]:
        return [k for k in self.kinds if k.error]


@dataclass
class _Run:
    """One account's sync: its store, API, clock and where documents are spooled."""

    store: Store
    api: SpApi
    now: datetime
    since: date | None
    spool: Path
    result: KindResult = field(default_factory=lambda: KindResult(""))
    # What each imported page changed: the kept replay is refreshed once, when the sync ends
    # (a replay left stale by a killed sync carries an old stamp and is never used).
    imported: list[ImportSummary] = field(default_factory=list)

    @property
    def account(self) -> str:
        return self.api.account

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def connections(self) -> Connections:
        return Connections(self.store.backend)

    def start(self, default_days: int = FIRST_SYNC_DAYS) -> datetime:
        day = self.since or self.today - timedelta(days=default_days)
        return datetime.combine(day, datetime.min.time(), UTC)

    def import_text(
        self, text: str, kind: str, name: str, options: ReadOptions, by_name: bool = False
    ) -> None:
        """Import one fetched document through its importer, unless already imported.

        A page is the same import whatever it is called; a report is the same only under the
        same name (its range and day: an empty report of another range removes other feedback).
        """
        content = text.encode("utf-8")
        sha = hashlib.sha256(content).hexdigest()
        if self.connections.imported(self.account, kind, sha, name if by_name else None):
            self.result.skipped += 1
            return
        path = self.spool / name
        path.write_bytes(content)
        try:
            outcome = import_files(self.store, [path], options, kind, refresh=False)[0]
        except InputError as problem:
            first = problem.errors[0] if problem.errors else problem.args[0]
            raise SyncError(
                f"account {self.account}: {name}: Amazon's document did not import ({first}); "
                "nothing from it was stored"
            ) from None
        finally:
            path.unlink(missing_ok=True)
        self.result.documents += 1
        self.result.records += outcome.summary.records
        self.imported.append(outcome.summary)


def _orders(run: _Run) -> None:
    cursor = run.connections.checkpoint(run.account, "orders").cursor
    after = datetime.fromisoformat(cursor["after"]) if "after" in cursor else run.start()
    before = cursor.get("before")
    for number, page in enumerate(calls.order_pages(run.api, after, cursor.get("next_token"))):
        before = before or page.document["payload"].get("LastUpdatedBefore")
        options = ReadOptions(account=run.account)
        run.import_text(page.text(), "amazon-orders-api", f"getOrders-{number}.json", options)
        state = {"after": after.isoformat(), "before": before, "next_token": page.next_token}
        run.connections.advance(run.account, "orders", state)
    upto = _instant(before) if before else run.now
    run.connections.advance(run.account, "orders", {"after": upto.isoformat()}, finished=True)


def _finances(run: _Run) -> None:
    cursor = run.connections.checkpoint(run.account, "finances").cursor
    after = datetime.fromisoformat(cursor["after"]) if "after" in cursor else run.start()
    # Amazon answers events up to two minutes before the call (financesV0.json PostedBefore).
    before = _instant(cursor["before"]) if "before" in cursor else run.now - timedelta(minutes=2)
    pages = calls.financial_pages(run.api, after, before, cursor.get("next_token"))
    for number, page in enumerate(pages):
        options = ReadOptions(account=run.account)
        name = f"listFinancialEvents-{number}.json"
        run.import_text(page.text(), "amazon-finances", name, options)
        state = {
            "after": after.isoformat(),
            "before": before.isoformat(),
            "next_token": page.next_token,
        }
        run.connections.advance(run.account, "finances", state)
    run.connections.advance(run.account, "finances", {"after": before.isoformat()}, finished=True)


def _feedback(run: _Run) -> None:
    """Reports over rolling 90-day ranges; on a first sync, back to `since` in 90-day steps."""
    cursor = run.connections.checkpoint(run.account, "feedback").cursor
    today = run.today
    if cursor.get("day") == today.isoformat() and cursor.get("covered_to") == cursor["day"]:
        run.result.note = "already taken today"
        return
    if "day" in cursor and cursor["day"] != today.isoformat():
        first = today - timedelta(days=FEEDBACK_RANGE_DAYS - 1)  # a daily run: one range
    elif "covered_to" in cursor:
        first = date.fromisoformat(cursor["covered_to"]) + timedelta(days=1)  # resumed
    else:
        first = run.start().date()
    while first <= today:
        last = min(first + timedelta(days=FEEDBACK_RANGE_DAYS - 1), today)
        start = datetime.combine(first, datetime.min.time(), UTC)
        end = datetime.combine(last, datetime.max.time(), UTC).replace(microsecond=0)
        text = calls.report(run.api, FEEDBACK_REPORT, start, end)
        if text is None:
            run.result.note = f"{first}..{last}: CANCELLED (no data)"
        else:
            options = ReadOptions(run.account, report_from=first, report_to=last, report_date=today)
            name = f"feedback-{first}-{last}-taken-{today}.tsv"
            run.import_text(text, "amazon-feedback", name, options, by_name=True)
        state = {"day": today.isoformat(), "covered_to": last.isoformat()}
        run.connections.advance(run.account, "feedback", state, finished=last == today)
        first = last + timedelta(days=1)


def _performance(run: _Run) -> None:
    """Amazon's own view: one dated snapshot a day."""
    cursor = run.connections.checkpoint(run.account, "performance").cursor
    today = run.today
    if cursor.get("day") == today.isoformat():
        run.result.note = "already taken today"
        return
    start = datetime.combine(today, datetime.min.time(), UTC)
    text = calls.report(run.api, PERFORMANCE_REPORT, start, run.now)
    if text is None:
        run.result.note = "CANCELLED (no data)"
    else:
        options = ReadOptions(run.account, report_date=today)
        name = f"performance-{today}.json"
        run.import_text(text, "amazon-performance", name, options, by_name=True)
    run.connections.advance(run.account, "performance", {"day": today.isoformat()}, finished=True)


SYNCERS: dict[str, Callable[[_Run], None]] = {
    "orders": _orders,
    "finances": _finances,
    "feedback": _feedback,
    "performance": _performance,
}


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def api_for(
    connection: Connection, env: dict[str, str] | None = None, retry: Retry | None = None
) -> SpApi:
    credentials = unseal(connection.sealed_credentials, connection.account, env)
    endpoint = Endpoint(connection.region, connection.api_url, connection.token_url)
    marketplace = connection.marketplaces[0] if connection.marketplaces else None
    return SpApi(connection.account, credentials, endpoint, marketplace, retry)


def sync_account(
    store: Store,
    account: str,
    now: datetime | None = None,
    since: date | None = None,
    kinds: Iterable[str] = KINDS,
    retry: Retry | None = None,
    env: dict[str, str] | None = None,
) -> SyncResult:
    """Sync the given data kinds of one connected account; a failing kind stops only itself."""
    connection = Connections(store.backend).get(account)
    if connection is None:
        raise UsageError(
            f"account {account} is not connected: run `sellerhealth connect --account {account}`"
        )
    api = api_for(connection, env, retry)
    result = SyncResult(account)
    moment = now or datetime.now(UTC)
    imported: list[ImportSummary] = []
    with tempfile.TemporaryDirectory(prefix="sellerhealth-sync-") as folder, closing(api):
        try:
            for kind in kinds:
                run = _Run(store, api, moment, since, Path(folder), KindResult(kind), imported)
                result.kinds.append(run.result)
                try:
                    SYNCERS[kind](run)
                except SyncError as problem:
                    run.result.error = str(problem)
                    Connections(store.backend).failed(account, kind, str(problem))
                    log.info("%s", problem)  # the result carries it: the caller prints it
        finally:
            refresh_replays(store, imported)
    return result


def sync_accounts(
    store: Store,
    plan: dict[str, list[str]],
    now: datetime | None = None,
    retry: Retry | None = None,
    env: dict[str, str] | None = None,
) -> list[SyncResult]:
    """Sync each account's due kinds; one account's failure never stops the others."""
    results = []
    for account, kinds in plan.items():
        try:
            results.append(sync_account(store, account, now, None, kinds, retry, env))
        except (SyncError, UsageError) as problem:
            failed = KindResult(",".join(kinds), error=str(problem))
            results.append(SyncResult(account, [failed]))
    return results


def describe(result: SyncResult) -> list[str]:
    """One line per data kind, for the command line and the watch log (no secret in any)."""
    lines = []
    for k in result.kinds:
        if k.error:
            lines.append(f"{result.account}: {k.kind}: FAILED: {k.error}")
            continue
        text = f"{result.account}: {k.kind}: {k.documents} document(s), {k.records} records"
        if k.skipped:
            text += f", {k.skipped} already imported"
        lines.append(text + (f"; {k.note}" if k.note else ""))
    return lines


def checkpoints_summary(store: Store, account: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.data_kind,
            "synced_at": c.synced_at.isoformat() if c.synced_at else None,
            "last_error": c.last_error,
        }
        for c in Connections(store.backend).checkpoints(account)
    ]
