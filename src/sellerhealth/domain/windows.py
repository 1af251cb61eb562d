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
