"""Bad input, rows and columns that used to be misread: a column named twice, a delimiter
inside a value, a quote never closed, a cut-off last row.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

import pytest
from tests.ingest.bad_input_cases import FEEDBACK_HEADER, refused, write


def test_a_column_named_twice(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", "order_id,purchase_date,fulfillment_channel,Order_ID\n")
    refused(
        cli,
        target,
        path,
        f"{path}:1: Order_ID: appears twice in the header (columns 1 and 4); keep one",
    )


def test_a_tab_inside_a_feedback_comment(cli, target, tmp_path):
    path = write(
        tmp_path / "fb.txt",
        FEEDBACK_HEADER
        + "3/2/26\t1\tbroken\t\t111-1\tq@marketplace.amazon.com\n"
        + "3/3/26\t2\tlate\tand\tlost\tSorry\t111-2\tz@marketplace.amazon.com\n",
    )
    refused(
        cli,
        target,
        path,
        f"{path}:3: *: has 8 cells but the header has 6 columns; a delimiter (tab or comma) "
        "inside a value shifts the columns: quote the value or remove the delimiter",
        extra=("--marketplace", "amazon.com"),  # 3/2/26 reads either way without it
    )


def test_an_unbalanced_quote_in_the_last_column(cli, target, tmp_path):
    path = write(
        tmp_path / "f.csv",
        "order_id,feedback_date,rating,comments\n"
        'o1,2026-05-01,1,"never again\no2,2026-05-02,2,late\no3,2026-05-03,1,bad\n',
    )
    refused(
        cli,
        target,
        path,
        f"{path}:2: *: a quote opened in this row is never closed; double a quote inside a "
        'quoted value ("") or close it',
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "shipments.csv",
            "order_id,ship_confirm_date,carrier,tracking_id,tracking_valid\n"
            "o1,2026-05-01,USPS,9400,true\no2,2026-05-02,US",
        ),
        (
            "violations.csv",
            "violation_id,date,category,severity\nv1,2026-05-01,productSafety,high\n"
            "v2,2026-05-02,produ",
        ),
    ],
)
def test_a_cut_off_last_row(cli, target, tmp_path, name, text):
    path = write(tmp_path / name, text)
    width = len(text.splitlines()[0].split(","))
    refused(
        cli,
        target,
        path,
        f"{path}:3: *: the last row has 3 of the header's {width} columns and no line end; "
        "the file looks cut off (download it again)",
    )
