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
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sellerhealth.domain.records import Channel


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


# --- building the rules from plain data --------------------------------------------------------


class _Reader:
    """Reads the parsed data files, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Mapping[str, Any]]) -> None:
        self.raw, self.problems = raw, []
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
    strong: list[str] = []
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
    info, found, taken = rules.personal, [], []

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
