"""The schedule: what is due when (with jitter), and `watch` syncing before its checks, so an
alert goes out without anyone importing anything."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.alert_receivers import SECRET_ENV, HttpReceiver
from tests.sync.conftest import ACCOUNT, Rig

from sellerhealth.domain import records as r
from sellerhealth.sample.generate import DEMO_AS_OF
from sellerhealth.service.sync_plan import due
from sellerhealth.store.connections import Connections
from sellerhealth.store.store import Store

ALL = ["orders", "finances", "feedback", "performance"]


def test_due_follows_each_connection_schedule_with_a_stable_jitter(rig: Rig, store: Store) -> None:
    rig.connect(store)
    now = datetime.now(UTC)
    assert due(store, now) == {ACCOUNT: ALL}  # never synced
    rig.sync(store, DEMO_AS_OF)
    after = datetime.now(UTC)
    assert due(store, after + timedelta(hours=1)) == {}
    # Orders and events every 4 hours, reports every 24, each up to 15 minutes later.
    assert due(store, after + timedelta(hours=4, minutes=16)) == {ACCOUNT: ["orders", "finances"]}
    assert due(store, after + timedelta(hours=24, minutes=16)) == {ACCOUNT: ALL}
    # The jitter is drawn from the account and its last sync: the same at every check.
    draws = [due(store, after + timedelta(hours=4, minutes=m)) for m in range(16)]
    first_due = next(m for m, plan in enumerate(draws) if plan)
    assert all(plan for plan in draws[first_due:])
    assert due(store, after + timedelta(days=2), ["someone-else"]) == {}


@pytest.fixture
def hook() -> HttpReceiver:
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


def test_watch_syncs_the_connected_account_then_alerts(
    rig: Rig, tmp_path: Path, cli, hook: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**SECRET_ENV, **rig.env}.items():
        monkeypatch.setenv(name, value)
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        rig.connect(store)
    rig.emulator.set_day(DEMO_AS_OF)
    config = tmp_path / "alerts.toml"
    config.write_text(
        "[watch]\nattempts = 2\nbackoff = 0.01\n\n"
        '[[rules]]\ntype = "new_negative_feedback"\nmax_rating = 2\nlookback_days = 7\n\n'
        f'[[channels]]\nname = "hook"\ntype = "webhook"\nurl = "{hook.url}"\n'
        'secret_env = "TEST_WEBHOOK_SECRET"\n',
        encoding="utf-8",
    )
    args = ("--db", str(db), "watch", "--config", str(config), "--once", "--as-of", "2026-11-20")
    code, out, err = cli(*args)
    assert code == 0, err
    assert f"{ACCOUNT}: orders: 85 document(s), 8454 records" in out
    with Store.open(db) as store:
        assert len(store.records(r.Order, ACCOUNT)) == 8454
        assert all(c.synced_at for c in Connections(store.backend).checkpoints(ACCOUNT))
    # A first run on an account sends one digest of what it found (issue 11), not one each.
    [digest] = hook.bodies
    assert digest["rule"] == "digest" and digest["account"] == ACCOUNT
    assert all(
        key.split("|")[1] == "new_negative_feedback" for key in digest["evidence"]["cause_keys"]
    )
    # Nothing is due an instant later: the second run only checks.
    code, again, _ = cli(*args)
    assert code == 0 and "document(s)" not in again


def test_serve_sync_thread_syncs_the_due_accounts(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sellerhealth.cli.sync import start_sync_thread

    monkeypatch.setenv("SELLERHEALTH_SECRET_KEY", rig.env["SELLERHEALTH_SECRET_KEY"])
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        rig.connect(store)
    rig.emulator.set_day(DEMO_AS_OF)
    stop = start_sync_thread(str(db), every=0.1)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store.open(db) as store:
                marks = Connections(store.backend).checkpoints(ACCOUNT)
                if len(marks) == 4 and all(c.synced_at for c in marks):
                    break
            time.sleep(0.1)
    finally:
        stop.set()
    with Store.open(db) as store:
        assert len(store.records(r.Order, ACCOUNT)) == 8454
        assert len(store.snapshots(ACCOUNT)) == 1
