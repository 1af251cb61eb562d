"""A second opinion for the comments the triage rules cannot read: the nearest labeled example.

The rules decide; this only speaks where they found no topic at all ("no product, delivery or
service words"). There, a model (sellerhealth.triage_embeddings, an optional extra) finds the
labeled example closest in meaning; when it is close enough, the comment takes that example's
topic, and the verdict follows the same policy as the rules' (a product review is removable; a
delivery complaint is struck through only on an FBA order: the examples do not tell a delay,
which Buy Shipping covers, from other delivery trouble, which it does not). Every such verdict
says which example it rests on and how close it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage_model import Classification, Ground, Verdict

PRODUCT, DELIVERY, OTHER = "product", "delivery", "other"
NO_TOPIC = "no product, delivery or service words"


@dataclass(frozen=True, slots=True)
class Neighbour:
    group: str  # PRODUCT, DELIVERY or OTHER
    similarity: float  # cosine, -1 to 1
    example: str


class Neighbours(Protocol):
    def nearest(self, comment: str) -> Neighbour | None: ...


def second_opinion(
    result: Classification,
    comment: str,
    channel: Channel | None,
    neighbours: Neighbours,
    threshold: float,
) -> Classification:
    """`result`, or, where the rules read no topic, the verdict of the nearest example."""
    if result.verdict is not Verdict.NEITHER or result.topics:
        return result
    if not result.reasons or not result.reasons[0].startswith(NO_TOPIC):
        return result  # e.g. a 4-5 star rating: not triaged at all
    found = neighbours.nearest(comment)
    if found is None or found.similarity < threshold or found.group == OTHER:
        return result
    why = (
        f'closest labeled example "{found.example}" '
        f"({found.group}, similarity {found.similarity:.2f})"
    )
    if found.group == PRODUCT:
        return Classification(
            Verdict.REMOVABLE, Ground.PRODUCT_REVIEW, (f"entirely a product review: {why}",)
        )
    if channel == Channel.AFN:
        return Classification(
            Verdict.STRIKE_THROUGH,
            Ground.FBA_FULFILLMENT,
            (f"about Amazon's delivery: {why}", "fulfilled by Amazon (AFN)"),
        )
    return Classification(Verdict.NEITHER, None, (*result.reasons, f"delivery-like: {why}"))
