"""The triage queue on hand-made imported data: which feedback, verdicts, deadlines, the ODR
before and after a removal (hand-computed), the order of the queue and the drafts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerhealth.domain import records as r
from sellerhealth.domain.messages import check_buyer_message
from sellerhealth.service.triage import BUY_SHIPPING_KNOWN, BUY_SHIPPING_UNKNOWN, triage_queue
from sellerhealth.store.store import Store

D = date(2026, 6, 30)  # ODR window as of D: [D-73, D-14] = 2026-04-18 .. 2026-06-16
IN_WINDOW = date(2026, 5, 1)
PRODUCT = "Cheaply made water bottle. Not worth the money at all."
FBA_DELAY = "Package arrived 4 days late and the box was crushed."
MFN_RAIN = "Driver left the box in the rain, the package was soaked."


def mfn(order_id: str, day: date = IN_WINDOW, **kw) -> r.Order:
    return r.Order("acme", order_id, day, r.Channel.MFN, **kw)


def fb(order_id: str, day: str, rating: int, comment: str, **kw) -> r.Feedback:
    return r.Feedback("acme", order_id, date.fromisoformat(day), rating, comment, **kw)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """150 MFN orders in the window with 2 defects (m000's feedback, m001's claim); 50 AFN
    orders with 1 (a000's feedback); feedback of every kind around them."""
    orders = [mfn(f"m{i:03}") for i in range(150)]
    orders += [r.Order("acme", f"a{i:03}", IN_WINDOW, r.Channel.AFN) for i in range(50)]
    orders += [
        mfn("old1", date(2026, 3, 1)),  # before the window
        mfn("edge60", date(2026, 3, 15)),
        mfn("lr", date(2026, 3, 10)),
        mfn("recent", date(2026, 6, 25)),  # after the window
        mfn("bs", date(2026, 6, 20), latest_ship_date=date(2026, 6, 22)),
        mfn("gone", date(2026, 3, 2)),
        mfn("future", date(2026, 3, 3)),
        mfn("happy", date(2026, 3, 4)),
    ]
    feedback = [
        fb("m000", "2026-06-10", 1, PRODUCT),  # removable, an ODR defect in the window
        fb("m003", "2026-06-25", 3, "Smaller than I expected but it does the job."),  # neutral
        fb("a000", "2026-06-15", 1, FBA_DELAY),  # FBA: strike-through
        fb("old1", "2026-04-20", 1, PRODUCT),  # removal window over on 2026-06-19
        fb("edge60", "2026-05-01", 1, PRODUCT),  # exactly 60 days before D: last day
        fb("lr", "2026-06-05", 2, PRODUCT, removed_date=date(2026, 7, 5)),  # removed after D
        fb("recent", "2026-06-29", 2, MFN_RAIN),  # MFN, no Buy Shipping known: neither
        fb("bs", "2026-06-28", 1, "Package arrived 4 days late."),  # Buy Shipping protected
        fb("gone", "2026-06-01", 1, PRODUCT, removed_date=date(2026, 6, 28)),  # removed by D
        fb("future", "2026-07-01", 1, PRODUCT),  # not left yet on D
        fb("happy", "2026-06-01", 5, "Great seller!"),  # positive: not triaged
    ]
    claims = [
        r.Claim("acme", "m001", date(2026, 5, 20), r.ClaimStatus.GRANTED),
        r.Claim(
            "acme",
            "bs",
            date(2026, 6, 27),
            r.ClaimStatus.DENIED,
            reason="Item not received",
            buy_shipping_protected=True,
        ),
    ]
    shipments = [r.Shipment("acme", "bs", date(2026, 6, 21), "UPS", "1Z-bs")]
    with Store.open(tmp_path_factory.mktemp("triage") / "store.db") as s:
        s.import_records([*orders, *feedback, *claims, *shipments])
        yield s


@pytest.fixture(scope="module")
def queue(store):
    return triage_queue(store, "acme", D)


def item(queue, order_id):
    return next(i for i in queue if i.order_id == order_id)


def test_every_negative_or_neutral_feedback_standing_on_d_is_in_the_queue(queue):
    assert {i.order_id for i in queue} == {
        "m000",
        "m003",
        "a000",
        "old1",
        "edge60",
        "lr",
        "recent",
        "bs",
    }  # not: removed by D (gone), left after D (future), 5 stars (happy)


def test_verdicts(queue):
    verdicts = {i.order_id: (i.verdict.value, i.classification.ground) for i in queue}
    assert verdicts["m000"] == ("removable", "product_review")
    assert verdicts["a000"] == ("strike_through", "fba_fulfillment")
    assert verdicts["bs"] == ("strike_through", "buy_shipping_delay")
    assert verdicts["recent"] == ("neither", None)


def test_buy_shipping_is_known_only_from_a_protected_claim_and_the_reasons_say_so(queue):
    assert BUY_SHIPPING_KNOWN in item(queue, "bs").classification.reasons
    assert BUY_SHIPPING_UNKNOWN in item(queue, "recent").classification.reasons
    assert not any("Buy Shipping" in x for x in item(queue, "m000").classification.reasons)


def test_deadlines_are_60_and_6_days_after_the_feedback(queue):
    m000 = item(queue, "m000")
    assert m000.request_by == date(2026, 6, 10) + timedelta(days=60) == date(2026, 8, 9)
    assert m000.act_by == date(2026, 6, 16)
    edge = item(queue, "edge60")  # left exactly 60 days before D: D is the last day to ask
    assert (edge.request_by, edge.expired, edge.days_left(D)) == (D, False, 0)
    old = item(queue, "old1")  # 71 days before D
    assert (old.request_by, old.expired, old.actionable) == (date(2026, 6, 19), True, False)


def test_odr_before_and_after_a_removal_hand_computed(queue):
    # MFN: 150 orders in the window, 2 defective (m000 feedback, m001 claim).
    m000 = item(queue, "m000")
    assert (m000.odr_orders, m000.odr_defects_before, m000.odr_defects_after) == (150, 2, 1)
    assert m000.odr_before == 2 / 150
    assert m000.odr_after == 1 / 150
    assert m000.odr_impact == 1 / 150
    # AFN: 50 orders, 1 defective (a000's feedback): removing it leaves 0.
    a000 = item(queue, "a000")
    assert (a000.odr_before, a000.odr_after, a000.odr_impact) == (1 / 50, 0.0, 1 / 50)
    # A neutral rating is no defect: nothing to gain, same rate before and after.
    m003 = item(queue, "m003")
    assert (m003.odr_before, m003.odr_after, m003.odr_impact) == (2 / 150, 2 / 150, 0.0)
    # Orders outside the window: no ODR figure at all.
    for outside in ("old1", "edge60", "lr", "recent", "bs"):
        found = item(queue, outside)
        assert (found.odr_before, found.odr_after, found.odr_impact) == (None, None, 0.0)


def test_queue_order_actionable_then_odr_impact_then_request_by(queue):
    assert [i.order_id for i in queue] == [
        "a000",  # impact 1/50
        "m000",  # impact 1/150
        "edge60",  # impact 0, request by 2026-06-30
        "lr",  # 2026-08-04
        "m003",  # 2026-08-24
        "bs",  # 2026-08-27
        "old1",  # not actionable (expired): 2026-06-19
        "recent",  # not actionable (neither): 2026-08-28
    ]


def test_json_fields(queue):
    data = item(queue, "m000").as_dict()

    assert {
        "order_id",
        "feedback_date",
        "rating",
        "verdict",
        "reasons",
        "request_by",
        "odr_impact",
        "act_by",
        "ground",
        "channel",
        "odr_before",
        "odr_after",
        "removal_request",
        "buyer_message",
        "expired",
    } <= set(data)
    assert data["feedback_date"] == "2026-06-10"
    assert data["request_by"] == "2026-08-09"
    assert data["act_by"] == "2026-06-16"
    assert (data["verdict"], data["ground"], data["channel"]) == (
        "removable",
        "product_review",
        "MFN",
    )
    assert data["odr_impact"] == 1 / 150
    assert data["expired"] is False
    assert data["reasons"] and all(isinstance(x, str) for x in data["reasons"])


def test_drafts_cite_the_ground_and_follow_the_messaging_rules(queue):
    for found in queue:
        assert check_buyer_message(found.buyer_message) == []
        assert found.order_id in found.buyer_message
        if found.verdict.value == "neither":
            assert found.removal_request is None
        else:
            assert found.order_id in found.removal_request
            assert found.feedback_date.isoformat() in found.removal_request
    assert "product" in item(queue, "m000").removal_request.lower()


def test_removal_on_d_takes_a_feedback_out_of_the_queue(store):
    day_after_removal = date(2026, 7, 5)
    orders = {i.order_id for i in triage_queue(store, "acme", day_after_removal)}
    assert "lr" not in orders
    assert "future" in orders


def test_an_account_without_feedback_has_an_empty_queue(store):
    assert triage_queue(store, "nobody", D) == []
