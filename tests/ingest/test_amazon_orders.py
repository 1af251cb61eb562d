import dataclasses
import gc
from datetime import date
from pathlib import Path

import pytest

from sellerhealth.domain.records import Channel, Order
from sellerhealth.ingest.amazon_orders import AMAZON_ORDERS
from sellerhealth.ingest.base import ReadOptions, ReadResult, TabularImporter

DATA = Path(__file__).parent.parent / "data" / "amazon"
HEADER = ["amazon-order-id", "purchase-date", "fulfillment-channel", "sales-channel", "quantity"]


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join("\t".join(cells) for cells in [header, *rows]) + "\n")
    return path


def by_id(result: ReadResult) -> dict[str, Order]:
    orders = {}
    for record in result.records:
        assert isinstance(record, Order)
        orders[record.order_id] = record
    return orders


def both_readers(path: Path, options: ReadOptions | None = None) -> ReadResult:
    """Read with the fast reader, and check that the general reader says exactly the same."""
    options = options or ReadOptions()
    fast = AMAZON_ORDERS.read(path, options)
    general = TabularImporter.read(AMAZON_ORDERS, path, options)
    assert fast.records == general.records
    assert [dataclasses.astuple(r) for r in fast.records] == [
        dataclasses.astuple(r) for r in general.records
    ]
    assert fast.errors == general.errors
    assert fast.rejected == general.rejected
    assert (fast.rows, fast.header, fast.kind) == (general.rows, general.header, general.kind)
    return fast


def test_item_rows_merge_into_orders_counted_once():
    result = both_readers(DATA / "orders.txt")

    assert result.errors == []
    assert result.rows == 6
    orders = by_id(result)
    # 111-0000004-0000004 was sold on another site (sales channel Non-Amazon): counted only.
    assert list(orders) == ["111-0000001-0000001", "111-0000002-0000002", "302-0000003-0000003"]
    assert result.outside_amazon == 1
    three_items = orders["111-0000002-0000002"]
    assert three_items.units == 6  # 2 + 1 + 3
    assert three_items.fulfillment_channel is Channel.AFN
    assert three_items.is_business_order is True
    assert three_items.purchase_date == date(2026, 3, 2)
    assert three_items.order_status == "Shipped"


def test_values_are_mapped():
    orders = by_id(both_readers(DATA / "orders.txt", ReadOptions(account="acme")))

    late_evening = orders["111-0000001-0000001"]
    assert late_evening.purchase_date == date(2026, 3, 2)  # 23:30 at -08:00 is the next UTC day
    assert late_evening.fulfillment_channel is Channel.MFN
    assert late_evening.marketplace_id == "ATVPDKIKX0DER"
    assert late_evening.account == "acme"
    assert late_evening.latest_ship_date is None

    german = orders["302-0000003-0000003"]
    assert german.marketplace_id == "A1PA6795UKMFR9"
    assert german.fulfillment_channel is Channel.MFN  # "merchant", matched case-insensitively
    assert german.purchase_date == date(2026, 3, 3)


def test_buyer_address_is_not_in_any_record():
    result = AMAZON_ORDERS.read(DATA / "orders.txt", ReadOptions())

    values = [str(v) for r in result.records for v in dataclasses.astuple(r)]
    for personal in ("Seattle", "98101", "Tacoma", "98402", "Berlin", "10115", "Olympia"):
        assert not any(personal in value for value in values)


def test_bad_rows_name_file_physical_line_and_column(tmp_path):
    path = write_tsv(
        tmp_path / "orders.txt",
        HEADER,
        [
            ["A-1", "2026-03-01T10:00:00Z", "Amazon", "Amazon.com", "1"],
            [],  # a blank line still counts as a physical line
            ["A-2", "2026-03-01T10:00:00Z", "Robot", "Amazon.com", "1"],
            ["A-3", "yesterday", "Merchant", "Amazon.xx", "1"],
            ["", "2026-03-01T10:00:00Z", "Merchant", "Amazon.com", "1"],
            ["A-1", "2026-03-01T10:00:00Z", "Amazon", "Amazon.com", "-1"],
            ["A-1", "2026-03-01T10:00:00Z", "Amazon", "Amazon.com", "2"],
        ],
    )
    result = both_readers(path)

    problems = [str(error) for error in result.errors]
    assert problems[0] == (
        f"{path}:4: fulfillment-channel: unknown value 'Robot'; expected Amazon or Merchant"
    )
    assert problems[1].startswith(f"{path}:5: purchase-date: 'yesterday' is not an ISO 8601")
    assert problems[2].startswith(
        f"{path}:5: sales-channel: unknown sales channel 'Amazon.xx'; expected Non-Amazon, an "
        "SI ... Prod Marketplace (Multi-Channel Fulfillment) or one of: Amazon.com, Amazon.ca,"
    )
    assert "Amazon.de" in problems[2]
    assert problems[3] == f"{path}:6: amazon-order-id: is empty; a value is required"
    assert problems[4] == f"{path}:7: quantity: -1 is out of range; expected 0 to 1,000,000,000"
    assert len(problems) == 5
    assert [r.line for r in result.rejected] == [4, 5, 6, 7]
    assert result.rejected[0].cells == ("A-2", "2026-03-01T10:00:00Z", "Robot", "Amazon.com", "1")
    assert result.rows == 6
    # The good item rows of A-1 are kept (for --skip-bad-rows): lines 2 and 8.
    assert by_id(result)["A-1"].units == 3


