"""Feedback triage: each removal and strike-through ground on real comments, the gates that
refuse them, the labeled set against the issue's goals, and the drafted messages.

Labeling conventions for tests/data/triage_labeled.csv (Amazon's policy, amazon-policy.md 1.3,
5.4, read conservatively): praise is a topic, so "fast shipping but it broke" is mixed; a
disclaimer ("not the seller's fault") takes its topic out; damage on arrival with no cause is
neither; customer service is Amazon's only when the comment names Amazon; listing accuracy and
condition as sold are the seller's service; mild words (crap, damn) are not profanity; ratings 4
and 5 are not triaged.
"""

from __future__ import annotations

import csv
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from sellerhealth.domain.messages import (
    MessageTemplates,
    buyer_situation,
    check_buyer_message,
    draft_buyer_message,
    draft_removal_request,
    templates_from_dict,
)
from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage import Classification, Ground, Verdict, classify, rules_from_dict
from sellerhealth.errors import PolicyError
from sellerhealth.ingest.triage_rules import (
    TRIAGE_FILES,
    load_message_templates,
    load_triage_rules,
    triage_data_dir,
)

LABELED = Path(__file__).resolve().parents[1] / "data" / "triage_labeled.csv"
AFN, MFN = Channel.AFN, Channel.MFN


@pytest.fixture(scope="module")
def rules():
    return load_triage_rules()


@pytest.fixture(scope="module")
def templates():
    return load_message_templates()


def triage(rules, comment, channel=MFN, on_time=False, rating=1):
    return classify(comment, rating, channel, on_time, rules)


def said(classification: Classification) -> str:
    return "\n".join(classification.reasons)


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


# --- precedence, disclaimers, ambiguity, vetoes, ratings ---------------------------------------


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


# --- the rules are data ----------------------------------------------------------------------


def raw_rules() -> dict:
    folder = triage_data_dir()
    return {name: tomllib.loads((folder / f"{name}.toml").read_text()) for name in TRIAGE_FILES}


def test_a_misspelling_added_to_the_data_is_understood():
    raw = raw_rules()
    # Two typos away from "package": beyond the automatic correction, so it takes an entry.
    before = classify("pakkaje nevr kame", 1, AFN, False, rules_from_dict(raw))
    raw["normalization"]["spelling"] |= {"pakkaje": "package", "kame": "came"}
    after = classify("pakkaje nevr kame", 1, AFN, False, rules_from_dict(raw))
    assert (before.verdict, after.verdict) == (Verdict.NEITHER, Verdict.STRIKE_THROUGH)


def test_one_typo_from_a_lexicon_word_is_read_as_that_word(rules):
    # "Prodcut" (swapped), "dayz" (wrong letter), "quailty" (swapped): no spelling entries.
    result = triage(rules, "Prodcut stoped workng after 2 dayz, quailty is horible", AFN)
    assert result.verdict == Verdict.REMOVABLE


def test_a_real_word_of_another_language_is_not_corrected(rules):
    # The Spanish "perro" (dog) is one letter from the Italian "perso" (lost): not corrected,
    # so a product complaint about the dog chewing it is not made a lost parcel.
    from sellerhealth.domain.triage_text import _words

    assert "perro" in _words("mi perro lo rompió", rules).words
    assert "perso" in _words("mi pacco e perrso", rules).words


def test_broken_rules_are_reported_all_at_once():
    raw = raw_rules()
    raw["product"]["review"]["phrases"].append("{no_such_class} broke")
    raw["delivery"]["delay"]["topic"] = "weather"
    with pytest.raises(ValueError, match="no_such_class") as problem:
        rules_from_dict(raw)
    assert "unknown topic 'weather'" in str(problem.value)


def test_a_missing_data_file_is_a_policy_error(tmp_path):
    shutil.copytree(triage_data_dir(), tmp_path / "triage")
    (tmp_path / "triage" / "profanity.toml").unlink()
    with pytest.raises(PolicyError, match=r"profanity\.toml: file not found"):
        load_triage_rules(tmp_path / "triage")


