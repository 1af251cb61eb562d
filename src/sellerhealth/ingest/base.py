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
from sellerhealth.ingest.text import open_text
from sellerhealth.ingest.values import parse_account

FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)  # free-text comments can be long; never silently cut


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
    encoding: str | None = None  # None: UTF-8, else Windows-1252 (see ingest.text)


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
    encoding: str = "utf-8-sig"  # the codec the file was read with
    # The header cells the importer reads (rejects files keep only these); None: every cell.
    read_columns: tuple[int, ...] | None = None


class Importer(Protocol):
    @property
    def kind(self) -> str:
        """The kind's name, as `--kind` takes it."""
        ...

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
        try:
            self._read(path, options, result)
        except MalformedFile as problem:
            result.errors.append(problem.error)
        return result

    def _read(self, path: Path, options: ReadOptions, result: ReadResult) -> None:
        name = str(path)
        rows = Rows(path, options.encoding)
        result.encoding = rows.encoding
        try:
            line, header = next(rows)
        except StopIteration:
            result.errors.append(RowError(name, 1, "*", "the file is empty; expected a header row"))
            return
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
        duplicates = duplicate_columns(name, header, self.columns)
        result.errors.extend(duplicates)
        if missing or duplicates:
            return
        present = [(c, index[c.name.lower()]) for c in self.columns if c.name.lower() in index]
        result.read_columns = read_columns(header, self.columns)
        if self.sparse:
            result.fields = frozenset(c.name for c, _ in present)
        account_at = index.get("account")
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            result.rows += 1
            shape = shape_problem(name, line, cells, len(header))
            row, errors = ({}, [shape]) if shape else _parse_row(name, line, cells, present)
            account = options.account
            if not errors and account_at is not None and account_at < len(cells):
                try:
                    account = row_account(cells[account_at], options.account)
                except ValueError as problem:
                    errors.append(RowError(name, line, "account", str(problem)))
            if not errors:
                try:
                    result.records.append(self.build(row, account))
                except ValueError as problem:
                    column, _, text = str(problem).partition(": ")
                    errors.append(RowError(name, line, column if text else "*", text or column))
            if errors:
                result.errors.extend(errors)
                result.rejected.append(RejectedRow(line, tuple(cells), tuple(errors)))
        result.records = self.finish(result.records, result, options)


def row_account(cell: str, default: str) -> str:
    """The account an `account` cell names (the command's account when it is empty)."""
    return parse_account(cell) if cell.strip() else default


def read_columns(header: list[str], columns: tuple[Column, ...]) -> tuple[int, ...]:
    """Where the columns the importer reads (and `account`) are in the header."""
    read = {c.name.lower() for c in columns} | {"account"}
    return tuple(i for i, cell in enumerate(header) if cell.strip().lower() in read)


def duplicate_columns(name: str, header: list[str], columns: tuple[Column, ...]) -> list[RowError]:
    """A column sellerhealth reads that the header names twice: which one is meant is unknown,
    so neither is taken (the last one silently winning would misread the file)."""
    read = {c.name.lower() for c in columns} | {"account"}
    seen: dict[str, int] = {}
    errors = []
    for at, cell in enumerate(header, start=1):
        key = cell.strip().lower()
        if key in read and key in seen:
            errors.append(
                RowError(
                    name,
                    1,
                    cell.strip(),
                    f"appears twice in the header (columns {seen[key]} and {at}); keep one",
                )
            )
        seen.setdefault(key, at)
    return errors


def shape_problem(name: str, line: int, cells: list[str], width: int) -> RowError | None:
    """A row whose cells do not line up with the header: a delimiter inside a value (a tab in
    a comment) shifts every later cell, and a file cut off mid-row leaves a cut value."""
    if isinstance(cells, CutRow):
        return RowError(
            name,
            line,
            "*",
            f"the last row has {len(cells)} of the header's {width} columns and no line end; "
            "the file looks cut off (download it again)",
        )
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return RowError(
            name,
            line,
            "*",
            f"has {len(cells)} cells but the header has {width} columns; a delimiter (tab or "
            "comma) inside a value shifts the columns: quote the value or remove the delimiter",
        )
    return None


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


class MalformedFile(Exception):
    """The delimited text breaks off at a point no row can be read past."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


class CutRow(list[str]):
    """The cells of a last row that has fewer cells than the header and no line end."""


_CSV_PROBLEMS = {
    "unexpected end of data": "a quote opened in this row is never closed; "
    'double a quote inside a quoted value ("") or close it',
    "field larger than field limit": f"a value is longer than {FIELD_LIMIT // (1 << 20)} MB",
    "expected after": 'a quote inside a quoted value is not doubled; write "" for a quote',
}


def _csv_problem(message: str) -> str:
    for known, text in _CSV_PROBLEMS.items():
        if known in message:
            return text
    return message


class Rows:
    """(line number, cells) for each record; the line is where the record starts.

    The file's encoding is settled (ingest.text) before the first row; a last record without a
    line end that is shorter than the header comes as a `CutRow`.
    """

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        from sellerhealth.ingest.text import encoding_of

        self.path = path
        self.encoding = encoding or encoding_of(path)
        self._rows = self._read()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def __next__(self) -> tuple[int, list[str]]:
        return next(self._rows)

    def _read(self) -> Iterator[tuple[int, list[str]]]:
        with open_text(self.path, self.encoding) as handle:
            first = handle.readline()
            handle.seek(0)
            tab = _delimiter(first.lstrip("\ufeff")) == "\t"
            # Amazon's TSV reports do not quote fields; a stray quote in a comment must not
            # swallow the following rows. In CSV, a quote left open is an error (strict).
            last = [""]
            reader = csv.reader(
                _remember_last(handle, last),
                delimiter="\t" if tab else ",",
                quoting=csv.QUOTE_NONE if tab else csv.QUOTE_MINIMAL,
                strict=not tab,
            )
            start, width, held = 1, 0, None
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as problem:
                    raise MalformedFile(
                        RowError(str(self.path), start, "*", _csv_problem(str(problem)))
                    ) from None
                if held is not None:
                    yield held
                if start == 1 and cells:
                    cells[0] = cells[0].lstrip("\ufeff")
                width = width or len(cells)
                held = (start, cells)
                start = reader.line_num + 1
            if held is not None:
                line, cells = held
                if line > 1 and len(cells) < width and not last[0].endswith(("\n", "\r")):
                    cells = CutRow(cells)
                yield line, cells


def _remember_last(handle: Iterator[str], last: list[str]) -> Iterator[str]:
    for text in handle:
        last[0] = text
        yield text


def _rows(path: Path, encoding: str | None = None) -> Rows:
    return Rows(path, encoding)
