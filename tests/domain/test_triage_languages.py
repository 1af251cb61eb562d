"""Triage in the marketplaces' languages and on misspelled text (issue 14).

The examples here come from the tuning set (tests/data/triage_tuning_languages.csv) and the
issue; the held-out set (tests/data/triage_heldout.csv) is only measured, by bench/triage.py.
"""

import pytest

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage import Verdict, classify

AFN, MFN = Channel.AFN, Channel.MFN


@pytest.mark.parametrize(
    "comment",
    [
        "The shoes run two sizes small",  # the three examples
        "Prodcut brok after 2 dayz",
        "Das Produkt ist nach einer Woche kaputt gegangen",
        "Funktioniert überhaupt nicht",
        "Ne marche pas du tout",
        "Le câble s'est rompu après un mois",  # "s'est": the elision is split
        "No funciona para nada",
        "Il cavo si è spezzato dopo un mese",
        "全く動かない",
        "サイズが大きすぎる",
    ],
)
def test_product_only_comments_are_removable(rules, comment):
    result = classify(comment, 1, AFN, False, rules)
    assert result.verdict == Verdict.REMOVABLE, result.reasons


@pytest.mark.parametrize(
    "comment",
    [
        "Paket kam drei Tage später als angekündigt",
        "Le colis a été perdu",
        "Nunca recibí la entrega",
        "Il pacco è andato perso",
        "荷物を受け取っていない",
        "梱包が濡れてへこんでいた",
    ],
)
def test_fba_delivery_comments_are_struck_through(rules, comment):
    result = classify(comment, 1, AFN, False, rules)
    assert result.verdict == Verdict.STRIKE_THROUGH, result.reasons


@pytest.mark.parametrize(
    ("comment", "channel"),
    [
        ("Schnelle Lieferung, aber das Gerät ist defekt", AFN),  # mixed
        ("Ware beschädigt angekommen", AFN),  # damage with no cause
        ("Le vendeur ne répond pas", MFN),
        ("Talla equivocada enviada", MFN),
        ("Il venditore non risponde", MFN),
        ("配送は早かったが故障していた", AFN),
        ("違うサイズが届いた", MFN),
        ("配達が遅れた", MFN),  # self-fulfilled, not shipped with Buy Shipping
    ],
)
def test_neither(rules, comment, channel):
    result = classify(comment, 1, channel, False, rules)
    assert result.verdict == Verdict.NEITHER, result.reasons


@pytest.mark.parametrize("comment", ["クソ商品", "Porca puttana, tutto rotto", "Scheißladen"])
def test_profanity_in_other_languages(rules, comment):
    assert classify(comment, 1, AFN, False, rules).verdict == Verdict.REMOVABLE
