"""Date windows: whole UTC days with both bounds inclusive, spelled out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """The days `first` .. `last`, both included."""

    first: date
    last: date

    @classmethod
    def ending(cls, as_of: date, days: int, lag_days: int = 0) -> Window:
        """`days` days ending `lag_days` days before `as_of`.

        ODR (60 days, lag 14) as of D is [D-73, D-14]; LSR (10 days, lag 0) is [D-9, D].
        """
        last = as_of - timedelta(days=lag_days)
        return cls(last - timedelta(days=days - 1), last)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)

    def amazon_range(self) -> dict[str, str]:
        """Amazon's `reportingDateRange` for this window (UTC day bounds)."""
        return {
            "reportingDateFrom": f"{self.first.isoformat()}T00:00:00Z",
            "reportingDateTo": f"{self.last.isoformat()}T23:59:59Z",
        }


# The days sellerhealth answers for, and the longest range of days one question may span: a
# date outside them is a typo, and refusing it beats minutes of work (a choice, recorded in
# the policy file's [decisions]).
EARLIEST_DAY = date(1995, 1, 1)  # before Amazon's marketplace existed
LATEST_DAY = date(2999, 12, 31)
MAX_RANGE_DAYS = 3660  # ten years of daily figures


def check_day(day: date) -> date:
    """`day` itself, or ValueError naming the limits."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(
            f"{day} is outside the days sellerhealth answers for ({EARLIEST_DAY} to {LATEST_DAY})"
        )
    return day


def check_range(first: date, last: date) -> Window:
    """The window first..last, or ValueError when it is reversed or longer than the limit."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    window = Window(check_day(first), check_day(last))
    if window.days > MAX_RANGE_DAYS:
        raise ValueError(
            f"{first} .. {last} is {window.days} days; one question spans at most "
            f"{MAX_RANGE_DAYS} days (ask for a shorter range)"
        )
    return window
