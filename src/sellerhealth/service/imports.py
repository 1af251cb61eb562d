"""Importing files: read them all, store nothing if any has a bad row (unless told to skip).

Every file of one call is stored in one transaction (`Store.batch`): either all of them land
or none does, whether a later file is refused by the store or the process is killed between
two files.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sellerhealth.errors import InputError, RowError, StoreValueError, UsageError
from sellerhealth.ingest.base import ReadOptions, ReadResult
from sellerhealth.ingest.registry import read_file
from sellerhealth.ingest.values import without_emails
from sellerhealth.service import kept_replay
from sellerhealth.store.record_writes import ImportSource, ImportSummary
from sellerhealth.store.store import Store


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    kind: str
    rows: int
    summary: ImportSummary
    rejected: int = 0
    rejects_file: Path | None = None
    outside_amazon: int = 0  # orders placed outside Amazon (MCF), counted but not stored
    encoding: str = "utf-8-sig"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_rejects(result: ReadResult) -> Path:
    """The rejected rows, each with its reasons, in a CSV beside the input."""
    path = Path(f"{result.path}.rejects.csv")
    # Only the columns the importer reads: the buyer's e-mail and address columns are left in
    # the input, as they are left out of the store.
    kept = result.read_columns
    if kept is None:
        kept = tuple(range(max([len(result.header), *(len(r.cells) for r in result.rejected)])))
    with path.open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "problems", *(_at(result.header, i) for i in kept)])
        for row in result.rejected:
            problems = without_emails("; ".join(f"{e.column}: {e.problem}" for e in row.errors))
            writer.writerow([row.line, problems, *(_at(row.cells, i) for i in kept)])
    return path


def _at(cells: tuple[str, ...], index: int) -> str:
    # A shifted row can put the buyer's e-mail in a column that is read.
    return without_emails(cells[index]) if index < len(cells) else ""


def import_files(
    store: Store,
    paths: list[Path],
    options: ReadOptions,
    kind: str | None = None,
    skip_bad_rows: bool = False,
    refresh: bool = True,
    only_account: bool = False,
) -> list[ImportOutcome]:
    """Read every file first; store nothing if any has a bad row (unless skipping them).

    `refresh=False` leaves the kept replays to the caller (`refresh_replays` with the
    outcomes' summaries), for one that imports many documents in a row, as a sync does.
    `only_account`: every row must be `options.account`'s (an upload into one account may not
    write to another through an `account` column)."""
    if options.marketplace is None and options.account_marketplace is None:
        # A report's dates follow the account's marketplace, when it sells in just one.
        known = store.marketplaces(options.account)
        if len(known) == 1:
            options = replace(options, account_marketplace=known[0])
    results = [read_file(path, options, kind) for path in paths]
    errors: list[RowError] = [e for result in results for e in result.errors]
    file_level = [e for result in results for e in _file_level_errors(result)]
    if only_account:
        file_level += [e for result in results for e in _other_accounts(result, options.account)]
        errors += file_level
    if errors and (not skip_bad_rows or file_level):
        shown = file_level if skip_bad_rows else errors
        advice = "" if skip_bad_rows else ", or pass --skip-bad-rows to import the good rows"
        raise InputError(
            f"nothing was imported: fix the {len(shown)} problem(s) above{advice}", shown
        )
    outcomes = []
    with store.batch():
        for path, result in zip(paths, results, strict=True):
            source = ImportSource(
                str(path), result.kind, options.account, _sha256(path), result.rows
            )
            try:
                summary = store.import_records(result.records, source, result.fields)
            except StoreValueError as problem:
                raise InputError(f"{path}: {problem}; nothing was imported") from None
            outcomes.append(
                ImportOutcome(
                    path,
                    result.kind,
                    result.rows,
                    summary,
                    len(result.rejected),
                    None,
                    outside_amazon=result.outside_amazon,
                    encoding=result.encoding,
                )
            )
        # In the import's transaction: records the replay cannot follow (dates years apart)
        # refuse the import whole instead of landing beside a replay that failed.
        summaries = [outcome.summary for outcome in outcomes]
        try:
            if refresh:
                refresh_replays(store, summaries)
            else:
                for account in _changed_accounts(summaries):
                    kept_replay.check_span(store, account)
        except UsageError as problem:
            named = ", ".join(str(path) for path in paths)
            raise InputError(f"{named}: {problem}; nothing was imported") from None
    # Written once the import has landed: a refused import leaves no rejects file behind.
    return [
        replace(o, rejects_file=write_rejects(r)) if r.rejected else o
        for o, r in zip(outcomes, results, strict=True)
    ]


def refresh_replays(store: Store, summaries: list[ImportSummary]) -> None:
    """Extend each changed account's kept replay from the first day the imports changed."""
    for account, day in _changed_accounts(summaries).items():
        kept_replay.refresh(store, account, day)


def _changed_accounts(summaries: list[ImportSummary]) -> dict[str, date | None]:
    """Each account the imports changed, with the first day they changed (None: any day)."""
    changed: dict[str, date | None] = {}
    for summary in summaries:
        for account, day in summary.changed_from.items():
            earlier = changed.get(account, day)
            changed[account] = None if day is None or earlier is None else min(day, earlier)
    return changed


def _other_accounts(result: ReadResult, account: str) -> list[RowError]:
    others = sorted({rec.account for rec in result.records if rec.account != account})
    if not others:
        return []
    problem = f"rows of other accounts ({', '.join(others)}): this upload is into {account} only"
    return [RowError(str(result.path), 1, "account", problem)]


def _file_level_errors(result: ReadResult) -> list[RowError]:
    """Problems that are not one row's (a missing column, unreadable JSON): no row to skip."""
    row_lines = {row.line for row in result.rejected}
    return [e for e in result.errors if e.line not in row_lines]
