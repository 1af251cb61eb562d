"""The at-risk radar on stored data: one account, each marketplace against its own metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sellerhealth.domain import records as r
from sellerhealth.domain.radar_impact import metric_context
from sellerhealth.service.metrics import health_by_day, policy_for
from sellerhealth.service.shipments import at_risk, context_of, end_of_day, flag_row, moment_for
from sellerhealth.store.store import Store

NOW = datetime(2026, 6, 20, 10, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    orders = [
        # Latest ship date today, not shipped: 14 hours left (the end of the UTC day).
        r.Order("acme", "due", date(2026, 6, 18), r.Channel.MFN, latest_ship_date=NOW.date()),
        # Two days past the latest ship date: overdue.
        r.Order(
            "acme", "late", date(2026, 6, 15), r.Channel.MFN, latest_ship_date=date(2026, 6, 18)
        ),
        # The same in another marketplace: measured against that marketplace's orders.
        r.Order(
            "acme",
            "de-late",
            date(2026, 6, 15),
            r.Channel.MFN,
            "A1PA6795UKMFR9",
            latest_ship_date=date(2026, 6, 18),
        ),
        # Shipped on time: nothing to flag. FBA: never flagged.
        r.Order(
            "acme", "fine", date(2026, 6, 15), r.Channel.MFN, latest_ship_date=date(2026, 6, 18)
        ),
        r.Order(
            "acme", "fba", date(2026, 6, 15), r.Channel.AFN, latest_ship_date=date(2026, 6, 16)
        ),
    ]
    shipments = [
        r.Shipment(
            "acme", "fine", date(2026, 6, 17), "UPS", "1Z1", True, date(2026, 6, 17),
            date(2026, 6, 19), date(2026, 6, 20),
        )
    ]  # fmt: skip
    with Store.open(tmp_path / "store.db") as s:
        s.import_records([*orders, *shipments])
        yield s


def test_flags_by_priority_with_hours_left_impact_and_drafts(store):
    flags = at_risk(store, "acme", NOW)

    by_order = {f.order_id: f for f in flags}
    assert set(by_order) == {"due", "late", "de-late"}
    assert by_order["due"].kind.value == "not_shipped_due"
    assert by_order["due"].hours_left == 14.0
    assert by_order["late"].kind.value == "not_shipped_late"
    assert by_order["late"].hours_left == -34.0
    assert [f.priority for f in flags] == sorted((f.priority for f in flags), reverse=True)
    # US: 3 MFN orders with a latest ship date in the LSR windows; one more late is +1/3.
    assert by_order["late"].impact["lateShipmentRate"] == pytest.approx(1 / 3)
    # DE: the only order of its marketplace.
    assert by_order["de-late"].impact["lateShipmentRate"] == 1.0
    row = flag_row(by_order["late"])
    assert set(row) >= {
        "order_id",
        "kind",
        "priority",
        "hours_left",
        "threatens",
        "impact",
        "action",
        "buyer_message",
    }
    assert "your order late has not shipped" in row["buyer_message"]


def test_an_account_without_orders_has_no_flags(store):
    assert at_risk(store, "nobody", NOW) == []


def test_the_moment_of_an_as_of_day_is_its_end_but_never_after_now():
    now = datetime(2026, 6, 20, 10, tzinfo=UTC)
    assert moment_for(None, now) == now
    assert moment_for(date(2026, 6, 18), now) == end_of_day(date(2026, 6, 18))
    assert end_of_day(date(2026, 6, 18)) == datetime(2026, 6, 18, 23, 59, 59, tzinfo=UTC)
    assert moment_for(date(2026, 6, 20), now) == now


def test_the_context_from_kept_counters_equals_the_plain_rules_over_every_record(demo):
    """The radar measures each flag against the day's metrics read from the kept counters;
    they must equal `metric_context` computed from every record (the path they replace)."""
    store, as_of = demo
    account = store.accounts()[0]
    _, policy = policy_for(store, account, None)
    _, healths = health_by_day(store, account, as_of, as_of, policy)
    orders = store.records(r.Order, account)
    for market in {o.marketplace_id for o in orders}:
        mine = [o for o in orders if o.marketplace_id == market]
        ids = {o.order_id for o in mine}
        plain = metric_context(
            mine,
            [s for s in store.records(r.Shipment, account) if s.order_id in ids],
            store.records(r.Feedback, account),
            store.records(r.Claim, account),
            store.records(r.Chargeback, account),
            as_of,
            policy,
        )
        kept = context_of(healths[(market, as_of)], as_of)
        assert kept is not None
        assert kept.late_shipment == plain.late_shipment
        assert kept.valid_tracking == plain.valid_tracking
        assert kept.on_time_delivery == plain.on_time_delivery
        kept_odr, plain_odr = kept.odr, plain.odr
        assert (kept_odr.order_count, kept_odr.defective_orders) == (
            plain_odr.order_count,
            plain_odr.defective_orders,
        )
