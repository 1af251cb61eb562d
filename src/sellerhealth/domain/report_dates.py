"""The day-month-year orders of Seller Central's report dates, and choosing one for a file.

A feedback report writes its dates in its marketplace's format (domain.marketplaces): 3/1/17
is 1 March in the US and 3 January in the UK. A date is never read in an order its file does
not use: with the marketplace known, only its format is accepted; without it, the format is
the one that every date in the file fits, and a file whose dates fit more than one is refused
rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class DateFormat:
    name: str  # as Seller Central users write it: D/M/YY
    separator: str
    order: str  # the parts in file order: "MDY", "DMY" or "YMD"

    def parse(self, raw: str) -> date:
        """The day `raw` names in this format; ValueError when it does not fit the format.

        Years may have two digits (20xx) or four. Each part must be a number.
        """
        text = raw.strip()
        if _ISO.fullmatch(text):  # 2017-01-13 is the same day in every marketplace
            return date.fromisoformat(text)
        parts = text.split(self.separator)
        # isdecimal, not isdigit: a superscript 2 is a digit that int() cannot read.
        if len(parts) != 3 or not all(p.isdecimal() and len(p) <= 4 for p in parts):
            raise ValueError(f"{raw!r} is not a date written {self.name}")
        values = dict(zip(self.order, (int(p) for p in parts), strict=True))
        year_text = parts[self.order.index("Y")]
        if len(year_text) not in (2, 4):
            raise ValueError(f"{raw!r} is not a date written {self.name}")
        year = values["Y"] + 2000 if len(year_text) == 2 else values["Y"]
        try:
            return date(year, values["M"], values["D"])
        except ValueError:
            raise ValueError(f"{raw!r} is not a date written {self.name}") from None


FORMATS: dict[str, DateFormat] = {
    f.name: f
    for f in (
        DateFormat("M/D/YY", "/", "MDY"),
        DateFormat("D/M/YY", "/", "DMY"),
        DateFormat("D.M.YY", ".", "DMY"),
        DateFormat("YY/M/D", "/", "YMD"),
        DateFormat("YYYY-MM-DD", "-", "YMD"),
    )
}


def fitting_formats(cells: Iterable[str]) -> list[DateFormat]:
    """The formats in which every date of the file is a date.

    A cell that is a date in no format at all is a bad row whatever the format (the row
    parser reports it), so it does not rule formats out; a format must fit at least one cell.
    """
    readable = [fits for fits in (_fitting(cell) for cell in cells if cell.strip()) if fits]
    return [f for f in FORMATS.values() if readable and all(f in fits for fits in readable)]


def differing(formats: list[DateFormat], cells: Iterable[str]) -> list[DateFormat]:
    """`formats` less those that read every cell as the same day as an earlier one does: a
    choice between formats matters only where they read some date differently (1/1/17)."""
    values = [c for c in cells if c.strip()]
    kept: list[DateFormat] = []
    readings: list[list[date | None]] = []
    for candidate in formats:
        reading = [_day_or_none(candidate, v) for v in values]
        if reading not in readings:
            kept.append(candidate)
            readings.append(reading)
    return kept


def _day_or_none(candidate: DateFormat, raw: str) -> date | None:
    try:
        return candidate.parse(raw)
    except ValueError:
        return None


def _fitting(raw: str) -> set[DateFormat]:
    fits = set()
    for candidate in FORMATS.values():
        try:
            candidate.parse(raw)
        except ValueError:
            continue
        fits.add(candidate)
    return fits
