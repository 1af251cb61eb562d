"""Compiling feedback triage's data files (data/triage/*.toml) into `TriageRules`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sellerhealth.domain.triage_model import (
    TOPIC_NAMES,
    Ground,
    Hint,
    Lexicon,
    PersonalInfo,
    Phrase,
    Profanity,
    TriageRules,
)
from sellerhealth.domain.triage_text import _Compiler, _fold

# --- building the rules from plain data --------------------------------------------------------


class _Reader:
    """Reads the parsed data files, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Mapping[str, Any]]) -> None:
        self.raw = raw
        self.problems: list[str] = []
        norm = self.table("normalization")
        self.characters: dict[str, str] = dict(norm.get("characters", {}))
        self.spelling = {
            _fold(k, self.characters): tuple(str(v).split())
            for k, v in norm.get("spelling", {}).items()
        }
        classes = {k: self.strings(norm["classes"], k, "classes") for k in norm.get("classes", {})}
        classes.setdefault("number", [])
        self.settings: Mapping[str, Any] = norm.get("settings", {})
        gap = int(self.settings.get("gap_words", 3))
        self.compiler = _Compiler(classes, self.characters, self.spelling, gap)

    def table(self, name: str, within: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.raw if within is None else within).get(name, {} if within else None)
        if not isinstance(value, Mapping):
            self.problems.append(f"{name}: missing")
            return {}
        return value

    def strings(self, where: Mapping[str, Any], key: str, origin: str) -> list[str]:
        value = where.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(f"{origin}.{key}: expected a list of strings")
            return []
        return value

    def phrases(self, where: Mapping[str, Any], key: str, origin: str) -> tuple[Phrase, ...]:
        compiled = []
        for source in self.strings(where, key, origin):
            try:
                compiled.append(self.compiler.phrase(source))
            except (ValueError, re.error) as problem:
                self.problems.append(f"{origin}: {source!r}: {problem}")
        return tuple(compiled)

    def regexes(
        self, where: Mapping[str, Any], key: str, origin: str
    ) -> tuple[re.Pattern[str], ...]:
        compiled = []
        for pattern in self.strings(where, key, origin):
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as problem:
                self.problems.append(f"{origin}: {pattern!r}: {problem}")
        return tuple(compiled)

    def words(self, where: Mapping[str, Any], key: str, origin: str) -> frozenset[str]:
        return frozenset(_fold(w, self.characters) for w in self.strings(where, key, origin))

    def words_as_patterns(self, where: Mapping[str, Any], key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(
            re.compile(self.compiler.word(w)) for w in self.strings(where, key, f"profanity.{key}")
        )


def rules_from_dict(raw: Mapping[str, Mapping[str, Any]]) -> TriageRules:
    """Compile the parsed data files (file stem -> table) or raise ValueError listing problems."""
    read = _Reader(raw)
    lexicons, hints = [], []
    for file in ("product", "delivery", "customer_service", "seller_service"):
        for section, body in read.table(file).items():
            origin = f"{file}.{section}"
            if isinstance(body, Mapping) and "vetoes" in body:
                vetoes = frozenset(read.strings(body, "vetoes", origin))
                if vetoes - {g.value for g in Ground}:
                    read.problems.append(f"{origin}.vetoes: unknown ground in {sorted(vetoes)}")
                hints.append(Hint(origin, vetoes, read.phrases(body, "phrases", origin)))
            elif isinstance(body, Mapping) and "topic" in body:
                if body["topic"] not in TOPIC_NAMES:
                    read.problems.append(f"{origin}.topic: unknown topic {body['topic']!r}")
                lexicons.append(
                    Lexicon(origin, body["topic"], read.phrases(body, "phrases", origin))
                )
    negations = read.table("negations")
    disclaimers = read.table("disclaimers", negations)
    rules = TriageRules(
        max_rating=int(read.settings.get("max_rating", 3)),
        characters=read.characters,
        spelling=read.spelling,
        lexicons=tuple(lexicons),
        disclaimers=tuple(
            Lexicon(f"disclaimers.{topic}", topic, read.phrases(disclaimers, topic, "disclaimers"))
            for topic in disclaimers
        ),
        hints=tuple(hints),
        amazon_anchor=read.phrases(
            read.table("amazon_anchor", read.table("customer_service")), "phrases", "amazon_anchor"
        ),
        sarcasm=read.phrases(read.table("sarcasm", negations), "phrases", "sarcasm"),
        profanity=_profanity_rules(read),
        personal=_personal_rules(read),
        vocabulary=frozenset(read.compiler.vocabulary),
    )
    if read.problems:
        raise ValueError("; ".join(read.problems))
    return rules


def _profanity_rules(read: _Reader) -> Profanity:
    data = read.table("profanity")
    strong, mild = read.table("strong", data), read.table("mild", data)
    obfuscation = read.table("obfuscation", data)
    suffixes = read.strings(strong, "suffixes", "profanity.strong") or [""]
    forms = dict.fromkeys(  # ordered as listed: the first reading that fits is reported
        _fold(word.rstrip("*"), read.characters) + ending
        for word in read.strings(strong, "words", "profanity.strong")
        for ending in (suffixes if word.endswith("*") else [""])
    )
    return Profanity(
        strong=read.words_as_patterns(strong, "words"),
        forms=tuple(forms),
        mild=read.words_as_patterns(mild, "words"),
        leet=dict(obfuscation.get("leet", {})),
        masks=frozenset(obfuscation.get("masks", "*")),
        exceptions=read.words(strong, "exceptions", "profanity.strong"),
        unspaced=tuple(read.strings(strong, "unspaced", "profanity.strong")),
    )


def _personal_rules(read: _Reader) -> PersonalInfo:
    data = read.table("personal_information")
    names = read.table("names", data)
    return PersonalInfo(
        emails=read.regexes(read.table("email", data), "patterns", "email"),
        phones=read.regexes(read.table("phone", data), "patterns", "phone"),
        honorifics=read.words(names, "honorifics", "names"),
        intros=read.regexes(names, "introductions", "names"),
        first_names=read.words(names, "first_names", "names"),
        ambiguous_first_names=read.words(names, "ambiguous_first_names", "names"),
        surnames=read.words(names, "surnames", "names"),
        not_names=read.words(names, "not_names", "names"),
        stopwords=read.words(names, "not_surnames", "names"),
    )
