"""The age-out schedule (amazon-policy.md 1.6): the day each counted defect leaves the ODR
window and the first day each channel is back on target, worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from tests.forecast_cases import (
    AFN,
    MFN,
    D,
    after,
    ago,
    bad_feedback,
    history_of,
    odr_of,
    order,
)

from sellerhealth.domain import records as r
from sellerhealth.domain.age_out import age_out_schedule
from sellerhealth.domain.data import SellerData
from sellerhealth.domain.defect_arrivals import (
    CLAIM,
    NEGATIVE_FEEDBACK,
    future_orders,
    trailing_daily_orders,
)
from sellerhealth.domain.metrics import Status
from sellerhealth.domain.odr import compute_odr


def test_a_defect_leaves_the_window_on_purchase_plus_74(policy):
    purchased = ago(30)
    data = SellerData.of(
        orders=[order("x", purchased), *(order(f"c{i}", ago(40)) for i in range(9))],
        feedback=[bad_feedback("x", ago(5))],
        claims=[r.Claim("a", "x", ago(3), r.ClaimStatus.GRANTED)],
    )
    schedule = age_out_schedule(history_of(data, D, policy), policy)
    (item,) = schedule.items
    assert (item.order_id, item.channel, item.kinds) == ("x", MFN, (NEGATIVE_FEEDBACK, CLAIM))
    assert item.leaves_window_on == purchased + timedelta(days=74) == after(44)
    # compute_odr agrees: still counted the day before, gone that day.
    assert odr_of(data, after(43), policy)[MFN].defective_orders == 1
    assert odr_of(data, after(44), policy)[MFN].defective_orders == 0


def test_only_defects_counted_today_in_todays_window_are_listed(policy):
    data = SellerData.of(
        orders=[order("in", ago(20)), order("young", ago(5)), order("gone", ago(20))],
        feedback=[
            bad_feedback("in", ago(2)),
            bad_feedback("young", ago(1)),  # order not in the window yet (purchased D-5)
            bad_feedback("gone", ago(3), removed_date=ago(1)),  # removed: not counted
        ],
    )
    schedule = age_out_schedule(history_of(data, D, policy), policy)
    assert [i.order_id for i in schedule.items] == ["in"]


def _back_on_target_case() -> SellerData:
    """MFN only. As of D: 290 orders purchased D-20, 4 of them with negative feedback.

    Window on D = [D-73, D-14]: 4/290 = 1.38%, BAD. Trailing 30-day volume: 290/30 = 29/3 a
    day. Future orders enter the window from D+15 (purchased D+1 = D'-14); by D+14+j there are
    floor(29j/3) of them. GOOD needs 4/n < 1%, n > 400: 290 + floor(29j/3) >= 401, so
    floor(29j/3) >= 111: j = 11 gives 106 (n = 396), j = 12 gives 116 (n = 406). Back on target
    on D+26, long before the defects leave (D-20 + 74 = D+54).
    """
    orders = [order(f"o{i}", ago(20)) for i in range(290)]
    feedback = [bad_feedback(f"o{i}", ago(10)) for i in range(4)]
    return SellerData.of(orders=orders, feedback=feedback)


def test_back_on_target_by_hand(policy):
    data = _back_on_target_case()
    schedule = age_out_schedule(history_of(data, D, policy), policy)
    assert schedule.daily_orders[MFN] == Fraction(29, 3)
    assert schedule.back_on_target[MFN] == after(26)
    assert schedule.back_on_target[AFN] is None  # no AFN orders at all: NONE, never GOOD
    days = {p.day: p for p in schedule.projection[MFN]}
    assert (days[after(25)].order_count, days[after(25)].status) == (396, Status.BAD)
    assert (days[after(26)].order_count, days[after(26)].status) == (406, Status.GOOD)
    assert days[D].status is Status.BAD and days[D].rate == pytest.approx(4 / 290)


def test_projection_is_compute_odr_on_the_assumed_orders(policy):
    # The same figures as compute_odr on the records plus the assumed future orders.
    data = _back_on_target_case()
    schedule = age_out_schedule(history_of(data, D, policy), policy)
    rate = schedule.daily_orders[MFN]
    assumed = [
        order(f"f{k}-{i}", after(k))
        for k in range(1, 75)
        for i in range(future_orders(rate, D, after(k)))
    ]
    for projected in schedule.projection[MFN]:
        m = compute_odr([*data.orders, *assumed], data.feedback, (), (), projected.day, policy)[MFN]
        assert (projected.order_count, projected.defective_orders, projected.status) == (
            m.order_count,
            m.defective_orders,
            m.status,
        )


def test_good_today_is_back_on_target_today(policy):
    data = SellerData.of(orders=[order(f"o{i}", ago(30)) for i in range(200)])
    schedule = age_out_schedule(history_of(data, D, policy), policy)
    assert schedule.back_on_target[MFN] == D
    assert schedule.items == ()


def test_future_orders_are_whole_orders():
    rate = Fraction(3, 2)
    assert [future_orders(rate, D, after(k)) for k in range(0, 6)] == [0, 1, 2, 1, 2, 1]
    assert trailing_daily_orders([order("a", ago(29)), order("b", ago(30))], D)[MFN] == Fraction(
        1, 30
    )
