"""Parsers for the cell values SPEC section 3 allows. Each raises ValueError with a message
that says what was expected, so the row error can tell the user what to write instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}

# The days a record may carry. Outside them a date is a typo or a placeholder (9999-12-31),
# and the engine, which counts every day from an event to the end of its windows, must not
# be sent a millennium of days by one cell. Amazon's marketplace for sellers opened in 2000.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# Counts (units, quantities): far above any real order, far below the stores' 64-bit limit
# even summed over a million item rows.
MAX_COUNT = 1_000_000_000
# SQLite and PostgreSQL store 64-bit integers; PostgreSQL refuses NUL in text; neither can
# encode a lone UTF-16 surrogate (which only JSON's \ud800 escapes can produce).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


# An e-mail address, or what is left of one cut short: a buyer's address that a shifted or
# mistyped row puts in a column the importer reads must not reach a message or a rejects file.
# An address, or what is left of one whose local part a cut or a shifted cell lost
# ("@marketplace.amazon.com": the buyer's relay domain is still theirs to leave out).
_EMAIL = re.compile(r"[^\s,;'\"<>@]+@[^\s,;'\"<>]*|@[^\s,;'\"<>@]+\.[^\s,;'\"<>]+")
EMAIL_LEFT_OUT = "[e-mail address left out]"


def without_emails(text: str) -> str:
    return _EMAIL.sub(EMAIL_LEFT_OUT, text) if "@" in text else text


def shown(raw: str, limit: int = 60) -> str:
    """A cell quoted for a message, cut short (a cell can be megabytes long), with any e-mail
    address left out."""
    cut = raw if len(raw) <= limit else raw[: limit - 3]
    return repr(without_emails(cut)) + ("" if cut is raw else "...")


def check_text(text: str) -> str:
    """`text`, or ValueError when it holds a character no store can keep."""
    found = _UNSTORABLE.search(text)
    if found:
        char = found.group()
        what = "a NUL character" if char == "\x00" else f"a lone surrogate {char!r}"
        raise ValueError(f"contains {what} at position {found.start() + 1}; remove it")
    return text


def parse_text(raw: str) -> str | None:
    text = check_text(raw.strip())
    return text or None


def parse_required_text(raw: str) -> str:
    text = check_text(raw.strip())
    if not text:
        raise ValueError("is empty; a value is required")
    return text


ACCOUNT_RULE = (
    "1 to 64 characters: letters, digits, '.', '_', '-', '@' and spaces, "
    "starting with a letter or digit and not ending with a space"
)
_ACCOUNT = re.compile(r"[^\W_][\w.@ -]{0,63}", re.UNICODE)


def parse_account(raw: str) -> str:
    """An account name as SPEC section 2 uses it: a short label that is safe in a URL path
    segment, a file name and a terminal (no '/', no control characters, no '..')."""
    name = raw.strip()
    if not _ACCOUNT.fullmatch(name) or name.endswith(" "):
        shown = repr(name if len(name) <= 40 else name[:40] + "...")
        raise ValueError(f"{shown} is not an account name; use {ACCOUNT_RULE}")
    return name


def in_record_range(day: date, raw: str | None = None) -> date:
    """`day`, or a ValueError naming the days a record may carry."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raw = day.isoformat() if raw is None else raw
        raise ValueError(
            f"{shown(raw.strip())} is out of range; dates must be from {FIRST_DAY} to {LAST_DAY}"
        )
    return day


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{shown(raw)} is not a boolean; write true/false, yes/no, 1/0 or y/n")


def parse_timestamp(raw: str) -> datetime:
    """An ISO 8601 date or timestamp as an aware UTC datetime (no offset means UTC)."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text)
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        raise ValueError(
            f"{shown(raw)} is not an ISO 8601 date or time; "
            "write 2026-03-01 or 2026-03-01T17:05:00-08:00"
        ) from None
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is in year 10000 once in UTC
        utc = datetime.max.replace(tzinfo=UTC)
    in_record_range(utc.date(), raw)
    return utc


def parse_day(raw: str) -> date:
    """An ISO 8601 date, or a timestamp converted to its UTC day (SPEC section 3)."""
    text = raw.strip()
    if len(text) == 10:  # the common plain date: skip the datetime round trip
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return in_record_range(day, raw)
    return parse_timestamp(text).date()


def parse_us_day(raw: str) -> date:
    """Seller Central's US report date, `M/D/YY` (or `M/D/YYYY`); ISO dates are accepted too."""
    text = raw.strip()
    if "/" not in text:
        return parse_day(text)
    parts = text.split("/")
    try:
        month, day, year = (int(p) for p in parts)
        found = date(year + 2000 if year < 100 else year, month, day)
    except (ValueError, OverflowError):
        expected = "write M/D/YY as in Amazon's report"
        raise ValueError(f"{shown(raw)} is not a date; {expected}") from None
    return in_record_range(found, raw)


def parse_int(low: int | None = None, high: int = MAX_COUNT) -> Callable[[str], int]:
    """A whole number from `low` to `high` (a count, at most MAX_COUNT, unless told)."""
    expected = f"at most {high:,}" if low is None else f"{low} to {high:,}"

    def parse(raw: str) -> int:
        text = raw.strip()
        # int() would spend quadratic time on a megabyte of digits before refusing it.
        if len(text) > 24:
            raise ValueError(f"{shown(text, 27)} is too long for a number; expected {expected}")
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{shown(raw)} is not a whole number") from None
        if (low is not None and value < low) or value > high:
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
            raise ValueError(
                f"unknown value {shown(raw.strip())}; expected one of: {allowed}"
            ) from None

    return parse


def optional(parse: Callable[[str], T]) -> Callable[[str], T | None]:
    """Empty cells mean 'not known'; anything else must parse."""

    def parse_optional(raw: str) -> T | None:
        return parse(raw) if raw.strip() else None

    return parse_optional
