"""At-risk shipment radar, what it leaves alone: healthy shipments, FBA orders, and tracking
events later than the moment the radar looks.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from tests.domain.radar_cases import (
    EXCEPTION,
    IN_TRANSIT,
    RETURNED,
    at,
    event,
    only,
    order,
    shipment,
    transit_case,
)

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskKind
from sellerhealth.domain.records import Channel


def test_healthy_shipments_are_not_flagged(policy):
    orders = [
        order("ontime", "2026-06-05", latest_delivery_date="2026-06-12"),
        order("moving", "2026-06-08", latest_delivery_date="2026-06-18"),
        order("waiting", "2026-06-13", latest_ship_date="2026-06-17"),
    ]
    ships = [
        shipment(
            "ontime",
            "2026-06-06",
            tracking_id="A",
            first_scan_date="2026-06-06",
            delivered_date="2026-06-11",
            promised_delivery_date="2026-06-12",
        ),
        shipment("moving", "2026-06-10", tracking_id="B", promised_delivery_date="2026-06-18"),
    ]
    events = [
        event("B", "2026-06-10T18:00", IN_TRANSIT),
        event("B", "2026-06-13T06:00", IN_TRANSIT),
    ]
    assert at_risk_shipments(orders, ships, events, at("2026-06-14T12:00"), policy) == []


def test_fba_orders_are_never_flagged(policy):
    afn = Channel.AFN
    orders = [
        order("unshipped", "2026-06-10", afn, latest_ship_date="2026-06-12"),
        order("lost", "2026-06-08", afn, latest_delivery_date="2026-06-12"),
    ]
    ships = [shipment("lost", "2026-06-09", tracking_id="T1", promised_delivery_date="2026-06-12")]
    events = [event("T1", "2026-06-13T10:00", RETURNED)]
    assert at_risk_shipments(orders, ships, events, at("2026-06-14T12:00"), policy) == []


def test_events_after_now_are_not_known_yet(policy):
    orders, ships, events = transit_case(
        [
            event("T1", "2026-06-10T20:00", IN_TRANSIT),
            event("T1", "2026-06-13T20:00", IN_TRANSIT),
            event("T1", "2026-06-14T13:00", EXCEPTION),
        ],
        promised="2026-06-16",
    )
    assert at_risk_shipments(orders, ships, events, at("2026-06-14T12:00"), policy) == []
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-14T13:00"), policy))
    assert flag.kind is RiskKind.CARRIER_EXCEPTION
