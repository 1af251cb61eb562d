"""At-risk shipment radar, shipments in transit: stalled tracking, carrier exceptions, returns
to sender, and arrival predicted from the carrier's median transit or the policy default.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from tests.domain.radar_cases import (
    EXCEPTION,
    IN_TRANSIT,
    ODR,
    OTD,
    OUT,
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
from sellerhealth.domain.radar_transit import carrier_transit_days


def test_stalled_in_transit_after_three_days_without_a_scan(policy):
    orders, ships, events = transit_case(
        [
            event("T1", "2026-06-10T20:00", IN_TRANSIT, "Memphis, TN"),
            event("T1", "2026-06-12T08:00", IN_TRANSIT, "Louisville, KY"),
        ]
    )
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-15T09:00"), policy))
    assert flag.kind is RiskKind.STALLED_IN_TRANSIT
    assert flag.threatens == (OTD, ODR)
    assert flag.evidence["hours_since_last_scan"] == 73.0
    assert flag.evidence["last_scan_day"] == "2026-06-12"
    assert [e["location"] for e in flag.evidence["events"]] == ["Memphis, TN", "Louisville, KY"]
    assert flag.deadline == at("2026-06-17T00:00")
    assert flag.hours_left == 39.0
    assert "2026-06-12" in flag.buyer_message
    # 71 hours of silence: not stalled, and the default 5-day transit (06-10 + 5 = 06-15)
    # still makes the promised 06-16
    assert at_risk_shipments(orders, ships, events, at("2026-06-15T07:00"), policy) == []


def test_carrier_exception_is_flagged_at_once(policy):
    orders, ships, events = transit_case(
        [
            event("T1", "2026-06-10T20:00", IN_TRANSIT),
            event("T1", "2026-06-14T11:00", EXCEPTION, "Reno, NV"),
        ],
        promised="2026-06-15",
    )
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-14T12:00"), policy))
    assert flag.kind is RiskKind.CARRIER_EXCEPTION
    assert flag.hours_left == 36.0
    assert "Reno, NV" in flag.action
    assert "FedEx" in flag.buyer_message


def test_exception_followed_by_a_scan_is_resolved(policy):
    orders, ships, events = transit_case(
        [
            event("T1", "2026-06-10T20:00", IN_TRANSIT),
            event("T1", "2026-06-12T11:00", EXCEPTION),
            event("T1", "2026-06-13T11:00", OUT),
        ],
        promised="2026-06-15",
    )
    assert at_risk_shipments(orders, ships, events, at("2026-06-13T12:00"), policy) == []


def test_returned_to_sender_after_the_promise_counts_down_to_claim_eligibility(policy):
    # promised (and latest delivery) 06-12 has passed: the buyer can claim 3 days after its end,
    # 06-13T00:00 + 3 days = 06-16T00:00
    orders, ships, events = transit_case(
        [
            event("T1", "2026-06-10T20:00", IN_TRANSIT),
            event("T1", "2026-06-13T09:00", RETURNED),
        ],
        promised="2026-06-12",
    )
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-14T12:00"), policy))
    assert flag.kind is RiskKind.RETURNED_TO_SENDER
    assert flag.deadline_reason == "claim_eligible"
    assert flag.deadline == at("2026-06-16T00:00")
    assert flag.hours_left == 36.0
    assert flag.evidence["claim_eligible_at"] == "2026-06-16T00:00:00+00:00"


def ups_history():
    """Three delivered UPS shipments: 2, 4 and 6 days from first scan to delivery (median 4)."""
    orders = [order(f"h{i}", "2026-05-25", latest_delivery_date="2026-06-10") for i in (1, 2, 3)]
    ships = [
        shipment(
            f"h{i}",
            "2026-06-01",
            carrier="UPS",
            tracking_id=f"H{i}",
            first_scan_date="2026-06-01",
            delivered_date=f"2026-06-0{1 + days}",
            promised_delivery_date="2026-06-10",
        )
        for i, days in ((1, 2), (2, 4), (3, 6))
    ]
    return orders, ships


def test_carrier_median_transit(policy):
    _, ships = ups_history()
    assert carrier_transit_days(ships, [], at("2026-06-11T12:00"), policy) == {"ups": (4.0, 3)}
    # two deliveries are not enough to trust a median
    assert carrier_transit_days(ships[:2], [], at("2026-06-11T12:00"), policy) == {}


def test_predicted_late_from_the_carrier_median(policy):
    history_orders, history = ups_history()
    orders = [*history_orders, order("o1", "2026-06-08", latest_delivery_date="2026-06-12")]
    ships = [
        *history,
        shipment(
            "o1",
            "2026-06-10",
            carrier="UPS",
            tracking_id="T1",
            promised_delivery_date="2026-06-12",
            units=2,
        ),
    ]
    events = [
        event("T1", "2026-06-10T18:00", IN_TRANSIT),
        event("T1", "2026-06-11T09:00", IN_TRANSIT),
    ]
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-11T12:00"), policy))
    # first scan 06-10 + median 4 days = 06-14, after the promised 06-12
    assert flag.kind is RiskKind.PREDICTED_LATE
    assert flag.evidence["predicted_arrival"] == "2026-06-14"
    assert flag.evidence["transit_basis"] == "median of 3 delivered UPS shipments"
    assert flag.deadline == at("2026-06-13T00:00")
    assert flag.hours_left == 36.0
    # the history: delivered on or before its promise, nothing to flag


def test_predicted_arrival_falls_back_to_the_policy_transit(policy):
    # one FedEx delivery only: default 5 days, 06-10 + 5 = 06-15 > promised 06-14
    orders = [
        order("h1", "2026-05-25", latest_delivery_date="2026-06-10"),
        order("o1", "2026-06-08", latest_delivery_date="2026-06-14"),
    ]
    ships = [
        shipment(
            "h1",
            "2026-06-01",
            carrier="FedEx",
            tracking_id="H1",
            first_scan_date="2026-06-01",
            delivered_date="2026-06-02",
            promised_delivery_date="2026-06-10",
        ),
        shipment(
            "o1",
            "2026-06-10",
            carrier="FedEx",
            tracking_id="T1",
            promised_delivery_date="2026-06-14",
        ),
    ]
    events = [event("T1", "2026-06-10T18:00", IN_TRANSIT)]
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-11T12:00"), policy))
    assert flag.kind is RiskKind.PREDICTED_LATE
    assert flag.evidence["predicted_arrival"] == "2026-06-15"
    assert flag.evidence["transit_basis"] == "policy default_transit_days"


def test_out_for_delivery_arrives_today(policy):
    orders, ships, events = transit_case(
        [event("T1", "2026-06-10T20:00", IN_TRANSIT), event("T1", "2026-06-12T07:00", OUT)],
        promised="2026-06-12",
    )
    assert at_risk_shipments(orders, ships, events, at("2026-06-12T09:00"), policy) == []


def test_still_in_transit_after_the_promise_is_predicted_late(policy):
    orders, ships, events = transit_case(
        [event("T1", "2026-06-10T20:00", IN_TRANSIT), event("T1", "2026-06-13T07:00", IN_TRANSIT)],
        promised="2026-06-12",
    )
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-13T12:00"), policy))
    assert flag.kind is RiskKind.PREDICTED_LATE
    assert flag.evidence["predicted_arrival"] == "2026-06-15"  # 06-10 + 5 days
    assert flag.deadline_reason == "claim_eligible"
    assert flag.hours_left == 60.0  # to 06-16T00:00
