"""The bundled sample seller for `sellerhealth demo`: six months of one realistic account.

`write_sample` writes Amazon's own report files (the all-orders flat file, two seller-feedback
reports, a V2 seller-performance report) and canonical CSVs for what Amazon has no report for
(ship dates, A-to-z claims, chargebacks, shipments, carrier scans, cancellations, policy
violations, buyer messages). Everything comes from one `random.Random(seed)`: the same seed
gives the same bytes, whatever the interpreter's hash seed.

The seller, "Northfield Goods", sells 15 SKUs in 4 categories, about 60% of its orders
fulfilled by Amazon (AFN) and 40% by itself (MFN). Outside the ODR window of `end` defects
arrive at background rates; inside it they are placed on purpose, so that as of `end` the MFN
channel's ODR sits just under the 1% line and AFN's well below it. `summary()` recomputes the
figures from the generated events with the rules of SPEC section 4, and `performance.json`
(Amazon's own view) agrees on AFN and counts one MFN defect more: a Buy Shipping protected
claim that the policy leaves out, a reconciliation difference for the demo to explain.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sellerhealth.sample.clock import (
    FEEDBACK_1_LAG_DAYS,
    HISTORY_DAYS,
    ODR_LAG_DAYS,
    ODR_WINDOW_DAYS,
    QUIET_DAYS,
    ndays,
)
from sellerhealth.sample.figures import OdrFigure, amazon_view, odr_as_of, shipping_figures
from sellerhealth.sample.files import csv_rows, csv_text, feedback_text, item_rows, tsv_text
from sellerhealth.sample.generator import Generator
from sellerhealth.sample.layout import (
    CANCELLATIONS_FILE,
    CHARGEBACKS_FILE,
    CLAIMS_FILE,
    CSV_COLUMNS,
    FEEDBACK_1_FILE,
    FEEDBACK_2_FILE,
    FEEDBACK_COLUMNS,
    FILE_NAMES,
    MESSAGES_FILE,
    ORDER_COLUMNS,
    ORDERS_EXTRA_FILE,
    ORDERS_FILE,
    PERFORMANCE_FILE,
    SHIPMENTS_FILE,
    TRACKING_FILE,
    VIOLATIONS_FILE,
)
from sellerhealth.sample.performance import MARKETPLACE_ID, performance_report
from sellerhealth.sample.plan import AFN_ODR_AIM, MFN_ODR_RANGE

__all__ = [  # this module's names before it was split into the sample package
    "AFN_ODR_AIM",
    "CANCELLATIONS_FILE",
    "CHARGEBACKS_FILE",
    "CLAIMS_FILE",
    "CSV_COLUMNS",
    "DEMO_AS_OF",
    "DEMO_SEED",
    "FEEDBACK_1_FILE",
    "FEEDBACK_1_LAG_DAYS",
    "FEEDBACK_2_FILE",
    "FEEDBACK_COLUMNS",
    "FILE_NAMES",
    "HISTORY_DAYS",
    "MARKETPLACE_ID",
    "MESSAGES_FILE",
    "MFN_ODR_RANGE",
    "ODR_LAG_DAYS",
    "ODR_WINDOW_DAYS",
    "ORDERS_EXTRA_FILE",
    "ORDERS_FILE",
    "ORDER_COLUMNS",
    "PERFORMANCE_FILE",
    "QUIET_DAYS",
    "SHIPMENTS_FILE",
    "TRACKING_FILE",
    "VIOLATIONS_FILE",
    "OdrFigure",
    "SampleSummary",
    "main",
    "summary",
    "write_sample",
]

DEMO_AS_OF = date(2026, 11, 20)
DEMO_SEED = 7


@dataclass(frozen=True)
class SampleSummary:
    """What the sample holds, and the figures the demo's report should show as of `end`."""

    end: date
    seed: int
    orders: dict[str, int]  # every order per channel, all 183 days
    item_rows: int
    odr_window: tuple[date, date]
    odr: dict[str, OdrFigure]  # as of `end`, by SPEC section 4
    amazon_odr: dict[str, OdrFigure]  # what performance.json says
    odr_history: dict[date, dict[str, OdrFigure]]  # as of each of the 60 days before `end`, too
    metrics: dict[str, tuple[int, int]]  # (numerator, denominator) per shipping/contact metric
    file_rows: dict[str, int]  # data rows per file (performance.json: 1)
    feedback_kinds: dict[str, int]
    removed_feedback: tuple[str, ...]  # order ids in feedback-1 missing from feedback-2

    def text(self) -> str:
        lines = [
            f"sample seller as of {self.end} (seed {self.seed})",
            f"orders: {sum(self.orders.values())} "
            + ", ".join(f"{ch} {n}" for ch, n in sorted(self.orders.items()))
            + f"; {self.item_rows} item rows",
            f"ODR window {self.odr_window[0]} .. {self.odr_window[1]}",
        ]
        for channel in ("MFN", "AFN"):
            ours, amazon = self.odr[channel], self.amazon_odr[channel]
            lines.append(
                f"  {channel} ODR {ours.defective}/{ours.orders} = {ours.rate:.4%}"
                f" (negative feedback {ours.negative_feedback}, claims {ours.claims},"
                f" chargebacks {ours.chargebacks}); Amazon's report {amazon.defective}/"
                f"{amazon.orders} = {amazon.rate:.4%}"
            )
        for channel in ("MFN", "AFN"):
            day, peak = max(
                ((day, odr[channel]) for day, odr in self.odr_history.items() if day < self.end),
                key=lambda item: (item[1].rate, item[0]),
            )
            lines.append(
                f"  {channel} ODR peak over the 60 days before: {peak.defective}/{peak.orders}"
                f" = {peak.rate:.4%} as of {day}"
            )
        for name, (numerator, denominator) in self.metrics.items():
            share = f"{numerator / denominator:.2%}" if denominator else "n/a"
            lines.append(f"  {name}: {numerator}/{denominator} = {share}")
        lines.append("files: " + ", ".join(f"{n} {c}" for n, c in self.file_rows.items()))
        lines.append(
            "feedback kinds: " + ", ".join(f"{k} {n}" for k, n in self.feedback_kinds.items())
        )
        lines.append("removed feedback (feedback-1 only): " + ", ".join(self.removed_feedback))
        return "\n".join(lines)


