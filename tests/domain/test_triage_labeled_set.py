"""Feedback triage against the issue's goals on the labeled set (precision and recall of each
verdict).

Labeling conventions for tests/data/triage_labeled.csv (Amazon's policy, amazon-policy.md 1.3,
5.4, read conservatively): praise is a topic, so "fast shipping but it broke" is mixed; a
disclaimer ("not the seller's fault") takes its topic out; damage on arrival with no cause is
neither; customer service is Amazon's only when the comment names Amazon; listing accuracy and
condition as sold are the seller's service; mild words (crap, damn) are not profanity; ratings 4
and 5 are not triaged.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage import Verdict, classify

LABELED = Path(__file__).resolve().parents[1] / "data" / "triage_labeled.csv"


def test_labeled_set_meets_the_goals(rules):
    with LABELED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 420
    pairs = []
    for row in rows:
        channel = Channel(row["channel"]) if row["channel"] else None
        on_time = row["buy_shipping_on_time"] == "true"
        result = classify(row["comment"], int(row["rating"]), channel, on_time, rules)
        pairs.append((row["label"], result.verdict.value))
    for label in (Verdict.REMOVABLE, Verdict.STRIKE_THROUGH):
        expected = sum(1 for e, _ in pairs if e == label)
        predicted = sum(1 for _, p in pairs if p == label)
        correct = sum(1 for e, p in pairs if e == p == label)
        assert expected >= 90, label
        assert correct / predicted >= 0.95, f"{label} precision {correct / predicted:.3f}"
        assert correct / expected >= 0.80, f"{label} recall {correct / expected:.3f}"
