"""Feedback triage: can Amazon remove this feedback, strike its rating through, or neither?

Amazon removes seller feedback only when it contains obscene or profane words, personal
information (e-mail addresses, phone numbers, full names), or when the entire comment is a
product review; it strikes the rating through when the entire comment is about the fulfilment or
customer service Amazon provided on an FBA order, or about the delay or non-delivery of an order
the seller shipped on time with Buy Shipping (amazon-policy.md 1.3, 5.4). Removal grounds come
first. Anything else, and any comment that mixes topics, is neither.

The classifier is rules, not a model: lexicons and patterns are data (`data/triage/*.toml`, read
by `ingest.triage_rules`), compiled here by `rules_from_dict`. Every verdict carries the words
that decided it. How a comment is read:

- A topic counts when the comment says something about it, praise included ("fast shipping but it
  broke" mixes delivery and product). Bare references ("the seller", "my order") and verdicts
  with no topic ("never again") count as nothing.
- A disclaimer ("not the seller's fault", "nothing wrong with the item itself") removes its topic.
- Damage on arrival with no cause is ambiguous (product or transit?) and blocks every ground;
  a packaging cue makes it fulfilment, a product-quality cue makes it product.
- Customer service whose owner is not said counts as Amazon's only when the comment names Amazon.

Languages: the lexicons hold English, German, French, Spanish, Italian and Japanese phrases
(Japanese is read character by character, domain.triage_text). Misspellings: a word one typo
from exactly one lexicon word is read as it, unless it is a real word of a marketplace language
(`TriageRules.known_words`, from the pyspellchecker word lists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage_build import rules_from_dict
from sellerhealth.domain.triage_grounds import _personal, _profane
from sellerhealth.domain.triage_model import (
    BUY_SHIPPING_TOPICS,
    FBA_TOPICS,
    TOPIC_NAMES,
    Classification,
    Ground,
    Hint,
    Lexicon,
    Phrase,
    TriageRules,
    Verdict,
)
from sellerhealth.domain.triage_text import _find, _Words, _words

__all__ = [
    "Classification",
    "Ground",
    "Lexicon",
    "Phrase",
    "TriageRules",
    "Verdict",
    "classify",
    "rules_from_dict",
]


# --- topics ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    words: range
    topic: str
    quote: str


@dataclass(slots=True)
class _Reading:
    topics: dict[str, list[str]]
    notes: list[str]
    hints: list[tuple[Hint, str]]  # hint words nothing else explains, quoted


def _read(words: _Words, rules: TriageRules) -> _Reading:
    """Topics with their quoted words; notes (disclaimers, sarcasm); unexplained hint words."""
    notes = []
    hidden: list[int] = []
    for lexicon in rules.disclaimers:
        for found, _phrase in _find(words, lexicon.phrases):
            hidden.extend(found)
            topic = TOPIC_NAMES.get(lexicon.topic, lexicon.topic)
            notes.append(f'disclaims {topic}: "{words.quote(found)}"')
    visible = words.masked(hidden)
    hits = [
        _Hit(found, lexicon.topic, words.quote(found))
        for lexicon in rules.lexicons
        for found, _phrase in _find(visible, lexicon.phrases)
    ]
    kept = [h for h in hits if not any(_inside(h.words, o.words) for o in hits)]
    topics: dict[str, list[str]] = {}
    for hit in sorted(kept, key=lambda h: h.words.start):
        quotes = topics.setdefault(hit.topic, [])
        if hit.quote not in quotes:
            quotes.append(hit.quote)
    for found, _phrase in _find(words, rules.sarcasm):
        notes.append(f'sarcasm "{words.quote(found)}": the topic decides, not the praise')
    unexplained = visible.masked(i for h in hits for i in h.words)
    hints = [
        (hint, words.quote(found))
        for hint in rules.hints
        for found, _ in _find(unexplained, hint.phrases)
    ]
    return _Reading(topics, notes, hints)


def _inside(inner: range, outer: range) -> bool:
    return outer.start <= inner.start and inner.stop <= outer.stop and len(outer) > len(inner)


def _resolve(topics: dict[str, list[str]], names_amazon: bool) -> list[str]:
    """Attribute damage on arrival and unowned customer service where the comment allows it."""
    notes = []
    if "damage" in topics:
        delivery = {"delay", "fulfilment", "delivery"} & topics.keys()
        if "fulfilment" in topics and "product" not in topics:
            notes.append("damage on arrival with a fulfilment cause: fulfilment")
            topics["fulfilment"] += topics.pop("damage")
        elif "product" in topics and not delivery:
            notes.append("damage on arrival with a product cause: product")
            topics["product"] += topics.pop("damage")
    if "service" in topics and names_amazon and "seller" not in topics:
        notes.append("the comment names Amazon: its customer service is Amazon's")
        topics["amazon_service"] = topics.get("amazon_service", []) + topics.pop("service")
    return notes


def _quoted(topics: Mapping[str, list[str]], names: Iterable[str]) -> str:
    return "; ".join(
        f"{TOPIC_NAMES[t]} " + ", ".join(f'"{q}"' for q in topics[t][:4])
        for t in sorted(names)
        if t in topics
    )


# --- the classifier ----------------------------------------------------------------------------


def classify(
    comment: str,
    rating: int,
    channel: Channel | None,
    buy_shipping_on_time: bool,
    rules: TriageRules,
) -> Classification:
    """Removable, strike-through eligible, or neither; with the words that decided it."""
    if rating > rules.max_rating:
        return Classification(
            Verdict.NEITHER,
            None,
            (
                f"rating {rating} is positive: only feedback rated {rules.max_rating} or lower "
                "is triaged",
            ),
        )
    words = _words(comment, rules)
    reading = _read(words, rules)
    topics, notes = reading.topics, reading.notes
    notes += _resolve(topics, bool(_find(words, rules.amazon_anchor)))
    found = tuple(sorted(topics))
    strong, mild = _profane(comment, rules)
    personal = _personal(comment, rules)
    if strong or personal:
        reasons = [f"obscene or profane: {', '.join(strong)}"] if strong else []
        if personal:
            reasons.append("personal information: " + ", ".join(personal))
        ground = Ground.OBSCENE if strong else Ground.PERSONAL_INFORMATION
        return Classification(Verdict.REMOVABLE, ground, tuple(reasons), found)
    if mild:
        notes.append("mild language is no removal ground: " + ", ".join(f'"{m}"' for m in mild))
    kinds = set(topics)
    about = _quoted(topics, kinds)
    if kinds == {"product"}:
        verdict, ground = Verdict.REMOVABLE, Ground.PRODUCT_REVIEW
        reasons = [
            f"entirely a product review: {about}",
            "nothing about delivery, customer service or the seller",
        ]
    elif kinds and kinds <= FBA_TOPICS and channel == Channel.AFN:
        verdict, ground = Verdict.STRIKE_THROUGH, Ground.FBA_FULFILLMENT
        reasons = [
            f"entirely about Amazon's fulfilment or customer service: {about}",
            "fulfilled by Amazon (AFN)",
        ]
    elif "delay" in kinds and kinds <= BUY_SHIPPING_TOPICS and buy_shipping_on_time:
        verdict, ground = Verdict.STRIKE_THROUGH, Ground.BUY_SHIPPING_DELAY
        reasons = [
            f"entirely about delay or non-delivery: {about}",
            "shipped on time with Buy Shipping",
        ]
    else:
        reasons = _why_neither(topics, channel, buy_shipping_on_time)
        return Classification(Verdict.NEITHER, None, (*reasons, *notes), found)
    vetoes = [f'"{quote}" ({hint.name})' for hint, quote in reading.hints if ground in hint.vetoes]
    if vetoes:
        return Classification(
            Verdict.NEITHER,
            None,
            (
                f"about {about}, which alone would be {ground}",
                f"but also mentions {', '.join(vetoes)}, which no rule explains: "
                "the entire comment is not shown to be about one topic",
                *notes,
            ),
            found,
        )
    return Classification(verdict, ground, (*reasons, *notes), found)


def _why_neither(
    topics: Mapping[str, list[str]], channel: Channel | None, buy_shipping_on_time: bool
) -> list[str]:
    kinds = set(topics)
    if not kinds:
        return ["no product, delivery or service words: no removal or strike-through ground"]
    reasons = [f"about {_quoted(topics, kinds)}"]
    if "damage" in kinds:
        reasons.append("damage on arrival with no cause: product condition or transit?")
    if "seller" in kinds:
        reasons.append("concerns a service the seller provided: never removed or struck through")
    if "service" in kinds:
        reasons.append("customer service without saying whose: not shown to be Amazon's")
    if "product" in kinds and len(kinds) > 1:
        reasons.append("mixes the product with service or delivery: not entirely a product review")
    if kinds <= FBA_TOPICS and channel != Channel.AFN:
        fulfilled = "self-fulfilled (MFN)" if channel == Channel.MFN else "of unknown channel"
        if not buy_shipping_on_time:
            reasons.append(
                f"the order is {fulfilled} and was not shipped on time with Buy Shipping"
            )
        else:
            reasons.append(
                "Buy Shipping covers only delay or non-delivery, not "
                + _quoted(topics, kinds - BUY_SHIPPING_TOPICS)
                if kinds - BUY_SHIPPING_TOPICS
                else "Buy Shipping needs a delay or non-delivery complaint"
            )
    return reasons
