"""Feedback triage's text handling: comments and lexicon phrases normalised the same way
(folded, respelled, split into words), phrases compiled to patterns, and matched."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sellerhealth.domain.triage_model import Phrase, TriageRules

# --- normalisation -----------------------------------------------------------------------------

_TOKEN = re.compile(r"[\w'’]+|(?P<stop>[.!?…]+)|(?P<pause>[,;:()\[\]–—]+|(?<=\s)[-/]+(?=\s))")
SENTENCE, CLAUSE = ".", ","  # boundary words: a phrase never spans one; a `...` gap spans a clause
_RUNS = re.compile(r"(.)\1{2,}")


def _fold(text: str, characters: Mapping[str, str]) -> str:
    """Lower case, no accents, mapped characters (ß -> ss), no apostrophes."""
    text = "".join(characters.get(c, c) for c in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("'", "")


def _spell(word: str, spelling: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    if word in spelling:
        return spelling[word]
    squeezed = _RUNS.sub(r"\1", word)
    return spelling.get(squeezed, (word,))


@dataclass(frozen=True, slots=True)
class _Words:
    """A comment as normalised words, each remembering the span of the original it came from."""

    comment: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return " ".join(self.words) + " "

    def starts(self) -> list[int]:
        starts, at = [], 0
        for word in self.words:
            starts.append(at)
            at += len(word) + 1
        return starts

    def word_range(self, start: int, end: int) -> range:
        starts = self.starts()
        return range(bisect_right(starts, start) - 1, bisect_right(starts, max(start, end - 2)))

    def quote(self, indexes: range) -> str:
        return self.comment[self.spans[indexes[0]][0] : self.spans[indexes[-1]][1]]

    def masked(self, indexes: Iterable[int]) -> _Words:
        hidden = set(indexes)
        words = tuple("_" if i in hidden else w for i, w in enumerate(self.words))
        return _Words(self.comment, words, self.spans)


def _words(comment: str, rules: TriageRules) -> _Words:
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for token in _TOKEN.finditer(comment):
        if token.lastgroup:
            if words:
                words.append(SENTENCE if token.lastgroup == "stop" else CLAUSE)
                spans.append(token.span())
            continue
        folded = _fold(token.group().replace("’", "'"), rules.characters)
        for part in re.findall(r"[a-z0-9]+", folded):
            for word in _spell(part, rules.spelling):
                words.append(word)
                spans.append(token.span())
    return _Words(comment, tuple(words), tuple(spans))


# --- compiling phrases -------------------------------------------------------------------------


def _literal(word: str) -> str:
    """A word that tolerates repeated letters: "late" also matches "laaate"."""
    out = []
    for run in re.finditer(r"(.)\1*", word):
        char, size = run.group(1), len(run.group())
        if char.isalpha():
            out.append(re.escape(char) + ("+" if size == 1 else f"{{{size},}}"))
        else:
            out.append(re.escape(run.group()))
    return "".join(out)


class _Compiler:
    """Phrase syntax: words; `stem*`; `(a|b)`; `{class}`; `#` a number; `...` up to `gap` words;
    a trailing `?` makes a piece optional. Words are normalised as comments are."""

    def __init__(
        self,
        classes: Mapping[str, list[str]],
        characters: Mapping[str, str],
        spelling: Mapping[str, tuple[str, ...]],
        gap: int,
    ) -> None:
        self.classes, self.characters, self.spelling, self.gap = classes, characters, spelling, gap

    def word(self, token: str) -> str:
        if token == "#":
            return self.number()
        if token.startswith("{") and token.endswith("}"):
            if token[1:-1] not in self.classes:
                raise ValueError(f"unknown class {token}")
            return self.alternatives(self.classes[token[1:-1]])
        star = token.endswith("*")
        folded = _fold(token.rstrip("*"), self.characters)
        parts = [p for part in re.findall(r"[a-z0-9]+", folded) for p in self._spelled(part, star)]
        if not parts:
            raise ValueError(f"no word in {token!r}")
        return " ".join(_literal(p) for p in parts) + (r"\S*" if star else "")

    def _spelled(self, part: str, star: bool) -> tuple[str, ...]:
        return (part,) if star else self.spelling.get(part, (part,))

    def alternatives(self, words: Iterable[str]) -> str:
        return "|".join(" ".join(self.word(w) for w in alt.split()) for alt in words)

    def number(self) -> str:
        return r"\d+|" + self.alternatives(self.classes["number"])

    def piece(self, token: str) -> str:
        optional = len(token) > 1 and token.endswith("?")
        token = token[:-1] if optional else token
        if token == "...":
            words = rf"[^ {re.escape(SENTENCE + CLAUSE)}]+"  # a clause mark is free, a stop ends
            return rf"(?:{CLAUSE} )?(?:{words} (?:{CLAUSE} )?){{0,{self.gap}}}?"
        if token.startswith("(") and token.endswith(")"):
            body = self.alternatives(token[1:-1].split("|"))
        else:
            body = self.word(token)
        return f"(?:(?:{body}) )?" if optional else f"(?:{body}) "

    def phrase(self, source: str) -> Phrase:
        tokens = re.findall(r"\([^)]*\)\??|\S+", source)
        while tokens and tokens[-1] == "...":  # a gap only ever joins two words
            tokens.pop()
        while tokens and tokens[0] == "...":
            tokens.pop(0)
        if not tokens:
            raise ValueError("empty phrase")
        body = "".join(self.piece(token) for token in tokens)
        return Phrase(source, re.compile(r"(?:(?<= )|^)" + body))


def _find(words: _Words, phrases: Iterable[Phrase]) -> list[tuple[range, Phrase]]:
    text, found = words.text, []
    for phrase in phrases:
        for match in phrase.pattern.finditer(text):
            if match.end() > match.start():
                found.append((words.word_range(match.start(), match.end()), phrase))
    return found
