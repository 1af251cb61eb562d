"""A sync stores what a file import of the same seller stores: the figures, not the exit code.

The sample seller is synced twice through the emulator, on the day its older feedback report
was taken and 30 days later on the report's as-of day (2026-11-20), so the three feedback
entries missing from the newer report are found removed, as the file importer finds them."""

from __future__ import annotations

from datetime import date

import pytest
from tests.sync.conftest import ACCOUNT, FIRST_DAY, Rig

from sellerhealth.cli.sync import FILES_THE_API_LACKS
from sellerhealth.domain import records as r
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.sample.generate import DEMO_AS_OF, summary, write_sample
from sellerhealth.service import imports, report
from sellerhealth.store import tables as t
from sellerhealth.store.connections import Connections
from sellerhealth.store.store import Store


def _odr(store: Store) -> dict[str, tuple[int, int, int, int, int]]:
    metrics = report.report(store, ACCOUNT, DEMO_AS_OF)["performanceMetrics"][0]["orderDefectRate"]
    return {
        channel: (
            m["orderWithDefects"]["count"],
            m["orderCount"],
            m["negativeFeedback"]["count"],
            m["claims"]["count"],
            m["chargebacks"]["count"],
        )
        for channel, m in metrics.items()
    }


def _imported_files(store: Store, paths: list, only: frozenset[str] | None = None) -> None:
    for path in paths:
        if only is None or path.name in only:
            imports.import_files(store, [path], ReadOptions(ACCOUNT))


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> list:
    return write_sample(tmp_path_factory.mktemp("sample"), DEMO_AS_OF)


def test_two_syncs_store_the_sample_as_amazon_shows_it(rig: Rig, target: str) -> None:
    with Store.open(target) as store:
        rig.connect(store)
        first = rig.sync(store, FIRST_DAY)
        second = rig.sync(store, DEMO_AS_OF)
        assert not first.failed and not second.failed
        orders = store.records(r.Order, ACCOUNT)
        feedback = store.records(r.Feedback, ACCOUNT)
        claims = store.records(r.Claim, ACCOUNT)
        chargebacks = store.records(r.Chargeback, ACCOUNT)
        snapshots = store.snapshots(ACCOUNT)
        odr = _odr(store)
    # Every order placed by the end of 2026-11-20 UTC; the sample's last evening (Pacific)
    # runs into 2026-11-21 UTC, which the emulator's clock has not reached.
    expected = summary()
    placed = [o for o in orders if o.purchase_date <= DEMO_AS_OF]
    assert len(placed) == len(orders)
    assert sum(expected.orders.values()) - len(orders) == 22
    # 28 entries in the older report, 40 in the newer, 3 only in the older: 43 in all, and
    # those 3 removed on the day of the sync that found them missing.
    assert len(feedback) == 43
    removed = sorted(f.order_id for f in feedback if f.removed_date is not None)
    assert tuple(removed) == expected.removed_feedback
    assert {f.removed_date for f in feedback if f.removed_date} == {DEMO_AS_OF}
    # claims.csv: 3 granted and 1 refunded without Buy Shipping protection are debited; the
    # pending, denied, withdrawn, reversed, cancelled and protected ones are not in Finances.
    assert len(claims) == 4 and {c.status for c in claims} == {r.ClaimStatus.GRANTED}
    # Every one of the 8 chargebacks is debited; the API says neither reason nor outcome.
    assert len(chargebacks) == 8
    assert {(c.reason, c.status) for c in chargebacks} == {
        (r.ChargebackReason.SERVICE, r.ChargebackStatus.PENDING)
    }
    assert [s.report_date for s in snapshots] == [FIRST_DAY, DEMO_AS_OF]
    # ODR from the API alone: the 8 chargebacks all count (3 are fraud, 1 won, 1 pending in
    # the file), so MFN and AFN show more defects than the file import: 1211 and 1828 orders.
    assert odr["mfn"][1] == 1211 and odr["afn"][1] == 1828


def test_sync_plus_the_files_the_api_lacks_equals_the_file_import(
    rig: Rig, store: Store, sample_files: list, tmp_path
) -> None:
    rig.connect(store)
    rig.sync(store, FIRST_DAY)
    rig.sync(store, DEMO_AS_OF)
    _imported_files(store, sample_files, FILES_THE_API_LACKS)
    with Store.open(tmp_path / "files.db") as files:
        _imported_files(files, sample_files)
        expected = _odr(files)
    # The sample's figures (SPEC section 4): MFN 11/1211 (feedback 6, claims 4, chargebacks
    # 2), AFN 7/1828 (6, 1, 1); the file import says the same.
    assert expected == {"mfn": (11, 1211, 6, 4, 2), "afn": (7, 1828, 6, 1, 1)}
    assert _odr(store) == expected


def test_a_sync_on_the_same_day_fetches_no_report_again_and_imports_nothing(
    rig: Rig, store: Store
) -> None:
    rig.connect(store)
    rig.sync(store, DEMO_AS_OF)
    before = store.backend.query("SELECT COUNT(*) FROM imports")[0][0]
    created = rig.emulator.calls_to("createReport")
    again = rig.sync(store, DEMO_AS_OF)
    assert rig.emulator.calls_to("createReport") == created
    notes = {k.kind: (k.records, k.note) for k in again.kinds}
    assert notes["feedback"] == (0, "already taken today")
    assert notes["performance"] == (0, "already taken today")
    assert notes["orders"][0] == 0 and notes["finances"][0] == 0
    # The empty pages of orders and events may be logged once, never twice.
    assert store.backend.query("SELECT COUNT(*) FROM imports")[0][0] <= before + 2
    cursors = {c.data_kind: c for c in Connections(store.backend).checkpoints(ACCOUNT)}
    assert set(cursors) == {"orders", "finances", "feedback", "performance"}
    assert all(c.synced_at is not None and c.last_error is None for c in cursors.values())


def test_stored_order_fields_come_from_getorders(rig: Rig, store: Store) -> None:
    rig.connect(store)
    rig.sync(store, DEMO_AS_OF)
    rows = store.rows(t.ORDERS, ACCOUNT, "order_id = ?", ("113-7954941-2060950",))
    # orders.tsv: Merchant, 2 units, purchased 2026-05-21T17:04:55-07:00 (UTC 05-22);
    # orders-extra.csv: ship by 2026-05-25, deliver by 2026-05-27.
    assert len(rows) == 1
    row = rows[0]
    assert (row["fulfillment_channel"], row["units"]) == ("MFN", 2)
    assert row["purchase_date"] == date(2026, 5, 22)
    assert (row["latest_ship_date"], row["latest_delivery_date"]) == (
        date(2026, 5, 25),
        date(2026, 5, 27),
    )
