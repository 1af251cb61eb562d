"""Triage's optional second opinion: only where the rules read no topic (issue 14)."""

from pathlib import Path

import numpy as np
import pytest

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage import Verdict, classify
from sellerhealth.domain.triage_neighbours import Neighbour, second_opinion
from sellerhealth.triage_embeddings import EXEMPLARS, EmbeddingNeighbours


class Fixed:
    def __init__(self, found: Neighbour | None) -> None:
        self.found, self.asked = found, []

    def nearest(self, comment: str) -> Neighbour | None:
        self.asked.append(comment)
        return self.found


def opinion(rules, comment, neighbours, channel=Channel.AFN, rating=1):
    result = classify(comment, rating, channel, False, rules)
    return second_opinion(result, comment, channel, neighbours, threshold=0.75)


def test_a_comment_the_rules_cannot_read_takes_its_close_example(rules):
    near = Fixed(Neighbour("product", 0.81, "Toaster only browns one side"))

    result = opinion(rules, "Toaster only toasts one half", near)

    assert result.verdict == Verdict.REMOVABLE
    assert result.reasons == (
        'entirely a product review: closest labeled example "Toaster only browns one side" '
        "(product, similarity 0.81)",
    )


def test_a_far_example_says_nothing(rules):
    result = opinion(rules, "Toaster only toasts one half", Fixed(Neighbour("product", 0.6, "x")))
    assert result.verdict == Verdict.NEITHER


def test_delivery_examples_strike_through_only_fba(rules):
    near = Fixed(Neighbour("delivery", 0.9, "Package came a week late"))
    assert opinion(rules, "Zugestellt nach Ostern", near).verdict == Verdict.STRIKE_THROUGH
    assert opinion(rules, "Zugestellt nach Ostern", near, Channel.MFN).verdict == Verdict.NEITHER


def test_what_the_rules_read_is_never_asked(rules):
    near = Fixed(Neighbour("product", 0.99, "x"))

    assert opinion(rules, "Seller never answered my messages", near).verdict == Verdict.NEITHER
    assert opinion(rules, "Toaster only toasts one half", near, rating=5).verdict == (
        Verdict.NEITHER
    )
    assert near.asked == []


class BagOfLetters:
    """A stand-in model: letter counts, unit length (the real one is MiniLM, 384 dimensions)."""

    def encode(self, texts, batch_size=64, normalize_embeddings=True):
        vectors = np.array(
            [[t.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts], float
        )
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def test_embedding_neighbours_find_the_closest_example(tmp_path: Path):
    examples = tmp_path / "examples.csv"
    examples.write_text("group,comment\nproduct,zzzz qqq\ndelivery,aaaa bbb\n", encoding="utf-8")

    found = EmbeddingNeighbours(BagOfLetters(), examples).nearest("zzz qq")

    assert (found.group, found.example) == ("product", "zzzz qqq")
    assert found.similarity == pytest.approx(18 / (13**0.5 * 5))  # (3,2)·(4,3) / |a||b|


def test_the_shipped_examples_are_labeled():
    lines = EXEMPLARS.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "group,comment"
    assert len(lines) > 700
