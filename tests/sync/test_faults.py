"""Each fault the emulator injects, and what the sync does about it: the stored figures after
the retry, the calls the emulator saw, and the error text when it cannot go on."""

from __future__ import annotations

import dataclasses

from tests.sync.conftest import ACCOUNT, FAST, Rig

from sellerhealth.connectors.spapi_models import FEEDBACK_REPORT, PERFORMANCE_REPORT, USAGE_PLANS
from sellerhealth.domain import records as r
from sellerhealth.emulator import LwaApp
from sellerhealth.sample.generate import DEMO_AS_OF
from sellerhealth.service import sync
from sellerhealth.store.connections import Connections
from sellerhealth.store.store import Store

ORDERS_BY_END = 8454  # the sample's orders placed by the end of 2026-11-20 UTC


def _orders(store: Store) -> int:
    return len(store.records(r.Order, ACCOUNT))


def test_429_bursts_wait_for_the_stated_rate_and_retry(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.faults.add("getOrders", "throttle", times=3)
    result = rig.sync(store, DEMO_AS_OF, kinds=["orders"])
    assert not result.failed
    assert rig.emulator.calls_to("getOrders", 429) == 3
    assert _orders(store) == ORDERS_BY_END
    # After each 429 the next call waits at least one request's refill at the stated rate
    # (x-amzn-RateLimit-Limit: 0.0167/s scaled by the emulator's speed, 20000: 3 ms).
    interval = 1 / (USAGE_PLANS["getOrders"].rate * rig.emulator.speed)
    stamps = [at for at, op, _ in rig.emulator.calls if op == "getOrders"]
    statuses = [st for _, op, st in rig.emulator.calls if op == "getOrders"]
    for i, status in enumerate(statuses[:-1]):
        if status == 429:
            assert stamps[i + 1] - stamps[i] >= interval * 0.9


def test_500s_and_dropped_connections_are_retried(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.faults.add("getOrders", "error", times=2)
    rig.emulator.faults.add("listFinancialEvents", "drop", times=2)
    rig.emulator.faults.add("getReport", "error", times=1)
    result = rig.sync(store, DEMO_AS_OF)
    assert not result.failed
    assert rig.emulator.calls_to("getOrders", 500) == 2
    assert rig.emulator.calls_to("listFinancialEvents", 0) == 2  # 0: no answer at all
    assert _orders(store) == ORDERS_BY_END
    assert len(store.records(r.Chargeback, ACCOUNT)) == 8


def test_a_slow_answer_times_out_and_is_asked_again(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.faults.add("getOrders", "slow", times=1, seconds=1.5)
    rig.emulator.set_day(DEMO_AS_OF)
    quick = dataclasses.replace(FAST, timeout=0.5)
    result = sync.sync_account(
        store, ACCOUNT, rig.emulator.now, kinds=["orders"], retry=quick, env=rig.env
    )
    assert not result.failed
    assert _orders(store) == ORDERS_BY_END


def test_a_cancelled_report_means_no_data_for_the_range(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.faults.cancel.add(FEEDBACK_REPORT)
    result = rig.sync(store, DEMO_AS_OF, kinds=["feedback"])
    assert not result.failed
    assert "CANCELLED (no data)" in result.kinds[0].note
    assert store.records(r.Feedback, ACCOUNT) == []
    checkpoint = Connections(store.backend).checkpoint(ACCOUNT, "feedback")
    assert checkpoint.synced_at is not None and checkpoint.cursor["covered_to"] == "2026-11-20"


def test_a_fatal_report_fails_that_kind_only_and_the_next_sync_asks_again(
    rig: Rig, store: Store
) -> None:
    rig.connect(store)
    rig.emulator.faults.fatal.add(PERFORMANCE_REPORT)
    result = rig.sync(store, DEMO_AS_OF)
    [failed] = result.failed
    assert failed.kind == "performance"
    assert failed.error is not None
    assert failed.error.startswith(f"account {ACCOUNT}: getReport: ")
    assert "FATAL" in failed.error and "the next sync asks for it again" in failed.error
    assert _orders(store) == ORDERS_BY_END and store.snapshots(ACCOUNT) == []
    checkpoint = Connections(store.backend).checkpoint(ACCOUNT, "performance")
    assert checkpoint.last_error == failed.error and checkpoint.synced_at is None
    rig.emulator.faults.clear()
    again = rig.sync(store, DEMO_AS_OF, kinds=["performance"])
    assert not again.failed
    assert [s.report_date for s in store.snapshots(ACCOUNT)] == [DEMO_AS_OF]


def test_an_expired_access_token_is_refreshed(rig: Rig, store: Store) -> None:
    rig.connect(store)
    tokens = rig.emulator.calls_to("token", 200)
    rig.emulator.faults.add("getOrders", "expire", times=1)
    result = rig.sync(store, DEMO_AS_OF, kinds=["orders"])
    assert not result.failed
    assert rig.emulator.calls_to("getOrders", 403) == 1
    assert rig.emulator.calls_to("token", 200) == tokens + 1
    assert _orders(store) == ORDERS_BY_END


def test_a_truncated_download_is_fetched_again(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.faults.add("download", "truncate", times=1)
    result = rig.sync(store, DEMO_AS_OF, kinds=["feedback"])
    assert not result.failed
    assert rig.emulator.calls_to("download", 206) == 1  # the cut one
    # The newer report's 40 entries (the whole sample's feedback not removed by 2026-11-20).
    assert len(store.records(r.Feedback, ACCOUNT)) == 40


def test_a_revoked_refresh_token_says_to_connect_again(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.emulator.app = LwaApp(rig.emulator.app.client_id, rig.emulator.app.client_secret, "new")
    rig.emulator.expire_tokens()
    result = rig.sync(store, DEMO_AS_OF, kinds=["orders"])
    [failed] = result.failed
    assert failed.error == (
        f"account {ACCOUNT}: getOrders: Amazon refused the refresh token (invalid_grant): it "
        f"was revoked or is wrong; run `sellerhealth connect --account {ACCOUNT}` again"
    )
    assert _orders(store) == 0


def test_one_account_failing_does_not_stop_the_others(rig: Rig, store: Store) -> None:
    rig.connect(store, "gone")
    rig.connect(store)
    connections = Connections(store.backend)
    gone = connections.get("gone")
    assert gone is not None
    connections.save(dataclasses.replace(gone, api_url="http://127.0.0.1:9"))  # nothing there
    rig.emulator.set_day(DEMO_AS_OF)
    plan = {"gone": ["orders"], ACCOUNT: ["orders"]}
    results = sync.sync_accounts(store, plan, rig.emulator.now, retry=FAST, env=rig.env)
    by_account = {x.account: x for x in results}
    [failed] = by_account["gone"].failed
    assert failed.error == (
        "account gone: getOrders: still failing after 6 attempts; Amazon may be down or "
        "throttling hard: the next sync resumes from here"
    )
    assert not by_account[ACCOUNT].failed
    assert _orders(store) == ORDERS_BY_END
