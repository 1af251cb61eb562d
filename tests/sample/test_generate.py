"""The bundled sample seller: deterministic, complete, readable by the importers, and with the
ODR it was designed to have (MFN just under the 1% line, AFN well below) as of DEMO_AS_OF."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.records import Feedback, FeedbackReport, Order
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.ingest.registry import detect_kind
from sellerhealth.ingest.values import parse_us_day
from sellerhealth.sample.generate import (
    DEMO_AS_OF,
    FILE_NAMES,
    SampleSummary,
    summary,
    write_sample,
)

END = DEMO_AS_OF
KINDS = {
    "orders.tsv": "amazon-orders",
    "orders-extra.csv": "orders",
    "feedback-1.tsv": "amazon-feedback",
    "feedback-2.tsv": "amazon-feedback",
    "claims.csv": "claims",
    "chargebacks.csv": "chargebacks",
    "shipments.csv": "shipments",
    "tracking-events.csv": "tracking-events",
    "cancellations.csv": "cancellations",
    "violations.csv": "violations",
    "messages.csv": "messages",
    "performance.json": "amazon-performance",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = write_sample(tmp_path_factory.mktemp("sample"))
    return {path.name: path for path in paths}


@pytest.fixture(scope="module")
def figures() -> SampleSummary:
    return summary()


def rows(path: Path) -> list[dict[str, str]]:
    """A file's rows as dicts: tab-separated Amazon reports unquoted, CSVs as CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        if path.suffix == ".tsv":
            return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        return list(csv.DictReader(handle))


def test_writes_every_file_in_the_order_to_import_them(tmp_path):
    paths = write_sample(tmp_path)
    assert [p.name for p in paths] == list(KINDS) == list(FILE_NAMES)
    assert all(p.parent == tmp_path and p.stat().st_size > 0 for p in paths)


def test_the_same_seed_writes_the_same_bytes_whatever_the_hash_seed(sample, tmp_path):
    again = write_sample(tmp_path / "again")
    assert all(p.read_bytes() == sample[p.name].read_bytes() for p in again)
    # A set iterated in hash order would differ between interpreter runs, not within one.
    script = "import sys, pathlib; from sellerhealth.sample.generate import write_sample; "
    script += "write_sample(pathlib.Path(sys.argv[1]))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "other")], env=env, check=True)
    for name, path in sample.items():
        assert (tmp_path / "other" / name).read_bytes() == path.read_bytes(), name
    other_seed = write_sample(tmp_path / "seed8", seed=8)[0]
    assert other_seed.read_bytes() != sample["orders.tsv"].read_bytes()


def test_every_file_is_detected_as_its_kind_and_reads_without_errors(sample):
    for name, path in sample.items():
        importer = detect_kind(path)
        assert importer.kind == KINDS[name]
        result = importer.read(path, ReadOptions())
        assert result.errors == [], name
        assert result.records, name


def test_six_months_of_orders_in_amazons_flat_file(sample, figures):
    items = rows(sample["orders.tsv"])
    orders = {row["amazon-order-id"]: row for row in items}
    assert 6000 <= len(orders) <= 9000
    assert len(items) > len(orders)  # some orders have 2-3 item rows
    assert sum(figures.orders.values()) == len(orders)
    assert figures.file_rows["orders.tsv"] == len(items)
    channels = [row["fulfillment-channel"] for row in orders.values()]
    assert 0.55 <= channels.count("Amazon") / len(channels) <= 0.65
    assert set(channels) == {"Amazon", "Merchant"}
    assert {row["order-status"] for row in orders.values()} == {"Shipped", "Pending", "Cancelled"}
    assert 0 < sum(row["is-business-order"] == "true" for row in orders.values()) < 400
    assert {row["sales-channel"] for row in items} == {"Amazon.com"}
    assert 10 <= len({row["sku"] for row in items}) <= 20
    placed = [datetime.fromisoformat(row["purchase-date"]) for row in orders.values()]
    assert {p.strftime("%z") for p in placed} == {"-0700", "-0800"}  # summer and winter
    utc_days = [_utc_day(p) for p in placed]
    assert min(utc_days) == END - timedelta(days=182) and max(utc_days) == END
    assert sum(p.date() != day for p, day in zip(placed, utc_days, strict=True)) > 100


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def test_orders_extra_repeats_each_mfn_order_with_its_utc_purchase_day(sample):
    orders = {row["amazon-order-id"]: row for row in rows(sample["orders.tsv"])}
    extra = rows(sample["orders-extra.csv"])
    mfn = {k for k, row in orders.items() if row["fulfillment-channel"] == "Merchant"}
    assert {row["order_id"] for row in extra} == mfn
    for row in extra:
        placed = datetime.fromisoformat(orders[row["order_id"]]["purchase-date"])
        assert row["purchase_date"] == _utc_day(placed).isoformat()
        assert row["fulfillment_channel"] == "MFN"
        assert row["latest_ship_date"] >= row["purchase_date"]
        assert row["latest_delivery_date"] > row["latest_ship_date"]


