"""Issue 10's cases, each through the real command line on both stores: a clear
`file:line: column: problem` error with exit status 1 and nothing stored, or a correct read."""

from __future__ import annotations

import codecs
import gzip
import json
import zipfile
from pathlib import Path

import pytest
from tests.store_dump import dump

from sellerhealth.store.store import Store

HEADER_ORDERS = "order_id,purchase_date,fulfillment_channel,units\n"


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refused(cli, target: str, path: Path, *expected: str, extra: tuple[str, ...] = ()) -> str:
    """Import `path`: exit 1, every expected line on stderr, no traceback, nothing stored."""
    before = dump(target)
    code, _out, err = cli("--db", target, "import", str(path), *extra)
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    for line in expected:
        assert line in lines, err
    assert dump(target) == before
    return err


def stored(target: str, sql: str) -> list[tuple]:
    with Store.open(target) as store:
        return store.backend.query(sql)


# --- what used to be a traceback ------------------------------------------------------------


def test_an_integer_beyond_64_bits(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,9223372036854775808\n")
    refused(
        cli,
        target,
        path,
        f"{path}:2: units: 9223372036854775808 is out of range; expected 1 to 1,000,000,000",
    )


def test_a_timestamp_past_year_9999_in_utc(cli, target, tmp_path):
    path = write(tmp_path / "m.csv", "message_id,received_at\nm1,9999-12-31T23:59:59-12:00\n")
    refused(
        cli,
        target,
        path,
        f"{path}:2: received_at: '9999-12-31T23:59:59-12:00' is out of range; "
        "dates must be from 2000-01-01 to 2099-12-31",
    )


def test_orders_api_json_nested_10000_deep(cli, target, tmp_path):
    path = write(
        tmp_path / "api.json", '{"payload": {"Orders": ' + "[" * 10_000 + "]" * 10_000 + "}}"
    )
    refused(
        cli,
        target,
        path,
        f"{path}:1: json: nested more than 64 levels deep; this is no Amazon document",
        extra=("--kind", "amazon-orders-api"),
    )


def test_a_lone_surrogate_in_json(cli, target, tmp_path):
    order = {"AmazonOrderId": "\ud800", "PurchaseDate": "2026-05-01", "FulfillmentChannel": "MFN"}
    path = write(tmp_path / "api.json", json.dumps({"payload": {"Orders": [order]}}))
    refused(
        cli,
        target,
        path,
        f"{path}:1: payload.Orders[0].AmazonOrderId: contains a lone surrogate '\\ud800' at "
        "position 1; remove it",
    )


def test_a_field_over_16_mb(cli, target, tmp_path):
    path = write(
        tmp_path / "f.csv",
        "order_id,feedback_date,rating,comments\no1,2026-05-01,1," + "x" * (17 << 20) + "\n",
    )
    refused(cli, target, path, f"{path}:2: *: a value is longer than 16 MB")


def test_a_nul_byte(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o\x001,2026-05-01,MFN,1\n")
    refused(
        cli, target, path, f"{path}:2: order_id: contains a NUL character at position 2; remove it"
    )


# --- what used to be misread ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_and_windows_1252_files_keep_their_letters(cli, target, tmp_path, encoding):
    text = "order_id,feedback_date,rating,comments\no1,2026-05-01,1,Très déçu – rien reçu\n"
    if encoding == "latin-1":
        text = text.replace("–", "-")  # Latin-1 has no dash; Windows-1252 does
    path = write(tmp_path / "f.csv", text.encode(encoding))

    code, out, err = cli("--db", target, "import", str(path))

    assert code == 0, err
    assert "(read as Windows-1252)" in out
    comment = text.splitlines()[1].split(",")[3]
    assert stored(target, "SELECT comments FROM feedback") == [(comment,)]


def test_a_column_named_twice(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", "order_id,purchase_date,fulfillment_channel,Order_ID\n")
    refused(
        cli,
        target,
        path,
        f"{path}:1: Order_ID: appears twice in the header (columns 1 and 4); keep one",
    )


FEEDBACK_HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"


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


# --- several files, one transaction ---------------------------------------------------------


def test_a_refused_second_file_stores_nothing_of_the_first(cli, target, tmp_path):
    good = write(tmp_path / "good.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    bad = write(tmp_path / "bad.csv", HEADER_ORDERS + "o2,2026-05-01,MFN,-1\n")
    refused(
        cli,
        target,
        good,
        f"{bad}:2: units: -1 is out of range; expected 1 to 1,000,000,000",
        extra=(str(bad),),
    )


def test_a_store_failure_on_the_second_file_rolls_back_the_first(
    cli, target, tmp_path, monkeypatch
):
    """The store refusing a value of the second file (what the checks let through, if any)
    undoes the first file too: all files of one command are one transaction."""
    from sellerhealth.errors import StoreValueError

    good = write(tmp_path / "good.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    second = write(tmp_path / "second.csv", HEADER_ORDERS + "o2,2026-05-01,MFN,1\n")
    real = Store.import_records
    calls = []

    def failing(self, records, source=None, fields=None):
        calls.append(source)
        if len(calls) == 2:
            real(self, records, source, fields)  # written, then refused: must be undone
            raise StoreValueError("the store refused a value: test")
        return real(self, records, source, fields)

    monkeypatch.setattr(Store, "import_records", failing)
    refused(
        cli,
        target,
        good,
        f"{second}: the store refused a value: test; nothing was imported",
        extra=(str(second),),
    )


# --- messages ---------------------------------------------------------------------------------


def test_a_long_error_stays_on_one_line(cli, target, tmp_path):
    folder = tmp_path / ("a-folder-with-a-long-name-" * 6)
    folder.mkdir()
    path = write(folder / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,many\n")
    line = f"{path}:2: units: 'many' is not a whole number"
    assert len(line) > 160
    refused(cli, target, path, line)


def test_utf16_with_a_byte_order_mark_is_read(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", (HEADER_ORDERS + "ö1,2026-05-01,MFN,2\n").encode("utf-16"))
    code, _out, err = cli("--db", target, "import", str(path))
    assert code == 0, err
    assert stored(target, "SELECT order_id, units FROM orders") == [("ö1", 2)]


def test_gzip_is_read(cli, target, tmp_path):
    path = write(
        tmp_path / "o.csv.gz",
        gzip.compress(b"order_id,purchase_date,fulfillment_channel\no1,2026-05-01,MFN\n"),
    )
    code, _out, err = cli("--db", target, "import", str(path))
    assert code == 0, err
    assert stored(target, "SELECT order_id FROM orders") == [("o1",)]


def test_utf16_without_a_mark_and_zip_say_what_the_file_is(cli, target, tmp_path):
    bare = write(tmp_path / "o.csv", HEADER_ORDERS.encode("utf-16-le"))
    refused(
        cli,
        target,
        bare,
        f"{bare} looks like UTF-16 text without a byte order mark; save it as UTF-8",
    )
    archive = tmp_path / "orders.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("orders.csv", HEADER_ORDERS)
    refused(
        cli,
        target,
        archive,
        f"{archive} is a zip archive (an Excel workbook is one too), not a report; extract the "
        "report file (or save the sheet as CSV) and import that",
    )
    assert codecs.BOM_UTF16_LE not in bare.read_bytes()


# --- personal data in rejects files ---------------------------------------------------------


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


# --- account names ----------------------------------------------------------------------------

BAD_NAMES = ["", "   ", "x" * 100_000, "../../etc/passwd", "a/b", ".hidden", "tab\there"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_account_name_is_refused_everywhere(cli, target, tmp_path, name):
    path = write(tmp_path / "o.csv", "account," + HEADER_ORDERS + f"{name},o1,2026-05-01,MFN,1\n")
    before = dump(target)
    for args in (("import", str(path), "--account", name), ("account", "set", name)):
        code, _out, err = cli("--db", target, *args)
        assert code == 2, err
        assert "is not an account name; use 1 to 64 characters" in err
        assert len(err) < 400
    if name.strip():  # a blank account cell means the command's account
        err = refused(cli, target, path)
        assert f"{path}:2: account: " in err
    assert dump(target) == before


def test_a_good_account_name_is_kept_as_written(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    code, _out, err = cli("--db", target, "import", str(path), "--account", "Acme EU.de_2@x-1")
    assert code == 0, err
    assert stored(target, "SELECT account FROM orders") == [("Acme EU.de_2@x-1",)]


def test_a_utf8_file_with_one_bad_byte_is_not_read_as_windows_1252(cli, target, tmp_path):
    text = "order_id,feedback_date,rating,comments\no1,2026-05-01,1,Très déçu\n"
    path = write(tmp_path / "f.csv", text.encode() + b"o2,2026-05-02,1,bad \xff byte\n")
    refused(
        cli,
        target,
        path,
        f"{path}:3: *: not valid UTF-8, though the file is UTF-8 elsewhere (a damaged file, or "
        "two encodings mixed); fix the line, or pass --encoding",
    )


def test_a_utf8_file_cut_inside_a_character(cli, target, tmp_path):
    text = "order_id,feedback_date,rating,comments\no1,2026-05-01,1,Très déçu\n"
    path = write(tmp_path / "f.csv", text.encode()[:-3])
    refused(
        cli,
        target,
        path,
        f"{path}:2: *: the file ends inside a UTF-8 character; it looks cut off "
        "(download it again)",
    )


def test_every_allowed_account_name_has_a_working_dashboard_address(cli, target, tmp_path):
    import re
    import warnings

    from sellerhealth.web import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    code, _out, err = cli("--db", target, "import", str(path), "--account", "Acme EU@x.de")
    assert code == 0, err
    with TestClient(create_app(target)) as client:
        links = re.findall(r'href="(/accounts/[^"?]+)["?]', client.get("/").text)
        assert links == ["/accounts/Acme%20EU%40x.de"]
        assert client.get(links[0], params={"as_of": "2026-05-20"}).status_code == 200
