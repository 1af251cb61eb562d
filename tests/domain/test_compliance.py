"""Policy-compliance counts and the Account Health Rating estimate (SPEC section 4).

As of D = 2026-06-30 the 180-day window is [D-179, D] = [2026-01-02, 2026-06-30]. Point values
are the amazon-us-2026 estimates: low 2, medium 4, high 8; +4 per 200 orders; start 200.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerhealth.domain.compliance import (
    AhrBand,
    account_health_rating,
    ahr_band,
    policy_compliance,
)
from sellerhealth.domain.metrics import Status
from sellerhealth.domain.records import Channel, Order, Severity, Violation, ViolationStatus
from sellerhealth.domain.windows import Window
from sellerhealth.policy_files import load_policy

D = date(2026, 6, 30)
LISTING = "listingPolicyViolations"
IP = "suspectedIntellectualPropertyViolations"


def day(before: int) -> date:
    return D - timedelta(days=before)


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def violation(
    violation_id, dated=10, category=LISTING, severity=Severity.HIGH, resolved=None, **fields
):
    if resolved is not None:
        fields |= {"status": ViolationStatus.RESOLVED, "status_date": day(resolved)}
    return Violation("acct", violation_id, day(dated), category, severity, **fields)


def orders(count, purchased=30, channel=Channel.MFN) -> list[Order]:
    return [Order("acct", f"o{i}", day(purchased), channel) for i in range(count)]


# --- Policy compliance: open violations per category, 180 days, target 0 ----------------------


def test_every_policy_category_is_reported_and_zero_is_good(policy):
    counts = policy_compliance([], D, policy)
    assert list(counts) == list(policy.policy_compliance.categories)
    for category, count in counts.items():
        assert (count.category, count.count, count.target) == (category, 0, 0)
        assert count.window == Window(day(179), D)
        assert count.status is Status.GOOD  # never NONE: there is no denominator


def test_open_violations_are_counted_per_category(policy):
    violations = [violation("v1"), violation("v2", dated=100), violation("v3", category=IP)]
    counts = policy_compliance(violations, D, policy)
    assert (counts[LISTING].count, counts[LISTING].violation_ids, counts[LISTING].status) == (
        2,
        ("v1", "v2"),
        Status.BAD,
    )
    assert (counts[IP].count, counts[IP].status) == (1, Status.BAD)


def test_compliance_window_edges(policy):
    violations = [
        violation("first-day", dated=179),  # D-179: in
        violation("too-old", dated=180),  # D-180: aged off
        violation("today", dated=0),  # D: in
        violation("tomorrow", dated=-1),  # D+1: not known on D
    ]
    assert policy_compliance(violations, D, policy)[LISTING].violation_ids == ("first-day", "today")


def test_a_violation_resolved_by_d_no_longer_counts(policy):
    violations = [
        violation("resolved-yesterday", resolved=1),
        violation("resolved-on-d", resolved=0),
        violation("resolved-tomorrow", resolved=-1),  # still open on D
        violation("resolved-undated", status=ViolationStatus.RESOLVED),  # resolved from its date
    ]
    assert policy_compliance(violations, D, policy)[LISTING].violation_ids == ("resolved-tomorrow",)


def test_categories_outside_the_policy_list_are_reported_after_it(policy):
    violations = [
        violation("v1", category="newCategory"),
        violation("old", dated=200, category="ancient"),
    ]
    counts = policy_compliance(violations, D, policy)
    assert list(counts)[-1] == "newCategory"  # "ancient" has nothing in the window
    assert (counts["newCategory"].count, counts["newCategory"].status) == (1, Status.BAD)


# --- Account Health Rating ----------------------------------------------------------------------


def test_a_new_seller_starts_at_200(policy):
    ahr = account_health_rating([], [], D, policy)
    assert (ahr.score, ahr.band, ahr.ahr_status) == (200, AhrBand.HEALTHY, "GOOD")
    assert (ahr.order_count, ahr.order_points, ahr.violation_points, ahr.critical) == (
        0,
        0,
        0,
        False,
    )
    assert ahr.window == Window(day(179), D)


@pytest.mark.parametrize(
    ("count", "score"),
    [(199, 200), (200, 204), (399, 204), (400, 208), (1000, 220)],
)
def test_four_points_per_full_block_of_200_orders(policy, count, score):
    ahr = account_health_rating(orders(count), [], D, policy)
    assert (ahr.order_count, ahr.order_points, ahr.score) == (count, score - 200, score)


def test_orders_of_both_channels_in_the_window_count_once_each(policy):
    both = orders(100, channel=Channel.MFN) + [
        Order("acct", f"f{i}", day(179), Channel.AFN) for i in range(100)
    ]
    duplicate = orders(1)  # o0 again: one order
    outside = [Order("acct", f"x{i}", day(180), Channel.MFN) for i in range(200)]
    ahr = account_health_rating(both + duplicate + outside, [], D, policy)
    assert (ahr.order_count, ahr.score) == (200, 204)


def test_falling_volume_alone_never_takes_the_score_below_200(policy):
    # 1,000 orders, all more than 180 days ago: the volume points are gone, the start remains
    ahr = account_health_rating(orders(1000, purchased=181), [], D, policy)
    assert (ahr.order_count, ahr.score, ahr.band) == (0, 200, AhrBand.HEALTHY)


@pytest.mark.parametrize(
    ("severity", "score"),
    [(Severity.HIGH, 212), (Severity.MEDIUM, 216), (Severity.LOW, 218)],
)
def test_an_open_violation_takes_its_points_off(policy, severity, score):
    ahr = account_health_rating(orders(1000), [violation("v1", severity=severity)], D, policy)
    assert (ahr.score, ahr.violation_points, ahr.violations_counted) == (
        score,
        220 - score,
        ("v1",),
    )


def test_a_resolved_violation_gives_its_points_back(policy):
    resolved_before_d = [violation("v1", dated=20, resolved=1)]
    resolved_after_d = [violation("v1", dated=20, resolved=-1)]  # still open on D
    assert account_health_rating(orders(1000), resolved_before_d, D, policy).score == 220
    assert account_health_rating(orders(1000), resolved_after_d, D, policy).score == 212


def test_violations_older_than_180_days_have_aged_off(policy):
    ahr = account_health_rating(orders(1000), [violation("old", dated=180)], D, policy)
    assert (ahr.score, ahr.violations_counted) == (220, ())


def test_an_open_critical_violation_sets_the_score_to_0(policy):
    ahr = account_health_rating(
        orders(1000), [violation("c1", severity=Severity.CRITICAL)], D, policy
    )
    assert (ahr.score, ahr.critical, ahr.band, ahr.ahr_status) == (
        0,
        True,
        AhrBand.UNHEALTHY,
        "AT_RISK_OF_DEACTIVATION",
    )
    assert ahr.violations_counted == ("c1",)


def test_a_resolved_critical_violation_no_longer_zeroes_the_score(policy):
    violations = [violation("c1", severity=Severity.CRITICAL, resolved=2)]
    ahr = account_health_rating(orders(1000), violations, D, policy)
    assert (ahr.score, ahr.critical) == (220, False)


def test_the_score_stays_within_0_and_1000(policy):
    # 50,000 orders would be 200 + 1,000; the volume part is capped at 1,000 and a high
    # violation still costs its 8 points
    assert account_health_rating(orders(50_000), [], D, policy).score == 1000
    high = [violation("v1")]
    assert account_health_rating(orders(50_000), high, D, policy).score == 992
    many = [violation(f"v{i}") for i in range(30)]  # 240 points off 200
    assert account_health_rating([], many, D, policy).score == 0


def test_violations_move_the_band(policy):
    twelve_high = [violation(f"v{i:02}") for i in range(12)]  # 200 - 96 = 104
    thirteen_high = [*twelve_high, violation("v12")]  # 200 - 104 = 96
    at_risk = account_health_rating([], twelve_high, D, policy)
    unhealthy = account_health_rating([], thirteen_high, D, policy)
    assert (at_risk.score, at_risk.band, at_risk.ahr_status) == (104, AhrBand.AT_RISK, "AT_RISK")
    assert (unhealthy.score, unhealthy.band) == (96, AhrBand.UNHEALTHY)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1000, AhrBand.HEALTHY),
        (200, AhrBand.HEALTHY),
        (199, AhrBand.AT_RISK),
        (100, AhrBand.AT_RISK),
        (99, AhrBand.UNHEALTHY),
        (0, AhrBand.UNHEALTHY),
    ],
)
def test_bands_at_200_and_100(policy, score, band):
    assert ahr_band(score, policy) is band
