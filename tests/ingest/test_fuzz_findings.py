"""Cases the long fuzz run (`bench/fuzz.py --cases 100000`) found, each a clear error now."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ingest.test_bad_input import FEEDBACK_HEADER, refused, write


def test_a_feedback_date_with_a_part_too_large_for_a_date(cli, target, tmp_path):
    # Was an OverflowError from date() while telling the file's date format.
    path = write(
        tmp_path / "fb.txt",
        FEEDBACK_HEADER + "1/99999999999999999999/26\t1\tbroken\t\t111-1\t\n",
    )
    refused(
        cli,
        target,
        path,
        f"{path}:2: date: '1/99999999999999999999/26' is not a date written M/D/YY",
        extra=("--marketplace", "amazon.com"),
    )


def test_a_superscript_digit_in_a_feedback_date(cli, target, tmp_path):
    path = write(tmp_path / "fb.txt", FEEDBACK_HEADER + "3/2/2\u00b2\t1\tbroken\t\t111-1\t\n")
    refused(
        cli,
        target,
        path,
        f"{path}:2: date: '3/2/2\u00b2' is not a date written M/D/YY",
        extra=("--marketplace", "amazon.com"),
    )


def test_a_csv_read_as_feedback_with_a_quote_never_closed(cli, target, tmp_path):
    # Was a MalformedFile traceback from the first pass over the dates.
    path = write(tmp_path / "fb.csv", 'Date,Rating,Comments,Order ID\n1/2/26,1,"open,111-1\n')
    refused(
        cli,
        target,
        path,
        f"{path}:2: *: a quote opened in this row is never closed; double a quote inside a "
        'quoted value ("") or close it',
        extra=("--kind", "amazon-feedback"),
    )


def test_what_is_left_of_a_rater_email_is_left_out_of_rejects(cli, target, tmp_path):
    path = write(
        tmp_path / "fb.txt",
        FEEDBACK_HEADER + "3/2/26\t1\tbroken\t\t111-1\t\n" + "@marketplace.amazon.com\t\t\t\t\t\n",
    )
    code, _out, err = cli(
        "--db", target, "import", str(path), "--skip-bad-rows", "--marketplace", "amazon.com"
    )
    assert code == 0, err
    rejects = Path(f"{path}.rejects.csv").read_text()
    assert "marketplace.amazon.com" not in rejects
    assert "marketplace.amazon.com" not in err


PERFORMANCE = Path(__file__).parents[1] / "data" / "amazon" / "performance.json"
FAR = "9999-12-31T23:59:59-12:00"  # in year 10000 once in UTC


def _performance_with(tmp_path: Path, name: str, value: str) -> Path:
    text = PERFORMANCE.read_text()
    first = text.index(f'"{name}"')
    start = text.index('"', text.index(":", first)) + 1
    end = text.index('"', start)
    return write(tmp_path / "performance.json", text[:start] + value + text[end:])


def test_a_performance_report_dated_past_the_record_range(cli, target, tmp_path):
    path = _performance_with(tmp_path, "reportingDateTo", "9999-12-31T23:59:59Z")
    refused(
        cli,
        target,
        path,
        f"{path}:1: reportingDateTo: '9999-12-31' is out of range; dates must be from "
        "2000-01-01 to 2099-12-31",
    )


@pytest.mark.parametrize("name", ["reportingDateFrom", "reportingDateTo"])
def test_a_report_time_past_every_date_is_read_as_no_date(cli, target, tmp_path, name):
    # Was an OverflowError: a traceback on import (reportingDateTo), an API 500 from report
    # and reconcile once stored (reportingDateFrom). The report's other windows still date it.
    path = _performance_with(tmp_path, name, FAR)
    code, _out, err = cli("--db", target, "import", str(path))
    assert code == 0, err
    for command in ("report", "reconcile"):
        code, _out, err = cli("--db", target, command, "--format", "json")
        assert code == 0, err


def test_a_report_when_the_busiest_marketplace_counts_nothing_that_day(cli, target, tmp_path):
    # Was a StopIteration (an API 500): the forecast's marketplace (the most orders, then the
    # first id) had no figures as of the day, its only order older than every window.
    path = write(
        tmp_path / "orders.csv",
        "order_id,purchase_date,fulfillment_channel,marketplace_id\n"
        "o-1,2026-03-02,AFN,A1PA6795UKMFR9\n"
        "o-2,2026-03-02,MFN,ATVPDKIKX0DER\n",
    )
    code, _out, err = cli("--db", target, "import", str(path))
    assert code == 0, err
    code, _out, err = cli("--db", target, "report", "--as-of", "2026-12-03", "--format", "json")
    assert code == 0, err


def test_records_years_after_the_account_are_refused_whole(cli, target, tmp_path):
    # Was a corruption: the records landed, then the kept replay refused the account's span
    # (over ten years), so a refused import had changed the store.
    header = "order_id,purchase_date,fulfillment_channel\n"
    first = write(tmp_path / "first.csv", header + "o-1,2026-03-02,MFN\n")
    code, _out, err = cli("--db", target, "import", str(first), "--account", "a")
    assert code == 0, err
    typo = write(tmp_path / "typo.csv", header + "o-2,2037-03-02,MFN\n")
    err = refused(cli, target, typo, extra=("--account", "a"))
    assert f"{typo}: account 'a' would span 2026-03-02 .. " in err
    assert "sellerhealth follows one account over at most 3660 days" in err
    assert err.rstrip().endswith("nothing was imported")
