"""The two rules Amazon leaves open, decided in the policy with a switch (issue 14):
cancelled orders in the ODR denominator, and cancellations whose initiator is unknown."""

from dataclasses import replace
from datetime import date, timedelta

from sellerhealth.domain.metrics import Status
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.records import (
    CancelInitiator,
    Cancellation,
    Channel,
    Claim,
    ClaimStatus,
    Feedback,
    Order,
)
from sellerhealth.domain.shipping import cancellation_rate
from sellerhealth.policy_files import load_policy

POLICY = load_policy()
D = date(2026, 6, 30)


def with_cancelled_in_odr(keep: bool):
    return replace(POLICY, odr=replace(POLICY.odr, count_cancelled_orders=keep))


def counting_unknown(count: bool):
    return replace(POLICY, cancellation=replace(POLICY.cancellation, count_unknown_initiator=count))


def test_cancelled_orders_stay_in_the_odr_denominator_by_default():
    # Four MFN orders purchased 30 days before D (inside [D-73, D-14]); o1 was cancelled and
    # its buyer still filed an A-to-z claim that ended order_cancelled (which counts, 1.4);
    # o2 has a 1-star feedback.
    day = D - timedelta(days=30)
    orders = [Order("a", f"o{i}", day, Channel.MFN) for i in range(1, 5)]
    orders[0] = replace(orders[0], order_status="Cancelled")
    claims = [Claim("a", "o1", day + timedelta(days=3), ClaimStatus.ORDER_CANCELLED)]
    feedback = [Feedback("a", "o2", day + timedelta(days=2), 1)]

    kept = compute_odr(orders, feedback, claims, [], D, POLICY)[Channel.MFN]
    assert (kept.defective_orders, kept.order_count) == (2, 4)  # 0.5

    left_out = compute_odr(orders, feedback, claims, [], D, with_cancelled_in_odr(False))
    assert (left_out[Channel.MFN].defective_orders, left_out[Channel.MFN].order_count) == (1, 3)


def mfn_week(count: int, cancelled: int) -> list[Order]:
    """`count` MFN orders purchased on D-3 (inside the 7-day window), the first `cancelled`
    of them with the orders report's status Cancelled and no cancellations row."""
    return [
        Order(
            "a",
            f"o{i}",
            D - timedelta(days=3),
            Channel.MFN,
            order_status=("Cancelled" if i < cancelled else "Shipped"),
        )
        for i in range(count)
    ]


def test_unknown_initiator_is_not_good_as_if_it_knew():
    # 10 orders, 1 cancelled by nobody knows whom: 0/10 known; counting it would be 1/10 = 10%,
    # over the 2.5% target, so the status cannot be told.
    metric = cancellation_rate(mfn_week(10, 1), [], [], D, POLICY)

    assert (metric.numerator, metric.denominator, metric.unattributed) == (0, 10, 1)
    assert metric.rate == 0.0
    assert metric.status is Status.NONE


def test_unknown_initiator_that_could_not_change_the_status():
    # 100 orders, 1 unattributed: even as the seller's it is 1% < 2.5%: GOOD, knowingly.
    metric = cancellation_rate(mfn_week(100, 1), [], [], D, POLICY)

    assert metric.unattributed == 1
    assert metric.status is Status.GOOD


def test_the_switch_counts_unknown_initiators_as_the_seller():
    metric = cancellation_rate(mfn_week(10, 1), [], [], D, counting_unknown(True))

    assert (metric.numerator, metric.denominator, metric.unattributed) == (1, 10, 1)
    assert metric.status is Status.BAD  # 10%


def test_a_cancellations_row_says_who_cancelled():
    buyer = [Cancellation("a", "o0", D - timedelta(days=2), CancelInitiator.BUYER)]

    metric = cancellation_rate(mfn_week(10, 1), buyer, [], D, POLICY)

    assert (metric.numerator, metric.unattributed, metric.status) == (0, 0, Status.GOOD)
