"""Feedback triage's vocabulary: verdicts, grounds, topics, and the compiled rules' types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    REMOVABLE = "removable"
    STRIKE_THROUGH = "strike_through"
    NEITHER = "neither"


class Ground(StrEnum):
    OBSCENE = "obscene"
    PERSONAL_INFORMATION = "personal_information"
    PRODUCT_REVIEW = "product_review"
    FBA_FULFILLMENT = "fba_fulfillment"
    BUY_SHIPPING_DELAY = "buy_shipping_delay"


TOPIC_NAMES: Mapping[str, str] = {
    "product": "product",
    "delay": "delivery delay",
    "fulfilment": "fulfilment",
    "delivery": "delivery",
    "damage": "damage on arrival",
    "amazon_service": "Amazon customer service",
    "service": "customer service (whose is not said)",
    "seller": "seller service",
}
FBA_TOPICS = frozenset({"delay", "fulfilment", "delivery", "amazon_service"})
BUY_SHIPPING_TOPICS = frozenset({"delay", "delivery"})


@dataclass(frozen=True, slots=True)
class Classification:
    verdict: Verdict
    ground: Ground | None
    reasons: tuple[str, ...]
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Phrase:
    source: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    name: str
    topic: str
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class Hint:
    """Words too weak to make a topic that still veto a ground when nothing explains them."""

    name: str
    vetoes: frozenset[str]
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class Profanity:
    strong: tuple[re.Pattern[str], ...]
    forms: tuple[str, ...]  # spelled-out strong words, matched against masked tokens
    mild: tuple[re.Pattern[str], ...]
    leet: Mapping[str, str]
    masks: frozenset[str]
    exceptions: frozenset[str]
    # Written without spaces between words (Japanese): found anywhere in the comment.
    unspaced: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonalInfo:
    emails: tuple[re.Pattern[str], ...]
    phones: tuple[re.Pattern[str], ...]
    honorifics: frozenset[str]
    intros: tuple[re.Pattern[str], ...]
    first_names: frozenset[str]
    ambiguous_first_names: frozenset[str]
    surnames: frozenset[str]
    not_names: frozenset[str]
    stopwords: frozenset[str]


@dataclass(frozen=True)
class TriageRules:
    """Every lexicon and pattern, compiled. Build it with `rules_from_dict`."""

    max_rating: int
    characters: Mapping[str, str]
    spelling: Mapping[str, tuple[str, ...]]
    lexicons: tuple[Lexicon, ...]
    disclaimers: tuple[Lexicon, ...]
    hints: tuple[Hint, ...]
    amazon_anchor: tuple[Phrase, ...]
    sarcasm: tuple[Phrase, ...]
    profanity: Profanity
    personal: PersonalInfo
    # Every word the lexicons spell out: a comment word one typo away from exactly one of them
    # is read as that word ("prodcut" as "product", "recieved" as "received").
    vocabulary: frozenset[str] = frozenset()
    # Real words of the marketplace languages (from a spelling dictionary): never "corrected",
    # so the Spanish "perro" is not read as the Italian "perso".
    known_words: frozenset[str] = frozenset()
