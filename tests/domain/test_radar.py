"""At-risk shipment radar (domain/radar.py): hand-computed cases under the amazon-us-2026 policy.

Deadlines are the end of a UTC day, i.e. the next midnight: a latest ship date of 2026-11-20
seen at 2026-11-20T10:00Z leaves 14 hours. June is outside the seasonal profile (November and
December, factor 0.5), so June cases use the plain thresholds: warn 24 hours before the latest
ship date, first scan due 24 hours after the end of the confirmation day, stalled after 3 days.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskFlag, RiskKind
from sellerhealth.domain.radar_impact import metric_context
from sellerhealth.domain.radar_transit import carrier_transit_days, radar_thresholds
from sellerhealth.domain.records import (
    Channel,
    Feedback,
    Order,
    Shipment,
    TrackingEvent,
    TrackingStatus,
)

try:  # the messaging-rules checker, where another part of the project provides it
    from sellerhealth.domain.messages import check_buyer_message
except ImportError:  # pragma: no cover - depends on the tree
    check_buyer_message = None

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


# --- not ship-confirmed ---------------------------------------------------------------------


def test_not_shipped_due_counts_hours_to_the_end_of_the_latest_ship_date(policy):
    orders = [order("o1", "2026-11-18", latest_ship_date="2026-11-20")]
    flag = only(at_risk_shipments(orders, [], [], at("2026-11-20T10:00"), policy))
    assert flag.kind is RiskKind.NOT_SHIPPED_DUE
    assert flag.hours_left == 14.0
    assert flag.deadline == at("2026-11-21T00:00")
    assert flag.deadline_reason == "latest_ship_date"
    assert flag.threatens == (LSR, ODR)
    assert flag.tracking_id is None
    assert flag.evidence["latest_ship_date"] == "2026-11-20"
    assert "2026-11-21 00:00 UTC" in flag.action


def test_not_shipped_late_has_negative_hours(policy):
    orders = [order("o1", "2026-06-15", latest_ship_date="2026-06-19")]
    flag = only(at_risk_shipments(orders, [], [], at("2026-06-20T10:00"), policy))
    assert flag.kind is RiskKind.NOT_SHIPPED_LATE
    assert flag.hours_left == -10.0
    assert flag.deadline == at("2026-06-20T00:00")
    assert "Overdue by 10.0 hours" in flag.action


def test_unshipped_order_outside_the_warning_or_the_lsr_windows_is_not_flagged(policy):
    now = at("2026-06-20T10:00")
    orders = [
        order("later", "2026-06-18", latest_ship_date="2026-06-21"),  # 38 hours left > 24
        order("edge", "2026-06-18", latest_ship_date="2026-06-20"),  # 14 hours: flagged
        order("stale", "2026-05-01", latest_ship_date="2026-05-21"),  # before [05-22, 06-20]
        order("no_date", "2026-06-18"),
        order("cancelled", "2026-06-18", latest_ship_date="2026-06-20", order_status="Cancelled"),
        order("shipped", "2026-06-18", latest_ship_date="2026-06-20", order_status="Shipped"),
    ]
    assert [f.order_id for f in at_risk_shipments(orders, [], [], now, policy)] == ["edge"]


def test_seasonal_profile_warns_earlier_about_the_ship_date(policy):
    # 38 hours before the end of the latest ship date: outside June's 24-hour warning,
    # inside November's 24 / 0.5 = 48 hours
    june = [order("o1", "2026-06-18", latest_ship_date="2026-06-21")]
    november = [order("o1", "2026-11-18", latest_ship_date="2026-11-21")]
    assert at_risk_shipments(june, [], [], at("2026-06-20T10:00"), policy) == []
    flag = only(at_risk_shipments(november, [], [], at("2026-11-20T10:00"), policy))
    assert (flag.kind, flag.hours_left) == (RiskKind.NOT_SHIPPED_DUE, 38.0)
    assert flag.evidence["ship_warning_hours"] == 48.0
    assert flag.evidence["seasonal"] is True


def test_radar_thresholds_in_and_out_of_season(policy):
    june = radar_thresholds(policy, at("2026-06-20T10:00"))
    december = radar_thresholds(policy, at("2026-12-01T00:00"))
    assert (june.ship_warning_hours, june.no_first_scan_hours, june.stalled_hours) == (24, 24, 72)
    assert not june.seasonal
    assert (december.ship_warning_hours, december.no_first_scan_hours) == (48, 12)
    assert (december.stalled_hours, december.seasonal) == (36, True)


# --- confirmed, no carrier scan -------------------------------------------------------------


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


# --- in transit -----------------------------------------------------------------------------


def transit_case(events, promised="2026-06-16", carrier="FedEx"):
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


# --- delivered ------------------------------------------------------------------------------


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


# --- healthy and FBA ------------------------------------------------------------------------


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


# --- impact and priority --------------------------------------------------------------------


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


# --- buyer messages -------------------------------------------------------------------------

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
