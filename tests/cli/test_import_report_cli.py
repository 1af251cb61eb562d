"""The foundation as a user runs it: `sellerhealth import` and `sellerhealth report`, through
the real console script in a subprocess (exit statuses, stderr, files beside the input)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "data/schema/accountHealthReport-2020-11-18.fixed.json"
    ).read_text()
)


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


def write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip())
    return path


ORDERS = """
order_id,purchase_date,fulfillment_channel
o1,2026-05-01,MFN
o2,2026-05-02,MFN
o3,2026-05-03T23:30:00-08:00,AFN
o4,2026-05-04,AFN
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def test_import_then_report_json_in_amazons_shape(tmp_path, db):
    write(tmp_path / "orders.csv", ORDERS)
    write(tmp_path / "claims.csv", "order_id,claim_date,status\no1,2026-05-20,granted\n")
    done = run(db, "import", tmp_path / "orders.csv", tmp_path / "claims.csv", "--account", "acme")
    assert done.returncode == 0, done.stderr
    assert "orders, 4 rows" in done.stdout

    # An order of the day before the as-of day: the data reaches every window (issue 11).
    later = write(
        tmp_path / "later.csv", "order_id,purchase_date,fulfillment_channel\no5,2026-06-29,AFN\n"
    )
    assert run(db, "import", later, "--account", "acme").returncode == 0
    report = run(db, "report", "--as-of", "2026-06-30", "--account", "acme", "--format", "json")
    assert report.returncode == 0, report.stderr
    document = json.loads(report.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["sellerhealth"]["freshness"]["notCovered"] == []
    odr = document["performanceMetrics"][0]["orderDefectRate"]
    # Window [2026-04-18, 2026-06-16]: o1, o2 MFN (o1 claimed); o3 is 2026-05-04 UTC, AFN.
    assert (odr["mfn"]["orderCount"], odr["mfn"]["orderWithDefects"]["count"]) == (2, 1)
    assert odr["mfn"]["rate"] == 0.5 and odr["mfn"]["status"] == "BAD"
    assert odr["mfn"]["reportingDateRange"] == {
        "reportingDateFrom": "2026-04-18T00:00:00Z",
        "reportingDateTo": "2026-06-16T23:59:59Z",
    }
    assert (odr["afn"]["orderCount"], odr["afn"]["status"]) == (2, "GOOD")
    metrics = document["performanceMetrics"][0]
    assert metrics["lateShipmentRate"]["status"] == "NONE"  # no latest ship dates imported
    assert document["sellerhealth"]["account"] == "acme"


def test_report_table_shows_windows_and_statuses(tmp_path, db):
    write(tmp_path / "orders.csv", ORDERS)
    run(db, "import", tmp_path / "orders.csv")
    done = run(db, "report", "--as-of", "2026-06-30", "--format", "table")
    assert done.returncode == 0, done.stderr
    assert "2026-04-18 .. 2026-06-16" in done.stdout
    assert "Order defect rate, seller" in done.stdout and "GOOD" in done.stdout


def test_bad_rows_import_nothing_and_list_every_problem(tmp_path, db):
    write(tmp_path / "orders.csv", ORDERS)
    run(db, "import", tmp_path / "orders.csv")
    bad = write(
        tmp_path / "feedback.csv",
        """
order_id,feedback_date,rating
o1,2026-05-10,7
o2,10/05/2026,1
o3,2026-05-12,2
""",
    )
    claims = write(tmp_path / "claims.csv", "order_id,claim_date,status\no4,2026-05-20,lost\n")
    done = run(db, "import", bad, claims)
    assert done.returncode == 1
    assert f"{bad}:2: rating: 7 is out of range" in done.stderr
    assert f"{bad}:3: feedback_date: '10/05/2026' is not an ISO 8601 date" in done.stderr
    assert f"{claims}:2: status: unknown value 'lost'" in done.stderr
    # Nothing from either file was stored, not even the good row o3.
    report = json.loads(run(db, "report", "--as-of", "2026-06-30", "--format", "json").stdout)
    assert (
        report["performanceMetrics"][0]["orderDefectRate"]["afn"]["negativeFeedback"]["count"] == 0
    )


def test_missing_required_column_is_named_once(tmp_path, db):
    path = write(tmp_path / "orders.csv", "order_id,purchase_date\no1,2026-05-01\no2,2026-05-02\n")
    done = run(db, "import", path)
    assert done.returncode == 1
    assert done.stderr.count("fulfillment_channel") == 1
    assert f"{path}:1: fulfillment_channel: required column is missing" in done.stderr


def test_skip_bad_rows_imports_the_good_ones_and_writes_the_rejects(tmp_path, db):
    write(tmp_path / "orders.csv", ORDERS)
    run(db, "import", tmp_path / "orders.csv")
    path = write(
        tmp_path / "feedback.csv",
        "order_id,feedback_date,rating\no1,2026-05-10,7\no3,2026-05-12,2\n",
    )
    done = run(db, "import", path, "--skip-bad-rows")
    assert done.returncode == 0, done.stderr
    rejects = Path(f"{path}.rejects.csv").read_text().splitlines()
    assert rejects[0] == "line,problems,order_id,feedback_date,rating"
    assert rejects[1].startswith("2,rating: 7 is out of range")
    report = json.loads(run(db, "report", "--as-of", "2026-06-30", "--format", "json").stdout)
    assert (
        report["performanceMetrics"][0]["orderDefectRate"]["afn"]["negativeFeedback"]["count"] == 1
    )


def test_importing_the_same_file_twice_changes_nothing(tmp_path, db):
    path = write(tmp_path / "orders.csv", ORDERS)
    run(db, "import", path)
    first = run(db, "report", "--as-of", "2026-06-30", "--format", "json").stdout
    assert run(db, "import", path).returncode == 0
    assert run(db, "report", "--as-of", "2026-06-30", "--format", "json").stdout == first


def test_usage_errors_exit_2(tmp_path, db):
    assert run(db, "report", "--as-of", "yesterday").returncode == 2
    assert run(db, "import", tmp_path / "missing.csv").returncode == 2
    assert run(db, "report", "--format", "xml").returncode == 2
    assert run(db, "frobnicate").returncode == 2


def test_unknown_kind_asks_for_kind(tmp_path, db):
    path = write(tmp_path / "mystery.csv", "a,b\n1,2\n")
    done = run(db, "import", path)
    assert done.returncode == 1
    assert "--kind" in done.stderr


def test_policy_show_cites_sources(db):
    done = run(db, "policy", "show")
    assert done.returncode == 0
    assert "odr.window_days" in done.stdout and "1.6" in done.stdout


def test_malformed_policy_lists_every_problem(tmp_path, db):
    path = write(
        tmp_path / "broken.toml",
        """
[meta]
name = "x"
version = "1"
marketplace = "ATVPDKIKX0DER"
description = "broken"

[odr.window_days]
value = "sixty"
source = "1.6"
""",
    )
    done = run(db, "policy", "check", path)
    assert done.returncode == 1
    assert "odr.window_days: expected int" in done.stderr
    assert "odr.lag_days: missing" in done.stderr
    assert "[late_shipment]: missing table" in done.stderr


def test_business_program_halves_the_odr_target(tmp_path, db):
    write(tmp_path / "orders.csv", ORDERS)
    run(db, "import", tmp_path / "orders.csv", "--account", "b2b")
    assert run(db, "account", "set", "b2b", "--program", "business").returncode == 0
    report = json.loads(
        run(db, "report", "--as-of", "2026-06-30", "--account", "b2b", "--format", "json").stdout
    )
    assert report["performanceMetrics"][0]["orderDefectRate"]["mfn"]["targetValue"] == 0.005


def test_demo_json_is_one_document(db):
    done = run(db, "demo", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate({k: v for k, v in document.items()}, SCHEMA)
    mfn = document["performanceMetrics"][0]["orderDefectRate"]["mfn"]
    assert (mfn["orderWithDefects"]["count"], mfn["orderCount"]) == (11, 1211)


def test_store_option_may_follow_the_command(tmp_path):
    path = write(tmp_path / "orders.csv", ORDERS)
    db = tmp_path / "after.db"
    done = subprocess.run(
        [sys.executable, "-m", "sellerhealth.cli", "import", str(path), "--db", str(db)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert db.exists()


def test_report_before_the_first_order_is_all_none(tmp_path, db):
    """Time travel to before anything was sold: every metric NONE, account NORMAL."""
    run(db, "import", write(tmp_path / "orders.csv", ORDERS))
    done = run(db, "report", "--as-of", "2026-03-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["accountStatuses"][0]["status"] == "NORMAL"
    odr = document["performanceMetrics"][0]["orderDefectRate"]
    assert (odr["mfn"]["status"], odr["afn"]["status"], odr["mfn"]["rate"]) == ("NONE", "NONE", 0)
