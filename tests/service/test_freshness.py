"""Stale data is said (issue 11): the demo's data ends 2026-11-20; asked on 2026-12-03 every
answer says the data is 13 days old, a metric whose window the data does not reach is not
covered (not GOOD, not BAD), and the state past the data's end is a projection that does not
assume the seller does nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.demo_store import DEMO_ACCOUNT, DEMO_AS_OF, demo_db

from sellerhealth.domain.freshness import GRACE_DAYS, Freshness
from sellerhealth.service import metrics, states
from sellerhealth.service.freshness import freshness, mark_rows
from sellerhealth.service.report import report
from sellerhealth.store.store import Store

TODAY = date(2026, 12, 3)  # the day the issue was filed: 13 days after the demo's data


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store.open(demo_db(tmp_path_factory.mktemp("fresh"))) as s:
        yield s


@pytest.fixture(scope="module")
def today(store):
    return report(store, DEMO_ACCOUNT, TODAY)


def test_the_demo_today_says_its_data_is_13_days_old(today):
    fresh = today["sellerhealth"]["freshness"]
    assert (fresh["ageDays"], fresh["stale"]) == (13, True)
    assert fresh["message"].startswith("data is 13 days old: the latest order is of 2026-11-20")
    assert fresh["dataThrough"]["orders"] == "2026-11-20"
    assert fresh["dataThrough"]["feedbackReport"] == "2026-11-20"
    assert fresh["dataThrough"]["performanceSnapshot"] == "2026-11-20"


def test_metrics_past_the_data_are_not_covered_neither_good_nor_bad(today):
    gaps = {(g["metric"], g["scope"]): g for g in today["sellerhealth"]["freshness"]["notCovered"]}
    assert set(gaps) == {
        ("orderDefectRate", "afn"),  # its orders are in, but defects come up to the as-of day
        ("orderDefectRate", "mfn"),
        ("lateShipmentRate", "10d"),
        ("lateShipmentRate", "30d"),
        ("preFulfillmentCancellationRate", ""),
        ("unitOnTimeDeliveryRate", ""),
    }
    assert gaps[("lateShipmentRate", "10d")]["window"] == ["2026-11-24", "2026-12-03"]
    assert gaps[("lateShipmentRate", "10d")]["dataThrough"] == "2026-11-20"
    assert gaps[("orderDefectRate", "mfn")]["needs"] == "feedback, claims, chargebacks"
    block = today["performanceMetrics"][0]
    # 13 of 1231 MFN orders defective is 1.06%: BAD on missing data before; now not rated.
    assert block["orderDefectRate"]["mfn"]["orderWithDefects"]["count"] == 13
    assert block["orderDefectRate"]["mfn"]["status"] == "NONE"
    assert block["unitOnTimeDeliveryRate"]["status"] == "NONE"  # 283/376 = 75%, not "BAD"
    assert block["validTrackingRate"]["status"] == "GOOD"  # 2026-10-21 .. 11-19: covered


def test_on_the_data_s_last_day_everything_is_covered(store):
    document = report(store, DEMO_ACCOUNT, DEMO_AS_OF)
    fresh = document["sellerhealth"]["freshness"]
    assert (fresh["ageDays"], fresh["stale"], fresh["notCovered"]) == (0, False, [])
    assert document["sellerhealth"]["state"]["projection"] is None


def test_amazon_s_status_is_the_account_s_and_compared_like_with_like(today):
    assert today["accountStatuses"] == [{"marketplaceId": "ATVPDKIKX0DER", "status": "NORMAL"}]
    assert today["sellerhealth"]["accountStatusSource"] == "amazon report of 2026-11-20"
    assert today["sellerhealth"]["state"]["assessment"] == "at risk of review"
    # Amazon's 2026-11-20 figures beside ours of 2026-11-20, not of 2026-12-03.
    afn = today["sellerhealth"]["amazonComparison"][0]
    assert afn["metric"] == "orderDefectRate.afn"
    assert (afn["computed"]["orderWithDefects"], afn["computed"]["orderCount"]) == (7, 1828)
    assert afn["differs"] is False


def test_history_marks_the_days_past_the_data(store):
    rows = metrics.history(store, DEMO_ACCOUNT, date(2026, 11, 20), date(2026, 11, 23), "lsr")
    marked = mark_rows(store, DEMO_ACCOUNT, rows)
    by_day = {(m["date"], m["scope"]): m["status"] for m in marked}
    assert by_day[("2026-11-20", "10d")] == "GOOD"
    assert by_day[("2026-11-21", "10d")] == "GOOD"  # within the day's grace
    assert by_day[("2026-11-22", "10d")] == "NOT_COVERED"
    assert by_day[("2026-11-23", "30d")] == "NOT_COVERED"


def test_a_projection_does_not_assume_the_seller_does_nothing(store):
    """Issue 11: `--as-of 2030-01-01` said "DEACTIVATED since 2026-12-29" because no Plan of
    Action was recorded in this tool."""
    view = states.account_status(store, DEMO_ACCOUNT, date(2030, 1, 1), save=False)
    after = [t for t in view.history if t.day > DEMO_AS_OF]
    assert all(t.trigger not in ("plan_overdue", "review_elapsed") for t in after)
    assert str(view.state) not in ("SUSPENDED", "DEACTIVATED")
    fresh = freshness(store, DEMO_ACCOUNT, date(2030, 1, 1))
    assert fresh.stale and fresh.last_order == DEMO_AS_OF


def test_the_coverage_rule_by_hand():
    d = date(2026, 6, 30)

    def fresh(orders: date, **more: date) -> Freshness:
        return Freshness(d, {"orders": orders, **more})

    # A 10-day late shipment window ends on D: data through D-1 covers it (a day's grace).
    assert GRACE_DAYS == 1
    assert fresh(d - timedelta(days=1)).gap("M", "lateShipmentRate", "10d", d, d) is None
    gap = fresh(d - timedelta(days=2)).gap("M", "lateShipmentRate", "10d", d, d)
    assert gap is not None and (gap.needs, gap.data_through) == ("orders", d - timedelta(days=2))
    # Tracking data never imported: the metric is NONE already, no gap to report.
    assert fresh(d).gap("M", "validTrackingRate", "", d, d) is None
    # Shipments imported but old: the valid tracking window past them is not covered.
    old = fresh(d, shipments=d - timedelta(days=20))
    assert old.gap("M", "validTrackingRate", "", d - timedelta(days=40), d - timedelta(days=14))
    # Violations come one by one: the rating and compliance are never "not covered".
    assert fresh(d - timedelta(days=90)).gap("M", "accountHealthRating", "", d, d) is None
