"""The importer contract and the declarative reader for delimited files.

An importer names its kind, says whether a file is one of its kind from the file's opening
(`identify`), and reads it into records plus row errors (`read`). Delimited kinds are declared
as a tuple of `Column`s and a `build` function, as beangulp's CSV importer does; the reader
matches columns by name, case-insensitively, in any order, and ignores unknown ones.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sellerhealth.domain.records import DEFAULT_ACCOUNT, Record
from sellerhealth.errors import RowError

csv.field_size_limit(16 * 1024 * 1024)  # free-text comments can be long; never silently cut


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the command line can say about a file beyond its contents."""

    account: str = DEFAULT_ACCOUNT
    report_from: date | None = None
    report_to: date | None = None
    report_date: date | None = None
    # The marketplace the file is from (--marketplace), or the one the account sells in: a
    # feedback report's dates are written in its marketplace's format.
    marketplace: str | None = None
    account_marketplace: str | None = None


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    cells: tuple[str, ...]
    errors: tuple[RowError, ...]


@dataclass(slots=True)
class ReadResult:
    """What one file holds: the good records, and every problem with the bad rows."""

    kind: str
    path: str
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    header: tuple[str, ...] = ()
    rows: int = 0
    # The record fields the file actually had: a newer row updates only these, so a CSV that
    # adds latest ship dates to orders does not blank their marketplace. None means all fields.
    fields: frozenset[str] | None = None
    # Orders the file lists that were placed outside Amazon (Multi-Channel Fulfillment for
    # other sites): not Amazon's to measure, so not read into records, but counted.
    outside_amazon: int = 0


class Importer(Protocol):
    kind: str

    def identify(self, head: str) -> bool:
        """True when a file starting with `head` (its first few kilobytes) is of this kind."""
        ...

    def read(self, path: Path, options: ReadOptions) -> ReadResult: ...


@dataclass(frozen=True, slots=True)
class Column:
    """One input column: its name (matched case-insensitively) and how to parse a cell."""

    name: str
    parse: Callable[[str], Any]
    required: bool = False


Row = dict[str, Any]
Builder = Callable[[Row, str], Record]
Finisher = Callable[[list[Record], ReadResult, ReadOptions], list[Record]]


def _no_finish(records: list[Record], _result: ReadResult, _options: ReadOptions) -> list[Record]:
    return records


@dataclass(frozen=True)
class TabularImporter:
    """A delimited-file kind declared as columns + a function that builds one record per row.

    `signature` lists the header names that identify the kind (its required columns unless
    given). `finish` may merge or add records once every row is read (item rows into orders,
    a feedback report's coverage).
    """

    kind: str
    columns: tuple[Column, ...]
    build: Builder
    signature: frozenset[str] = frozenset()
    finish: Finisher = _no_finish
    sparse: bool = False  # column names are record fields; rows update only what they carry
    # Turns the file's header into the declared column names (a localized report's header).
    rename: Callable[[list[str]], list[str]] | None = None

    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def identify(self, head: str) -> bool:
        names = {name.strip().lower() for name in _header_cells(head)}
        wanted = self.signature or frozenset(self.required())
        return bool(wanted) and wanted <= names

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(kind=self.kind, path=str(path))
        name = str(path)
        rows = _rows(path)
        try:
            line, header = next(rows)
        except StopIteration:
            result.errors.append(RowError(name, 1, "*", "the file is empty; expected a header row"))
            return result
        if self.rename is not None:
            header = self.rename(header)
        result.header = tuple(header)
        index = {cell.strip().lower(): i for i, cell in enumerate(header)}
        missing = [c for c in self.required() if c.lower() not in index]
        for column in missing:
            result.errors.append(
                RowError(
                    name, line, column, f"required column is missing from the {self.kind} header"
                )
            )
        if missing:
            return result
        present = [(c, index[c.name.lower()]) for c in self.columns if c.name.lower() in index]
        if self.sparse:
            result.fields = frozenset(c.name for c, _ in present)
        account_at = index.get("account")
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            result.rows += 1
            row, errors = _parse_row(name, line, cells, present)
            if not errors:
                account = options.account
                if account_at is not None and account_at < len(cells) and cells[account_at].strip():
                    account = cells[account_at].strip()
                try:
                    result.records.append(self.build(row, account))
                except ValueError as problem:
                    column, _, text = str(problem).partition(": ")
                    errors.append(RowError(name, line, column if text else "*", text or column))
            if errors:
                result.errors.extend(errors)
                result.rejected.append(RejectedRow(line, tuple(cells), tuple(errors)))
        result.records = self.finish(result.records, result, options)
        return result


def _parse_row(
    name: str, line: int, cells: list[str], present: list[tuple[Column, int]]
) -> tuple[Row, list[RowError]]:
    row: Row = {}
    errors: list[RowError] = []
    for column, at in present:
        raw = cells[at] if at < len(cells) else ""
        if column.required and not raw.strip():
            errors.append(RowError(name, line, column.name, "is empty; a value is required"))
            continue
        try:
            row[column.name] = column.parse(raw)
        except ValueError as problem:
            errors.append(RowError(name, line, column.name, str(problem)))
    return row, errors


def _delimiter(first_line: str) -> str:
    return "\t" if "\t" in first_line else ","


def _header_cells(head: str) -> list[str]:
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    return next(csv.reader([first], delimiter=_delimiter(first)), [])


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record; the line is where the record starts."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
        handle.seek(0)
        # Amazon's TSV reports do not quote fields; a stray quote in a comment must not swallow
        # the following rows.
        quoting = csv.QUOTE_NONE if _delimiter(first) == "\t" else csv.QUOTE_MINIMAL
        reader = csv.reader(handle, delimiter=_delimiter(first), quoting=quoting)
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
