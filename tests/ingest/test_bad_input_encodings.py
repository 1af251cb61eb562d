"""Bad input, encodings and containers: Latin-1 and Windows-1252 keep their letters, UTF-16
with a byte order mark and gzip are read, UTF-16 without a mark, a zip archive and damaged
UTF-8 are refused saying what the file is.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

import codecs
import gzip
import zipfile

import pytest
from tests.ingest.bad_input_cases import HEADER_ORDERS, refused, stored, write


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
