"""Feedback triage, the drafted messages: removal requests that cite the ground in Amazon's
words, buyer messages within the Buyer-Seller Messaging rules, the check of those rules, and
templates that break them refused."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from tests.domain.triage_cases import AFN, MFN, triage

from sellerhealth.domain.messages import (
    MessageTemplates,
    buyer_situation,
    check_buyer_message,
    draft_buyer_message,
    draft_removal_request,
    templates_from_dict,
)
from sellerhealth.domain.triage import Ground
from sellerhealth.errors import PolicyError
from sellerhealth.ingest.triage_rules import load_message_templates, triage_data_dir

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
