"""Bad input and personal data: a rejects file (and an error) never shows a rater's e-mail, a
buyer or an address, even shifted into another column.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest.bad_input_cases import FEEDBACK_HEADER, write


def test_rejects_leave_out_the_rater_email(cli, target, tmp_path):
    path = write(
        tmp_path / "fb.txt",
        FEEDBACK_HEADER
        + "3/2/26\t1\tbroken\t\t111-1\tq@marketplace.amazon.com\n"
        + "3/3/26\t9\tlate\t\t111-2\tz@marketplace.amazon.com\n",
    )
    code, _out, err = cli(
        "--db", target, "import", str(path), "--skip-bad-rows", "--marketplace", "amazon.com"
    )
    assert code == 0, err
    rejects = Path(f"{path}.rejects.csv").read_text()
    assert "marketplace.amazon.com" not in rejects
    assert rejects.splitlines()[0] == "line,problems,Date,Rating,Comments,Order ID"


def test_an_email_shifted_into_a_read_column_is_left_out_of_rejects_and_messages(
    cli, target, tmp_path
):
    """A row missing its first cells puts the rater's e-mail under Rating and Order ID (a case
    the long fuzz run found): neither the rejects file nor the error may show it."""
    path = write(
        tmp_path / "fb.txt",
        FEEDBACK_HEADER
        + "3/2/26\t1\tbroken\t\t111-1\tq@marketplace.amazon.com\n"
        + "3/3/26\tSmaller than expected\tz@marketplace.amazon.com\n"
        + "3/4/26\tpqz@marketplace.amazon.com\n",
    )
    code, _out, err = cli("--db", target, "import", str(path), "--marketplace", "amazon.com")
    assert code == 1
    assert "marketplace.amazon.com" not in err
    assert f"{path}:4: rating: '[e-mail address left out]' is too long for a number" in err
    code, _out, err = cli(
        "--db", target, "import", str(path), "--skip-bad-rows", "--marketplace", "amazon.com"
    )
    assert code == 0, err
    rejects = Path(f"{path}.rejects.csv").read_text()
    assert "marketplace.amazon.com" not in rejects
    assert "[e-mail address left out]" in rejects


def test_rejects_leave_out_the_buyer_and_the_address(cli, target, tmp_path):
    order = {
        "AmazonOrderId": "111-2",
        "PurchaseDate": "someday",
        "FulfillmentChannel": "MFN",
        "BuyerInfo": {"BuyerEmail": "b@example.com", "BuyerName": "Ann Buyer"},
        "ShippingAddress": {"AddressLine1": "1 Main St", "PostalCode": "98101"},
    }
    good = {**order, "AmazonOrderId": "111-1", "PurchaseDate": "2026-05-01"}
    path = write(tmp_path / "api.json", json.dumps({"payload": {"Orders": [good, order]}}))
    code, _out, err = cli("--db", target, "import", str(path), "--skip-bad-rows")
    assert code == 0, err
    rejects = Path(f"{path}.rejects.csv").read_text()
    for personal in ("b@example.com", "Ann Buyer", "1 Main St", "98101", "BuyerInfo"):
        assert personal not in rejects
    assert "111-2" in rejects
