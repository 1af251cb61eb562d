"""Drafts for a triaged feedback: a removal request to Amazon and a message to the buyer.

The removal request cites the policy ground in Amazon's own words (amazon-policy.md 1.3, 5.4).
The buyer message follows Amazon's Buyer-Seller Messaging rules: no links, no contact details,
no incentives, no request for positive feedback or a better rating, and no pressure to remove
the feedback. The one permitted mention is the conditional "If we have resolved your concern,
you may update or remove your feedback" (amazon-policy.md 5.3). `check_buyer_message` lists
every rule a text breaks; drafting refuses a template that breaks any.

The texts are templates (`data/triage/templates.toml`, read by `ingest.triage_rules`); the
rules that police them are here, in code, so a template file cannot loosen them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sellerhealth.domain.triage import Classification, Ground, Verdict

REMOVAL_FIELDS = frozenset({"order_id", "feedback_date", "comment", "evidence"})
BUYER_FIELDS = frozenset({"order_id"})
BUYER_SITUATIONS = ("product", "fulfilled_by_amazon", "delivery", "seller", "general")


# A template is checked with this id in place of the order's own.
SAMPLE_ORDER_ID = "111-0000000-0000000"
# What a message names in place of an order id that would break the messaging rules.
WITHHELD_ORDER_ID = "(the order this message is sent from)"


@dataclass(frozen=True)
class MessageTemplates:
    removal: Mapping[str, str]  # ground -> request text
    buyer: Mapping[str, str]  # situation -> message text


def templates_from_dict(raw: Mapping[str, Any]) -> MessageTemplates:
    """Read parsed templates; raise ValueError listing every problem, one per line."""
    problems: list[str] = []
    removal = _texts(raw, "removal", [g.value for g in Ground], REMOVAL_FIELDS, problems)
    buyer = _texts(raw, "buyer", list(BUYER_SITUATIONS), BUYER_FIELDS, problems)
    for situation, text in buyer.items():
        for problem in check_buyer_message(text.format(order_id=SAMPLE_ORDER_ID)):
            problems.append(f"buyer.{situation}: {problem}")
    if problems:
        raise ValueError("\n".join(problems))
    return MessageTemplates(removal=removal, buyer=buyer)


def _texts(
    raw: Mapping[str, Any],
    section: str,
    keys: list[str],
    fields: frozenset[str],
    problems: list[str],
) -> dict[str, str]:
    table = raw.get(section, {})
    texts = {}
    for key in keys:
        entry = table.get(key) if isinstance(table, Mapping) else None
        text = entry.get("text") if isinstance(entry, Mapping) else None
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{section}.{key}: missing `text`")
            continue
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        if used - fields:
            problems.append(
                f"{section}.{key}: unknown placeholder(s) {', '.join(sorted(used - fields))}; "
                f"known: {', '.join(sorted(fields))}"
            )
            continue
        texts[key] = text.strip() + "\n"
    return texts


# --- drafting ------------------------------------------------------------------------------------


def draft_removal_request(
    feedback_order_id: str,
    feedback_date: date | str,
    comment: str,
    classification: Classification,
    *,
    templates: MessageTemplates,
) -> str:
    """The request to Amazon, citing the ground; ValueError when there is no ground to cite."""
    if classification.verdict == Verdict.NEITHER or classification.ground is None:
        raise ValueError(
            "no removal or strike-through ground, so no request: "
            + "; ".join(classification.reasons)
        )
    day = feedback_date.isoformat() if isinstance(feedback_date, date) else feedback_date
    evidence = "\n".join(f"- {reason}" for reason in classification.reasons)
    return templates.removal[classification.ground].format(
        order_id=feedback_order_id, feedback_date=day, comment=comment.strip(), evidence=evidence
    )


def buyer_situation(classification: Classification) -> str:
    """Which buyer template fits: what the feedback was about."""
    topics = set(classification.topics)
    if classification.ground == Ground.FBA_FULFILLMENT:
        return "fulfilled_by_amazon"
    if classification.ground == Ground.PRODUCT_REVIEW or topics == {"product"}:
        return "product"
    if "seller" in topics:
        return "seller"
    if topics & {"delay", "fulfilment", "delivery", "damage"}:
        return "delivery"
    if "product" in topics:
        return "product"
    return "general"


def draft_buyer_message(
    order_id: str,
    comment: str,
    classification: Classification,
    *,
    templates: MessageTemplates,
) -> str:
    """A problem-solving message to the buyer; ValueError if the template breaks the rules.

    The comment is never quoted back: it may hold profanity or personal information.
    """
    del comment
    situation = buyer_situation(classification)
    template = templates.buyer[situation]
    problems = check_buyer_message(template.format(order_id=SAMPLE_ORDER_ID))
    if problems:
        raise ValueError(
            f"buyer template {situation!r} breaks Buyer-Seller Messaging rules: "
            + "; ".join(problems)
        )
    return fill_order_id(template, order_id)


def fill_order_id(template: str, order_id: str, **fields: str) -> str:
    """`template` filled in, naming the order by its id unless the id breaks the messaging rules.

    An id can read as contact details (a buyer's e-mail typed into the order id column); when
    the template is within the rules with a plain id but not with this one, the id is withheld.
    """
    text = template.format(order_id=order_id, **fields)
    if check_buyer_message(text) and not check_buyer_message(
        template.format(order_id=SAMPLE_ORDER_ID, **fields)
    ):
        return template.format(order_id=WITHHELD_ORDER_ID, **fields)
    return text


# --- Buyer-Seller Messaging rules ----------------------------------------------------------------

_I = re.IGNORECASE
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}", _I)
_LINK = re.compile(r"\b(?:https?://|www\.)\S+", _I)
_DOMAIN = re.compile(
    r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|shop|store|us|uk|de|fr|es|it|ca|"
    r"info|biz|ly|me|app|site|online)\b(?:/\S*)?",
    _I,
)
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?![\w-])"
    r"|(?<![\w-])\+\d{1,3}(?:[\s.-]?\d{2,5}){2,4}(?![\w-])"
)
_ALWAYS_INCENTIVE = re.compile(
    r"\b(?:discounts?|coupons?|promo(?:tional)? codes?|vouchers?|gift ?cards?|gift certificates?|"
    r"cash ?back|rebates?|in exchange for|in return for|free (?:gift|product|item|sample)s?)\b",
    _I,
)
_CONTEXT_INCENTIVE = re.compile(
    r"\b(?:free|refund(?:ed|s)?|money|rewards?|compensat\w*|pay|paid|bonus|credit|"
    r"reimburs\w*|\$\s?\d+|\d+\s?%\s?off)\b|\$\s?\d+",
    _I,
)
_FEEDBACK = re.compile(r"\b(?:feedback|reviews?|ratings?|stars?|rate)\b", _I)
_POSITIVE = re.compile(
    r"\b(?:positive|good|great|better|higher|excellent|favou?rable|glowing|(?:5|five)[- ]?stars?)"
    r"\s+(?:feedback|reviews?|ratings?)\b"
    r"|\b(?:5|five)[- ]?stars?\b"
    r"|\b(?:raise|increase|improve|upgrade|bump|boost)\s+(?:your|the|my|our)\s+"
    r"(?:rating|feedback|review|stars?)\b"
    r"|\b(?:leave|give)\s+(?:us\s+)?(?:a\s+)?(?:positive|good|great|better|higher)\b",
    _I,
)
_CHANGE = re.compile(
    r"\b(?:remov\w*|delet\w*|take\s+down|withdraw\w*|retract\w*|updat\w*|chang\w*|revis\w*|"
    r"edit\w*|reconsider\w*|amend\w*)\b[^.!?\n]{0,40}?\b(?:feedback|reviews?|ratings?)\b",
    _I,
)
_PERMITTED = re.compile(
    r"\bif\s+(?:you\s+(?:are|feel)\s+(?:satisfied|happy)\s+that\s+)?we\s+(?:have\s+)?"
    r"(?:resolved|addressed|solved|fixed)\s+your\s+(?:concerns?|issues?|problems?)\s*,?\s*"
    r"(?:you\s+(?:may|can)|it\s+is\s+possible\s+to)\s+(?:update\s+or\s+remove|remove\s+or\s+update)"
    r"\s+(?:your|the)\s+feedback\b",
    _I,
)
_PRESSURE = re.compile(
    r"\b(?:please|kindly|must|need\s+you|we\s+ask|request|appreciate|asap|immediately|"
    r"right\s+away|required?)\b",
    _I,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def check_buyer_message(text: str) -> list[str]:
    """Every Buyer-Seller Messaging rule `text` breaks, each with the words that break it."""
    problems: list[str] = []

    def flag(rule: str, found: str) -> None:
        problem = f'{rule}: "{found.strip()}"'
        if problem not in problems:
            problems.append(problem)

    for m in _EMAIL.finditer(text):
        flag("e-mail address (contact details are not allowed)", m.group())
    without_email = _EMAIL.sub(" ", text)
    for m in _LINK.finditer(without_email):
        flag("link (links are not allowed)", m.group())
    for m in _DOMAIN.finditer(_LINK.sub(" ", without_email)):
        flag("web address (links are not allowed)", m.group())
    for m in _PHONE.finditer(without_email):
        flag("phone number (contact details are not allowed)", m.group())
    for m in _ALWAYS_INCENTIVE.finditer(text):
        flag("incentive (no incentives of any kind)", m.group())
    for m in _POSITIVE.finditer(text):
        flag("asks for positive feedback or a better rating", m.group())
    for sentence in (s.group().strip() for s in _SENTENCE.finditer(text)):
        if not sentence:
            continue
        if _FEEDBACK.search(sentence):
            for m in _CONTEXT_INCENTIVE.finditer(sentence):
                if not re.search(r"\bfeel\s+free\b", sentence, _I) or m.group().lower() != "free":
                    flag("incentive tied to feedback", m.group())
        change = _CHANGE.search(sentence)
        if change and (not _PERMITTED.search(sentence) or _PRESSURE.search(sentence)):
            flag(
                "asks to remove or change the feedback (only 'If we have resolved your concern, "
                "you may update or remove your feedback' is allowed)",
                change.group(),
            )
    return problems
