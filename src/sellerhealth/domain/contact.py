"""Contact response: buyer messages answered within 24 hours (SPEC section 4, amazon-policy 2.7).

Messages are the one input where the hour matters, so they carry aware UTC datetimes; the
window still selects whole UTC days, by the day each message was received.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sellerhealth.domain.metrics import Condition, RateMetric
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import BuyerMessage
from sellerhealth.domain.windows import Window

CONTACT_RESPONSE = "contactResponse"


def next_midnight(day: date) -> datetime:
    """The first instant after `day` (UTC): `day` ends just before it."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def received_day(message: BuyerMessage) -> date:
    return message.received_at.astimezone(UTC).date()


def answered_in_time(message: BuyerMessage, response_hours: int) -> bool:
    """Answered no more than `response_hours` after it was received (weekends count)."""
    return (
        message.responded_at is not None
        and message.responded_at - message.received_at <= timedelta(hours=response_hours)
    )


def contact_response(messages: Iterable[BuyerMessage], as_of: date, policy: Policy) -> RateMetric:
    """Share of buyer messages answered within `response_hours`, as of the end of D.

    Denominator: messages received (UTC day) in the `window_days` days ending on D whose
    deadline, received_at + response_hours, has passed by the end of D (is before D+1 00:00
    UTC). A message still inside its response time on D is not judged yet, answered or not:
    with 24 hours this leaves out every message received on D itself.
    Numerator: those answered within `response_hours`. An unanswered message is late; an
    answer after the end of D is after the deadline too, so it is late either way.
    """
    rules = policy.contact_response
    window = Window.ending(as_of, rules.window_days)
    allowed = timedelta(hours=rules.response_hours)
    judged = [
        m
        for m in messages
        if received_day(m) in window and m.received_at + allowed < next_midnight(as_of)
    ]
    on_time = [m for m in judged if answered_in_time(m, rules.response_hours)]
    return RateMetric(
        name=CONTACT_RESPONSE,
        window=window,
        numerator=len(on_time),
        denominator=len(judged),
        target=rules.target,
        condition=Condition.GREATER_THAN,
    )
