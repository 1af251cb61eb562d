"""Readers never wait on writers; a writer waits a bounded time; several writes join one
transaction (`Store.batch`). On both stores."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from sellerhealth.domain.records import AccountSettings, Channel, Order
from sellerhealth.errors import StoreBusy
from sellerhealth.store import backends
from sellerhealth.store.migrations import current_version, latest_version
from sellerhealth.store.store import Store
from sellerhealth.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ORDER = Order("acme", "o1", date(2026, 5, 1), Channel.MFN)


@contextmanager
def writer_holding_the_lock(target: str, tables: str = "orders") -> Iterator[None]:
    """Another process's write transaction, open for the whole block."""
    if target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target) as other:
            other.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            yield
            other.rollback()
        return
    other = sqlite3.connect(target, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE another_writers_table (x INTEGER)")  # a write in progress
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(backends, "BUSY_TIMEOUT_S", 0.3)


def test_opening_a_current_store_to_read_does_not_wait_for_a_writer(target, short_wait):
    Store.open(target).close()  # migrated
    with writer_holding_the_lock(target, "orders"), Store.open(target) as store:
        # Had the open taken the write lock, it would have given up with StoreBusy.
        # (resolve=False: resolving reads the locked orders table, which PostgreSQL rightly
        # makes wait; the question here is whether opening itself waits)
        assert store.account("acme", resolve=False).program == "standard"
        assert current_version(store.backend) == latest_version()


def test_sqlite_reads_data_while_a_write_is_in_progress(tmp_path, short_wait):
    target = str(tmp_path / "store.db")
    with Store.open(target) as store:
        store.import_records([ORDER])
    with writer_holding_the_lock(target), Store.open(target) as store:
        assert store.accounts() == ["acme"]  # the writer's uncommitted row is not seen


def test_a_write_gives_up_after_the_bound_with_a_clear_error(target, short_wait):
    Store.open(target).close()
    with (
        writer_holding_the_lock(target, "orders"),
        Store.open(target) as store,
        pytest.raises(StoreBusy) as raised,
    ):
        store.import_records([ORDER])
    assert "is busy: another process has been writing to it for over 0.3 s" in str(raised.value)
    with Store.open(target) as store:
        assert store.accounts() == []


def test_the_import_command_says_the_store_is_busy(target, short_wait, tmp_path, capsys):
    from sellerhealth.cli import main

    path = tmp_path / "o.csv"
    path.write_text("order_id,purchase_date,fulfillment_channel\no1,2026-05-01,MFN\n")
    Store.open(target).close()
    with writer_holding_the_lock(target, "orders"), pytest.raises(SystemExit) as done:
        import sys

        sys.argv = ["sellerhealth", "--db", target, "import", str(path)]
        main()
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("the store at ") and "is busy" in err


def test_the_api_answers_503_with_retry_after_when_the_store_stays_busy(target, short_wait):
    # PostgreSQL readers wait only on an exclusive (DDL-like) lock; on SQLite, a store not
    # yet migrated makes the first request migrate it, which needs the write lock.
    tables = "accounts, orders, snapshots" if target.startswith("postgresql://") else "orders"
    if tables != "orders":
        Store.open(target).close()
    with writer_holding_the_lock(target, tables):
        app = create_app(target)  # migrating at start gives up quietly
        with TestClient(app) as client:
            answer = client.get("/api/accounts")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "is busy" in answer.json()["error"]


def test_the_api_answers_while_an_import_writes(tmp_path, short_wait):
    target = str(tmp_path / "store.db")
    with Store.open(target) as store:
        store.set_account(AccountSettings("acme"))
    app = create_app(target)
    with writer_holding_the_lock(target), TestClient(app) as client:
        answer = client.get("/api/accounts")
    assert answer.status_code == 200
    assert [a["account"] for a in answer.json()] == ["acme"]


def test_an_unexpected_error_is_a_json_500(tmp_path, monkeypatch):
    from sellerhealth.web import api

    def broken(_store, _as_of):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "portfolio_lines", broken)
    app = create_app(str(tmp_path / "store.db"))
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/portfolio", params={"as_of": "2026-05-01"})
    assert answer.status_code == 500
    assert answer.json() == {"error": "internal error; the server log has the details"}


def test_a_batch_is_one_transaction(target):
    with Store.open(target) as store:
        with pytest.raises(RuntimeError), store.batch():
            store.import_records([ORDER])
            store.set_account(AccountSettings("acme", program="business"))
            raise RuntimeError("killed between two files")
        assert store.accounts() == []
        with store.batch():
            store.import_records([ORDER])
            store.set_account(AccountSettings("acme", program="business"))
        assert store.account("acme").program == "business"
        assert [o.order_id for o in store.records(Order, "acme")] == ["o1"]


def test_opening_a_current_store_writes_nothing(tmp_path):
    target = tmp_path / "store.db"
    Store.open(target).close()
    before = target.stat().st_mtime_ns, target.read_bytes()
    with Store.open(target) as store:
        store.accounts()
    assert (target.stat().st_mtime_ns, target.read_bytes()) == before
