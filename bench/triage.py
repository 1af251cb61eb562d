"""Feedback triage, measured: precision and recall per label on the hand-labeled comments.

    .venv/bin/python bench/triage.py            # the tuning set: the table and the summary line
    .venv/bin/python bench/triage.py --errors   # also every misclassified row, with its reasons
    .venv/bin/python bench/triage.py --heldout  # the held-out set, per label and per language
    python bench/triage.py --heldout --embeddings  # with the optional embedding second opinion

Two sets: tests/data/triage_labeled.csv is the set the rules are tuned on;
tests/data/triage_heldout.csv (324 comments, 54 in each of en, de, fr, es, it, ja, with
misspellings) was written and committed before any tuning for issue 14 and is never tuned on,
so its figures say how the rules do on comments they were not tuned on. The multilingual
lexicons were tuned on tests/data/triage_tuning_languages.csv (101 other comments). Caveat: the
same engineer wrote the held-out set and the lexicons, so the set is held out from tuning runs,
not unseen by the person tuning; and the issue's three examples are in it.
    .venv/bin/python bench/triage.py --data tests/data/triage_tuning_languages.csv

Goals (the issue): precision >= 0.95 for removable and strike_through (a wrong removal request
costs the seller credibility with Amazon), recall >= 0.80. The labels follow Amazon's policy
(amazon-policy.md 1.3, 5.4) and these reading conventions:

- praise is a topic: "fast shipping but it broke" mixes delivery and product (neither);
- a disclaimer ("not the seller's fault") takes its topic out;
- damage on arrival with no cause is neither (product or transit?);
- customer service counts as Amazon's only when the comment names Amazon;
- listing accuracy and condition as sold (used, fake, expired) are the seller's service;
- mild words (crap, damn, hell) are not profanity;
- ratings of 4 and 5 are not triaged.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sellerhealth.domain.records import Channel  # noqa: E402
from sellerhealth.domain.triage import Classification, Verdict, classify  # noqa: E402
from sellerhealth.domain.triage_neighbours import Neighbours, second_opinion  # noqa: E402
from sellerhealth.ingest.triage_rules import load_triage_rules  # noqa: E402
from sellerhealth.triage_embeddings import THRESHOLD, EmbeddingNeighbours  # noqa: E402

LABELED = ROOT / "tests" / "data" / "triage_labeled.csv"
HELDOUT = ROOT / "tests" / "data" / "triage_heldout.csv"


def load_rows(path: Path = LABELED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def predict(
    rows: list[dict[str, str]], neighbours: Neighbours | None = None
) -> list[tuple[dict[str, str], Classification]]:
    rules = load_triage_rules()
    out = []
    for row in rows:
        channel = Channel(row["channel"]) if row["channel"] else None
        on_time = row["buy_shipping_on_time"].strip().lower() == "true"
        found = classify(row["comment"], int(row["rating"]), channel, on_time, rules)
        if neighbours is not None:
            found = second_opinion(found, row["comment"], channel, neighbours, THRESHOLD)
        out.append((row, found))
    return out


def scores(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, int]]:
    """label -> (precision, recall, support) from (expected, predicted) pairs."""
    result = {}
    for label in Verdict:
        tp = sum(1 for e, p in pairs if e == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        support = sum(1 for e, _ in pairs if e == label)
        precision = tp / predicted if predicted else 1.0
        recall = tp / support if support else 1.0
        result[label.value] = (precision, recall, support)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misclassified rows")
    parser.add_argument("--data", type=Path, default=None, help="labeled CSV")
    parser.add_argument("--heldout", action="store_true", help="the held-out set, by language")
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="add the optional sentence-embedding second opinion (the embeddings extra)",
    )
    args = parser.parse_args(argv)
    args.data = args.data or (HELDOUT if args.heldout else LABELED)
    rows = load_rows(args.data)
    neighbours = EmbeddingNeighbours() if args.embeddings else None
    started = time.perf_counter()
    results = predict(rows, neighbours)
    elapsed = time.perf_counter() - started
    pairs = [(row["label"], str(c.verdict)) for row, c in results]
    table = scores(pairs)
    print(f"{len(rows)} labeled comments from {args.data.name}, classified in {elapsed:.2f} s")
    print(f"{'label':<16}{'precision':>10}{'recall':>10}{'support':>9}")
    for label, (precision, recall, support) in table.items():
        print(f"{label:<16}{precision:>10.3f}{recall:>10.3f}{support:>9}")
    languages = sorted({row.get("language") or "" for row, _ in results} - {""})
    if languages:
        print(f"\n{'language':<10}{'label':<16}{'precision':>10}{'recall':>10}{'support':>9}")
        for language in languages:
            subset = [
                (row["label"], str(c.verdict)) for row, c in results if row["language"] == language
            ]
            for label, (precision, recall, support) in scores(subset).items():
                print(f"{language:<10}{label:<16}{precision:>10.3f}{recall:>10.3f}{support:>9}")
    confusion = Counter(pairs)
    mistakes = [f"{e}->{p}: {n}" for (e, p), n in sorted(confusion.items()) if e != p]
    print("confusion (expected -> predicted): " + (", ".join(mistakes) or "none"))
    if args.errors:
        for row, c in results:
            if row["label"] != c.verdict:
                print(
                    f"\n[{row['label']} -> {c.verdict}] {row['rating']}* "
                    f"{row['channel'] or '-'} bs={row['buy_shipping_on_time']}: {row['comment']}"
                )
                for reason in c.reasons:
                    print(f"    {reason}")
    rp, rr, _ = table["removable"]
    sp, sr, _ = table["strike_through"]
    print(
        f"removable_precision={rp:.3f} removable_recall={rr:.3f} "
        f"strike_through_precision={sp:.3f} strike_through_recall={sr:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
