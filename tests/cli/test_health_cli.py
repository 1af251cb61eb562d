"""`triage`, `shipments --at-risk` and `watch` from the command line on the demo data; `watch`
sends through a real SMTP server and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.alert_receivers import (
    SECRET_ENV,
    SMTP_PASSWORD,
    WEBHOOK_SECRET,
    HttpReceiver,
    SmtpReceiver,
    config_text,
    free_port,
)
from tests.demo_store import DEMO_ACCOUNT, demo_db

AS_OF = "2026-11-20"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alerts.toml"
FEEDBACK_RULE = '[[rules]]\ntype = "new_negative_feedback"\n'


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory) -> Path:
    """The demo store for the commands that only read it."""
    return demo_db(tmp_path_factory.mktemp("cli"))


@pytest.fixture
def receivers():
    smtp, hook = SmtpReceiver().start(), HttpReceiver().start()
    yield smtp, hook
    smtp.stop()
    hook.stop()


def example_rules() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text[text.index("[[rules]]") : text.index("# E-mail over SMTP")]


# --- triage ----------------------------------------------------------------------------------


def test_triage_json_on_the_demo(cli, shared_db):
    code, out, _ = cli("--db", str(shared_db), "triage", "--account", DEMO_ACCOUNT,
                       "--as-of", AS_OF, "--format", "json")  # fmt: skip

    assert code == 0
    items = json.loads(out)
    assert {i["verdict"] for i in items} == {"removable", "strike_through", "neither"}
    for i in items:
        assert {"order_id", "feedback_date", "rating", "verdict", "reasons", "request_by",
                "odr_impact", "act_by", "ground", "channel", "odr_before", "odr_after",
                "removal_request", "buyer_message", "expired"} <= set(i)  # fmt: skip
        left = date.fromisoformat(i["feedback_date"])
        assert date.fromisoformat(i["request_by"]) == left + timedelta(days=60)
        assert date.fromisoformat(i["act_by"]) == left + timedelta(days=6)
        assert i["rating"] <= 3
        assert (i["removal_request"] is None) == (i["verdict"] == "neither")
    actionable = [i["verdict"] != "neither" and not i["expired"] for i in items]
    assert actionable == sorted(actionable, reverse=True)  # actionable first
    first = [i for i, a in zip(items, actionable, strict=True) if a]
    assert [i["odr_impact"] for i in first] == sorted(
        (i["odr_impact"] for i in first), reverse=True
    )
    assert first[0]["odr_before"] - first[0]["odr_after"] == pytest.approx(first[0]["odr_impact"])


def test_triage_table_with_drafts(cli, shared_db):
    code, out, _ = cli("--db", str(shared_db), "triage", "--account", DEMO_ACCOUNT,
                       "--as-of", AS_OF, "--format", "table", "--drafts")  # fmt: skip

    assert code == 0
    assert f"{DEMO_ACCOUNT}: feedback triage as of {AS_OF}" in out
    assert "Removal request (send by" in out
    assert "Buyer message:" in out
    assert "can still be sent to Amazon" in out


def test_triage_with_a_bad_day_is_a_usage_error(cli, shared_db):
    code, _, err = cli("--db", str(shared_db), "triage", "--as-of", "20/11/2026")
    assert code == 2
    assert "--as-of" in err


# --- shipments --at-risk ---------------------------------------------------------------------


def test_at_risk_shipments_by_priority(cli, shared_db):
    args = ("--db", str(shared_db), "shipments", "--at-risk", "--account", DEMO_ACCOUNT)
    code, out, _ = cli(*args, "--now", "2026-11-20T12:00:00Z", "--format", "json")

    assert code == 0
    flags = json.loads(out)
    assert len(flags) > 10
    assert [f["priority"] for f in flags] == sorted((f["priority"] for f in flags), reverse=True)
    assert {"not_shipped_late", "no_first_scan", "stalled_in_transit"} <= {f["kind"] for f in flags}
    for f in flags:
        assert f["action"] and f["buyer_message"] and f["threatens"]
        assert set(f["impact"]) == set(f["threatens"])
        assert isinstance(f["hours_left"], float)

    code, table, _ = cli(*args, "--now", "2026-11-20T12:00:00Z", "--format", "table")
    assert code == 0
    assert "at-risk shipments at 2026-11-20 12:00 UTC" in table


def test_shipments_needs_at_risk(cli, shared_db):
    code, _, err = cli("--db", str(shared_db), "shipments")
    assert code == 2
    assert "--at-risk" in err


# --- watch -----------------------------------------------------------------------------------


def write_config(tmp_path: Path, smtp_port: int, url: str, rules: str) -> Path:
    path = tmp_path / "alerts.toml"
    path.write_text(config_text(smtp_port, url, rules=rules), encoding="utf-8")
    return path


def watch(cli, db: Path, config: Path) -> tuple[int, str, str]:
    return cli("--db", str(db), "watch", "--config", str(config), "--account", DEMO_ACCOUNT,
               "--once", "--as-of", AS_OF)  # fmt: skip


def test_watch_once_sends_every_rule_once_through_both_channels(
    cli, tmp_path, receivers, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    smtp, hook = receivers
    db = demo_db(tmp_path)
    config = write_config(tmp_path, smtp.port, hook.url, example_rules())

    code, out, err = watch(cli, db, config)

    assert code == 0, err
    sent = [line for line in out.splitlines() if line.startswith("  sent")]
    assert len(sent) == 2 * len(smtp.messages) == 2 * len(hook.bodies)
    assert hook.bad_signatures == 0  # every POST's HMAC header verified
    assert all(line.endswith(("-> mail (1 attempt)", "-> hook (1 attempt)")) for line in sent)
    # A first run on an account sends its backlog as one digest, not one message each.
    [body] = hook.bodies
    assert body["rule"] == "digest" and len(sent) == 2
    rules = {alert["rule"] for alert in body["evidence"]["alerts"]}
    assert rules == {
        "new_negative_feedback",
        "removal_window_closing",
        "headroom",
        "forecast_breach",
        "state_change",
        "amazon_status",
        "at_risk_shipment",
    }
    for text in (out, err, caplog.text):
        assert SMTP_PASSWORD not in text and WEBHOOK_SECRET not in text

    code, again, _ = watch(cli, db, config)

    assert code == 0
    assert "0 new alert(s)" in again and "nothing to send" in again
    assert len(smtp.messages) == len(hook.bodies) == len(sent) // 2


def test_watch_today_on_the_demo_says_the_data_is_old_instead_of_alarms(
    cli, tmp_path, receivers, monkeypatch
):
    """Issue 11: run today (13 days after the demo's data ends), `watch` raised 29 alerts from
    missing data. It raises what the data does say, and one "no data for 13 days"."""
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    smtp, hook = receivers
    db = demo_db(tmp_path)
    config = write_config(tmp_path, smtp.port, hook.url, example_rules())
    run = ("--db", str(db), "watch", "--config", str(config), "--once", "--as-of", "2026-12-03")

    code, _, err = cli(*run)

    assert code == 0, err
    [body] = hook.bodies  # one digest
    alerts = body["evidence"]["alerts"]
    rules = [a["rule"] for a in alerts]
    assert rules.count("no_data") == 1
    assert "no data for 13 days (latest order 2026-11-20)" in [a["title"] for a in alerts]
    # Nothing from the figures the data does not reach: no headroom on uncovered windows, no
    # forecast from stale data, no radar flag for shipments with no scans imported.
    assert not {"forecast_breach", "at_risk_shipment"} & set(rules)
    assert all("lateShipmentRate" not in a["title"] for a in alerts)
    code, again, _ = cli(*run)
    assert code == 0 and "0 new alert(s)" in again  # the "no data" alert is not sent twice


def test_watch_with_the_receiver_down_exits_1_then_delivers_once(
    cli, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    smtp = SmtpReceiver().start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/T0/B1/{WEBHOOK_SECRET}"  # a URL holding a secret
    db = demo_db(tmp_path)
    config = write_config(tmp_path, smtp.port, url, FEEDBACK_RULE)
    try:
        code, down, err = watch(cli, db, config)
        assert code == 1
        failed = [line for line in down.splitlines() if line.startswith("  FAILED")]
        assert failed and all("-> hook after 3 attempts" in line for line in failed)
        assert all("kept pending for the next run" in line for line in failed)
        assert f"http://127.0.0.1:{port}/***" in down
        mails = len(smtp.messages)
        assert mails == len(failed)

        hook = HttpReceiver(port=port).start()
        try:
            code, back, _ = watch(cli, db, config)
            code_again, again, _ = watch(cli, db, config)
        finally:
            hook.stop()
    finally:
        smtp.stop()

    assert code == 0
    assert [line for line in back.splitlines() if "-> mail" in line] == []
    assert len([line for line in back.splitlines() if "-> hook (1 attempt)" in line]) == mails
    assert len(hook.bodies) == mails and len(smtp.messages) == mails
    assert code_again == 0 and "nothing to send" in again
    assert len(hook.bodies) == mails
    for text in (down, err, back, again, caplog.text):
        assert SMTP_PASSWORD not in text and WEBHOOK_SECRET not in text


def test_watch_with_a_missing_secret_names_the_variable(cli, tmp_path, monkeypatch, shared_db):
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", WEBHOOK_SECRET)
    config = write_config(tmp_path, 25, "http://127.0.0.1:9/hook", FEEDBACK_RULE)

    code, out, err = watch(cli, shared_db, config)

    assert code == 1
    assert "TEST_SMTP_PASSWORD" in err
    assert WEBHOOK_SECRET not in out + err


def test_watch_without_its_config_file_is_a_usage_error(cli, tmp_path, shared_db):
    code, _, err = watch(cli, shared_db, tmp_path / "missing.toml")
    assert code == 2
    assert "--config" in err


def test_watch_on_a_schedule_stops_after_max_runs(cli, tmp_path, receivers, monkeypatch):
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    smtp, hook = receivers
    db = demo_db(tmp_path)
    config = write_config(tmp_path, smtp.port, hook.url, FEEDBACK_RULE)

    args = ("--db", str(db), "watch", "--config", str(config), "--account", DEMO_ACCOUNT)
    code, out, _ = cli(*args, "--as-of", AS_OF, "--interval", "0", "--max-runs", "2")

    assert code == 0
    runs = [line for line in out.splitlines() if " watch demo-seller as of 2026-11-20: " in line]
    assert len(runs) == 2
    assert "0 new alert(s)" in runs[1]
    assert out.rstrip().endswith("nothing to send")
    assert len(hook.bodies) == len(smtp.messages) > 0


def test_watch_an_unknown_account_is_a_usage_error(cli, tmp_path, monkeypatch, shared_db):
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    config = write_config(tmp_path, 25, "http://127.0.0.1:9/hook", FEEDBACK_RULE)

    code, _, err = cli("--db", str(shared_db), "watch", "--config", str(config), "--once",
                       "--account", "nobody")  # fmt: skip

    assert code == 2
    assert "no such account 'nobody'" in err and DEMO_ACCOUNT in err


def test_history_speaks_percentages_and_json_keeps_the_exact_fraction(cli, shared_db):
    """Issue 11: history's headers and fractions were raw (`orderDefectRate`, 0.004953)."""
    day = ("--db", str(shared_db), "history", "--account", DEMO_ACCOUNT,
           "--from", "2026-11-10", "--to", "2026-11-10")  # fmt: skip
    code, out, _ = cli(*day, "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Day,Marketplace,Metric,Count,Rate,Target,Status,Window"
    # 9 defects of 1817 FBA orders: 0.495%, shown to two places.
    assert '"Order defect rate, FBA",9 / 1817,0.50%,< 1.00%,GOOD' in lines[1]
    code, out, _ = cli(*day, "--format", "json")
    assert code == 0
    assert '"numerator": 9' in out and '"denominator": 1817' in out
