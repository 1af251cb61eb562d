"""At-risk shipment radar, each flag's impact on the metrics it threatens and the priority that
orders the flags (business targets, already-defective orders, worst scope).
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.domain.radar_cases import (
    IN_TRANSIT,
    LSR,
    ODR,
    OTD,
    RETURNED,
    VTR,
    at,
    d,
    event,
    only,
    order,
    shipment,
)

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskKind
from sellerhealth.domain.radar_impact import metric_context
from sellerhealth.domain.records import Feedback


def lsr_book():
    """As of 06-20: 39 MFN orders due in the last 10 days, shipped on time (and scanned), bought
    06-10 (after the ODR window); 99 older orders purchased 05-01
    inside the ODR window [04-08, 06-06] (shipped long before the LSR windows); and o40,
    due 06-20, unshipped."""
    orders, ships = [], []
    for i in range(1, 40):
        due = d("2026-06-11") + timedelta(days=i % 10)
        orders.append(order(f"o{i}", "2026-06-10", latest_ship_date=due))
        ships.append(shipment(f"o{i}", due.isoformat(), first_scan_date=due))
    for i in range(1, 100):
        orders.append(order(f"old{i}", "2026-05-01", latest_ship_date="2026-05-03"))
        ships.append(
            shipment(
                f"old{i}", "2026-05-02", first_scan_date="2026-05-02", delivered_date="2026-05-05"
            )
        )
    orders.append(order("o40", "2026-06-18", latest_ship_date="2026-06-20"))
    return orders, ships


def test_impact_of_one_more_late_shipment_is_one_over_the_window(policy):
    orders, ships = lsr_book()
    flag = only(at_risk_shipments(orders, ships, [], at("2026-06-20T10:00"), policy))
    assert flag.order_id == "o40"
    assert flag.impact[LSR] == pytest.approx(1 / 40)  # o40 is the 40th order of both windows
    assert flag.impact[ODR] == pytest.approx(1 / 100)  # 99 orders in the ODR window, plus o40
    # priority = urgency * (1 * (1/40) / 0.04 + 0.02 * (1/100) / 0.01), urgency = 1/(1 + 14/24)
    assert flag.priority == pytest.approx((0.625 + 0.02) * 24 / 38)


def test_business_targets_raise_the_priority(policy):
    orders, ships = lsr_book()
    flag = only(
        at_risk_shipments(orders, ships, [], at("2026-06-20T10:00"), policy, is_business=True)
    )
    # LSR budget 0.01 and ODR budget 0.005 for the Business Seller program
    assert flag.priority == pytest.approx((2.5 + 0.04) * 24 / 38)


def test_metric_context_and_an_already_defective_order(policy):
    orders, ships = lsr_book()
    # one more old order, with a negative feedback, unshipped past its latest ship date 06-19
    orders.append(order("old_defect", "2026-05-01", latest_ship_date="2026-06-19"))
    feedback = [Feedback("acct", "old_defect", d("2026-05-20"), 1)]
    context = metric_context(orders, ships, feedback, [], [], d("2026-06-20"), policy)
    assert [(m.scope, m.denominator) for m in context.late_shipment] == [("10d", 41), ("30d", 41)]
    assert (context.odr.order_count, context.odr.defective_orders) == (100, 1)
    flags = at_risk_shipments(orders, ships, [], at("2026-06-20T10:00"), policy, context=context)
    by_id = {f.order_id: f for f in flags}
    assert by_id["old_defect"].kind is RiskKind.NOT_SHIPPED_LATE
    assert by_id["old_defect"].impact[ODR] == 0.0  # already defective: nothing more to lose
    assert by_id["old_defect"].impact[LSR] == pytest.approx(1 / 41)
    assert by_id["o40"].impact[LSR] == pytest.approx(1 / 41)
    assert by_id["o40"].impact[ODR] == pytest.approx(1 / 101)


def test_valid_tracking_impact_takes_the_worst_scope(policy):
    # VTR as of 06-20: promises in [05-08, 06-06]; 19 tracked shipments there, 4 of them Toys
    orders, ships = [], []
    for i in range(19):
        category = "Toys" if i < 4 else "Books"
        orders.append(order(f"v{i}", "2026-05-01", category=category))
        ships.append(
            shipment(
                f"v{i}",
                "2026-05-02",
                first_scan_date="2026-05-02",
                delivered_date="2026-05-06",
                promised_delivery_date="2026-05-20",
            )
        )
    orders.append(order("new", "2026-06-17", category="Toys", latest_delivery_date="2026-06-23"))
    ships.append(
        shipment("new", "2026-06-18", tracking_id="T1", promised_delivery_date="2026-06-23")
    )
    flag = only(at_risk_shipments(orders, ships, [], at("2026-06-20T02:00"), policy))
    assert flag.kind is RiskKind.NO_FIRST_SCAN
    assert flag.impact[VTR] == pytest.approx(-1 / 5)  # Toys: 4 + this one; overall only -1/20


def test_on_time_delivery_impact_in_units(policy):
    # OTD as of 06-11: promises in [05-21, 06-03]; 9 tracked units there, all on time
    orders = [order(f"u{i}", "2026-05-20") for i in range(9)]
    ships = [
        shipment(
            f"u{i}",
            "2026-05-21",
            first_scan_date="2026-05-21",
            delivered_date="2026-05-24",
            promised_delivery_date="2026-05-25",
        )
        for i in range(9)
    ]
    orders.append(order("o1", "2026-06-08", latest_delivery_date="2026-06-12"))
    ships.append(
        shipment("o1", "2026-06-10", tracking_id="T1", promised_delivery_date="2026-06-12", units=2)
    )
    events = [event("T1", "2026-06-10T18:00", IN_TRANSIT)]
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-11T12:00"), policy))
    assert flag.kind is RiskKind.PREDICTED_LATE
    assert flag.impact[OTD] == pytest.approx(-2 / 11)


def test_flags_are_sorted_by_priority(policy):
    # As of 06-14 every window holds only the flagged item (or nothing): each miss is the whole
    # window, impact 1 (LSR, ODR) or -1 (OTD). Budgets: LSR 0.04, OTD 0.10, ODR 0.01.
    now = at("2026-06-14T12:00")
    orders = [
        order("returned", "2026-06-05", latest_delivery_date="2026-06-12"),
        order("late_soon", "2026-06-08", latest_delivery_date="2026-06-16"),
        order("due", "2026-06-12", latest_ship_date="2026-06-14"),
        order("delivered_late", "2026-06-05", latest_delivery_date="2026-06-11"),
    ]
    ships = [
        shipment("returned", "2026-06-06", tracking_id="R", promised_delivery_date="2026-06-12"),
        shipment("late_soon", "2026-06-12", tracking_id="L", promised_delivery_date="2026-06-16"),
        shipment(
            "delivered_late",
            "2026-06-06",
            first_scan_date="2026-06-06",
            delivered_date="2026-06-13",
            promised_delivery_date="2026-06-11",
        ),
    ]
    events = [
        event("R", "2026-06-07T10:00", IN_TRANSIT),
        event("R", "2026-06-13T10:00", RETURNED),
        event("L", "2026-06-12T18:00", IN_TRANSIT),
    ]
    flags = at_risk_shipments(orders, ships, events, now, policy)
    assert [(f.order_id, f.kind) for f in flags] == [
        ("returned", RiskKind.RETURNED_TO_SENDER),
        ("due", RiskKind.NOT_SHIPPED_DUE),
        ("late_soon", RiskKind.PREDICTED_LATE),
        ("delivered_late", RiskKind.DELIVERED_LATE),
    ]
    assert [f.priority for f in flags] == pytest.approx(
        [
            (10 + 0.40 * 100) / (1 + 36 / 24),  # claim opens 06-16T00:00: 36 hours
            (25 + 0.02 * 100) / (1 + 12 / 24),  # end of 06-14: 12 hours
            (10 + 0.10 * 100) / (1 + 60 / 24),  # 06-12 + 5 days = 06-17 > 06-16; end of 06-16
            (0 + 0.05 * 100) / (1 + 12 / 24),  # OTD already lost: weight 0; claim 06-15T00:00
        ]
    )
