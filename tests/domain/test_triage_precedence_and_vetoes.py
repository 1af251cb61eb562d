"""Feedback triage, the gates between a comment and a ground: removal before strike-through,
disclaimers, damage without a cause, hints of another topic and the buyer's own mistake that
veto a ground, and ratings that are not triaged."""

from __future__ import annotations

import pytest
from tests.domain.triage_cases import AFN, MFN, said, triage

from sellerhealth.domain.triage import Ground, Verdict


def test_removal_grounds_take_precedence_over_strike_through(rules):
    pii = triage(rules, "call me 312 555 0147 i still dont have it", AFN)
    assert pii.ground == Ground.PERSONAL_INFORMATION
    obscene = triage(rules, "lost in the mail, what a bunch of f*cking clowns", MFN, True)
    assert obscene.ground == Ground.OBSCENE
    assert "delay" in obscene.topics


def test_a_disclaimer_takes_its_topic_out(rules):
    result = triage(rules, "Nothing wrong with the item itself, but the box was destroyed", AFN)
    assert result.ground == Ground.FBA_FULFILLMENT
    assert 'disclaims product: "Nothing wrong with the item itself"' in said(result)
    seller = triage(rules, "not the seller's fault but amazon took 3 weeks to ship", AFN)
    assert seller.ground == Ground.FBA_FULFILLMENT


def test_damage_on_arrival_without_a_cause_is_neither(rules):
    result = triage(rules, "Item arrived broken", AFN)
    assert result.verdict == Verdict.NEITHER
    assert "damage on arrival with no cause" in said(result)
    packed = triage(rules, "Poorly packed, arrived damaged", AFN)
    assert packed.ground == Ground.FBA_FULFILLMENT


@pytest.mark.parametrize(
    ("comment", "hint"),
    [
        ("Refund took forever", "Refund"),
        ("Arrived late, one leg missing", "leg"),
        ("Seller sent a replacement that was also defective", "Seller"),
    ],
)
def test_an_unexplained_hint_of_another_topic_vetoes_the_ground(rules, comment, hint):
    result = triage(rules, comment, AFN)
    assert result.verdict == Verdict.NEITHER
    assert f'"{hint}"' in said(result)


def test_the_buyers_own_mistake_vetoes_a_strike_through(rules):
    result = triage(rules, "Ordered the wrong size myself, my bad", AFN)
    assert result.verdict == Verdict.NEITHER
    assert '"my bad"' in said(result)


def test_a_phrase_does_not_run_across_punctuation(rules):
    result = triage(rules, "Packaging was fine, product is junk", AFN)
    assert result.verdict == Verdict.NEITHER
    assert 'product "junk"' in said(result)
    assert "fine, product" not in said(result)


def test_positive_ratings_are_not_triaged(rules):
    result = triage(rules, "Fucking awesome", MFN, rating=5)
    assert result.verdict == Verdict.NEITHER
    assert "rating 5 is positive" in said(result)


def test_a_comment_about_nothing_in_particular_is_neither(rules):
    result = triage(rules, "Received the item", AFN, rating=3)
    assert result.verdict == Verdict.NEITHER
    assert result.topics == ()
