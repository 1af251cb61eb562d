"""Feedback triage, the removal grounds on real comments: obscene or profane words, personal
information, and a comment that is entirely a product review, with the look-alikes and mixed
comments that are not."""

from __future__ import annotations

import pytest
from tests.domain.triage_cases import AFN, MFN, said, triage

from sellerhealth.domain.triage import Ground, Verdict

# --- removal: obscene or profane words -------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "word"),
    [
        ("Fucking useless charger", "Fucking"),
        ("f*** this seller, never got my package", "f***"),
        ("Sh!t quality. Dont buy", "Sh!t"),
        ("Seller is an a$$hole, wouldnt refund me", "a$$hole"),
        ("f u c k this company", "f u c k"),
        ("S.H.I.T product", "S.H.I.T"),
        ("FUUUUCK this seller, 3 weeks and no refund", "FUUUUCK"),
        ("Seller is a piece of sh-t", "sh-t"),
        ("mierda de producto, no funciona", "mierda"),
        ("Scheiße! Lieferung kam nie an", "Scheiße"),
    ],
)
def test_profanity_is_removable_and_quoted(rules, comment, word):
    result = triage(rules, comment)
    assert (result.verdict, result.ground) == (Verdict.REMOVABLE, Ground.OBSCENE)
    assert word in said(result)


def test_masked_profanity_says_how_it_reads(rules):
    assert '"f***" (reads "fuck")' in said(triage(rules, "f*** this seller"))


def test_mild_language_is_no_removal_ground(rules):
    result = triage(rules, "Crappy packaging, box fell apart in transit", AFN)
    assert (result.verdict, result.ground) == (Verdict.STRIKE_THROUGH, Ground.FBA_FULFILLMENT)
    assert 'mild language is no removal ground: "Crappy"' in said(result)


@pytest.mark.parametrize(
    "comment",
    [
        "Delivered to Scunthorpe instead of Leeds",
        "Passed the delivery date by a week",
        "Assistant on Amazon chat couldnt locate my package",
        "Colis en retard",  # French "late", not the English slur
    ],
)
def test_words_containing_profanity_are_not_profane(rules, comment):
    result = triage(rules, comment, AFN)
    assert result.verdict == Verdict.STRIKE_THROUGH


# --- removal: personal information ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("Email me back at jenny.r1988@gmail.com like you promised", "jenny.r1988@gmail.com"),
        ("Emailed sales (at) bestdealz dot com twice, no reply", "sales (at) bestdealz dot com"),
        ("Called the seller at (415) 555-0132 three times, no answer", "(415) 555-0132"),
        ("Text +44 7700 900123 if you want it back", "+44 7700 900123"),
        ("Seller contact number 0800 123 4567 never answers", "0800 123 4567"),
        ("Spoke with Kevin Walsh from the company, he said he would refund me.", "Kevin Walsh"),
        ("spoke to michael johnson in support, useless", "michael johnson"),
        ("DO NOT BUY. Owner is JASON MILLER, he scams people", "JASON MILLER"),
        ("Mr. Robert Chen was extremely rude when I called about the delay", "Mr. Robert Chen"),
        ("my name is Daniel Ortiz and I want my money back", "Daniel Ortiz"),
        ("Mi nombre es Lucía Fernández y nunca recibí mi reembolso", "Lucía Fernández"),
    ],
)
def test_personal_information_is_removable(rules, comment, found):
    result = triage(rules, comment)
    assert (result.verdict, result.ground) == (Verdict.REMOVABLE, Ground.PERSONAL_INFORMATION)
    assert f'"{found}"' in said(result)


@pytest.mark.parametrize(
    ("comment", "channel", "verdict"),
    [
        ("Ms. Patel from the store hung up on me", MFN, Verdict.NEITHER),  # a surname only
        ("Ask for Tom at the warehouse, he lost my order", MFN, Verdict.NEITHER),  # first only
        ("Order 113-4567890-1234567 never arrived", AFN, Verdict.STRIKE_THROUGH),
        ("Tracking 1Z999AA10123456784 says delivered, it wasn't", AFN, Verdict.STRIKE_THROUGH),
        ("Bought on 2024-03-15 and still not here", AFN, Verdict.STRIKE_THROUGH),
        ("Martha Stewart towels arrived 2 weeks late", AFN, Verdict.STRIKE_THROUGH),  # a brand
    ],
)
def test_look_alikes_are_not_personal_information(rules, comment, channel, verdict):
    result = triage(rules, comment, channel)
    assert result.verdict == verdict
    assert result.ground != Ground.PERSONAL_INFORMATION


def test_a_brand_named_like_a_person_is_a_product_review(rules):
    result = triage(rules, "My Mr. Coffee maker leaks everywhere")
    assert (result.verdict, result.ground) == (Verdict.REMOVABLE, Ground.PRODUCT_REVIEW)


# --- removal: the entire comment is a product review ------------------------------------------


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("Stopped working after 3 days.", "Stopped working"),
        ("Runs very small, order two sizes up", "Runs very small"),
        ("Smells like chemicals and gave me a headache", "headache"),
        ("qualty is horible, broke frist day", "qualty"),  # misspellings
        ("Dosent work with my car", "Dosent work"),
        ("Great quality... lasted a whole 2 days. Amazing.", "lasted a whole"),  # sarcasm
        ("Mala calidad, se rompió en una semana", "Mala calidad"),
        ("Schlechte Qualität, nach 2 Tagen kaputt", "Schlechte Qualität"),
        ("Arrived broken because it's cheap plastic", "cheap"),  # phrased as delivery
        ("Shipped me garbage that stopped working in a day", "garbage"),
        ("Doesn't work. Sent it back for a refund.", "Doesn't work"),
    ],
)
def test_product_review_is_removable(rules, comment, words):
    result = triage(rules, comment, AFN)
    assert (result.verdict, result.ground) == (Verdict.REMOVABLE, Ground.PRODUCT_REVIEW)
    assert words in said(result)


@pytest.mark.parametrize(
    "comment",
    [
        "Fast shipping but the product broke in a week",  # praise of delivery is a topic
        "Arrived late and the product doesn't work",
        "Great seller, terrible product",
        "Zipper broke and the seller refused a refund",
        "llegó tarde y de mala calidad",
    ],
)
def test_mixed_product_and_service_is_neither(rules, comment):
    result = triage(rules, comment, AFN)
    assert result.verdict == Verdict.NEITHER
    assert "mixes the product" in said(result)


@pytest.mark.parametrize(
    "comment",
    [
        "Item was used, not new as described",
        "Counterfeit. Not the real brand",
        "Expired product",
        "Seller never responded to my messages",
        "Charged me twice",
    ],
)
def test_a_service_the_seller_provided_is_neither(rules, comment):
    result = triage(rules, comment, AFN)
    assert result.verdict == Verdict.NEITHER
    assert "service the seller provided" in said(result)
