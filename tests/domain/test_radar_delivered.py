"""At-risk shipment radar, delivered shipments: late inside the on-time-delivery window
(by the shipment record or a tracking event), and not flagged once out of it.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from tests.domain.radar_cases import (
    DELIVERED,
    IN_TRANSIT,
    ODR,
    OTD,
    at,
    event,
    only,
    order,
    shipment,
    transit_case,
)

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskKind


def test_delivered_late_inside_the_otd_window(policy):
    orders = [order("o1", "2026-06-05", latest_delivery_date="2026-06-10")]
    ships = [
        shipment(
            "o1",
            "2026-06-06",
            carrier="USPS",
            tracking_id="T1",
            first_scan_date="2026-06-06",
            delivered_date="2026-06-12",
            promised_delivery_date="2026-06-10",
        )
    ]
    flag = only(at_risk_shipments(orders, ships, [], at("2026-06-14T12:00"), policy))
    assert flag.kind is RiskKind.DELIVERED_LATE
    assert flag.threatens == (OTD, ODR)
    assert flag.deadline == at("2026-06-14T00:00")  # end of 06-10 + 3 days
    assert flag.hours_left == -12.0
    assert flag.evidence["days_late"] == 2
    assert "before they file a claim" in flag.action
    assert "2026-06-12" in flag.buyer_message


def test_delivered_late_by_a_tracking_event(policy):
    orders, ships, events = transit_case(
        [event("T1", "2026-06-10T20:00", IN_TRANSIT), event("T1", "2026-06-17T15:00", DELIVERED)],
        promised="2026-06-16",
    )
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-18T12:00"), policy))
    assert flag.kind is RiskKind.DELIVERED_LATE
    assert flag.evidence["delivered_date"] == "2026-06-17"


def test_delivered_late_out_of_the_otd_window_is_not_flagged(policy):
    # OTD as of 06-14 looks at promises in [05-24, 06-06]; a promise of 05-23 has left it
    orders = [order("o1", "2026-05-15", latest_delivery_date="2026-05-23")]
    ships = [
        shipment(
            "o1",
            "2026-05-18",
            first_scan_date="2026-05-18",
            delivered_date="2026-05-25",
            promised_delivery_date="2026-05-23",
        )
    ]
    assert at_risk_shipments(orders, ships, [], at("2026-06-14T12:00"), policy) == []
