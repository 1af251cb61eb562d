"""ODR rules (SPEC section 4), each a small hand-computed case, run through both the plain
rules and the columnar engine. As of D = 2026-06-30 the window is [D-73, D-14] =
[2026-04-18, 2026-06-16]."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests import odr_cases

from sellerhealth.domain import records as r
from sellerhealth.domain.metrics import Status

D = date(2026, 6, 30)
IN_WINDOW = date(2026, 5, 1)
AFN, MFN = r.Channel.AFN, r.Channel.MFN
C = r.ClaimStatus


@pytest.fixture(params=["plain", "engine"])
def odr(request):
    return getattr(odr_cases, request.param)


def order(order_id: str, purchased: date = IN_WINDOW, channel: r.Channel = MFN) -> r.Order:
    return r.Order("a", order_id, purchased, channel)


def orders(n: int, channel: r.Channel = MFN, prefix: str = "o") -> list[r.Order]:
    return [order(f"{prefix}{i}", IN_WINDOW, channel) for i in range(n)]


def feedback(
    order_id: str, rating: int = 1, on: date = IN_WINDOW + timedelta(5), **kw
) -> r.Feedback:
    return r.Feedback("a", order_id, on, rating, **kw)


def claim(
    order_id: str, status: r.ClaimStatus, on: date = IN_WINDOW + timedelta(10), **kw
) -> r.Claim:
    return r.Claim("a", order_id, on, status, **kw)


def test_window_edges_are_inclusive(odr, policy):
    # D-73 and D-14 are in; D-74 and D-13 are out: 2 orders, both defective.
    edge = [order("first", D - timedelta(73)), order("last", D - timedelta(14))]
    outside = [order("early", D - timedelta(74)), order("late", D - timedelta(13))]
    defects = [feedback(o.order_id, on=D - timedelta(1)) for o in edge + outside]
    m = odr([*edge, *outside, *defects], D, policy)[MFN]
    assert (m.order_count, m.defective_orders) == (2, 2)
    assert m.window.first == date(2026, 4, 18) and m.window.last == date(2026, 6, 16)


def test_order_with_two_defects_counts_once(odr, policy):
    # 100 orders, one with negative feedback AND a granted claim: ODR 1/100, components 1 and 1.
    data = [*orders(100), feedback("o0"), claim("o0", C.GRANTED)]
    m = odr(data, D, policy)[MFN]
    assert (m.defective_orders, m.negative_feedback, m.claims) == (1, 1, 1)
    assert m.rate == pytest.approx(0.01)
    assert m.status is Status.BAD  # target is < 1%: exactly 1% is not good


def test_three_stars_is_not_negative(odr, policy):
    data = [
        *orders(10),
        feedback("o0", rating=3),
        feedback("o1", rating=2),
        feedback("o2", rating=1),
    ]
    assert odr(data, D, policy)[MFN].negative_feedback == 2


def test_removed_before_or_on_d_stops_counting_removed_after_d_still_counts(odr, policy):
    data = [
        *orders(10),
        feedback("o0", removed_date=D),  # removed on D: gone
        feedback("o1", removed_date=D - timedelta(3)),  # removed before D: gone
        feedback("o2", removed_date=D + timedelta(1)),  # removed after D: still counts on D
    ]
    assert odr(data, D, policy)[MFN].negative_feedback == 1


def test_struck_through_by_d_does_not_count(odr, policy):
    data = [
        *orders(10),
        feedback("o0", struck_through_date=D - timedelta(1)),
        feedback("o1", struck_through_date=D + timedelta(2)),
    ]
    assert odr(data, D, policy)[MFN].negative_feedback == 1


def test_feedback_left_after_d_is_not_known_on_d(odr, policy):
    data = [*orders(10), feedback("o0", on=D + timedelta(1))]
    assert odr(data, D, policy)[MFN].defective_orders == 0


@pytest.mark.parametrize(
    ("status", "counted"),
    [
        (C.PENDING, True),
        (C.GRANTED, True),
        (C.REFUNDED, True),
        (C.ORDER_CANCELLED, True),
        (C.DENIED, False),
        (C.WITHDRAWN, False),
        (C.REVERSED, False),
    ],
)
def test_each_claim_status(odr, policy, status, counted):
    data = [*orders(4), claim("o0", status, status_date=D - timedelta(2))]
    assert odr(data, D, policy)[MFN].claims == int(counted)


def test_claim_denied_after_d_still_counts_on_d(odr, policy):
    # The denial is dated after D: on D the claim was still pending, and pending counts.
    data = [*orders(4), claim("o0", C.DENIED, status_date=D + timedelta(3))]
    assert odr(data, D, policy)[MFN].claims == 1
    assert odr(data, D + timedelta(3), policy)[MFN].claims == 0


def test_claim_filed_after_d_is_not_known(odr, policy):
    data = [*orders(4), claim("o0", C.GRANTED, on=D + timedelta(1))]
    assert odr(data, D, policy)[MFN].claims == 0


def test_buy_shipping_protected_delivery_claim_does_not_count(odr, policy):
    data = [
        *orders(4),
        claim("o0", C.GRANTED, reason="item not received", buy_shipping_protected=True),
        claim("o1", C.GRANTED, reason="not as described", buy_shipping_protected=True),
    ]
    # o0 is a protected delivery claim; o1's reason is not about delivery, so it still counts.
    assert odr(data, D, policy)[MFN].claims == 1


def test_claim_status_history_replays(odr, policy):
    # granted on 06-20, reversed on appeal on 06-28: counts on 06-25, not on 06-30.
    history = (
        r.StatusChange("granted", date(2026, 6, 20)),
        r.StatusChange("reversed", date(2026, 6, 28)),
    )
    data = [*orders(4), r.Claim("a", "o0", date(2026, 6, 10), C.REVERSED, history=history)]
    assert odr(data, date(2026, 6, 25), policy)[MFN].claims == 1
    assert odr(data, D, policy)[MFN].claims == 0


def test_fraud_chargeback_never_counts_service_counts_until_won(odr, policy):
    cb = r.Chargeback
    data = [
        *orders(10),
        cb("a", "o0", IN_WINDOW + timedelta(20), r.ChargebackReason.FRAUD),
        cb("a", "o1", IN_WINDOW + timedelta(20), r.ChargebackReason.SERVICE),
        cb(
            "a",
            "o2",
            IN_WINDOW + timedelta(20),
            r.ChargebackReason.SERVICE,
            r.ChargebackStatus.SELLER_WON,
            D - timedelta(1),
        ),
        cb(
            "a",
            "o3",
            IN_WINDOW + timedelta(20),
            r.ChargebackReason.SERVICE,
            r.ChargebackStatus.SELLER_WON,
            D + timedelta(1),
        ),
        cb(
            "a",
            "o4",
            IN_WINDOW + timedelta(20),
            r.ChargebackReason.SERVICE,
            r.ChargebackStatus.SELLER_LOST,
            D - timedelta(1),
        ),
    ]
    # o1 pending, o3 won only after D, o4 lost: 3 count; o0 fraud and o2 won by D do not.
    assert odr(data, D, policy)[MFN].chargebacks == 3


def test_channels_are_separate_and_none_without_orders(odr, policy):
    data = [*orders(50, AFN, "f"), feedback("f0")]
    result = odr(data, D, policy)
    assert (result[AFN].order_count, result[AFN].defective_orders) == (50, 1)
    assert result[AFN].rate == pytest.approx(0.02)
    assert result[MFN].order_count == 0 and result[MFN].status is Status.NONE


def test_business_program_target_is_half_a_percent(odr, policy):
    # 1 defect in 150 orders = 0.667%: good for a standard seller, bad in the Business program.
    data = [*orders(150), feedback("o0")]
    assert odr(data, D, policy)[MFN].status is Status.GOOD
    business = odr(data, D, policy, True)[MFN]
    assert business.target == 0.005 and business.status is Status.BAD


def test_defect_on_order_outside_window_is_ignored(odr, policy):
    data = [*orders(10), order("old", D - timedelta(80)), feedback("old")]
    assert odr(data, D, policy)[MFN].defective_orders == 0
