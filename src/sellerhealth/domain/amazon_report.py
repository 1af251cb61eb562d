"""Reading Amazon's own GET_V2_SELLER_PERFORMANCE_REPORT document, defensively.

Amazon's schema marks most keys required, but real reports leave some out, use names the schema
does not declare (`ahrStatus`, `ahrScore`) and values outside its enums (`SUSPENDED`)
(reference sections 6.2-6.4). Every function here therefore treats every key as optional and
every value as possibly of the wrong type: what is missing or malformed comes back as None.
Statuses are passed through as Amazon wrote them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from math import isfinite
from typing import Any

CHANNELS = ("afn", "mfn")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    # bool is an int to Python, never a rate or a count to Amazon; Python's JSON reader also
    # accepts NaN and Infinity, which are no rate either.
    if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
        return None
    return value


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and float(number).is_integer() else None


def marketplace_metrics(document: dict[str, Any], marketplace_id: str) -> dict[str, Any]:
    """The `performanceMetrics` entry of one marketplace, or {} when there is none.

    A report for a single marketplace may omit `marketplaceId`; its only entry is then taken.
    """
    entries = [_dict(entry) for entry in _list(_dict(document).get("performanceMetrics"))]
    for entry in entries:
        if entry.get("marketplaceId") == marketplace_id:
            return entry
    if len(entries) == 1 and "marketplaceId" not in entries[0]:
        return entries[0]
    return {}


def amazon_statuses(document: dict[str, Any]) -> dict[str, str]:
    """Amazon's account status per marketplace id (`NORMAL`, `AT_RISK`, `DEACTIVATED`, ...)."""
    statuses: dict[str, str] = {}
    for entry in map(_dict, _list(_dict(document).get("accountStatuses"))):
        marketplace, status = _text(entry.get("marketplaceId")), _text(entry.get("status"))
        if marketplace and status:
            statuses[marketplace] = status
    return statuses


def amazon_odr(document: dict[str, Any], marketplace_id: str) -> dict[str, dict[str, Any]]:
    """Amazon's Order Defect Rate per channel ("afn", "mfn") for one marketplace.

    Each channel present in the report maps to rate, orderCount, orderWithDefects (the count),
    the component counts (negativeFeedback, claims, chargebacks), status and the reporting
    range (reportingDateFrom, reportingDateTo as UTC days); a missing value is None.
    """
    odr = _dict(marketplace_metrics(document, marketplace_id).get("orderDefectRate"))
    found: dict[str, dict[str, Any]] = {}
    for channel in CHANNELS:
        if not isinstance(odr.get(channel), dict):
            continue
        metric = odr[channel]
        span = _dict(metric.get("reportingDateRange"))
        found[channel] = {
            "rate": _number(metric.get("rate")),
            "orderCount": _count(metric.get("orderCount")),
            "orderWithDefects": _count(_dict(metric.get("orderWithDefects")).get("count")),
            "negativeFeedback": _count(_dict(metric.get("negativeFeedback")).get("count")),
            "claims": _count(_dict(metric.get("claims")).get("count")),
            "chargebacks": _count(_dict(metric.get("chargebacks")).get("count")),
            "status": _text(metric.get("status")),
            "reportingDateFrom": report_day(span.get("reportingDateFrom")),
            "reportingDateTo": report_day(span.get("reportingDateTo")),
        }
    return found


def amazon_ahr(document: dict[str, Any], marketplace_id: str) -> tuple[float | None, str | None]:
    """Amazon's Account Health Rating for one marketplace: (ahrScore, status).

    Real reports say `ahrStatus`; the schema declares `accountHealthRatingStatus` instead, so
    that name is the fallback. The score is absent from the schema and from some reports.
    """
    ahr = _dict(marketplace_metrics(document, marketplace_id).get("accountHealthRating"))
    status = _text(ahr.get("ahrStatus")) or _text(ahr.get("accountHealthRatingStatus"))
    return _number(ahr.get("ahrScore")), status


def report_day(value: Any) -> date | None:
    """The UTC day of a report timestamp (`2020-11-04T23:59Z`, `...T23:59:59Z`), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59-12:00 is in year 10000 in UTC
        return None
    return moment.date()


def latest_reporting_day(document: dict[str, Any]) -> date | None:
    """The latest `reportingDateTo` anywhere under `performanceMetrics`: the report's date."""
    days: list[date] = []
    pending: list[Any] = [_dict(document).get("performanceMetrics")]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            day = report_day(value.get("reportingDateTo"))
            if day is not None:
                days.append(day)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return max(days, default=None)