def test_rows_of_one_order_that_disagree_take_the_first_row(tmp_path):
    path = write_tsv(
        tmp_path / "orders.txt",
        [*HEADER, "is-business-order", "order-status"],
        [
            ["A-1", "2026-03-01T10:00:00Z", "Amazon", "Amazon.com", "1", "yes", "Shipped"],
            ["A-1", "2026-03-05T10:00:00Z", "Merchant", "Amazon.de", "2", "no", "Pending"],
        ],
    )
    (order,) = both_readers(path).records

    assert order == Order(
        account="default",
        order_id="A-1",
        purchase_date=date(2026, 3, 1),
        fulfillment_channel=Channel.AFN,
        marketplace_id="ATVPDKIKX0DER",
        is_business_order=True,
        units=3,
        order_status="Shipped",
    )


def test_account_column_and_short_rows(tmp_path):
    path = write_tsv(
        tmp_path / "orders.txt",
        ["account", "amazon-order-id", "purchase-date", "fulfillment-channel", "quantity"],
        [
            ["eu-store", "A-1", "2026-03-01", "Amazon", "2"],
            ["", "A-1", "2026-03-01", "Amazon"],  # short row: no quantity cell
            ["", "A-2", "2026-03-01", "Merchant", "1"],
        ],
    )
    result = both_readers(path, ReadOptions(account="us-store"))

    keys = [(r.account, r.order_id, r.units) for r in result.records if isinstance(r, Order)]
    assert keys == [("eu-store", "A-1", 2), ("us-store", "A-1", 1), ("us-store", "A-2", 1)]


def test_only_the_identifying_columns_are_needed(tmp_path):
    path = write_tsv(
        tmp_path / "orders.txt",
        ["Fulfillment-Channel", "Purchase-Date", "Amazon-Order-Id"],
        [["Merchant", "2026-03-01T17:05:00-08:00", "A-1"]],
    )
    (order,) = both_readers(path).records

    assert order == Order("default", "A-1", date(2026, 3, 2), Channel.MFN)


def test_missing_required_column_is_reported(tmp_path):
    path = write_tsv(tmp_path / "orders.txt", ["amazon-order-id", "purchase-date"], [["A", "x"]])
    result = AMAZON_ORDERS.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:1: fulfillment-channel: required column is missing from the amazon-orders header"
    ]
    assert result.records == []


def test_empty_file_is_reported(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text("")

    result = AMAZON_ORDERS.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:1: *: the file is empty; expected a header row"
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_cycle_collector_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        AMAZON_ORDERS.read(DATA / "orders.txt", ReadOptions())
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_identify():
    head = (DATA / "orders.txt").read_text()[:4096]

    assert AMAZON_ORDERS.identify(head)
    assert not AMAZON_ORDERS.identify("order_id,purchase_date,fulfillment_channel\n")


def test_an_import_updates_only_the_fields_the_file_has(tmp_path):
    full = AMAZON_ORDERS.read(DATA / "orders.txt", ReadOptions())
    assert full.fields == {
        "order_id",
        "purchase_date",
        "fulfillment_channel",
        "marketplace_id",
        "is_business_order",
        "units",
        "order_status",
        "skus",
    }  # never the ship-by dates, which come from the Orders API

    path = write_tsv(
        tmp_path / "o.txt",
        ["amazon-order-id", "purchase-date", "fulfillment-channel"],
        [["A-1", "2026-03-01", "Amazon"]],
    )
    assert AMAZON_ORDERS.read(path, ReadOptions()).fields == {
        "order_id",
        "purchase_date",
        "fulfillment_channel",
    }


def test_an_orders_skus_are_kept_in_file_order_once_each(tmp_path):
    path = write_tsv(
        tmp_path / "o.txt",
        ["amazon-order-id", "purchase-date", "fulfillment-channel", "sku", "quantity"],
        [
            ["A-1", "2026-03-01", "Amazon", "MUG-1", "1"],
            ["A-1", "2026-03-01", "Amazon", "LID-2", "2"],
            ["A-1", "2026-03-01", "Amazon", "MUG-1", "1"],
            ["A-2", "2026-03-01", "Merchant", "", "1"],
        ],
    )
    orders = {o.order_id: o for o in AMAZON_ORDERS.read(path, ReadOptions()).records}
    assert (orders["A-1"].skus, orders["A-1"].units) == ("MUG-1,LID-2", 4)
    assert orders["A-2"].skus is None
