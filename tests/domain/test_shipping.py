"""Late shipment, pre-fulfillment cancellation, valid tracking and on-time delivery (SPEC 4).

Every case is as of D = 2026-06-30 under the amazon-us-2026 policy; dates are written as
days before D (`day(9)` is D-9, `day(-1)` is D+1) so the window edges read directly.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerhealth.domain.metrics import Condition, Status
from sellerhealth.domain.records import CancelInitiator, Cancellation, Channel, Order, Shipment
from sellerhealth.domain.shipping import (
    cancellation_rate,
    late_shipment,
    on_time_delivery,
    valid_tracking,
)
from sellerhealth.domain.windows import Window
from sellerhealth.policy_files import load_policy

D = date(2026, 6, 30)
SELLER, BUYER, SYSTEM = CancelInitiator.SELLER, CancelInitiator.BUYER, CancelInitiator.SYSTEM


def day(before: int) -> date:
    return D - timedelta(days=before)


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def order(order_id, purchased=60, channel=Channel.MFN, **fields) -> Order:
    return Order("acct", order_id, day(purchased), channel, **fields)


def shipment(order_id, confirmed=50, **fields) -> Shipment:
    return Shipment("acct", order_id, day(confirmed), **fields)


def cancellation(order_id, on, initiator) -> Cancellation:
    return Cancellation("acct", order_id, day(on), initiator)


# --- Late Shipment Rate: latest ship date in [D-9, D] and in [D-29, D] ------------------------


def test_late_means_confirmed_after_the_latest_ship_date(policy):
    orders = [order(f"o{i}", purchased=8, latest_ship_date=day(5)) for i in range(1, 5)]
    shipments = [
        shipment("o1", confirmed=5),  # on the latest ship date: on time
        shipment("o2", confirmed=4),  # the day after it: late
        shipment("o3", confirmed=7),  # early
    ]  # o4 has no confirmation yet: counted in the denominator, not late
    ten, thirty = late_shipment(orders, shipments, D, policy)
    assert (ten.name, ten.scope, ten.window) == ("lateShipmentRate", "10d", Window(day(9), D))
    assert (thirty.name, thirty.scope, thirty.window) == (
        "lateShipmentRate",
        "30d",
        Window(day(29), D),
    )
    for metric in (ten, thirty):
        assert (metric.numerator, metric.denominator) == (1, 4)
        assert metric.rate == 0.25
        assert (metric.target, metric.condition) == (0.04, Condition.LESS_THAN)
        assert metric.status is Status.BAD


def test_late_shipment_window_edges(policy):
    # each order was confirmed one day late; which window holds it depends on its latest ship date
    latest = {"d0": 0, "d9": 9, "d10": 10, "d29": 29, "d30": 30}
    orders = [order(name, latest_ship_date=day(n)) for name, n in latest.items()]
    orders.append(order("tomorrow", purchased=0, latest_ship_date=day(-1)))
    shipments = [shipment(name, confirmed=n - 1) for name, n in latest.items() if n > 0]
    ten, thirty = late_shipment(orders, shipments, D, policy)
    # 10 days: d0 (not confirmed yet: not late) and d9 (late); d10 is outside
    assert (ten.numerator, ten.denominator) == (1, 2)
    # 30 days: d0, d9, d10, d29; d30 and D+1 are outside
    assert (thirty.numerator, thirty.denominator) == (3, 4)


def test_a_confirmation_after_d_is_not_known_on_d(policy):
    orders = [order("o1", purchased=3, latest_ship_date=day(1))]
    shipments = [shipment("o1", confirmed=-1)]  # confirmed on D+1, two days late
    (ten_on_d, _) = late_shipment(orders, shipments, D, policy)
    (ten_next_day, _) = late_shipment(orders, shipments, day(-1), policy)
    assert (ten_on_d.numerator, ten_on_d.denominator) == (0, 1)
    assert (ten_next_day.numerator, ten_next_day.denominator) == (1, 1)


def test_the_earliest_of_several_confirmations_decides(policy):
    orders = [order("o1", purchased=5, latest_ship_date=day(2))]
    shipments = [shipment("o1", confirmed=1), shipment("o1", confirmed=3)]  # D-3 is on time
    ten, _ = late_shipment(orders, shipments, D, policy)
    assert (ten.numerator, ten.denominator) == (0, 1)


def test_fba_orders_and_orders_without_latest_ship_date_are_left_out(policy):
    orders = [
        order("fba", channel=Channel.AFN, latest_ship_date=day(2)),
        order("no-date"),
        order("mfn", latest_ship_date=day(2)),
    ]
    shipments = [shipment("fba", confirmed=1), shipment("no-date", confirmed=1)]
    ten, thirty = late_shipment(orders, shipments, D, policy)
    assert (ten.numerator, ten.denominator) == (0, 1)
    assert (thirty.numerator, thirty.denominator) == (0, 1)


def test_no_orders_due_means_status_none(policy):
    ten, thirty = late_shipment([], [], D, policy)
    assert (ten.denominator, ten.rate, ten.status) == (0, None, Status.NONE)
    assert (thirty.denominator, thirty.rate, thirty.status) == (0, None, Status.NONE)


def test_business_sellers_are_held_to_the_business_late_shipment_target(policy):
    # 1 late of 50 = 2%: under the standard 4%, over the Amazon Business 1%
    orders = [order(f"o{i}", latest_ship_date=day(3)) for i in range(50)]
    shipments = [shipment("o0", confirmed=2)]
    standard, _ = late_shipment(orders, shipments, D, policy)
    business, _ = late_shipment(orders, shipments, D, policy, is_business=True)
    assert standard.rate == business.rate == 0.02
    assert (standard.target, standard.status) == (0.04, Status.GOOD)
    assert (business.target, business.status) == (0.01, Status.BAD)


# --- Pre-fulfillment Cancel Rate: MFN orders purchased in [D-6, D] ----------------------------


def test_seller_and_system_cancellations_count_buyer_requests_do_not(policy):
    orders = [order(name, purchased=3) for name in ("seller", "system", "buyer", "kept")]
    cancellations = [
        cancellation("seller", 2, SELLER),
        cancellation("system", 1, SYSTEM),  # auto-cancelled for no ship confirmation: counts
        cancellation("buyer", 2, BUYER),  # the buyer asked: excluded
    ]
    metric = cancellation_rate(orders, cancellations, [], D, policy)
    assert metric.name == "preFulfillmentCancellationRate"
    assert metric.window == Window(day(6), D)
    assert (metric.numerator, metric.denominator) == (2, 4)
    assert (metric.target, metric.condition, metric.status) == (
        0.025,
        Condition.LESS_THAN,
        Status.BAD,
    )


def test_cancellation_window_edges(policy):
    orders = [
        order("d7", purchased=7),  # the day before the window: excluded
        order("d6", purchased=6),  # first day: included
        order("d0", purchased=0),  # D: included
        order("tomorrow", purchased=-1),  # not placed yet on D
    ]
    cancellations = [cancellation(o.order_id, 0, SELLER) for o in orders[:3]]
    metric = cancellation_rate(orders, cancellations, [], D, policy)
    assert (metric.numerator, metric.denominator) == (2, 2)


def test_a_cancellation_on_or_after_ship_confirmation_is_a_refund_not_a_cancellation(policy):
    orders = [order(name, purchased=5) for name in ("after", "same-day", "before")]
    shipments = [
        shipment("after", confirmed=3),
        shipment("same-day", confirmed=2),  # confirmation on the cancel day counts as first
        shipment("before", confirmed=1),  # confirmed only after the cancellation
    ]
    cancellations = [cancellation(name, 2, SELLER) for name in ("after", "same-day", "before")]
    metric = cancellation_rate(orders, cancellations, shipments, D, policy)
    assert (metric.numerator, metric.denominator) == (1, 3)


def test_a_cancellation_after_d_is_not_known_on_d(policy):
    orders = [order("o1", purchased=2)]
    cancellations = [cancellation("o1", -1, SELLER)]
    on_d = cancellation_rate(orders, cancellations, [], D, policy)
    next_day = cancellation_rate(orders, cancellations, [], day(-1), policy)
    assert (on_d.numerator, on_d.denominator) == (0, 1)
    assert (next_day.numerator, next_day.denominator) == (1, 1)


def test_fba_orders_have_no_cancel_rate_and_no_orders_means_none(policy):
    orders = [order("fba", purchased=2, channel=Channel.AFN)]
    metric = cancellation_rate(orders, [cancellation("fba", 1, SELLER)], [], D, policy)
    assert (metric.numerator, metric.denominator, metric.status) == (0, 0, Status.NONE)


def test_business_sellers_are_held_to_the_business_cancellation_target(policy):
    # 1 of 50 cancelled = 2%: under the standard 2.5%, over the Amazon Business 1%
    orders = [order(f"o{i}", purchased=1) for i in range(50)]
    cancellations = [cancellation("o0", 1, SELLER)]
    standard = cancellation_rate(orders, cancellations, [], D, policy)
    business = cancellation_rate(orders, cancellations, [], D, policy, is_business=True)
    assert standard.rate == business.rate == 0.02
    assert (standard.target, standard.status) == (0.025, Status.GOOD)
    assert (business.target, business.status) == (0.01, Status.BAD)


# --- Valid Tracking Rate: promised delivery in [D-43, D-14] (30 days ending 14 before D) ------


def test_valid_tracking_needs_a_valid_id_or_a_first_scan_by_d(policy):
    orders = [order(f"o{i}") for i in range(1, 6)]
    shipments = [
        shipment("o1", promised_delivery_date=day(20), tracking_valid=True),
        shipment(
            "o2", promised_delivery_date=day(20), tracking_valid=False, first_scan_date=day(48)
        ),
        shipment("o3", promised_delivery_date=day(20), tracking_valid=False),  # no scan: invalid
        shipment("o4", promised_delivery_date=day(20), first_scan_date=day(-1)),  # scan after D
        shipment("o5", promised_delivery_date=day(20)),  # nothing known: invalid
    ]
    (overall,) = valid_tracking(orders, shipments, D, policy)
    assert overall.name == "validTrackingRate"
    assert (overall.scope, overall.window) == ("", Window(day(43), day(14)))
    assert (overall.numerator, overall.denominator) == (2, 5)
    assert (overall.target, overall.condition, overall.status) == (
        0.95,
        Condition.GREATER_THAN,
        Status.BAD,
    )


def test_valid_tracking_window_edges(policy):
    orders = [order(f"o{n}") for n in (13, 14, 43, 44)]
    shipments = [
        shipment(f"o{n}", promised_delivery_date=day(n), tracking_valid=True)
        for n in (13, 14, 43, 44)
    ]
    (overall,) = valid_tracking(orders, shipments, D, policy)
    assert overall.denominator == 2  # D-14 and D-43; D-13 and D-44 are outside


def test_valid_tracking_counts_packages_of_seller_fulfilled_orders_confirmed_by_d(policy):
    orders = [
        order("two-boxes"),
        order("fba", channel=Channel.AFN),
        order("late-confirm", purchased=1),
    ]
    shipments = [
        shipment("two-boxes", promised_delivery_date=day(20), tracking_valid=True),
        shipment("two-boxes", promised_delivery_date=day(20)),
        shipment("fba", promised_delivery_date=day(20), tracking_valid=True),
        shipment("late-confirm", confirmed=-1, promised_delivery_date=day(20), tracking_valid=True),
        shipment("unknown-order", promised_delivery_date=day(20), tracking_valid=True),
    ]
    (overall,) = valid_tracking(orders, shipments, D, policy)
    assert (overall.numerator, overall.denominator) == (1, 2)


def test_valid_tracking_per_category(policy):
    orders = [
        order("toy1", category="toys"),
        order("toy2", category="toys"),
        order("book", category="books"),
        order("plain"),  # no category: counted in the overall figure only
    ]
    shipments = [
        shipment("toy1", promised_delivery_date=day(20), tracking_valid=True),
        shipment("toy2", promised_delivery_date=day(20)),
        shipment("book", promised_delivery_date=day(20), first_scan_date=day(49)),
        shipment("plain", promised_delivery_date=day(20)),
    ]
    overall, books, toys = valid_tracking(orders, shipments, D, policy)
    assert (overall.scope, overall.numerator, overall.denominator) == ("", 2, 4)
    assert (books.scope, books.numerator, books.denominator, books.status) == (
        "books",
        1,
        1,
        Status.GOOD,
    )
    assert (toys.scope, toys.numerator, toys.denominator, toys.status) == ("toys", 1, 2, Status.BAD)


def test_valid_tracking_at_exactly_the_target_is_good(policy):
    # 19 of 20 = 95%: GREATER_THAN targets are met at equality
    orders = [order(f"o{i}") for i in range(20)]
    shipments = [
        shipment(f"o{i}", promised_delivery_date=day(20), tracking_valid=i > 0) for i in range(20)
    ]
    (overall,) = valid_tracking(orders, shipments, D, policy)
    assert (overall.rate, overall.status) == (0.95, Status.GOOD)


def test_no_shipments_means_one_overall_metric_with_status_none(policy):
    (overall,) = valid_tracking([], [], D, policy)
    assert (overall.scope, overall.denominator, overall.status) == ("", 0, Status.NONE)


# --- On-Time Delivery Rate: units promised in [D-21, D-8] -------------------------------------


def test_on_time_delivery_is_counted_in_units(policy):
    orders = [order("three"), order("two", units=2), order("one")]
    shipments = [
        # 3 units delivered on the promised day: on time
        shipment(
            "three",
            promised_delivery_date=day(10),
            delivered_date=day(10),
            tracking_valid=True,
            units=3,
        ),
        # no unit count on the shipment: the order's 2 units; delivered a day late
        shipment("two", promised_delivery_date=day(10), delivered_date=day(9), tracking_valid=True),
        # 1 unit, tracked but never delivered: not on time
        shipment("one", promised_delivery_date=day(10), first_scan_date=day(12)),
    ]
    metric = on_time_delivery(orders, shipments, D, policy)
    assert metric.name == "unitOnTimeDeliveryRate"
    assert metric.window == Window(day(21), day(8))
    assert (metric.numerator, metric.denominator) == (3, 6)
    assert metric.rate == 0.5
    assert (metric.target, metric.condition, metric.status) == (
        0.90,
        Condition.GREATER_THAN,
        Status.BAD,
    )


def test_on_time_delivery_window_edges(policy):
    orders = [order(f"o{n}") for n in (7, 8, 21, 22)]
    shipments = [
        shipment(
            f"o{n}",
            confirmed=25,
            promised_delivery_date=day(n),
            delivered_date=day(n),
            tracking_valid=True,
        )
        for n in (7, 8, 21, 22)
    ]
    metric = on_time_delivery(orders, shipments, D, policy)
    assert (metric.numerator, metric.denominator) == (2, 2)  # D-8 and D-21; D-7 and D-22 outside


def test_on_time_delivery_leaves_out_untracked_and_fba_shipments(policy):
    orders = [order("untracked"), order("fba", channel=Channel.AFN), order("tracked")]
    shipments = [
        shipment(
            "untracked",
            promised_delivery_date=day(10),
            delivered_date=day(11),
            tracking_valid=False,
        ),
        shipment(
            "fba", promised_delivery_date=day(10), delivered_date=day(11), tracking_valid=True
        ),
        shipment(
            "tracked", promised_delivery_date=day(10), delivered_date=day(11), tracking_valid=True
        ),
    ]
    metric = on_time_delivery(orders, shipments, D, policy)
    assert (metric.numerator, metric.denominator, metric.status) == (1, 1, Status.GOOD)


def test_no_tracked_units_means_status_none(policy):
    metric = on_time_delivery([], [], D, policy)
    assert (metric.denominator, metric.rate, metric.status) == (0, None, Status.NONE)
