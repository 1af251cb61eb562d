"""`sellerhealth portfolio`: every account on one day, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from tests.service.test_portfolio import AS_OF, fill

from sellerhealth.store.store import Store


def test_portfolio_command_prints_each_format(cli, tmp_path):
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        fill(store)

    code, out, _ = cli("--db", str(db), "portfolio", "--as-of", str(AS_OF), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["account"], row["status"]) for row in rows] == [
        ("a", "BAD"), ("c", "BAD"), ("b", "GOOD"), ("d", "NONE")
    ]  # fmt: skip
    assert rows[0]["failing"] == "orderDefectRate.mfn 2.00% (2/100)"

    code, out, _ = cli("--db", str(db), "portfolio", "--as-of", str(AS_OF), "--format", "json")
    assert code == 0
    assert json.loads(out)[1]["failing"][0]["rate"] == 0.007

    code, _, err = cli("--db", str(db), "portfolio", "--format", "xml")
    assert code != 0 and "--format" in err
