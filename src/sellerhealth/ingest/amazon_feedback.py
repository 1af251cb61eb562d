"""Amazon's feedback report, GET_SELLER_FEEDBACK_DATA (TSV).

Columns: Date, Rating, Comments, Your Response, Order ID, Rater Email. The rater's e-mail is
personal data nothing here needs, so it is not even declared as a column. Besides one `Feedback`
per row, a file yields a `FeedbackReport` per account: which orders it listed for which
feedback dates, so the store can tell that feedback missing from a newer report was removed
(SPEC section 3, reference section 6.7).
"""

from __future__ import annotations

from sellerhealth.domain.records import Feedback, FeedbackReport, Record
from sellerhealth.errors import UsageError
from sellerhealth.ingest.base import Column, ReadOptions, ReadResult, Row, TabularImporter
from sellerhealth.ingest.values import parse_int, parse_required_text, parse_text, parse_us_day


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


AMAZON_FEEDBACK = TabularImporter(
    kind="amazon-feedback",
    columns=(
        Column("date", parse_us_day, required=True),
        Column("rating", parse_int(1, 5), required=True),
        Column("comments", parse_text),
        Column("order id", parse_required_text, required=True),
    ),
    build=_feedback,
    finish=_report,
)
