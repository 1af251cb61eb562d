import dataclasses
import json
from datetime import date
from pathlib import Path

from sellerhealth.domain.records import Channel, Order
from sellerhealth.ingest.amazon_orders_api import AMAZON_ORDERS_API
from sellerhealth.ingest.base import ReadOptions

DATA = Path(__file__).parent.parent / "data" / "amazon"


def test_get_orders_response():
    result = AMAZON_ORDERS_API.read(DATA / "orders-api.json", ReadOptions(account="acme"))

    assert result.errors == []
    assert result.rows == 2
    assert result.records == [
        Order(
            account="acme",
            order_id="111-1000001-1000001",
            purchase_date=date(2026, 3, 2),  # 23:30 at -08:00
            fulfillment_channel=Channel.MFN,
            marketplace_id="ATVPDKIKX0DER",
            is_business_order=True,
            units=3,  # 2 shipped + 1 unshipped
            latest_ship_date=date(2026, 3, 4),
            latest_delivery_date=date(2026, 3, 10),
            order_status="Shipped",
        ),
        Order(
            account="acme",
            order_id="302-1000002-1000002",
            purchase_date=date(2026, 3, 2),
            fulfillment_channel=Channel.AFN,
            marketplace_id="A1PA6795UKMFR9",
            units=1,  # a cancelled order reports 0 items; it had at least one
            order_status="Canceled",
        ),
    ]


def test_buyer_details_are_not_in_any_record():
    result = AMAZON_ORDERS_API.read(DATA / "orders-api.json", ReadOptions())

    values = [str(v) for r in result.records for v in dataclasses.astuple(r)]
    assert not any(("@" in v) or ("Pat Doe" in v) or ("98101" in v) for v in values)


def test_list_of_pages_with_and_without_payload():
    result = AMAZON_ORDERS_API.read(DATA / "orders-api-pages.json", ReadOptions())

    assert result.errors == []
    assert [(r.order_id, r.fulfillment_channel, r.units) for r in result.records] == [  # type: ignore[union-attr]
        ("111-2000001-2000001", Channel.MFN, 1),
        ("111-2000002-2000002", Channel.AFN, 4),
    ]


def test_the_same_order_in_two_pages_is_kept_once_with_the_later_page(tmp_path):
    old = {"AmazonOrderId": "A-1", "PurchaseDate": "2026-03-01", "FulfillmentChannel": "MFN"}
    new = {**old, "OrderStatus": "Shipped", "LatestShipDate": "2026-03-03T07:59:59Z"}
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([{"payload": {"Orders": [old]}}, {"payload": {"Orders": [new]}}]))

    (order,) = AMAZON_ORDERS_API.read(path, ReadOptions()).records

    assert isinstance(order, Order)
    assert (order.order_status, order.latest_ship_date) == ("Shipped", date(2026, 3, 3))


BAD = """{
  "payload": {
    "Orders": [
      {
        "AmazonOrderId": "A-1",
        "PurchaseDate": "2026-03-01T10:00:00Z",
        "FulfillmentChannel": "MFN"
      },
      {"OrderStatus": "Shipped", "BuyerInfo": {"BuyerEmail": "x@y"},
       "AmazonOrderId": "A-2",
       "PurchaseDate": "last week",
       "FulfillmentChannel": "Robot",
       "NumberOfItemsShipped": -2,
       "IsBusinessOrder": "maybe"},
      "not an order",
      {
        "PurchaseDate": "2026-03-01T10:00:00Z",
        "FulfillmentChannel": "afn",
        "LatestDeliveryDate": 20260301
      }
    ]
  }
}
"""


def test_errors_name_the_line_where_the_order_starts_and_the_field(tmp_path):
    path = tmp_path / "orders.json"
    path.write_text(BAD)

    result = AMAZON_ORDERS_API.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:9: PurchaseDate: 'last week' is not an ISO 8601 date or time;"
        " write 2026-03-01 or 2026-03-01T17:05:00-08:00 (order A-2)",
        f'{path}:9: FulfillmentChannel: unknown value "Robot"; expected AFN or MFN (order A-2)',
        f"{path}:9: IsBusinessOrder: 'maybe' is not a boolean;"
        " write true/false, yes/no, 1/0 or y/n (order A-2)",
        f"{path}:9: NumberOfItemsShipped: -2 is not a count of items (0 to 1,000,000,000)"
        " (order A-2)",
        f"{path}:3: Orders: expected an order object",  # not an object: its array's line
        f"{path}:16: AmazonOrderId: is missing; a value is required",
        f"{path}:16: LatestDeliveryDate: 20260301 is not an ISO 8601 date or time string",
    ]
    assert [r.line for r in result.rejected] == [9, 3, 16]
    assert json.loads(result.rejected[0].cells[0])["AmazonOrderId"] == "A-2"
    assert [r.order_id for r in result.records] == ["A-1"]  # type: ignore[union-attr]
    assert result.rows == 4


def test_errors_in_a_response_saved_on_one_line_name_the_order(tmp_path):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(json.loads(BAD)))

    result = AMAZON_ORDERS_API.read(path, ReadOptions())

    assert {e.line for e in result.errors} == {1}
    assert str(result.errors[0]).endswith("(order A-2)")


def test_a_failed_call_is_reported_and_cannot_be_skipped(tmp_path):
    path = tmp_path / "failed.json"
    path.write_text(
        '[\n  {"payload": {"Orders": []}},\n  {"errors": [{"code": "QuotaExceeded"}]}\n]\n'
    )

    result = AMAZON_ORDERS_API.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f'{path}:3: errors: the call failed: [{{"code": "QuotaExceeded"}}]'
    ]
    assert result.rejected == []  # no row to skip: the page's orders are simply not there


def test_bad_json_names_its_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"payload": {"Orders": [\n  {"AmazonOrderId": "A-1"\n]}}')

    (error,) = AMAZON_ORDERS_API.read(path, ReadOptions()).errors

    assert str(error) == f"{path}:3: json: invalid JSON: Expecting ',' delimiter at column 1"


def test_an_import_updates_only_the_fields_the_api_gives():
    result = AMAZON_ORDERS_API.read(DATA / "orders-api.json", ReadOptions())

    assert result.fields is not None
    assert {"latest_ship_date", "latest_delivery_date", "units"} <= result.fields
    assert "category" not in result.fields


def test_identify():
    assert AMAZON_ORDERS_API.identify('{"payload": {"Orders": [')
    assert AMAZON_ORDERS_API.identify('[{"AmazonOrderId": "1"')
    assert not AMAZON_ORDERS_API.identify("AmazonOrderId\tPurchaseDate\n")
    assert not AMAZON_ORDERS_API.identify('{"performanceMetrics": []}')