def test_feedback_2_lacks_the_removed_feedback_of_feedback_1(sample, figures):
    older = {row["Order ID"]: row for row in rows(sample["feedback-1.tsv"])}
    newer = {row["Order ID"]: row for row in rows(sample["feedback-2.tsv"])}
    removed = set(older) - set(newer)
    assert 2 <= len(removed) <= 4
    assert removed == set(figures.removed_feedback)
    assert all(int(older[order_id]["Rating"]) <= 2 for order_id in removed)
    assert all(newer[k] == row for k, row in older.items() if k not in removed)
    older_days = [parse_us_day(row["Date"]) for row in older.values()]
    newer_days = [parse_us_day(row["Date"]) for row in newer.values()]
    assert END - timedelta(days=35) <= max(older_days) <= END - timedelta(days=28)
    assert max(newer_days) == END and min(newer_days) <= min(older_days)
    assert {row["Rating"] for row in newer.values()} == {"1", "2", "3"}
    with sample["feedback-2.tsv"].open(encoding="utf-8") as handle:
        assert handle.readline() == "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"


def test_feedback_comments_of_every_kind_for_triage(sample, figures):
    kinds = {"product", "fba_delivery", "amazon_service", "seller_service", "mixed"}
    kinds |= {"profanity", "personal_info", "late_mfn", "neutral"}
    assert kinds <= set(figures.feedback_kinds)
    comments = " ".join(row["Comments"] for row in rows(sample["feedback-2.tsv"]))
    assert "@northfieldgoods.com" in comments or "555-0142" in comments
    assert "crap" in comments or "shit" in comments


def test_claims_and_chargebacks_of_every_status(sample):
    claims = rows(sample["claims.csv"])
    statuses = {row["status"] for row in claims}
    assert statuses == {
        "pending",
        "granted",
        "refunded",
        "order_cancelled",
        "denied",
        "withdrawn",
        "reversed",
    }
    protected = [row for row in claims if row["buy_shipping_protected"] == "true"]
    assert len(protected) == 1 and protected[0]["reason"] == "Item not received"
    assert any(row["status_date"] > row["claim_date"] for row in claims)
    chargebacks = rows(sample["chargebacks.csv"])
    assert {"fraud", "service"} == {row["reason"] for row in chargebacks}
    assert "seller_won" in {row["status"] for row in chargebacks}


def test_tracking_events_agree_with_the_shipments(sample):
    shipments = {row["tracking_id"]: row for row in rows(sample["shipments.csv"])}
    events = defaultdict(list)
    for row in rows(sample["tracking-events.csv"]):
        events[row["tracking_id"]].append(row)
    statuses = {row["status"] for scans in events.values() for row in scans}
    assert statuses == {
        "label_created",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "exception",
        "returned",
    }
    stalled = 0
    for tracking_id, scans in events.items():
        shipment = shipments[tracking_id]
        delivered = [row["event_time"][:10] for row in scans if row["status"] == "delivered"]
        assert delivered == ([shipment["delivered_date"]] if shipment["delivered_date"] else [])
        assert scans[0]["status"] == "label_created"
        last = date.fromisoformat(scans[-1]["event_time"][:10])
        quiet = last <= END - timedelta(days=4)
        stalled += not delivered and scans[-1]["status"] == "in_transit" and quiet
    assert stalled >= 3
    assert all(r["delivered_date"] <= END.isoformat() for r in shipments.values())
    confirmed = [date.fromisoformat(r["ship_confirm_date"]) for r in shipments.values()]
    assert min(c for c in confirmed if c >= END - timedelta(days=21)) >= END - timedelta(days=21)


