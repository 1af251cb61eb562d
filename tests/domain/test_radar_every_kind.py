"""At-risk shipment radar, one order of every risk kind in one run: the kinds found, and each
kind's buyer message within the messaging rules.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

import re

from tests.domain.radar_cases import EXCEPTION, IN_TRANSIT, RETURNED, at, event, order, shipment

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskFlag

try:  # the messaging-rules checker, where another part of the project provides it
    from sellerhealth.domain.messages import check_buyer_message
except ImportError:  # pragma: no cover - depends on the tree
    check_buyer_message = None


FORBIDDEN = re.compile(
    r"https?://|www\.|\.com\b|@|feedback|review|coupon|discount|free|gift|cancel",
    re.IGNORECASE,
)


def all_kinds_flags(policy) -> list[RiskFlag]:
    now = at("2026-06-14T12:00")
    orders = [
        order("due", "2026-06-12", latest_ship_date="2026-06-14"),
        order("late", "2026-06-10", latest_ship_date="2026-06-13"),
        order("noscan", "2026-06-12", latest_delivery_date="2026-06-18"),
        order("stalled", "2026-06-05", latest_delivery_date="2026-06-16"),
        order("exception", "2026-06-05", latest_delivery_date="2026-06-16"),
        order("returned", "2026-06-05", latest_delivery_date="2026-06-16"),
        order("predicted", "2026-06-10", latest_delivery_date="2026-06-14"),
        order("delivered", "2026-06-05", latest_delivery_date="2026-06-10"),
    ]
    ships = [
        shipment(
            "noscan",
            "2026-06-12",
            carrier="UPS",
            tracking_id="N",
            promised_delivery_date="2026-06-18",
        ),
        shipment(
            "stalled",
            "2026-06-06",
            carrier="UPS",
            tracking_id="S",
            promised_delivery_date="2026-06-16",
        ),
        shipment(
            "exception",
            "2026-06-06",
            carrier="UPS",
            tracking_id="E",
            promised_delivery_date="2026-06-16",
        ),
        shipment(
            "returned",
            "2026-06-06",
            carrier="UPS",
            tracking_id="R",
            promised_delivery_date="2026-06-16",
        ),
        shipment(
            "predicted",
            "2026-06-12",
            carrier="UPS",
            tracking_id="P",
            promised_delivery_date="2026-06-14",
        ),
        shipment(
            "delivered",
            "2026-06-06",
            carrier="UPS",
            first_scan_date="2026-06-06",
            delivered_date="2026-06-12",
            promised_delivery_date="2026-06-10",
        ),
    ]
    events = [
        event("S", "2026-06-07T10:00", IN_TRANSIT),
        event("E", "2026-06-13T10:00", EXCEPTION),
        event("R", "2026-06-13T10:00", RETURNED),
        event("P", "2026-06-13T10:00", IN_TRANSIT),
    ]
    return at_risk_shipments(orders, ships, events, now, policy)


def test_every_kind_in_one_run(policy):
    flags = all_kinds_flags(policy)
    assert {f.order_id: f.kind.value for f in flags} == {
        "due": "not_shipped_due",
        "late": "not_shipped_late",
        "noscan": "no_first_scan",
        "stalled": "stalled_in_transit",
        "exception": "carrier_exception",
        "returned": "returned_to_sender",
        "predicted": "predicted_late",
        "delivered": "delivered_late",
    }


def test_buyer_messages_follow_the_messaging_rules(policy):
    for flag in all_kinds_flags(policy):
        text = flag.buyer_message
        assert flag.order_id in text
        assert FORBIDDEN.search(text) is None, (flag.kind, text)
        assert "{" not in text and "}" not in text
        assert flag.action
        if check_buyer_message is not None:
            assert check_buyer_message(text) == [], (flag.kind, text)
