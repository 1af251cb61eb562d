"""A sync killed in the middle resumes from its checkpoint and imports nothing twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.sync.conftest import ACCOUNT, Rig

from sellerhealth.domain import records as r
from sellerhealth.emulator.server import _token
from sellerhealth.sample.generate import DEMO_AS_OF
from sellerhealth.store.connections import Connections
from sellerhealth.store.store import Store

PAGES = 85  # 8,454 orders at 100 a page
KILL_AFTER = 10  # pages imported before the sync is killed


def _order_pages(store: Store) -> int:
    sql = "SELECT COUNT(*) FROM imports WHERE account = ? AND kind = 'amazon-orders-api'"
    return int(store.backend.query(sql, (ACCOUNT,))[0][0])


def _killed_sync(rig: Rig, db: Path) -> None:
    """`sellerhealth sync` in a child process, killed (SIGKILL) while it waits for page 11."""
    rig.emulator.faults.add("getOrders", "slow", times=KILL_AFTER, seconds=0)
    rig.emulator.faults.add("getOrders", "slow", times=1, seconds=30)
    env = {**os.environ, **rig.env}
    command = [sys.executable, "-m", "sellerhealth.cli", "--db", str(db), "sync"]
    command += ["--account", ACCOUNT, "--now", rig.emulator.now.isoformat()]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store.open(db) as store:
                if _order_pages(store) >= KILL_AFTER:
                    break
            assert child.poll() is None, child.communicate()
            time.sleep(0.05)
        time.sleep(0.3)  # it is now waiting for the slow 11th page
    finally:
        child.kill()
        child.wait()
    rig.emulator.faults.clear()


def test_a_killed_sync_resumes_from_its_checkpoint(rig: Rig, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    rig.emulator.set_day(DEMO_AS_OF)
    with Store.open(db) as store:
        rig.connect(store)
    _killed_sync(rig, db)
    with Store.open(db) as store:
        assert _order_pages(store) == KILL_AFTER
        assert len(store.records(r.Order, ACCOUNT)) == KILL_AFTER * 100
        cursor = Connections(store.backend).checkpoint(ACCOUNT, "orders").cursor
        assert cursor["next_token"]  # where page 11 starts
        calls = rig.emulator.calls_to("getOrders", 200)
        result = rig.sync(store, DEMO_AS_OF, kinds=["orders"])
        assert not result.failed
        # Only the pages not imported were asked for, and each page is in the log once.
        assert rig.emulator.calls_to("getOrders", 200) - calls == PAGES - KILL_AFTER
        assert _order_pages(store) == PAGES
        assert len(store.records(r.Order, ACCOUNT)) == 8454


def test_a_page_imported_before_its_checkpoint_moved_is_not_imported_again(
    rig: Rig, store: Store
) -> None:
    """A kill between a page's import and its checkpoint: the page is fetched again, found in
    the import log (same account, kind and bytes) and skipped."""
    rig.connect(store)
    rig.emulator.set_day(DEMO_AS_OF)
    rig.sync(store, DEMO_AS_OF, kinds=["orders"])
    connections = Connections(store.backend)
    done = connections.checkpoint(ACCOUNT, "orders").cursor
    # The checkpoint as it stood after page 84 of 85, had the run died before recording 85:
    # the first sync's start (a year back), the stated LastUpdatedBefore, page 85's token.
    start = "2025-11-20T00:00:00+00:00"
    stated = done["after"].replace("+00:00", "Z")
    page_85 = _token(after=start.replace("+00:00", "Z"), before=stated, offset=(PAGES - 1) * 100)
    cursor = {"after": start, "before": stated, "next_token": page_85}
    connections.advance(ACCOUNT, "orders", cursor)
    result = rig.sync(store, DEMO_AS_OF, kinds=["orders"])
    [orders] = result.kinds
    assert (orders.documents, orders.skipped) == (0, 1)
    assert _order_pages(store) == PAGES
    assert connections.checkpoint(ACCOUNT, "orders").cursor == done