def test_mfn_is_just_under_the_line_and_afn_well_below(figures):
    mfn, afn = figures.odr["MFN"], figures.odr["AFN"]
    assert 0.0085 <= mfn.rate <= 0.0099
    assert 0.003 <= afn.rate <= 0.005 and afn.rate < mfn.rate
    assert mfn.negative_feedback + mfn.claims + mfn.chargebacks > mfn.defective  # overlaps
    before = [odr["MFN"].rate for day, odr in figures.odr_history.items() if day < END]
    assert len(before) == 60 and max(before) < 0.01  # the history never crossed the line


def test_the_summary_is_what_the_rules_compute_from_the_imported_files(sample, figures, policy):
    records = {
        name: detect_kind(path).read(path, ReadOptions()).records for name, path in sample.items()
    }
    orders = [r for r in records["orders.tsv"] if isinstance(r, Order)]
    older, newer = (
        next(r for r in records[name] if isinstance(r, FeedbackReport))
        for name in ("feedback-1.tsv", "feedback-2.tsv")
    )
    feedback = {
        f.order_id: f
        for name in ("feedback-1.tsv", "feedback-2.tsv")
        for f in records[name]
        if isinstance(f, Feedback)
    }
    gone = {
        order_id
        for order_id in older.order_ids - newer.order_ids
        if newer.range_from <= feedback[order_id].feedback_date <= newer.range_to
    }
    assert newer.report_date == END
    counted = [
        replace(f, removed_date=newer.report_date) if f.order_id in gone else f
        for f in feedback.values()
    ]
    for back in (0, 1, 7, 30):
        day = END - timedelta(days=back)
        odr = compute_odr(
            orders, counted, records["claims.csv"], records["chargebacks.csv"], day, policy
        )
        for channel, metric in odr.items():
            expected = figures.odr_history[day][channel.value]
            assert (metric.order_count, metric.defective_orders) == (
                expected.orders,
                expected.defective,
            ), (day, channel)
            assert (metric.negative_feedback, metric.claims, metric.chargebacks) == (
                expected.negative_feedback,
                expected.claims,
                expected.chargebacks,
            )


def test_amazons_report_agrees_on_afn_and_counts_one_mfn_defect_more(sample, figures):
    document = json.loads(sample["performance.json"].read_text())
    assert document["accountStatuses"] == [{"marketplaceId": "ATVPDKIKX0DER", "status": "NORMAL"}]
    odr = document["performanceMetrics"][0]["orderDefectRate"]
    afn, mfn = figures.odr["AFN"], figures.odr["MFN"]
    assert (odr["afn"]["orderCount"], odr["afn"]["orderWithDefects"]["count"]) == (
        afn.orders,
        afn.defective,
    )
    assert odr["afn"]["rate"] == pytest.approx(afn.rate, abs=1e-6)
    assert odr["mfn"]["orderCount"] == mfn.orders
    assert odr["mfn"]["orderWithDefects"]["count"] == mfn.defective + 1
    assert odr["mfn"]["claims"]["count"] == mfn.claims + 1
    window = figures.odr_window
    assert odr["mfn"]["reportingDateRange"] == {
        "reportingDateFrom": f"{window[0]}T00:00:00Z",
        "reportingDateTo": f"{window[1]}T23:59:59Z",
    }
    assert window == (END - timedelta(days=73), END - timedelta(days=14))


def test_the_row_counts_are_in_range(sample, figures):
    expected = {
        "feedback-2.tsv": (20, 120),
        "claims.csv": (8, 40),
        "chargebacks.csv": (4, 25),
        "shipments.csv": (2000, 4000),
        "tracking-events.csv": (1000, 4000),
        "cancellations.csv": (20, 200),
        "violations.csv": (2, 4),
        "messages.csv": (200, 600),
    }
    for name, (low, high) in expected.items():
        count = len(rows(sample[name]))
        assert low <= count <= high, name
        assert figures.file_rows[name] == count, name
