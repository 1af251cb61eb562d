"""`sellerhealth reconcile` on the demo seller: Amazon's snapshot counts one more MFN defect
(the Buy Shipping protected claim the policy leaves out)."""

from __future__ import annotations

import json

from tests.demo_store import DEMO_ACCOUNT, demo_db


def test_reconcile_lists_the_mfn_difference_with_reasons(cli, tmp_path):
    db = demo_db(tmp_path)
    code, out, _ = cli("--db", str(db), "reconcile", "--account", DEMO_ACCOUNT, "--format", "json")
    assert code == 0
    (difference,) = json.loads(out)
    assert (difference["metric"], difference["scope"]) == ("orderDefectRate", "mfn")
    assert (difference["amazon"]["numerator"], difference["computed"]["numerator"]) == (12, 11)
    assert difference["computed"]["value"] == 11 / 1211  # exact in JSON
    assert any("Buy Shipping" in reason for reason in difference["reasons"])


def test_reconcile_table_rounds_for_reading(cli, tmp_path):
    db = demo_db(tmp_path)
    code, out, _ = cli("--db", str(db), "reconcile", "--account", DEMO_ACCOUNT, "--format", "csv")
    assert code == 0
    assert "0.009083" in out and "0.0090834021" not in out
