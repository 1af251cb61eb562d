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

_TOKEN = re.compile(
    r"[\w'’]+|(?P<stop>[.!?…。！？]+)|(?P<pause>[,;:()\[\]–—、，；：「」（）]+|(?<=\s)[-/]+(?=\s))"
)
# Words: runs of a-z and 0-9, and each Japanese or Chinese character on its own (those
# languages do not separate words with spaces, so a lexicon phrase "壊れ" is read as the
# characters 壊 れ in a row; NFKD folding has already made half-width kana full-width).
# French and Italian elide an article or pronoun into the next word ("l'appareil", "s'est",
# "un'ora", "dell'ordine"): split there, so the lexicons see "appareil" and "ora".
_ELISION = re.compile(r"(?i)\b(l|d|s|n|j|m|t|c|qu|un|dell|all|nell|sull|dall|quell)'(?=[a-zà-ÿ])")
_WORD = re.compile(r"[a-z0-9]+|[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SENTENCE, CLAUSE = ".", ","  # boundary words: a phrase never spans one; a `...` gap spans a clause
_RUNS = re.compile(r"(.)\1{2,}")


def _fold(text: str, characters: Mapping[str, str]) -> str:
    """Lower case, no accents, mapped characters (ß -> ss), no apostrophes."""
    text = "".join(characters.get(c, c) for c in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("'", "")


_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold_words(words: Iterable[str], characters: Mapping[str, str]) -> list[str]:
    """Many dictionary words folded as comment words are, in one pass over their text (the
    per-character `_fold` would take seconds for a language's whole word list)."""
    table: dict[str, str | int | None] = dict(characters)
    text = "\n".join(words).lower().translate(str.maketrans(table))
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("'", "")
    return text.split("\n")


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
        folded = _fold(_ELISION.sub(r"\1 ", token.group().replace("’", "'")), rules.characters)
        for part in _WORD.findall(folded):
            for word in _spell(part, rules.spelling):
                words.append(_corrected(word, rules))
                spans.append(token.span())
    return _Words(comment, tuple(words), tuple(spans))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_CORRECTED = 4  # shorter words have too many neighbours one typo away


def _corrected(word: str, rules: TriageRules) -> str:
    """`word`, or the one lexicon word a single typo away (a letter missing, extra, wrong, or
    two swapped), keeping the first letter. A real word of any marketplace language, a word
    too short, or one near several lexicon words is left as it is."""
    vocabulary = rules.vocabulary
    if (
        len(word) < MIN_CORRECTED
        or word in vocabulary
        or word in rules.known_words
        or not word.isalpha()
        or not word.isascii()
    ):
        return word
    near = [w for w in _one_typo(word) if w in vocabulary and w[0] == word[0]]
    if not near:
        return word
    # Several: the one keeping most of the word's beginning, then its length ("brok" is
    # "broke", not "book"; "dayz" is "days", not "day"); a tie is left as written.
    ranked = sorted(((_kept(word, w), -abs(len(w) - len(word)), w) for w in near), reverse=True)
    if len(ranked) > 1 and ranked[0][:2] == ranked[1][:2]:
        return word
    return ranked[0][2]


def _kept(word: str, other: str) -> int:
    """How many leading letters `word` and `other` share."""
    shared = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _one_typo(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


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
        self.vocabulary: set[str] = set()

    def word(self, token: str) -> str:
        if token == "#":
            return self.number()
        if token.startswith("{") and token.endswith("}"):
            if token[1:-1] not in self.classes:
                raise ValueError(f"unknown class {token}")
            return self.alternatives(self.classes[token[1:-1]])
        star = token.endswith("*")
        folded = _fold(token.rstrip("*"), self.characters)
        parts = [p for part in _WORD.findall(folded) for p in self._spelled(part, star)]
        if not parts:
            raise ValueError(f"no word in {token!r}")
        if not star:
            self.vocabulary.update(parts)
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
