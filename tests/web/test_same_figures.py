"""The command line, the JSON API and the dashboard show the same figures: all three read the
same kept counters, through the same services."""

from __future__ import annotations

import json
import sys

from sellerhealth.cli import main

from .conftest import AS_OF, DEMO_ACCOUNT


def cli_json(monkeypatch, capsys, db, *args: str):
    monkeypatch.setattr(sys, "argv", ["sellerhealth", "--db", str(db), *args, "--format", "json"])
    try:
        main()
    except SystemExit as done:
        assert not done.code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_report_history_and_status_are_the_same_everywhere(client, web_db, monkeypatch, capsys):
    account, day = DEMO_ACCOUNT, AS_OF
    report = cli_json(monkeypatch, capsys, web_db, "report", "--account", account, "--as-of", day)
    assert client.get(f"/api/accounts/{account}/report", params={"as_of": day}).json() == report

    history = cli_json(
        monkeypatch, capsys, web_db, "history", "--account", account, "--from", "2026-11-01",
        "--to", day,
    )  # fmt: skip
    api = client.get(
        f"/api/accounts/{account}/history", params={"as_of": day, "from": "2026-11-01"}
    ).json()
    assert api == history

    status = cli_json(monkeypatch, capsys, web_db, "status", "--account", account, "--as-of", day)
    assert client.get(f"/api/accounts/{account}/status", params={"as_of": day}).json() == status

    page = client.get(f"/accounts/{account}", params={"as_of": day}).text
    for block in report["performanceMetrics"]:
        for channel in ("afn", "mfn"):
            odr = block["orderDefectRate"][channel]
            shown = f"{odr['rate'] * 100:.2f}%"
            assert shown in page, (channel, shown)
