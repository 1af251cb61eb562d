"""Parsers for the cell values SPEC section 3 allows. Each raises ValueError with a message
that says what was expected, so the row error can tell the user what to write instead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


def parse_text(raw: str) -> str | None:
    text = raw.strip()
    return text or None


def parse_required_text(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise ValueError("is empty; a value is required")
    return text


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{raw!r} is not a boolean; write true/false, yes/no, 1/0 or y/n")


def parse_timestamp(raw: str) -> datetime:
    """An ISO 8601 date or timestamp as an aware UTC datetime (no offset means UTC)."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{raw!r} is not an ISO 8601 date or time; "
            "write 2026-03-01 or 2026-03-01T17:05:00-08:00"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_day(raw: str) -> date:
    """An ISO 8601 date, or a timestamp converted to its UTC day (SPEC section 3)."""
    text = raw.strip()
    if len(text) == 10:  # the common plain date: skip the datetime round trip
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return parse_timestamp(text).date()


def parse_us_day(raw: str) -> date:
    """Seller Central's US report date, `M/D/YY` (or `M/D/YYYY`); ISO dates are accepted too."""
    text = raw.strip()
    if "/" not in text:
        return parse_day(text)
    parts = text.split("/")
    try:
        month, day, year = (int(p) for p in parts)
        return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date; write M/D/YY as in Amazon's report") from None


def parse_int(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    if high is None:
        expected = f"at least {low}"
    else:
        expected = f"at most {high}" if low is None else f"{low} to {high}"

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"{value} is out of range; expected {expected}")
        return value

    return parse


def parse_choice(enum: type[E]) -> Callable[[str], E]:
    allowed = ", ".join(member.value for member in enum)
    # Case-insensitive whatever case the enum's values are in (Channel's are upper case).
    members = {member.value.lower(): member for member in enum}

    def parse(raw: str) -> E:
        try:
            return members[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown value {raw.strip()!r}; expected one of: {allowed}") from None

    return parse


def optional(parse: Callable[[str], T]) -> Callable[[str], T | None]:
    """Empty cells mean 'not known'; anything else must parse."""

    def parse_optional(raw: str) -> T | None:
        return parse(raw) if raw.strip() else None

    return parse_optional
