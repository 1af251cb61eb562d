"""Reading the feedback-triage data files (the I/O half of `domain.triage` and `domain.messages`).

The lexicons, patterns and message templates live in `sellerhealth/data/triage/`, one TOML file
per lexicon, inside the package so an installed wheel carries them. A different directory (a
marketplace's own lexicons) can be given instead; it must hold the same files.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sellerhealth.domain.messages import MessageTemplates, templates_from_dict
from sellerhealth.domain.triage import TriageRules, rules_from_dict
from sellerhealth.domain.triage_text import fold_words
from sellerhealth.errors import PolicyError

TRIAGE_FILES = (
    "normalization",
    "profanity",
    "personal_information",
    "product",
    "delivery",
    "customer_service",
    "seller_service",
    "negations",
)
TEMPLATES_FILE = "templates"


def triage_data_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "triage"


def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(str(path), ["file not found"]) from None
    except tomllib.TOMLDecodeError as problem:
        raise PolicyError(str(path), [f"not valid TOML: {problem}"]) from None


def load_triage_rules(path: str | Path | None = None) -> TriageRules:
    """Compile the triage lexicons in `path` (a directory; default: the bundled ones)."""
    folder = Path(path) if path is not None else triage_data_dir()
    raw = {name: _read(folder, name) for name in TRIAGE_FILES}
    try:
        rules = rules_from_dict(raw)
    except ValueError as problem:
        raise PolicyError(str(folder), str(problem).split("; ")) from None
    return replace(rules, known_words=known_words(tuple(rules.characters.items())))


# The spelling dictionaries' languages: the marketplaces' (Japanese needs none: its words are
# read character by character, so there is nothing to misspell one letter away).
DICTIONARY_LANGUAGES = ("en", "de", "fr", "es", "it")
MIN_FREQUENCY = 100  # rarer dictionary entries are mostly names, typos and inflections


@lru_cache(maxsize=2)
def known_words(characters: tuple[tuple[str, str], ...] = ()) -> frozenset[str]:
    """The common words of the marketplace languages, folded as comments are (pyspellchecker's
    word-frequency lists, shipped inside the package: nothing is downloaded)."""
    from spellchecker import SpellChecker

    words: set[str] = set()
    for language in DICTIONARY_LANGUAGES:
        frequencies = SpellChecker(language=language, distance=1).word_frequency.dictionary
        words.update(w for w, n in frequencies.items() if n >= MIN_FREQUENCY)
    return frozenset(fold_words(words, dict(characters)))


def load_message_templates(path: str | Path | None = None) -> MessageTemplates:
    """Read the removal-request and buyer-message templates (default: the bundled ones).

    `path` is the templates file itself or the directory holding `templates.toml`. A buyer
    template that breaks Amazon's Buyer-Seller Messaging rules is refused here.
    """
    target = Path(path) if path is not None else triage_data_dir()
    if target.is_dir():
        target = target / f"{TEMPLATES_FILE}.toml"
    raw = _read(target.parent, target.stem)
    try:
        return templates_from_dict(raw)
    except ValueError as problem:
        raise PolicyError(str(target), str(problem).split("\n")) from None
