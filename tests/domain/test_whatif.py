"""What-if scenarios: each change on a small account, with the before and after figures
worked out by hand. As of D = 2026-06-30 the ODR window is [D-73, D-14] = [04-18, 06-16]."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerhealth.domain import records as r
from sellerhealth.domain.data import SellerData, known_at
from sellerhealth.domain.metrics import Status
from sellerhealth.domain.whatif import (
    ODR,
    Scenario,
    ScenarioError,
    apply,
    compare,
)

D = date(2026, 6, 30)
AFN, MFN = r.Channel.AFN, r.Channel.MFN


def ago(n: int) -> date:
    return D - timedelta(days=n)


IN_WINDOW = D - timedelta(days=40)


def order(order_id: str, purchased: date = IN_WINDOW, channel=MFN, **kw) -> r.Order:
    return r.Order("acct", order_id, purchased, channel, **kw)


def account(n: int = 200, defective: int = 3) -> SellerData:
    """`n` MFN orders purchased D-40 (in the window), the first `defective` with 1-star
    feedback left D-20."""
    orders = [order(f"o{i}") for i in range(n)]
    feedback = [r.Feedback("acct", f"o{i}", ago(20), 1) for i in range(defective)]
    return SellerData.of(orders=orders, feedback=feedback)


def row(rows, day: date, metric: str = ODR, scope: str = "MFN"):
    (found,) = [x for x in rows if (x.day, x.metric, x.scope) == (day, metric, scope)]
    return found


def test_removed_feedback_lowers_odr_by_one_order(policy):
    before = account()
    after = apply(Scenario().remove_feedback("o0", ago(5)), before)
    rows = compare(before, after, [ago(6), ago(5), D], policy)
    # The day before the removal nothing changes; from the removal day on, 2/200 not 3/200.
    assert not row(rows, ago(6)).changed
    for day in (ago(5), D):
        x = row(rows, day)
        assert (x.before_numerator, x.after_numerator) == (3, 2)
        assert x.before_value - x.after_value == pytest.approx(1 / 200)
        assert (x.before_status, x.after_status) == (Status.BAD, Status.BAD)
    # The input is untouched.
    assert before.feedback[0].removed_date is None


def test_removal_that_brings_the_rate_under_target(policy):
    before = account(defective=2)  # 2/200 = 1%: BAD
    after = apply(Scenario().remove_feedback("o1", ago(3)), before)
    x = row(compare(before, after, [D], policy), D)
    assert (x.before_status, x.after_status) == (Status.BAD, Status.GOOD)
    assert x.after_value == pytest.approx(0.005)


def test_denied_claim_stops_counting_on_the_denial_day(policy):
    base = account(defective=0)
    base = SellerData.of(
        orders=base.orders,
        claims=[r.Claim("acct", "o7", ago(25), r.ClaimStatus.GRANTED, status_date=ago(20))],
    )
    after = apply(Scenario().deny_claim("o7", ago(4)), base)
    (claim,) = after.claims
    assert claim.status_on(ago(21)) == "pending"
    assert claim.status_on(ago(5)) == "granted"
    assert claim.status_on(ago(4)) == "denied"
    rows = compare(base, after, [ago(5), ago(4)], policy)
    assert (row(rows, ago(5)).before_numerator, row(rows, ago(5)).after_numerator) == (1, 1)
    assert (row(rows, ago(4)).before_numerator, row(rows, ago(4)).after_numerator) == (1, 0)


def test_denial_replaces_later_status_changes(policy):
    claim = r.Claim("acct", "o1", ago(30), r.ClaimStatus.GRANTED, status_date=ago(2))
    data = SellerData.of(orders=[order("o1")], claims=[claim])
    (denied,) = apply(Scenario().deny_claim("o1", ago(10)), data).claims
    assert denied.status_on(D) == "denied"  # the grant dated D-2 is gone from the scenario


def test_forty_more_orders_a_day(policy):
    """1000 MFN orders in the window, 12 defective: 1.2%, BAD. 40 more a day over the 60 days
    of the window: 12 / (1000 + 2400) = 0.353%, GOOD. They are on time and never cancelled:
    latest ship date 2 days after purchase, confirmed on the purchase day."""
    before = account(n=1000, defective=12)
    window_first, window_last = ago(73), ago(14)
    scenario = Scenario().extra_daily_orders(40, MFN, window_first, D)
    after = apply(scenario, before)
    assert len(after.orders) == 1000 + 40 * 74
    assert all(o.order_id.startswith("whatif-") for o in after.orders[1000:])
    rows = compare(before, after, [D], policy)
    odr = row(rows, D)
    assert (odr.before_numerator, odr.before_denominator) == (12, 1000)
    assert (odr.after_numerator, odr.after_denominator) == (12, 1000 + 40 * 60)
    assert odr.after_value == pytest.approx(12 / 3400)
    assert (odr.before_status, odr.after_status) == (Status.BAD, Status.GOOD)
    assert window_last == ago(14)
    # Late shipment, 10 days: latest ship dates in [D-9, D] are purchases of D-11 .. D-2.
    lsr10 = row(rows, D, "lateShipmentRate", "10d")
    assert (lsr10.after_numerator, lsr10.after_denominator) == (0, 400)
    # Cancel rate: 7 days of purchases, 280 orders, none cancelled.
    cancel = row(rows, D, "preFulfillmentCancellationRate", "")
    assert (cancel.before_denominator, cancel.after_denominator) == (0, 280)


def test_extra_orders_use_the_accounts_handling_time(policy):
    base = SellerData.of(orders=[order("o1", ago(10), latest_ship_date=ago(7))])
    after = apply(Scenario().extra_daily_orders(1, MFN, ago(5), ago(5)), base)
    added = after.orders[-1]
    assert added.latest_ship_date == ago(2)
    assert after.shipments[-1].ship_confirm_date == ago(5)
    afn = apply(Scenario().extra_daily_orders(2, AFN, ago(5), ago(4)), base)
    assert [o.fulfillment_channel for o in afn.orders[1:]] == [AFN] * 4
    assert afn.shipments == ()


def test_sku_moves_to_fba_from_a_day(policy):
    orders = [
        order("old-b", ago(40), skus="SKU-B"),  # before the move: stays MFN
        order("b1", ago(30), skus="SKU-A, SKU-B"),
        order("b2", ago(20), skus="SKU-B"),
        order("a1", ago(20), skus="SKU-A"),
        order("bb", ago(20), skus="SKU-BB"),  # another SKU, not a substring match
    ]
    feedback = [r.Feedback("acct", "b2", ago(10), 1)]
    before = SellerData.of(orders=orders, feedback=feedback)
    after = apply(Scenario().move_sku_to_fba("SKU-B", ago(35)), before)
    channels = {o.order_id: o.fulfillment_channel for o in after.orders}
    assert channels == {"old-b": MFN, "b1": AFN, "b2": AFN, "a1": MFN, "bb": MFN}
    rows = compare(before, after, [D], policy)
    mfn, afn = row(rows, D, ODR, "MFN"), row(rows, D, ODR, "AFN")
    assert (mfn.before_numerator, mfn.before_denominator) == (1, 5)
    assert (mfn.after_numerator, mfn.after_denominator) == (0, 3)
    assert (afn.before_denominator, afn.after_numerator, afn.after_denominator) == (0, 1, 2)


def test_at_risk_shipments_turn_into_claims(policy):
    before = account(n=300, defective=1)  # 1/300 = 0.33%: GOOD
    scenario = Scenario().shipments_become_claims(["o10", "o11", "o12"], ago(3))
    after = apply(scenario, before)
    rows = compare(before, after, [ago(4), ago(3)], policy)
    assert not row(rows, ago(4)).changed
    x = row(rows, ago(3))
    assert (x.before_numerator, x.after_numerator) == (1, 4)
    assert x.after_value == pytest.approx(4 / 300)
    assert (x.before_status, x.after_status) == (Status.GOOD, Status.BAD)
    assert all(c.status == r.ClaimStatus.PENDING for c in after.claims)


def test_changes_apply_in_order_and_describe_themselves(policy):
    scenario = (
        Scenario()
        .shipments_become_claims(["o5"], ago(10))
        .deny_claim("o5", ago(2))
        .remove_feedback("o0", ago(1))
    )
    after = apply(scenario, account())
    rows = compare(account(), after, [ago(5), D], policy)
    assert row(rows, ago(5)).after_numerator == 4  # 3 feedback + the new claim
    assert row(rows, D).after_numerator == 2  # claim denied, one feedback removed
    assert scenario.describe() == [
        f"claims on orders o5 filed on {ago(10)} (pending)",
        f"claim on order o5 denied on {ago(2)}",
        f"feedback on order o0 removed on {ago(1)}",
    ]


def test_changes_that_do_not_apply_are_errors():
    data = account()
    with pytest.raises(ScenarioError, match="no feedback on order o99"):
        apply(Scenario().remove_feedback("o99", D), data)
    with pytest.raises(ScenarioError, match="no claim on order o1"):
        apply(Scenario().deny_claim("o1", D), data)
    with pytest.raises(ScenarioError, match="no order of SKU X"):
        apply(Scenario().move_sku_to_fba("X", ago(100)), data)
    with pytest.raises(ScenarioError, match="no order nope"):
        apply(Scenario().shipments_become_claims(["o1", "nope"], D), data)


def test_compare_lists_every_metric_each_day(policy):
    rows = compare(account(), account(), [ago(1), D], policy)
    assert [(x.metric, x.scope) for x in rows if x.day == D] == [
        (ODR, "AFN"),
        (ODR, "MFN"),
        ("lateShipmentRate", "10d"),
        ("lateShipmentRate", "30d"),
        ("preFulfillmentCancellationRate", ""),
    ]
    assert not any(x.changed for x in rows)


def test_known_at_hides_what_came_later():
    claim = r.Claim(
        "acct",
        "o1",
        ago(10),
        r.ClaimStatus.DENIED,
        history=(r.StatusChange("granted", ago(8)), r.StatusChange("denied", ago(2))),
    )
    chargeback = r.Chargeback(
        "acct", "o2", ago(10), r.ChargebackReason.SERVICE, r.ChargebackStatus.SELLER_WON, ago(1)
    )
    data = SellerData.of(
        orders=[order("o1"), order("o2", ago(3))],
        feedback=[
            r.Feedback("acct", "o1", ago(9), 1, removed_date=ago(2)),
            r.Feedback("acct", "o2", ago(7), 2, struck_through_date=ago(6)),
            r.Feedback("acct", "o3", ago(1), 1),
        ],
        claims=[claim, r.Claim("acct", "o4", ago(1), r.ClaimStatus.PENDING)],
        chargebacks=[chargeback],
        shipments=[r.Shipment("acct", "o1", ago(30)), r.Shipment("acct", "o2", ago(2))],
        cancellations=[r.Cancellation("acct", "o2", ago(4), r.CancelInitiator.SELLER)],
    )
    view = known_at(data, ago(5))
    assert [o.order_id for o in view.orders] == ["o1"]
    assert [(f.order_id, f.removed_date, f.struck_through_date) for f in view.feedback] == [
        ("o1", None, None),
        ("o2", None, ago(6)),
    ]
    (known_claim,) = view.claims
    assert known_claim.status == r.ClaimStatus.GRANTED
    assert known_claim.status_on(D) == "granted"  # the denial on D-2 is not known on D-5
    (known_chargeback,) = view.chargebacks
    assert known_chargeback.status_on(D) == "pending"
    assert [s.order_id for s in view.shipments] == ["o1"]
    assert view.cancellations == ()