# --- the labeled set against the goals -----------------------------------------------


def test_labeled_set_meets_the_goals(rules):
    with LABELED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 420
    pairs = []
    for row in rows:
        channel = Channel(row["channel"]) if row["channel"] else None
        on_time = row["buy_shipping_on_time"] == "true"
        result = classify(row["comment"], int(row["rating"]), channel, on_time, rules)
        pairs.append((row["label"], result.verdict.value))
    for label in (Verdict.REMOVABLE, Verdict.STRIKE_THROUGH):
        expected = sum(1 for e, _ in pairs if e == label)
        predicted = sum(1 for _, p in pairs if p == label)
        correct = sum(1 for e, p in pairs if e == p == label)
        assert expected >= 90, label
        assert correct / predicted >= 0.95, f"{label} precision {correct / predicted:.3f}"
        assert correct / expected >= 0.80, f"{label} recall {correct / expected:.3f}"


# --- drafted messages --------------------------------------------------------------------------

AMAZON_WORDS = {
    Ground.OBSCENE: "the feedback includes obscene or profane words",
    Ground.PERSONAL_INFORMATION: "personally identifiable information",
    Ground.PRODUCT_REVIEW: "the entire feedback comment is a product review",
    Ground.FBA_FULFILLMENT: "This item was fulfilled by Amazon, and we take responsibility",
    Ground.BUY_SHIPPING_DELAY: "were not due to the seller",
}


@pytest.mark.parametrize(
    ("comment", "channel", "on_time", "ground"),
    [
        ("Fucking useless charger", MFN, False, Ground.OBSCENE),
        ("Call the seller at 800-555-0199", MFN, False, Ground.PERSONAL_INFORMATION),
        ("Stopped working after 3 days.", AFN, False, Ground.PRODUCT_REVIEW),
        ("Package arrived 5 days late", AFN, False, Ground.FBA_FULFILLMENT),
        ("Package arrived 5 days late", MFN, True, Ground.BUY_SHIPPING_DELAY),
    ],
)
def test_removal_request_cites_the_ground_in_amazons_words(
    rules, templates, comment, channel, on_time, ground
):
    result = triage(rules, comment, channel, on_time)
    assert result.ground == ground
    text = draft_removal_request(
        "114-1234567-7654321", date(2026, 3, 2), comment, result, templates=templates
    )
    assert AMAZON_WORDS[ground] in " ".join(text.split())
    assert "114-1234567-7654321" in text and "2026-03-02" in text
    assert f'"{comment}"' in text
    assert result.reasons[0] in text


def test_no_removal_request_without_a_ground(rules, templates):
    result = triage(rules, "Great seller, terrible product")
    with pytest.raises(ValueError, match="no removal or strike-through ground"):
        draft_removal_request(
            "1", "2026-03-02", "Great seller, terrible product", result, templates=templates
        )


@pytest.mark.parametrize(
    ("comment", "channel", "situation"),
    [
        ("Stopped working after 3 days.", AFN, "product"),
        ("Package arrived 5 days late", AFN, "fulfilled_by_amazon"),
        ("Package arrived 5 days late", MFN, "delivery"),
        ("Seller never responded to my messages", MFN, "seller"),
        ("Terrible experience", MFN, "general"),
        ("Call the seller at 800-555-0199", MFN, "general"),
    ],
)
def test_buyer_message_solves_the_problem_within_the_rules(
    rules, templates, comment, channel, situation
):
    result = triage(rules, comment, channel)
    assert buyer_situation(result) == situation
    text = draft_buyer_message("114-1234567-7654321", comment, result, templates=templates)
    assert check_buyer_message(text) == []
    assert "If we have resolved your concern, you may update or remove your feedback." in text
    assert "114-1234567-7654321" in text
    assert "800-555-0199" not in text  # the comment is never quoted back


