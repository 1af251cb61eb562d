"""Feedback triage, the strike-through grounds on real comments: FBA fulfilment and Amazon's
customer service, and a delay of a Buy Shipping order shipped on time."""

from __future__ import annotations

import pytest
from tests.domain.triage_cases import AFN, MFN, said, triage

from sellerhealth.domain.triage import Ground, Verdict

# --- strike-through: FBA fulfilment and Amazon's customer service ----------------------------


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("Package arrived 5 days late", "late"),
        ("Box was crushed and item arrived damaged", "Box was crushed"),
        ("Sent the wrong item", "wrong item"),
        ("The Amazon rep hung up on me", "Amazon rep"),
        ("nevr arived", "nevr arived"),
        ("shiping was sooooo slow", "shiping was sooooo slow"),
        ("El paquete nunca llegó", "nunca llegó"),
        ("Wow, 'two-day' shipping in only 12 days. Impressive.", "shipping"),
        ("damn shipping took forever, what the hell", "took forever"),
    ],
)
def test_fba_fulfilment_is_struck_through(rules, comment, words):
    result = triage(rules, comment, AFN)
    assert (result.verdict, result.ground) == (Verdict.STRIKE_THROUGH, Ground.FBA_FULFILLMENT)
    assert words in said(result)
    assert "fulfilled by Amazon (AFN)" in said(result)


@pytest.mark.parametrize(
    "comment", ["Package arrived 5 days late", "Box was crushed", "Sent the wrong item"]
)
def test_the_same_comment_on_a_self_fulfilled_order_is_neither(rules, comment):
    result = triage(rules, comment, MFN)
    assert result.verdict == Verdict.NEITHER
    assert "self-fulfilled (MFN)" in said(result)


def test_unknown_channel_is_not_fba(rules):
    assert triage(rules, "Never received it", None).verdict == Verdict.NEITHER


def test_customer_service_counts_as_amazons_only_when_amazon_is_named(rules):
    assert triage(rules, "Customer service was useless", AFN).verdict == Verdict.NEITHER
    named = triage(rules, "Amazon customer service was useless about my package", AFN)
    assert named.ground == Ground.FBA_FULFILLMENT


# --- strike-through: Buy Shipping, shipped on time ---------------------------------------------


@pytest.mark.parametrize(
    "comment",
    ["Package arrived 4 days late", "USPS lost my package", "Marked delivered but not here"],
)
def test_buy_shipping_on_time_delay_is_struck_through(rules, comment):
    result = triage(rules, comment, MFN, on_time=True)
    assert (result.verdict, result.ground) == (Verdict.STRIKE_THROUGH, Ground.BUY_SHIPPING_DELAY)
    assert "shipped on time with Buy Shipping" in said(result)
    assert triage(rules, comment, None, on_time=True).ground == Ground.BUY_SHIPPING_DELAY
    assert triage(rules, comment, MFN, on_time=False).verdict == Verdict.NEITHER


@pytest.mark.parametrize(
    "comment",
    ["Box was crushed", "Wrong item", "Seller took 5 days to ship it", "Arrived late and broken"],
)
def test_buy_shipping_covers_only_delay_or_non_delivery(rules, comment):
    assert triage(rules, comment, MFN, on_time=True).verdict == Verdict.NEITHER
