"""Cases the long fuzz run (`bench/fuzz.py --cases 100000`) found, each a clear error now."""

from __future__ import annotations

from pathlib import Path

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