def test_an_order_id_that_reads_as_an_email_is_not_sent_to_the_buyer(rules, templates):
    # Found by bench/fuzz.py: a buyer's e-mail in the order id column made every triage
    # request for the account fail (HTTP 500) because the filled message broke the rules.
    result = triage(rules, "Arrived late and the box was crushed.", MFN)
    text = draft_buyer_message("ab12@marketplace.amazon.com", "", result, templates=templates)
    assert check_buyer_message(text) == []
    assert "ab12@" not in text
    assert "(the order this message is sent from)" in text


@pytest.mark.parametrize(
    "text",
    [
        "Feel free to reply here. If we have resolved your concern, you may update or remove "
        "your feedback.",
        "If you are satisfied that we have resolved your concerns, it is possible to update or "
        "remove the feedback.",
    ],
)
def test_the_permitted_wording_passes_the_check(text):
    assert check_buyer_message(text) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("See https://shop.example.com/help for details.", "link"),
        ("Visit www.bestdealz.com for a replacement.", "link"),
        ("Our site bestdealz.com has the manual.", "web address"),
        ("Write to help@bestdealz.com any time.", "e-mail address"),
        ("Call us on (415) 555-0132.", "phone number"),
        ("We will send you a $10 gift card.", "incentive"),
        ("Here is a discount code for your next order.", "incentive"),
        ("Use coupon SAVE20.", "incentive"),
        ("We will refund you in full if you update your feedback.", "incentive tied to feedback"),
        ("You will get a free product for changing your review.", "incentive"),
        ("We offer compensation in exchange for removing the feedback.", "incentive"),
        ("Please leave us positive feedback.", "asks for positive feedback"),
        ("We would love a 5-star rating.", "asks for positive feedback"),
        ("Could you raise your rating?", "asks for positive feedback"),
        ("Please remove your feedback.", "asks to remove or change the feedback"),
        ("Kindly change your rating now that it is fixed.", "asks to remove or change"),
        ("Would you reconsider your review?", "asks to remove or change"),
        (
            "If we have resolved your concern, please update or remove your feedback.",
            "asks to remove or change",
        ),
    ],
)
def test_check_refuses_each_kind_of_violation(text, rule):
    problems = check_buyer_message(text)
    assert any(p.startswith(rule) for p in problems), problems


def test_check_lists_every_violation():
    problems = check_buyer_message(
        "Please remove your feedback and we will send a gift card to jo@x.com."
    )
    assert len(problems) >= 3


def test_a_template_that_breaks_the_rules_is_refused_when_loaded(tmp_path, templates):
    raw = tomllib.loads((triage_data_dir() / "templates.toml").read_text())
    raw["buyer"]["seller"]["text"] = "Sorry! Please remove your feedback: www.shop.com {order_id}"
    raw["buyer"]["general"]["text"] = "Order {order_id}: {coupon}"
    with pytest.raises(ValueError) as problem:
        templates_from_dict(raw)
    message = str(problem.value)
    assert "buyer.seller: asks to remove or change the feedback" in message
    assert "buyer.seller: link" in message
    assert "buyer.general: unknown placeholder(s) coupon" in message


def test_drafting_refuses_a_template_that_breaks_the_rules(rules, templates):
    bad = MessageTemplates(
        removal=templates.removal,
        buyer={**templates.buyer, "product": "Order {order_id}: we will refund you for 5 stars."},
    )
    result = triage(rules, "Stopped working after 3 days.", AFN)
    with pytest.raises(ValueError, match="breaks Buyer-Seller Messaging rules"):
        draft_buyer_message("114-1234567-7654321", "", result, templates=bad)


def test_a_broken_templates_file_is_a_policy_error(tmp_path):
    (tmp_path / "templates.toml").write_text(
        '[buyer.product]\ntext = "Leave 5 stars! {order_id}"\n'
    )
    with pytest.raises(PolicyError) as problem:
        load_message_templates(tmp_path)
    assert "removal.obscene: missing `text`" in str(problem.value)
