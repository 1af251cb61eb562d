"""Bad input, values that used to be a traceback: an integer beyond 64 bits, a timestamp past
year 9999, JSON nested 10,000 deep, a lone surrogate, a field over 16 MB, a NUL byte; and a
long error stays on one line.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

import json

from tests.ingest.bad_input_cases import HEADER_ORDERS, refused, write


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


def test_a_long_error_stays_on_one_line(cli, target, tmp_path):
    folder = tmp_path / ("a-folder-with-a-long-name-" * 6)
    folder.mkdir()
    path = write(folder / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,many\n")
    line = f"{path}:2: units: 'many' is not a whole number"
    assert len(line) > 160
    refused(cli, target, path, line)
