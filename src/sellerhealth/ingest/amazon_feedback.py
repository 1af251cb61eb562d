"""Amazon's feedback report, GET_SELLER_FEEDBACK_DATA (TSV).

Columns: Date, Rating, Comments, Your Response, Order ID, Rater Email. The rater's e-mail is
personal data nothing here needs, so it is not even declared as a column. Besides one `Feedback`
per row, a file yields a `FeedbackReport` per account: which orders it listed for which
feedback dates, so the store can tell that feedback missing from a newer report was removed
(SPEC section 3, reference section 6.7).

Outside the US the report is localized (domain.report_dates, domain.marketplaces):
- its dates are in the marketplace's format (D/M/YY in the UK, D.M.YY in Germany, YY/M/D in
  Japan), chosen as `_date_format` says;
- its column names are in the language chosen under Seller Central > Settings > Account Info >
  "Language for Feed Processing Reports" (Amazon's answer in amzn/selling-partner-api-docs
  issue 198; Japanese and Chinese headers in jlevers/selling-partner-api issue 525), while the
  six columns keep Amazon's order (Airbyte's connector reads the report by position for that
  reason: "csv header field names for this report differ per marketplace ... but columns come
  in the same order", SellerFeedbackReportsGzipCsvDecoder). A header that is not the English
  one is therefore read by position when it has exactly the six columns and its rows look
  like feedback rows (a 1-5 rating second, an Amazon order id fifth).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sellerhealth.domain.marketplaces import BY_ID
from sellerhealth.domain.records import Feedback, FeedbackReport, Record
from sellerhealth.domain.report_dates import FORMATS, DateFormat, differing, fitting_formats
from sellerhealth.errors import RowError, UsageError
from sellerhealth.ingest.base import (
    Column,
    MalformedFile,
    ReadOptions,
    ReadResult,
    Row,
    TabularImporter,
    _header_cells,
    _rows,
)
from sellerhealth.ingest.values import parse_int, parse_required_text, parse_text

# Amazon's six columns, in Amazon's order [6.7].
COLUMNS = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
_ENGLISH = {name.lower() for name in COLUMNS}
_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
US_FORMAT = FORMATS["M/D/YY"]


def _feedback(row: Row, account: str) -> Feedback:
    return Feedback(
        account=account,
        order_id=row["order id"],
        feedback_date=row["date"],
        rating=row["rating"],
        comments=row.get("comments"),
    )


def _listed_orders(result: ReadResult, options: ReadOptions) -> dict[str, set[str]]:
    """Every order id the file lists, by account, bad rows included.

    A row rejected for a bad date or rating still shows that the report listed the order; were
    it left out, importing the good rows would make the store think its feedback was removed.
    """
    listed: dict[str, set[str]] = {}
    for record in result.records:
        if isinstance(record, Feedback):
            listed.setdefault(record.account, set()).add(record.order_id)
    index = {cell.strip().lower(): i for i, cell in enumerate(result.header)}
    for rejected in result.rejected:
        order_id = _cell(rejected.cells, index.get("order id"))
        if order_id:
            account = _cell(rejected.cells, index.get("account")) or options.account
            listed.setdefault(account, set()).add(order_id)
    return listed


def _cell(cells: tuple[str, ...], at: int | None) -> str:
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _report(records: list[Record], result: ReadResult, options: ReadOptions) -> list[Record]:
    """Append the file's coverage: --from/--to/--report-date, else its earliest and latest dates."""
    days = [r.feedback_date for r in records if isinstance(r, Feedback)]
    range_from = options.report_from or (min(days) if days else None)
    range_to = options.report_to or (max(days) if days else None)
    report_date = options.report_date or (max(days) if days else options.report_to)
    if range_from is None or range_to is None or report_date is None:
        given = options.report_from or options.report_to or options.report_date
        if given and not result.rows:
            # A report that lists no feedback says something only with its date range given.
            raise UsageError(f"{result.path} lists no feedback; pass both --from and --to")
        return records
    if range_from > range_to:
        raise UsageError(f"{result.path}: --from {range_from} is after --to {range_to}")
    listed = _listed_orders(result, options) or {options.account: set()}
    reports = [
        FeedbackReport(
            account=account,
            report_date=report_date,
            range_from=range_from,
            range_to=range_to,
            order_ids=frozenset(order_ids),
        )
        for account, order_ids in listed.items()
    ]
    return [*records, *reports]


