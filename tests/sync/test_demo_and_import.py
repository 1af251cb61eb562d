"""`demo --sync` end to end on a fresh folder, and a saved listFinancialEvents response
imported by hand through the same importer the sync uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sellerhealth.domain import records as r
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service import imports
from sellerhealth.store.store import Store


def test_demo_sync_runs_the_whole_path_and_reports_the_sample_figures(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SELLERHEALTH_SECRET_KEY"}
    command = [sys.executable, "-m", "sellerhealth.cli", "demo", "--sync", "--format", "json"]
    done = subprocess.run(
        [*command, "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "sync as of 2026-10-21:" in done.stderr and "sync as of 2026-11-20:" in done.stderr
    assert "demo-seller: orders: 70 document(s), 6904 records" in done.stderr
    assert "demo-seller: feedback: 1 document(s), 29 records" in done.stderr
    odr = json.loads(done.stdout)["performanceMetrics"][0]["orderDefectRate"]
    # The same figures as `demo` from the files: MFN 11/1211, AFN 7/1828.
    assert (odr["mfn"]["orderWithDefects"]["count"], odr["mfn"]["orderCount"]) == (11, 1211)
    assert (odr["afn"]["orderWithDefects"]["count"], odr["afn"]["orderCount"]) == (7, 1828)
    with Store.open(tmp_path / "demo.db") as store:
        removed = [f for f in store.records(r.Feedback, "demo-seller") if f.removed_date]
        assert len(removed) == 3


EVENTS = {
    "payload": {
        "FinancialEvents": {
            "GuaranteeClaimEventList": [
                {"AmazonOrderId": "111-0000001-0000001", "PostedDate": "2026-11-02T12:00:00Z"}
            ],
            "ChargebackEventList": [
                {"AmazonOrderId": "111-0000002-0000002", "PostedDate": "2026-11-03T12:00:00Z"}
            ],
        }
    }
}


def test_financial_events_import_as_claims_and_chargebacks_without_overwriting_a_file(
    tmp_path: Path,
) -> None:
    events = tmp_path / "events.json"
    events.write_text(json.dumps(EVENTS), encoding="utf-8")
    chargebacks = tmp_path / "chargebacks.csv"
    chargebacks.write_text(
        "order_id,chargeback_date,reason,status,status_date\n"
        "111-0000002-0000002,2026-11-03,fraud,seller_lost,2026-11-10\n",
        encoding="utf-8",
    )
    with Store.open(tmp_path / "store.db") as store:
        imports.import_files(store, [chargebacks], ReadOptions("acme"))
        [outcome] = imports.import_files(store, [events], ReadOptions("acme"))
        assert outcome.kind == "amazon-finances"  # told apart from a getOrders response
        [claim] = store.records(r.Claim, "acme")
        [chargeback] = store.records(r.Chargeback, "acme")
    assert (claim.order_id, claim.claim_date.isoformat(), claim.status) == (
        "111-0000001-0000001",
        "2026-11-02",
        r.ClaimStatus.GRANTED,
    )
    # The file said fraud, lost on 11-10: the event (no reason, no outcome) changes neither.
    assert (chargeback.reason, chargeback.status) == (
        r.ChargebackReason.FRAUD,
        r.ChargebackStatus.SELLER_LOST,
    )
    assert chargeback.status_on(chargeback.chargeback_date) == r.ChargebackStatus.PENDING
