"""The orders report's sales channels: every Amazon store, and the orders from elsewhere."""

from pathlib import Path

import pytest

from sellerhealth.domain.marketplaces import MARKETPLACES, Marketplace, is_outside_amazon
from sellerhealth.domain.records import Order
from sellerhealth.ingest.amazon_orders import AMAZON_ORDERS
from sellerhealth.ingest.base import ReadOptions, TabularImporter

DATA = Path(__file__).parent.parent / "data" / "amazon"
HEADER = "amazon-order-id\tpurchase-date\tfulfillment-channel\tsales-channel\tquantity\n"


def orders(path: Path) -> list[Order]:
    fast = AMAZON_ORDERS.read(path, ReadOptions())
    general = TabularImporter.read(AMAZON_ORDERS, path, ReadOptions())
    assert (fast.records, fast.outside_amazon) == (general.records, general.outside_amazon)
    return [r for r in fast.records if isinstance(r, Order)]


@pytest.mark.parametrize("store", MARKETPLACES, ids=lambda m: m.domain)
def test_every_amazon_store_maps_to_its_marketplace_id(tmp_path, store: Marketplace):
    # The report spells the store `Amazon.co.uk`: "Amazon" then the domain's tail.
    path = tmp_path / "orders.txt"
    path.write_text(HEADER + f"A-1\t2026-03-01T10:00:00Z\tMerchant\tAmazon{store.domain[6:]}\t1\n")

    (order,) = orders(path)

    assert order.marketplace_id == store.marketplace_id


def test_a_uk_report_with_an_irish_order_and_mcf_orders_imports(tmp_path):
    result = AMAZON_ORDERS.read(DATA / "orders-uk.txt", ReadOptions())

    assert result.errors == []
    assert [(o.order_id, o.marketplace_id) for o in orders(DATA / "orders-uk.txt")] == [
        ("202-1000001-1000001", "A1F83G8C2ARO7P"),
        ("202-1000002-1000002", "A28R8C7NBKEWEA"),
    ]
    assert result.outside_amazon == 2  # SI UK Prod Marketplace and Non-Amazon


@pytest.mark.parametrize(
    "channel",
    [
        "Non-Amazon",
        "non-amazon",
        "Non-Amazon UK",
        "SI UK Prod Marketplace",
        "SI CA Prod Marketplace",
        "si  de prod marketplace",
    ],
)
def test_channels_outside_amazon(channel):
    assert is_outside_amazon(channel)


@pytest.mark.parametrize("channel", ["Amazon.co.uk", "Prod Marketplace", "SI", "Amazon.xx"])
def test_not_outside_amazon(channel):
    assert not is_outside_amazon(channel)


def test_a_cancelled_order_with_no_units_still_counts_one(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text(HEADER + "A-1\t2026-03-01T10:00:00Z\tMerchant\tAmazon.de\t0\n")

    (order,) = orders(path)

    assert order.units == 1
