"""Contact response: buyer messages answered within 24 hours (SPEC section 4).

As of D = 2026-06-30: the window is the 30 UTC days [D-29, D], and only messages whose 24-hour
deadline has passed by the end of D (before 2026-07-01 00:00 UTC) are judged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sellerhealth.domain.contact import contact_response
from sellerhealth.domain.metrics import Condition, Status
from sellerhealth.domain.records import BuyerMessage
from sellerhealth.domain.windows import Window
from sellerhealth.policy_files import load_policy

D = date(2026, 6, 30)
END_OF_D = datetime(2026, 7, 1, tzinfo=UTC)  # the first instant after D


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def message(message_id, received_at, answered_after=None) -> BuyerMessage:
    responded_at = None if answered_after is None else received_at + answered_after
    return BuyerMessage("acct", message_id, received_at, responded_at)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_answered_within_24_hours_is_on_time_25_hours_is_late(policy):
    noon = datetime(2026, 6, 20, 12, tzinfo=UTC)
    messages = [
        message("fast", noon, hours(1)),
        message("exactly-24h", noon, hours(24)),  # the 24th hour still counts
        message("25h", noon, hours(25)),  # late
        message("never", noon),  # no answer, deadline long gone: late
    ]
    metric = contact_response(messages, D, policy)
    assert metric.name == "contactResponse"
    assert metric.window == Window(date(2026, 6, 1), D)
    assert (metric.numerator, metric.denominator) == (2, 4)
    assert (metric.target, metric.condition, metric.status) == (
        0.90,
        Condition.GREATER_THAN,
        Status.BAD,
    )


def test_a_message_still_inside_its_24_hours_is_not_judged_yet(policy):
    messages = [
        message("2h-before-end", END_OF_D - hours(2)),  # unanswered, but can still be answered
        message("answered-today", datetime(2026, 6, 30, 1, tzinfo=UTC), hours(1)),  # also not yet
        message("yesterday-late", datetime(2026, 6, 29, 23, tzinfo=UTC)),  # due D 23:00: late
    ]
    metric = contact_response(messages, D, policy)
    assert (metric.numerator, metric.denominator) == (0, 1)


def test_a_deadline_at_the_first_instant_after_d_is_not_judged_on_d(policy):
    at_midnight = datetime(2026, 6, 30, tzinfo=UTC)  # due 2026-07-01 00:00, after D
    just_before = at_midnight - timedelta(microseconds=1)  # due within D
    metric = contact_response([message("a", at_midnight), message("b", just_before)], D, policy)
    assert (metric.numerator, metric.denominator) == (0, 1)


def test_contact_response_window_edges(policy):
    messages = [
        message("first-day", datetime(2026, 6, 1, 0, 0, tzinfo=UTC), hours(2)),  # D-29: in
        message("day-before", datetime(2026, 5, 31, 23, 59, tzinfo=UTC), hours(2)),  # D-30: out
    ]
    metric = contact_response(messages, D, policy)
    assert (metric.numerator, metric.denominator) == (1, 1)


def test_the_day_is_the_utc_day_of_receipt(policy):
    # 2026-06-01 01:00+02:00 is 2026-05-31 23:00 UTC: D-30, outside the window
    paris = timezone(timedelta(hours=2))
    metric = contact_response(
        [message("m", datetime(2026, 6, 1, 1, tzinfo=paris), hours(1))], D, policy
    )
    assert metric.denominator == 0


def test_nine_of_ten_answered_in_time_meets_the_target(policy):
    noon = datetime(2026, 6, 20, 12, tzinfo=UTC)
    messages = [message(f"m{i}", noon, hours(30 if i == 0 else 3)) for i in range(10)]
    metric = contact_response(messages, D, policy)
    assert (metric.rate, metric.status) == (0.9, Status.GOOD)


def test_no_messages_means_status_none(policy):
    metric = contact_response([], D, policy)
    assert (metric.denominator, metric.rate, metric.status) == (0, None, Status.NONE)