def _localized(header: list[str]) -> bool:
    """A header in another language: Amazon's six columns, none of them named in English."""
    names = [cell.strip().lower() for cell in header]
    return len(names) == len(COLUMNS) and not _ENGLISH & set(names)


def _by_position(header: list[str]) -> list[str]:
    return [name.lower() for name in COLUMNS] if _localized(header) else header


def _looks_like_feedback(cells: list[str]) -> bool:
    return (
        len(cells) >= len(COLUMNS)
        and cells[1].strip() in {"1", "2", "3", "4", "5"}
        and bool(_ORDER_ID.match(cells[4].strip()))
    )


def _day_parser(chosen: DateFormat) -> Column:
    return Column("date", chosen.parse, required=True)


class _FeedbackReport(TabularImporter):
    """The general reader, with the file's date format chosen before any row is parsed."""

    def identify(self, head: str) -> bool:
        if super().identify(head):
            return True
        lines = head.lstrip("\ufeff").splitlines()
        if len(lines) < 2 or not _localized(_header_cells(lines[0])):
            return False
        return _looks_like_feedback(lines[1].split("\t"))

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        rows = _rows(path)
        try:  # a first pass over the dates, to tell the file's date format
            line, header = next(rows, (1, []))
            names = [cell.strip().lower() for cell in _by_position(header)]
            if header and "date" not in names and len(header) != len(COLUMNS):
                return _unknown_header(path, line, header)
            at = names.index("date") if "date" in names else None
            cells = [row[at] for _, row in rows if at is not None and at < len(row)]
        except MalformedFile as malformed:
            return ReadResult(self.kind, str(path), errors=[malformed.error])
        chosen, problem = _date_format(cells, options)
        if problem:
            result = ReadResult(self.kind, str(path), header=tuple(header))
            result.errors.append(RowError(str(path), line, "Date", problem))
            return result
        columns = (_day_parser(chosen), *self.columns[1:])
        return TabularImporter.read(replace(self, columns=columns), path, options)


def _unknown_header(path: Path, line: int, header: list[str]) -> ReadResult:
    result = ReadResult("amazon-feedback", str(path), header=tuple(header))
    result.errors.append(
        RowError(
            str(path),
            line,
            "*",
            f"not a feedback report header ({len(header)} columns); expected Amazon's "
            f"{len(COLUMNS)} columns {', '.join(COLUMNS)}, named in English or in the "
            "marketplace's language in that order",
        )
    )
    return result


def _date_format(cells: list[str], options: ReadOptions) -> tuple[DateFormat, str | None]:
    """The file's date format, or why it cannot be told (never a guess).

    --marketplace fixes it. Else the account's marketplace gives it, if the dates fit it. Else
    the dates must fit exactly one format: 13/1/17 can only be D/M/YY, but a file whose dates
    all read both ways (3/1/17) is refused.
    """
    every = fitting_formats(cells)
    fits = differing(every, cells)
    given = BY_ID.get(options.marketplace or "")
    if given is not None and given.date_format is not None:
        return FORMATS[given.date_format], None
    account = BY_ID.get(options.account_marketplace or "")
    if given is None and account is not None and account.date_format is not None:
        own = FORMATS[account.date_format]
        if own in every or not every:
            return own, None
        return own, (
            f"the dates are not written {own.name} as in the account's marketplace "
            f"({account.domain}) but {' or '.join(f.name for f in fits)}; pass --marketplace "
            "with the marketplace the report is from"
        )
    if len(fits) == 1:
        return fits[0], None
    if not fits:
        if not any(fitting_formats([cell]) for cell in cells):
            return US_FORMAT, None  # no date reads in any format: each row says so
        return US_FORMAT, (
            "the dates are written in more than one format (" + ", ".join(FORMATS) + "); "
            "a report uses one: pass --marketplace with the marketplace it is from"
        )
    where = f" ({given.domain} has no known date format)" if given else ""
    return fits[0], (
        f"the dates read as {' or as '.join(f.name for f in fits)}{where}, and which one "
        "depends on the marketplace; pass --marketplace (for example --marketplace "
        "amazon.co.uk, DE or A1VC38T7YXB528)"
    )


AMAZON_FEEDBACK = _FeedbackReport(
    kind="amazon-feedback",
    columns=(
        Column("date", US_FORMAT.parse, required=True),
        Column("rating", parse_int(1, 5), required=True),
        Column("comments", parse_text),
        Column("order id", parse_required_text, required=True),
    ),
    build=_feedback,
    finish=_report,
    rename=_by_position,
)
