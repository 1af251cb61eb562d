"""Feedback triage's removal grounds read off the raw comment: profanity and personal
information (e-mail addresses, phone numbers, full names)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sellerhealth.domain.triage_model import Profanity, TriageRules
from sellerhealth.domain.triage_text import _fold

# --- removal grounds: profanity and personal information ---------------------------------------

_EDGES = "\"“”‘’'([{<>}]),.;:?!"
_SPELLED = re.compile(r"^(?:[a-z][.\-_]){2,}[a-z]?$")


def _profane(comment: str, rules: TriageRules) -> tuple[list[str], list[str]]:
    """Strong words (quoted as written, with their reading when obfuscated) and mild ones."""
    p = rules.profanity
    raw = [t.strip(_EDGES) for t in comment.split()]
    candidates = [t for t in raw if t]
    singles: list[str] = []
    for token in [*raw, ""]:  # letters spelled out one by one: "f u c k"
        if len(token) == 1 and token.isalpha():
            singles.append(token)
            continue
        if len(singles) >= 3:
            candidates.append(" ".join(singles))
        singles = []
    strong: list[str] = [f'"{word}"' for word in p.unspaced if word in comment]
    mild: list[str] = []
    for token in candidates:
        folded = "".join(rules.characters.get(c, c) for c in token.lower())
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
        )
        if _SPELLED.match(folded) or " " in folded:
            folded = re.sub(r"[.\-_ ]", "", folded)
        reading = _reading(folded, p)
        if reading:
            strong.append(f'"{token}"' if reading == folded else f'"{token}" (reads "{reading}")')
        elif folded.isalpha() and any(m.fullmatch(folded) for m in p.mild):
            mild.append(token)
    return strong, mild


def _reading(folded: str, p: Profanity) -> str | None:
    if folded.isalpha():
        if folded in p.exceptions:
            return None
        return folded if any(s.fullmatch(folded) for s in p.strong) else None
    unleeted = "".join(p.leet.get(c, c) for c in folded)
    if not any(c.isalpha() for c in unleeted) or not all(
        c.isalpha() or c in p.masks for c in unleeted
    ):
        return None
    if unleeted.isalpha():
        return _reading(unleeted, p)
    pattern = re.compile(re.sub(r"[^a-z]+", lambda m: f"[a-z]{{1,{len(m.group()) + 1}}}", unleeted))
    readings = [form for form in p.forms if pattern.fullmatch(form)]  # in the data file's order
    return min(readings, key=lambda form: abs(len(form) - len(unleeted)), default=None)


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _personal(comment: str, rules: TriageRules) -> list[str]:
    info = rules.personal
    found: list[str] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, span: tuple[int, int], text: str) -> None:
        if not any(span[0] < end and start < span[1] for start, end in taken):
            taken.append(span)
            found.append(f'{kind} "{text.strip()}"')

    for pattern in info.emails:
        for m in pattern.finditer(comment):
            add("e-mail address", m.span(), m.group())
    for pattern in info.phones:
        for m in pattern.finditer(comment):
            add("phone number", m.span(), m.group())
    for pattern in info.intros:
        for m in pattern.finditer(comment):
            if _fold(m.group(1), rules.characters) not in info.not_names:
                add("full name", m.span(1), m.group(1))
    for span in _full_names(comment, rules):
        add("full name", span, comment[span[0] : span[1]])
    return found


def _full_names(comment: str, rules: TriageRules) -> Iterable[tuple[int, int]]:
    info = rules.personal
    words = list(_NAME_WORD.finditer(comment))

    def key(m: re.Match[str]) -> str:
        return _fold(m.group(), rules.characters)

    def title(m: re.Match[str]) -> bool:
        w = m.group()
        return w[0].isupper() and any(c.islower() for c in w[1:])

    def capital(m: re.Match[str]) -> bool:
        return title(m) or (m.group().isupper() and len(m.group()) > 1)

    def joined(a: re.Match[str], b: re.Match[str], gap: str = r"\s{1,3}") -> bool:
        return re.fullmatch(gap, comment[a.end() : b.start()]) is not None

    for i in range(len(words) - 1):
        w1, w2 = words[i], words[i + 1]
        k1, k2 = key(w1), key(w2)
        if f"{k1} {k2}" in info.not_names or k2 in info.stopwords:
            continue
        if k1 in info.honorifics and i + 2 < len(words) and joined(w1, w2, r"\.?\s{1,3}"):
            w3 = words[i + 2]
            if (
                capital(w2)
                and capital(w3)
                and joined(w2, w3)
                and key(w3) not in info.stopwords
                and k2 not in info.not_names
            ):
                yield (w1.start(), w3.end())
            continue
        if not joined(w1, w2):
            continue
        if (
            (k1 in info.first_names and capital(w1) and title(w2))
            or (k1 in info.first_names and k2 in info.surnames)
            or (
                k1 in info.ambiguous_first_names
                and capital(w1)
                and capital(w2)
                and k2 in info.surnames
            )
        ):
            yield (w1.start(), w2.end())
