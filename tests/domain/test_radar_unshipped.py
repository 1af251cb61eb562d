"""At-risk shipment radar, orders not yet ship-confirmed: the warning before the latest ship
date, overdue orders, which orders are left out, and the seasonal thresholds.
Time conventions and builders: tests/domain/radar_cases.py."""

from __future__ import annotations

from tests.domain.radar_cases import LSR, ODR, at, only, order

from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskKind
from sellerhealth.domain.radar_transit import radar_thresholds


def test_not_shipped_due_counts_hours_to_the_end_of_the_latest_ship_date(policy):
    orders = [order("o1", "2026-11-18", latest_ship_date="2026-11-20")]
    flag = only(at_risk_shipments(orders, [], [], at("2026-11-20T10:00"), policy))
    assert flag.kind is RiskKind.NOT_SHIPPED_DUE
    assert flag.hours_left == 14.0
    assert flag.deadline == at("2026-11-21T00:00")
    assert flag.deadline_reason == "latest_ship_date"
    assert flag.threatens == (LSR, ODR)
    assert flag.tracking_id is None
    assert flag.evidence["latest_ship_date"] == "2026-11-20"
    assert "2026-11-21 00:00 UTC" in flag.action


def test_not_shipped_late_has_negative_hours(policy):
    orders = [order("o1", "2026-06-15", latest_ship_date="2026-06-19")]
    flag = only(at_risk_shipments(orders, [], [], at("2026-06-20T10:00"), policy))
    assert flag.kind is RiskKind.NOT_SHIPPED_LATE
    assert flag.hours_left == -10.0
    assert flag.deadline == at("2026-06-20T00:00")
    assert "Overdue by 10.0 hours" in flag.action


def test_unshipped_order_outside_the_warning_or_the_lsr_windows_is_not_flagged(policy):
    now = at("2026-06-20T10:00")
    orders = [
        order("later", "2026-06-18", latest_ship_date="2026-06-21"),  # 38 hours left > 24
        order("edge", "2026-06-18", latest_ship_date="2026-06-20"),  # 14 hours: flagged
        order("stale", "2026-05-01", latest_ship_date="2026-05-21"),  # before [05-22, 06-20]
        order("no_date", "2026-06-18"),
        order("cancelled", "2026-06-18", latest_ship_date="2026-06-20", order_status="Cancelled"),
        order("shipped", "2026-06-18", latest_ship_date="2026-06-20", order_status="Shipped"),
    ]
    assert [f.order_id for f in at_risk_shipments(orders, [], [], now, policy)] == ["edge"]


def test_seasonal_profile_warns_earlier_about_the_ship_date(policy):
    # 38 hours before the end of the latest ship date: outside June's 24-hour warning,
    # inside November's 24 / 0.5 = 48 hours
    june = [order("o1", "2026-06-18", latest_ship_date="2026-06-21")]
    november = [order("o1", "2026-11-18", latest_ship_date="2026-11-21")]
    assert at_risk_shipments(june, [], [], at("2026-06-20T10:00"), policy) == []
    flag = only(at_risk_shipments(november, [], [], at("2026-11-20T10:00"), policy))
    assert (flag.kind, flag.hours_left) == (RiskKind.NOT_SHIPPED_DUE, 38.0)
    assert flag.evidence["ship_warning_hours"] == 48.0
    assert flag.evidence["seasonal"] is True


def test_radar_thresholds_in_and_out_of_season(policy):
    june = radar_thresholds(policy, at("2026-06-20T10:00"))
    december = radar_thresholds(policy, at("2026-12-01T00:00"))
    assert (june.ship_warning_hours, june.no_first_scan_hours, june.stalled_hours) == (24, 24, 72)
    assert not june.seasonal
    assert (december.ship_warning_hours, december.no_first_scan_hours) == (48, 12)
    assert (december.stalled_hours, december.seasonal) == (36, True)
