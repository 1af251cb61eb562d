"""The sample's calendar, and Pacific time: the clock of Amazon.com's US reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

HISTORY_DAYS = 183
# The ODR window of the amazon-us-2026 policy (odr.window_days, odr.lag_days): [D-73, D-14].
ODR_WINDOW_DAYS = 60
ODR_LAG_DAYS = 14
FEEDBACK_1_LAG_DAYS = 30  # the older feedback report ends about a month before `end`
QUIET_DAYS = 15


@lru_cache(maxsize=8)
def _dst_utc(year: int) -> tuple[datetime, datetime]:
    """US daylight saving time in UTC: 2:00 local on March's 2nd and November's 1st Sunday."""
    march = date(year, 3, 8)
    november = date(year, 11, 1)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    stop = november + timedelta(days=(6 - november.weekday()) % 7)
    return datetime.combine(start, time(10), UTC), datetime.combine(stop, time(9), UTC)


def pacific_hours(moment: datetime) -> int:
    start, stop = _dst_utc(moment.year)
    return -7 if start <= moment < stop else -8


def pacific(moment: datetime) -> str:
    """`2026-07-04T21:15:03-07:00`: how Amazon's US order report writes a UTC moment."""
    hours = pacific_hours(moment)
    local = moment + timedelta(hours=hours)
    return f"{local:%Y-%m-%dT%H:%M:%S}-0{-hours}:00"


def from_pacific(day: date, hour: int, minute: int, second: int) -> datetime:
    local = datetime.combine(day, time(hour, minute, second), UTC)
    moment = local + timedelta(hours=8)
    return moment if pacific_hours(moment) == -8 else local + timedelta(hours=7)


def zulu(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year % 100:02d}"


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def ndays(n: int) -> timedelta:
    return timedelta(days=n)
