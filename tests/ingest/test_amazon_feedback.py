import dataclasses
from datetime import date
from pathlib import Path

import pytest

from sellerhealth.domain.records import Feedback, FeedbackReport
from sellerhealth.errors import UsageError
from sellerhealth.ingest.amazon_feedback import AMAZON_FEEDBACK
from sellerhealth.ingest.base import ReadOptions, ReadResult

DATA = Path(__file__).parent.parent / "data" / "amazon"
US = "ATVPDKIKX0DER"
HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"


def feedback(result: ReadResult) -> list[Feedback]:
    return [r for r in result.records if isinstance(r, Feedback)]


def reports(result: ReadResult) -> list[FeedbackReport]:
    return [r for r in result.records if isinstance(r, FeedbackReport)]


def test_rows_become_feedback_with_us_dates():
    result = AMAZON_FEEDBACK.read(DATA / "feedback.txt", ReadOptions(account="acme"))

    assert result.errors == []
    assert feedback(result) == [
        Feedback(
            "acme", "111-0000001-0000001", date(2026, 3, 2), 1, 'Item arrived broken, "never again'
        ),
        Feedback("acme", "111-0000002-0000002", date(2026, 3, 15), 2, "Late delivery"),
        Feedback("acme", "302-0000003-0000003", date(2026, 2, 28), 3, None),
    ]


def test_rater_email_is_not_in_any_record():
    result = AMAZON_FEEDBACK.read(DATA / "feedback.txt", ReadOptions())

    for record in result.records:
        for value in dataclasses.astuple(record):
            assert "@" not in str(value)
            assert "marketplace.amazon" not in str(value)


def test_report_coverage_defaults_to_the_file_dates():
    result = AMAZON_FEEDBACK.read(DATA / "feedback.txt", ReadOptions(account="acme"))

    assert reports(result) == [
        FeedbackReport(
            account="acme",
            report_date=date(2026, 3, 15),
            range_from=date(2026, 2, 28),
            range_to=date(2026, 3, 15),
            order_ids=frozenset(
                {"111-0000001-0000001", "111-0000002-0000002", "302-0000003-0000003"}
            ),
        )
    ]
    assert result.records[-1] == reports(result)[0]  # appended after the feedback


def test_report_coverage_options_override_the_defaults():
    options = ReadOptions(
        report_from=date(2026, 1, 1), report_to=date(2026, 3, 31), report_date=date(2026, 4, 1)
    )
    (report,) = reports(AMAZON_FEEDBACK.read(DATA / "feedback.txt", options))

    assert (report.range_from, report.range_to, report.report_date) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
    )


def test_only_from_given_keeps_the_other_defaults():
    options = ReadOptions(report_from=date(2026, 2, 1))
    (report,) = reports(AMAZON_FEEDBACK.read(DATA / "feedback.txt", options))

    assert (report.range_from, report.range_to, report.report_date) == (
        date(2026, 2, 1),
        date(2026, 3, 15),
        date(2026, 3, 15),
    )


def test_header_only_file_needs_the_options(tmp_path):
    path = tmp_path / "feedback.txt"
    path.write_text(HEADER)

    plain = AMAZON_FEEDBACK.read(path, ReadOptions())
    assert plain.records == [] and plain.errors == []

    options = ReadOptions(account="acme", report_from=date(2026, 3, 1), report_to=date(2026, 3, 31))
    assert AMAZON_FEEDBACK.read(path, options).records == [
        FeedbackReport("acme", date(2026, 3, 31), date(2026, 3, 1), date(2026, 3, 31), frozenset())
    ]

    with pytest.raises(UsageError, match="pass both --from and --to"):
        AMAZON_FEEDBACK.read(path, ReadOptions(report_date=date(2026, 3, 31)))


def test_from_after_to_is_refused():
    options = ReadOptions(report_from=date(2026, 4, 1), report_to=date(2026, 3, 1))

    with pytest.raises(UsageError, match="--from 2026-04-01 is after --to 2026-03-01"):
        AMAZON_FEEDBACK.read(DATA / "feedback.txt", options)


def test_bad_rows_are_reported_and_still_listed_in_the_report(tmp_path):
    path = tmp_path / "feedback.txt"
    path.write_text(
        HEADER
        + "3/2/26\t7\tgreat\t\tA-1\tr1@example.com\n"
        + "13/45/26\t1\tbad\t\tA-2\tr2@example.com\n"
        + "3/3/26\t2\tslow\t\t\tr3@example.com\n"
        + "3/4/26\t1\tbroken\t\tA-4\tr4@example.com\n"
    )
    result = AMAZON_FEEDBACK.read(path, ReadOptions(marketplace=US))

    assert [str(e) for e in result.errors] == [
        f"{path}:2: rating: 7 is out of range; expected 1 to 5",
        f"{path}:3: date: '13/45/26' is not a date written M/D/YY",
        f"{path}:4: order id: is empty; a value is required",
    ]
    assert [f.order_id for f in feedback(result)] == ["A-4"]
    # A rejected row still shows the report listed its order (the file is all there is).
    (report,) = reports(result)
    assert report.order_ids == frozenset({"A-1", "A-2", "A-4"})


def test_account_column_gives_one_report_per_account(tmp_path):
    path = tmp_path / "feedback.txt"
    path.write_text(
        "account\t" + HEADER + "eu\t3/2/26\t1\t\t\tA-1\tx@example.com\n\t3/5/26\t2\t\t\tB-1\ty@z\n"
    )
    result = AMAZON_FEEDBACK.read(path, ReadOptions(account="us", marketplace=US))

    assert {(r.account, r.order_ids) for r in reports(result)} == {
        ("eu", frozenset({"A-1"})),
        ("us", frozenset({"B-1"})),
    }


def test_identify_is_case_insensitive():
    assert AMAZON_FEEDBACK.identify(HEADER)
    assert AMAZON_FEEDBACK.identify("date\trating\torder id\n")
    assert not AMAZON_FEEDBACK.identify("Date\tComments\tOrder ID\n")
