import gzip
from pathlib import Path

import pytest

from sellerhealth.domain.records import Feedback, Order
from sellerhealth.errors import InputError, UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.ingest.canonical import CANONICAL
from sellerhealth.ingest.registry import IMPORTERS, detect_kind, importer_for, read_file

DATA = Path(__file__).parent.parent / "data" / "amazon"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_kind_is_registered_once():
    kinds = [importer.kind for importer in IMPORTERS]

    assert len(kinds) == len(set(kinds))
    assert set(kinds) == {importer.kind for importer in CANONICAL} | {
        "amazon-orders",
        "amazon-feedback",
        "amazon-performance",
        "amazon-orders-api",
        "amazon-finances",
    }


def test_importer_for():
    assert importer_for("amazon-orders").kind == "amazon-orders"
    assert importer_for("claims").kind == "claims"
    with pytest.raises(UsageError, match=r"unknown kind 'order'; expected one of: .*amazon-orders"):
        importer_for("order")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("orders.txt", "amazon-orders"),
        ("feedback.txt", "amazon-feedback"),
        ("performance.json", "amazon-performance"),
        ("performance-minimal.json", "amazon-performance"),
        ("orders-api.json", "amazon-orders-api"),
        ("orders-api-pages.json", "amazon-orders-api"),
    ],
)
def test_amazon_files_are_detected(name, kind):
    assert detect_kind(DATA / name).kind == kind


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("order_id,purchase_date,fulfillment_channel,units", "orders"),
        ("\ufeffOrder_ID,Feedback_Date,Rating", "feedback"),
        ("order_id,claim_date,status", "claims"),
        ("order_id,chargeback_date,reason", "chargebacks"),
        ("order_id,ship_confirm_date", "shipments"),
        ("tracking_id,event_time,status", "tracking-events"),
        ("order_id,cancel_date,initiator", "cancellations"),
        ("violation_id,date,category", "violations"),
        ("message_id,received_at", "messages"),
        ("order_id\tpurchase_date\tfulfillment_channel", "orders"),
    ],
)
def test_canonical_files_are_detected(tmp_path, header, kind):
    assert detect_kind(write(tmp_path, "f.csv", header + "\n")).kind == kind


def test_a_file_missing_one_required_column_is_read_as_its_kind(tmp_path):
    path = write(tmp_path, "fb.csv", "order_id,feedback_date,comments\nA-1,2026-03-01,slow\n")

    assert detect_kind(path).kind == "feedback"
    result = read_file(path, ReadOptions())
    assert [str(e) for e in result.errors] == [
        f"{path}:1: rating: required column is missing from the feedback header"
    ]


def test_an_amazon_file_missing_one_required_column_is_read_as_its_kind(tmp_path):
    path = write(tmp_path, "o.txt", "amazon-order-id\tpurchase-date\tsku\nA-1\t2026-03-01\tX\n")

    result = read_file(path, ReadOptions())

    assert result.kind == "amazon-orders"
    assert [(e.line, e.column) for e in result.errors] == [(1, "fulfillment-channel")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "order_id,note\n1,x\n",
        "hello world\n",
        '{"something": "else"}\n',
        # orders and feedback both identify it, equally well
        "order_id,purchase_date,fulfillment_channel,feedback_date,rating\n",
    ],
)
def test_unclear_files_ask_for_kind(tmp_path, text):
    path = write(tmp_path, "unknown.csv", text)

    with pytest.raises(InputError) as raised:
        detect_kind(path)

    message = str(raised.value)
    assert str(path) in message
    assert "pass --kind" in message
    assert "amazon-orders-api" in message and "tracking-events" in message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read the file"):
        detect_kind(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="cannot read the file"):
        read_file(tmp_path / "nope.csv", ReadOptions(), kind="orders")


def test_read_file_detects_or_obeys_kind(tmp_path):
    orders = read_file(DATA / "orders.txt", ReadOptions())
    assert orders.kind == "amazon-orders"
    assert all(isinstance(r, Order) for r in orders.records)

    feedback = read_file(DATA / "feedback.txt", ReadOptions(), kind="amazon-feedback")
    assert isinstance(feedback.records[0], Feedback)

    # Forcing the wrong kind reads the header against that kind's columns.
    forced = read_file(DATA / "feedback.txt", ReadOptions(), kind="claims")
    assert {e.column for e in forced.errors} == {"order_id", "claim_date", "status"}


def test_a_gzip_file_is_read_through_its_decompressor(tmp_path):
    path = tmp_path / "feedback.txt.gz"
    path.write_bytes(gzip.compress((DATA / "feedback.txt").read_bytes()))

    assert detect_kind(path).kind == "amazon-feedback"
    assert (
        read_file(path, ReadOptions()).records
        == read_file(DATA / "feedback.txt", ReadOptions()).records
    )


def test_a_file_gzipped_twice_is_named_as_such(tmp_path):
    path = tmp_path / "report.json.gz.gz"
    path.write_bytes(gzip.compress(gzip.compress(b'{"performanceMetrics": []}')))

    with pytest.raises(InputError, match="gzip-compressed twice"):
        detect_kind(path)
