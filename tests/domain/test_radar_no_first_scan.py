"""At-risk shipment radar, ship-confirmed orders without a carrier scan: when the missing first
scan is raised, what does not raise it, and the seasonal wait.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from tests.domain.radar_cases import IN_TRANSIT, LABEL, ODR, VTR, at, event, only, order, shipment

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskFlag, RiskKind


def test_no_first_scan_after_the_policy_hours(policy):
    # confirmed on 06-18 (taken at its end, 06-19T00:00); a label is not a carrier scan;
    # at 06-19T02:00 that is 26 hours >= 24. Deadline: end of the promised 06-23.
    orders = [order("o1", "2026-06-17", latest_delivery_date="2026-06-23")]
    ships = [
        shipment(
            "o1",
            "2026-06-18",
            carrier="UPS",
            tracking_id="1Z1",
            promised_delivery_date="2026-06-23",
        )
    ]
    events = [event("1Z1", "2026-06-18T15:00", LABEL)]
    flag = only(at_risk_shipments(orders, ships, events, at("2026-06-20T02:00"), policy))
    assert flag.kind is RiskKind.NO_FIRST_SCAN
    assert flag.threatens == (VTR, ODR)
    assert flag.deadline == at("2026-06-24T00:00")
    assert flag.deadline_reason == "promised_delivery_date"
    assert flag.hours_left == 94.0  # 22 hours of 06-20, then 06-21 .. 06-23
    assert flag.evidence["hours_since_confirmation"] == 26.0
    assert flag.evidence["events"][0]["status"] == "label_created"
    assert (flag.tracking_id, flag.carrier) == ("1Z1", "UPS")
    # 23 hours after confirmation: not yet
    assert at_risk_shipments(orders, ships, events, at("2026-06-19T23:00"), policy) == []


def test_no_first_scan_is_not_raised_for_a_scanned_or_marked_valid_shipment(policy):
    orders = [order(f"o{i}", "2026-06-17", latest_delivery_date="2026-06-25") for i in (1, 2, 3)]
    ships = [
        shipment("o1", "2026-06-18", tracking_id="T1", promised_delivery_date="2026-06-25"),
        shipment(
            "o2",
            "2026-06-18",
            tracking_id="T2",
            first_scan_date="2026-06-18",
            promised_delivery_date="2026-06-25",
        ),
        shipment(
            "o3",
            "2026-06-18",
            tracking_id="T3",
            tracking_valid=True,
            promised_delivery_date="2026-06-25",
        ),
    ]
    events = [event("T1", "2026-06-18T20:00", IN_TRANSIT)]
    assert at_risk_shipments(orders, ships, events, at("2026-06-19T12:00"), policy) == []


def test_no_tracking_id_at_all_asks_for_one(policy):
    orders = [order("o1", "2026-06-17", latest_delivery_date="2026-06-23")]
    ships = [shipment("o1", "2026-06-18", promised_delivery_date="2026-06-23")]
    flag = only(at_risk_shipments(orders, ships, [], at("2026-06-20T02:00"), policy))
    assert flag.kind is RiskKind.NO_FIRST_SCAN
    assert "without a tracking ID" in flag.action


def test_seasonal_profile_halves_the_first_scan_wait(policy):
    # 13 hours after the end of the confirmation day: under June's 24, over November's 12
    def case(month: int) -> list[RiskFlag]:
        orders = [order("o1", f"2026-{month:02}-17", latest_delivery_date=f"2026-{month:02}-23")]
        ships = [
            shipment(
                "o1",
                f"2026-{month:02}-18",
                tracking_id="T1",
                promised_delivery_date=f"2026-{month:02}-23",
            )
        ]
        return at_risk_shipments(orders, ships, [], at(f"2026-{month:02}-19T13:00"), policy)

    assert case(6) == []
    flag = only(case(11))
    assert flag.kind is RiskKind.NO_FIRST_SCAN
    assert flag.evidence["no_first_scan_hours"] == 12.0
    assert flag.hours_left == 107.0  # 11 hours of 11-19, then 11-20 .. 11-23
