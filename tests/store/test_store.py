"""The store, against both databases: SQLite (embedded) and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from sellerhealth.domain import records as r
from sellerhealth.store import tables as t
from sellerhealth.store.migrations import MIGRATIONS, current_version
from sellerhealth.store.record_writes import ImportSource
from sellerhealth.store.store import Store


def count(store: Store, table: str) -> int:
    return store.backend.query(f"SELECT COUNT(*) FROM {table}")[0][0]


ORDERS = [
    r.Order("a", "o1", date(2026, 5, 1), r.Channel.MFN, "A1PA6795UKMFR9", units=2),
    r.Order("a", "o2", date(2026, 5, 2), r.Channel.AFN),
]


def test_migrations_run_once(target):
    with Store.open(target) as store:
        assert current_version(store.backend) == MIGRATIONS[-1].version
    with Store.open(target) as store:  # reopening applies nothing new
        rows = store.backend.query("SELECT COUNT(*) FROM schema_version")[0][0]
        assert rows == len(MIGRATIONS)


def test_same_records_twice_change_nothing(target):
    with Store.open(target) as store:
        store.import_records(ORDERS)
        first = store.records(r.Order, "a")
        store.import_records(ORDERS)
        assert store.records(r.Order, "a") == first
        assert count(store, "orders") == 2


def test_an_import_counts_its_records_new_updated_or_unchanged(target):
    counts = lambda s: (s.new, s.updated, s.unchanged)  # noqa: E731
    changed = dataclasses.replace(ORDERS[1], units=3)
    extra = r.Order("a", "o3", date(2026, 5, 3), r.Channel.AFN)
    with Store.open(target) as store:
        assert counts(store.import_records(ORDERS)) == (2, 0, 0)
        assert counts(store.import_records(ORDERS)) == (0, 0, 2)  # a re-import
        assert counts(store.import_records([ORDERS[0], changed, extra])) == (1, 1, 1)
        # Only the file's own columns count: units are not among them.
        only = frozenset({"order_id", "purchase_date"})
        assert counts(store.import_records([ORDERS[0]], fields=only)) == (0, 0, 1)
        listed = _report("2026-05-31", "2026-05-01", "2026-05-31", ("o1", "2026-05-03"))
        assert counts(store.import_records(listed)) == (1, 0, 0)
        assert counts(store.import_records(listed)) == (0, 0, 1)


def test_newer_row_updates_only_the_columns_its_file_has(target):
    with Store.open(target) as store:
        store.import_records(ORDERS)
        later = r.Order(
            "a", "o1", date(2026, 5, 1), r.Channel.MFN, latest_ship_date=date(2026, 5, 3)
        )
        store.import_records(
            [later], fields=frozenset({"order_id", "purchase_date", "latest_ship_date"})
        )
        o1 = next(o for o in store.records(r.Order, "a") if o.order_id == "o1")
        # The marketplace and units came from the first file and are kept.
        assert (o1.marketplace_id, o1.units, o1.latest_ship_date) == (
            "A1PA6795UKMFR9",
            2,
            date(2026, 5, 3),
        )


def test_claim_status_history_is_kept(target):
    with Store.open(target) as store:
        store.import_records(
            [r.Claim("a", "o1", date(2026, 5, 10), r.ClaimStatus.GRANTED, date(2026, 5, 20))]
        )
        store.import_records(
            [r.Claim("a", "o1", date(2026, 5, 10), r.ClaimStatus.REVERSED, date(2026, 6, 1))]
        )
        (claim,) = store.records(r.Claim, "a")
        assert claim.status_on(date(2026, 5, 15)) == "pending"
        assert claim.status_on(date(2026, 5, 25)) == "granted"
        assert claim.status_on(date(2026, 6, 1)) == "reversed"


def _report(day: str, first: str, last: str, *listed: tuple[str, str]) -> list[r.Record]:
    feedback = [r.Feedback("a", oid, date.fromisoformat(on), 1) for oid, on in listed]
    report = r.FeedbackReport(
        "a",
        date.fromisoformat(day),
        date.fromisoformat(first),
        date.fromisoformat(last),
        frozenset(oid for oid, _ in listed),
    )
    return [*feedback, report]


def test_feedback_missing_from_a_newer_report_is_removed_on_its_date(target):
    old = _report(
        "2026-05-31", "2026-05-01", "2026-05-31", ("o1", "2026-05-03"), ("o2", "2026-05-20")
    )
    new = _report(
        "2026-06-30", "2026-05-01", "2026-06-30", ("o1", "2026-05-03"), ("o3", "2026-06-10")
    )
    with Store.open(target) as store:
        store.import_records(old)
        summary = store.import_records(new)
        assert summary.removed_feedback == 1
        removed = {f.order_id: f.removed_date for f in store.records(r.Feedback, "a")}
        assert removed == {"o1": None, "o2": date(2026, 6, 30), "o3": None}
        # The older report imported again changes nothing; the newer one again neither.
        store.import_records(old)
        store.import_records(new)
        again = {f.order_id: f.removed_date for f in store.records(r.Feedback, "a")}
        assert again == removed


def test_feedback_outside_the_newer_reports_range_is_not_removed(target):
    old = _report("2026-05-31", "2026-05-01", "2026-05-31", ("o1", "2026-05-03"))
    new = _report("2026-06-30", "2026-06-01", "2026-06-30", ("o3", "2026-06-10"))
    with Store.open(target) as store:
        store.import_records(old)
        assert store.import_records(new).removed_feedback == 0


def test_failed_import_leaves_the_store_as_it_was(target):
    with Store.open(target) as store:
        store.import_records(ORDERS)
        before = store.records(r.Order, "a")
        broken = [r.Order("a", "o3", date(2026, 5, 3), r.Channel.MFN), object()]
        with pytest.raises(KeyError):
            store.import_records(broken)  # type: ignore[list-item]
        assert store.records(r.Order, "a") == before


def test_import_log_is_idempotent(target):
    source = ImportSource("orders.tsv", "amazon-orders", "a", "abc", 2)
    with Store.open(target) as store:
        store.import_records(ORDERS, source)
        store.import_records(ORDERS, source)
        assert count(store, t.IMPORTS.name) == 1


def test_settings_and_snapshots_round_trip(target):
    with Store.open(target) as store:
        store.set_account(r.AccountSettings("a", program="business"))
        assert store.account("a").is_business
        assert not store.account("unknown").is_business
        doc = {"accountStatuses": [{"marketplaceId": "ATVPDKIKX0DER", "status": "NORMAL"}]}
        store.import_records([r.PerformanceSnapshot("a", date(2026, 6, 1), doc)])
        assert store.snapshots("a")[0].document == doc


KILLED_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    from sellerhealth.domain import records as r
    from sellerhealth.store.store import Store

    def rows():
        for i in range(50_000):
            if i == 40_000:  # killed half-way through the transaction
                os.kill(os.getpid(), signal.SIGKILL)
            yield r.Order("a", f"k{i}", date(2026, 5, 1), r.Channel.AFN)

    Store.open(sys.argv[1]).import_records(rows())
    """
)


def test_killed_import_leaves_the_store_as_it_was(target):
    with Store.open(target) as store:
        store.import_records(ORDERS)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, target], check=False, capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr.decode()
    with Store.open(target) as store:
        assert count(store, "orders") == 2


def test_import_while_another_process_holds_the_store_open(tmp_path):
    """A CLI import must not fail while `serve` has the embedded store open and reading."""
    path = tmp_path / "store.db"
    data = tmp_path / "orders.csv"
    data.write_text("order_id,purchase_date,fulfillment_channel\nx1,2026-05-01,MFN\n")
    with Store.open(path) as server:
        server.backend.execute("BEGIN")  # a long read, as a web request would hold
        assert server.backend.query("SELECT COUNT(*) FROM orders")[0][0] == 0
        done = subprocess.run(
            [sys.executable, "-m", "sellerhealth.cli", "--db", str(path), "import", str(data)],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        server.backend.execute("COMMIT")
        assert done.returncode == 0, done.stderr
        assert server.backend.query("SELECT COUNT(*) FROM orders")[0][0] == 1
