"""Builders for the at-risk shipment radar tests (domain/radar.py), under the amazon-us-2026 policy.

Deadlines are the end of a UTC day, i.e. the next midnight: a latest ship date of 2026-11-20
seen at 2026-11-20T10:00Z leaves 14 hours. June is outside the seasonal profile (November and
December, factor 0.5), so June cases use the plain thresholds: warn 24 hours before the latest
ship date, first scan due 24 hours after the end of the confirmation day, stalled after 3 days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sellerhealth.domain.radar_flags import RiskFlag
from sellerhealth.domain.records import Channel, Order, Shipment, TrackingEvent, TrackingStatus

LSR, VTR, OTD, ODR = (
    "lateShipmentRate",
    "validTrackingRate",
    "unitOnTimeDeliveryRate",
    "orderDefectRate",
)
IN_TRANSIT, OUT, DELIVERED = (
    TrackingStatus.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY,
    TrackingStatus.DELIVERED,
)
EXCEPTION, RETURNED, LABEL = (
    TrackingStatus.EXCEPTION,
    TrackingStatus.RETURNED,
    TrackingStatus.LABEL_CREATED,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str) -> datetime:
    """`2026-06-18T13:00` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def order(order_id, purchased="2026-06-01", channel=Channel.MFN, **fields) -> Order:
    for name in ("latest_ship_date", "latest_delivery_date"):
        if isinstance(fields.get(name), str):
            fields[name] = d(fields[name])
    return Order("acct", order_id, d(purchased), channel, **fields)


def shipment(order_id, confirmed, **fields) -> Shipment:
    for name in ("first_scan_date", "delivered_date", "promised_delivery_date"):
        if isinstance(fields.get(name), str):
            fields[name] = d(fields[name])
    return Shipment("acct", order_id, d(confirmed), **fields)


def event(tracking_id, when, status, location=None) -> TrackingEvent:
    return TrackingEvent("acct", tracking_id, at(when), status, location)


def only(flags: list[RiskFlag]) -> RiskFlag:
    assert len(flags) == 1, flags
    return flags[0]


def transit_case(events, promised="2026-06-16", carrier="FedEx"):
    """Order o1, bought 06-08 and confirmed 06-10 with tracking ID T1, promised for `promised`."""
    orders = [order("o1", "2026-06-08", latest_delivery_date=promised)]
    ships = [
        shipment(
            "o1",
            "2026-06-10",
            carrier=carrier,
            tracking_id="T1",
            promised_delivery_date=promised,
        )
    ]
    return orders, ships, events