def _build(end: date, seed: int) -> tuple[dict[str, str], SampleSummary]:
    g = Generator(end, seed)
    g.run()
    cutoff = end - ndays(FEEDBACK_1_LAG_DAYS)
    newer = [f for f in g.feedback if not f.removed]
    removal_day = max(f.day for f in newer)
    history = {
        end - ndays(back): odr_as_of(g, end - ndays(back), removal_day)
        for back in range(60, -1, -1)
    }
    ours = history[end]
    for channel, figure in ours.items():
        if figure.defective != g.planned[channel]:
            raise RuntimeError(f"sample generator bug: {channel} {figure} vs plan {g.planned}")
    amazon = amazon_view(g, ours)
    figures = shipping_figures(g)
    order_rows = list(item_rows(g))
    texts = {
        ORDERS_FILE: tsv_text(ORDER_COLUMNS, order_rows),
        FEEDBACK_1_FILE: feedback_text(f for f in g.feedback if f.day <= cutoff),
        FEEDBACK_2_FILE: feedback_text(newer),
        PERFORMANCE_FILE: performance_report(g, amazon, figures),
    }
    rows = {name: rows for name, rows in csv_rows(g).items()}
    texts.update({name: csv_text(CSV_COLUMNS[name].split(), table) for name, table in rows.items()})
    counts = {
        ORDERS_FILE: len(order_rows),
        FEEDBACK_1_FILE: sum(f.day <= cutoff for f in g.feedback),
        FEEDBACK_2_FILE: len(newer),
        PERFORMANCE_FILE: 1,
    }
    counts.update({name: len(table) for name, table in rows.items()})
    summary = SampleSummary(
        end=end,
        seed=seed,
        orders=dict(sorted(Counter(o.channel for o in g.orders).items())),
        item_rows=len(order_rows),
        odr_window=g.window,
        odr=ours,
        amazon_odr=amazon,
        odr_history=history,
        metrics=figures,
        file_rows={name: counts[name] for name in FILE_NAMES},
        feedback_kinds=dict(sorted(Counter(f.kind for f in g.feedback).items())),
        removed_feedback=tuple(sorted(f.order.order_id for f in g.feedback if f.removed)),
    )
    return texts, summary


def summary(end: date = DEMO_AS_OF, seed: int = DEMO_SEED) -> SampleSummary:
    """The sample's figures without writing it: orders, ODR per channel as of `end`, rows."""
    return _build(end, seed)[1]


def write_sample(directory: Path, end: date = DEMO_AS_OF, seed: int = DEMO_SEED) -> list[Path]:
    """Write the sample files into `directory`; their paths, in the order to import them."""
    directory.mkdir(parents=True, exist_ok=True)
    texts, _ = _build(end, seed)
    paths = []
    for name in FILE_NAMES:
        path = directory / name
        path.write_bytes(texts[name].encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sellerhealth demo's sample data.")
    parser.add_argument("directory", type=Path, nargs="?")
    parser.add_argument("--end", type=date.fromisoformat, default=DEMO_AS_OF)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args(argv)
    if args.directory:
        for path in write_sample(args.directory, args.end, args.seed):
            print(path)
    print(summary(args.end, args.seed).text())


if __name__ == "__main__":
    main()
