"""Feedback reports from every marketplace: dates in its format, headers in its language.

The files under tests/data/amazon are in each marketplace's format: UK D/M/YY, DE D.M.YY with a
German header, JP YY/M/D with a Japanese header (the localized names are illustrative; the
importer reads a localized header by Amazon's column order, not by its words).
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerhealth.domain.marketplaces import MARKETPLACES, find_marketplace
from sellerhealth.domain.records import Feedback
from sellerhealth.domain.report_dates import FORMATS, DateFormat
from sellerhealth.ingest.amazon_feedback import AMAZON_FEEDBACK
from sellerhealth.ingest.base import ReadOptions, ReadResult
from sellerhealth.ingest.registry import detect_kind

DATA = Path(__file__).parent.parent / "data" / "amazon"
HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
UK, DE, JP, US = "A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A1VC38T7YXB528", "ATVPDKIKX0DER"


def days(result: ReadResult) -> list[date]:
    return [r.feedback_date for r in result.records if isinstance(r, Feedback)]


def write(tmp_path: Path, *dates: str) -> Path:
    path = tmp_path / "feedback.txt"
    rows = "".join(f"{d}\t1\tlate\t\t111-000000{i}-0000000\tx@y\n" for i, d in enumerate(dates))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_uk_report_reads_d_m_yy_without_being_told():
    # 3/1/17 alone could be 1 March, but 13/1/17 can only be 13 January: the file is D/M/YY.
    result = AMAZON_FEEDBACK.read(DATA / "feedback-uk.txt", ReadOptions())

    assert result.errors == []
    assert days(result) == [date(2017, 1, 3), date(2017, 1, 13)]


def test_german_report_with_a_german_header():
    assert detect_kind(DATA / "feedback-de.txt") is AMAZON_FEEDBACK
    result = AMAZON_FEEDBACK.read(DATA / "feedback-de.txt", ReadOptions())

    assert result.errors == []
    assert days(result) == [date(2017, 1, 3), date(2017, 1, 13)]
    assert next(r.comments for r in result.records if isinstance(r, Feedback)) == (
        "Das Produkt ist nach einer Woche kaputt gegangen"
    )


def test_japanese_report_reads_yy_m_d():
    assert detect_kind(DATA / "feedback-jp.txt") is AMAZON_FEEDBACK
    result = AMAZON_FEEDBACK.read(DATA / "feedback-jp.txt", ReadOptions())

    assert result.errors == []
    assert days(result) == [date(2017, 1, 3), date(2017, 1, 13)]
    assert {r.order_id for r in result.records if isinstance(r, Feedback)} == {
        "503-1111111-1111111",
        "503-2222222-2222222",
    }


def test_ambiguous_dates_without_a_marketplace_are_refused(tmp_path):
    path = write(tmp_path, "3/1/17", "4/2/17")

    result = AMAZON_FEEDBACK.read(path, ReadOptions())

    (error,) = result.errors
    assert str(error).startswith(f"{path}:1: Date: the dates read as M/D/YY or as D/M/YY")
    assert "pass --marketplace" in error.problem
    assert days(result) == []


@pytest.mark.parametrize(
    ("marketplace", "expected"),
    [(US, date(2017, 3, 1)), (UK, date(2017, 1, 3)), ("A13V1IB3VIYZZH", date(2017, 1, 3))],
)
def test_the_marketplace_decides_an_ambiguous_date(tmp_path, marketplace, expected):
    path = write(tmp_path, "3/1/17")

    assert days(AMAZON_FEEDBACK.read(path, ReadOptions(marketplace=marketplace))) == [expected]
    # The account's own marketplace (from its orders) decides it too.
    account = ReadOptions(account_marketplace=marketplace)
    assert days(AMAZON_FEEDBACK.read(path, account)) == [expected]


def test_dates_that_read_the_same_in_every_order_need_no_marketplace(tmp_path):
    path = write(tmp_path, "1/1/17", "12/12/17")

    assert days(AMAZON_FEEDBACK.read(path, ReadOptions())) == [date(2017, 1, 1), date(2017, 12, 12)]
    assert days(AMAZON_FEEDBACK.read(path, ReadOptions(account_marketplace=UK))) == [
        date(2017, 1, 1),
        date(2017, 12, 12),
    ]


def test_a_date_outside_the_marketplace_format_is_a_bad_row(tmp_path):
    path = write(tmp_path, "3/1/17", "13/1/17")

    result = AMAZON_FEEDBACK.read(path, ReadOptions(marketplace=US))

    assert [str(e) for e in result.errors] == [
        f"{path}:3: date: '13/1/17' is not a date written M/D/YY"
    ]


def test_dates_that_contradict_the_account_marketplace_are_refused(tmp_path):
    # The account sells on amazon.com, but 13/1/17 cannot be M/D/YY: not read as anything.
    path = write(tmp_path, "3/1/17", "13/1/17")

    result = AMAZON_FEEDBACK.read(path, ReadOptions(account_marketplace=US))

    (error,) = result.errors
    assert "not written M/D/YY as in the account's marketplace (amazon.com)" in error.problem
    assert days(result) == []


def test_swedish_report_is_iso(tmp_path):
    path = write(tmp_path, "2017-01-03")

    assert days(AMAZON_FEEDBACK.read(path, ReadOptions(marketplace="A2NODRKZP88ZB9"))) == [
        date(2017, 1, 3)
    ]
    # An ISO date is the same day everywhere: no marketplace needed.
    assert days(AMAZON_FEEDBACK.read(path, ReadOptions())) == [date(2017, 1, 3)]


def test_an_unknown_header_says_which_columns_it_expected(tmp_path):
    path = tmp_path / "feedback.txt"
    path.write_text("Datum\tSterne\tText\n1.1.17\t1\tx\n", encoding="utf-8")

    result = AMAZON_FEEDBACK.read(path, ReadOptions())

    (error,) = result.errors
    assert error.problem == (
        "not a feedback report header (3 columns); expected Amazon's 6 columns Date, Rating, "
        "Comments, Your Response, Order ID, Rater Email, named in English or in the "
        "marketplace's language in that order"
    )


def test_every_marketplace_is_found_by_id_code_and_domain():
    for m in MARKETPLACES:
        assert find_marketplace(m.marketplace_id) is m
        assert find_marketplace(m.code.lower()) is m
        assert find_marketplace(f"www.{m.domain}") is m
    assert find_marketplace("GB").code == "UK"
    with pytest.raises(ValueError, match=r"unknown marketplace 'amazon\.xx'"):
        find_marketplace("amazon.xx")


def render(day: date, fmt: DateFormat) -> str:
    parts = {"D": str(day.day), "M": str(day.month), "Y": f"{day.year % 100:02d}"}
    if fmt.name == "YYYY-MM-DD":
        return day.isoformat()
    return fmt.separator.join(parts[p] for p in fmt.order)


KNOWN = [m for m in MARKETPLACES if m.date_format]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(KNOWN),
    st.lists(
        st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), min_size=1, max_size=6
    ),
    st.sampled_from(["none", "given", "account"]),
)
def test_no_date_is_ever_read_in_an_order_its_marketplace_does_not_use(
    tmp_path_factory, marketplace, written, told
):
    """Whatever the dates and whatever is known of the marketplace, a feedback report is read
    as its marketplace wrote it, or refused: never read in another order."""
    assert marketplace.date_format is not None
    fmt = FORMATS[marketplace.date_format]
    path = write(tmp_path_factory.mktemp("f"), *(render(d, fmt) for d in written))
    options = {
        "none": ReadOptions(),
        "given": ReadOptions(marketplace=marketplace.marketplace_id),
        "account": ReadOptions(account_marketplace=marketplace.marketplace_id),
    }[told]

    result = AMAZON_FEEDBACK.read(path, options)

    if result.errors:
        assert told == "none"  # only an unknown marketplace may leave the order undecided
        assert len(result.errors) == 1 and "--marketplace" in result.errors[0].problem
        assert days(result) == []
    else:
        assert days(result) == written


def test_two_digit_years_are_this_century():
    assert FORMATS["D/M/YY"].parse("31/12/99") == date(2099, 12, 31)
    assert FORMATS["YY/M/D"].parse("2017/1/13") == date(2017, 1, 13)
    assert FORMATS["M/D/YY"].parse("1/13/2017") == date(2017, 1, 13)
    assert date(2017, 1, 13) - timedelta(days=0) == FORMATS["D.M.YY"].parse("13.1.17")
