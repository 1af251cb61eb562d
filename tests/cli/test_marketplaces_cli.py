"""A seller outside the US imports Seller Central's files as they come (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sellerhealth.domain.records import Feedback, Order
from sellerhealth.store.store import Store

DATA = Path(__file__).parents[1] / "data" / "amazon"
HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"


def feedback_days(db: Path, account: str) -> list[date]:
    with Store.open(db) as store:
        return [f.feedback_date for f in store.records(Feedback, account)]


def run(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SELLERHEALTH_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "sellerhealth.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_uk_orders_with_mcf_rows_import_and_are_counted(tmp_path):
    done = run(tmp_path / "s.db", "import", DATA / "orders-uk.txt", "--account", "uk")

    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())  # the console may wrap the line
    assert "2 records: 2 new, 0 updated, 0 unchanged" in said
    assert (
        "2 orders placed outside Amazon (Non-Amazon or Multi-Channel Fulfillment) left out of "
        "the metrics" in said
    )
    assert feedback_days(tmp_path / "s.db", "uk") == []
    with Store.open(tmp_path / "s.db") as store:
        assert {o.order_id for o in store.records(Order, "uk")} == {
            "202-1000001-1000001",
            "202-1000002-1000002",
        }


def test_ambiguous_feedback_asks_for_the_marketplace_then_follows_it(tmp_path):
    path = tmp_path / "feedback.txt"
    path.write_text(HEADER + "3/1/17\t1\tlate\t\t202-1000001-1000001\tx@y\n")
    db = tmp_path / "s.db"

    refused = run(db, "import", path)
    assert refused.returncode == 1
    assert f"{path}:1: Date: the dates read as M/D/YY or as D/M/YY" in refused.stderr
    assert "pass --marketplace" in refused.stderr

    done = run(db, "import", path, "--marketplace", "amazon.co.uk")
    assert done.returncode == 0, done.stderr
    assert feedback_days(db, "default") == [date(2017, 1, 3)]

    bad = run(db, "import", path, "--marketplace", "amazon.xx")
    assert bad.returncode == 2
    assert "--marketplace: unknown marketplace 'amazon.xx'" in bad.stderr


def test_the_account_marketplace_decides_the_feedback_dates(tmp_path):
    db = tmp_path / "s.db"
    path = tmp_path / "feedback.txt"
    path.write_text(HEADER + "3/1/17\t1\tlate\t\t202-1000001-1000001\tx@y\n")
    uk = tmp_path / "orders.txt"
    uk.write_text(
        "amazon-order-id\tpurchase-date\tfulfillment-channel\tsales-channel\n"
        "202-1000001-1000001\t2017-01-02T10:00:00+00:00\tMerchant\tAmazon.co.uk\n"
    )
    assert run(db, "import", uk, "--account", "uk").returncode == 0

    done = run(db, "import", path, "--account", "uk")

    assert done.returncode == 0, done.stderr
    assert feedback_days(db, "uk") == [date(2017, 1, 3)]  # 3 January, as amazon.co.uk writes it


def test_a_uk_seller_is_measured_under_the_eu_rules(tmp_path):
    """No policy set: the account's orders are on amazon.co.uk, so amazon-eu-2026 applies, and
    its on-time delivery is the 30-day order rate recommended above 97% (not the US 90%)."""
    db = tmp_path / "s.db"
    shipments = tmp_path / "shipments.csv"
    shipments.write_text(
        "order_id,ship_confirm_date,tracking_id,tracking_valid,delivered_date,"
        "promised_delivery_date\n"
        "202-1000001-1000001,2017-01-03,T1,true,2017-01-06,2017-01-05\n"
    )
    assert run(db, "import", DATA / "orders-uk.txt", shipments, "--account", "uk").returncode == 0

    done = run(db, "report", "--account", "uk", "--as-of", "2017-01-20", "--format", "json")

    document = json.loads(done.stdout)
    assert document["sellerhealth"]["policy"]["name"] == "amazon-eu-2026"
    (uk,) = [m for m in document["performanceMetrics"] if m["marketplaceId"] == "A1F83G8C2ARO7P"]
    otdr = uk["onTimeDeliveryRate"]
    assert otdr["targetValue"] == 0.97
    assert otdr["reportingDateRange"] == {
        "reportingDateFrom": "2016-12-12T00:00:00Z",  # 30 days ending 10 days before
        "reportingDateTo": "2017-01-10T23:59:59Z",
    }
    assert (otdr["shipmentCountWithValidTracking"], otdr["onTimeDeliveryCount"]) == (1, 0)


def test_the_report_says_how_many_cancellations_it_could_not_attribute(tmp_path):
    db = tmp_path / "s.db"
    orders = tmp_path / "orders.txt"
    rows = [
        f"202-000000{i}-0000000\t2017-01-1{i}T10:00:00+00:00\tMerchant\tAmazon.co.uk\t"
        + ("Cancelled" if i == 0 else "Shipped")
        for i in range(4)
    ]
    orders.write_text(
        "amazon-order-id\tpurchase-date\tfulfillment-channel\tsales-channel\torder-status\n"
        + "\n".join(rows)
        + "\n"
    )
    assert run(db, "import", orders, "--account", "uk").returncode == 0

    done = run(db, "report", "--account", "uk", "--as-of", "2017-01-14", "--format", "json")

    document = json.loads(done.stdout)
    (uk,) = document["performanceMetrics"]
    pfcr = uk["preFulfillmentCancellationRate"]
    assert (pfcr["orderCount"], pfcr["cancellationCount"], pfcr["status"]) == (4, 0, "NONE")
    unknown = document["sellerhealth"]["cancellationsOfUnknownInitiator"]["A1F83G8C2ARO7P"]
    assert (unknown["count"], unknown["countedAsSeller"]) == (1, False)


def test_setting_the_program_keeps_the_policy_following_the_marketplace(tmp_path):
    db = tmp_path / "s.db"
    assert run(db, "import", DATA / "orders-uk.txt", "--account", "uk").returncode == 0

    done = run(db, "account", "set", "uk", "--program", "business")

    assert done.returncode == 0, done.stderr
    assert "uk: policy amazon-eu-2026 (from its marketplace), program business" in done.stdout
    with Store.open(db) as store:
        assert store.account("uk", resolve=False).policy == ""  # still unset
        assert store.account("uk").policy == "amazon-eu-2026"
