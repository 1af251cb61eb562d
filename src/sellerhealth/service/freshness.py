"""How fresh an account's data is (`domain.freshness`), from the store: the last day of each
data kind, and the report's metrics marked where their window is not covered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sellerhealth.domain.freshness import Freshness, Gap
from sellerhealth.domain.history import MetricRow
from sellerhealth.service.states import StatusView
from sellerhealth.store.store import Store

# kind -> (table, the column holding its day). Timestamps compare as text on their date part.
_COLUMNS = {
    "orders": ("orders", "purchase_date"),
    "feedback": ("feedback", "feedback_date"),
    "feedbackReport": ("feedback_reports", "report_date"),
    "claims": ("claims", "claim_date"),
    "chargebacks": ("chargebacks", "chargeback_date"),
    "shipments": ("shipments", "ship_confirm_date"),
    "trackingEvents": ("tracking_events", "event_time"),
    "messages": ("messages", "received_at"),
    "violations": ("violations", "date"),
    "performanceSnapshot": ("snapshots", "report_date"),
}
NOT_COVERED = "NOT_COVERED"


def freshness(store: Store, account: str, as_of: date) -> Freshness:
    """The last day with data of each kind, on or before `as_of`, in one query."""
    parts = [
        f"SELECT '{kind}', MAX({column}) FROM {table} WHERE account = ? AND {column} < ?"
        for kind, (table, column) in _COLUMNS.items()
    ]
    # `< the next day` keeps a timestamp of the as-of day itself (a text compare on ISO).
    after = date.fromordinal(as_of.toordinal() + 1).isoformat()
    rows = store.backend.query(" UNION ALL ".join(parts), (account, after) * len(parts))
    through = {kind: _day(value) for kind, value in rows}
    return Freshness(as_of, through)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # PostgreSQL's timestamps
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def mark_rows(store: Store, account: str, rows: Sequence[MetricRow]) -> list[dict[str, Any]]:
    """The history rows as dicts, each status NOT_COVERED where the data, as it stood on the
    row's day, does not reach the metric's window."""
    if not rows:
        return []
    fresh = freshness(store, account, max(row.day for row in rows))
    marked = []
    for row in rows:
        seen = fresh.on(row.day)
        first, last = row.window.first, row.window.last
        gap = seen.gap(row.marketplace_id, row.metric, row.scope, first, last)
        item = row.as_dict()
        if gap is not None:
            item["status"] = NOT_COVERED
        marked.append(item)
    return marked


def mark_report(document: dict[str, Any], fresh: Freshness) -> dict[str, Any]:
    """The report with `sellerhealth.freshness`, and the status of each metric whose window
    the data does not reach set to NONE (Amazon's shape has no other word for "not rated");
    `sellerhealth.freshness.notCovered` names them."""
    gaps: list[Gap] = []
    for block in document["performanceMetrics"]:
        market = block["marketplaceId"]
        for metric, scope, item in _blocks(block):
            window = item.get("reportingDateRange") or {}
            if not window:
                continue
            first = date.fromisoformat(window["reportingDateFrom"][:10])
            last = date.fromisoformat(window["reportingDateTo"][:10])
            gap = fresh.gap(market, metric, scope, first, last)
            if gap is not None and item.get("status") != "NONE":
                item["status"] = "NONE"
            if gap is not None:
                gaps.append(gap)
    document["sellerhealth"]["freshness"] = fresh.as_dict(gaps)
    if "state" in document["sellerhealth"]:
        document["sellerhealth"]["state"]["projection"] = projection(fresh)
    return document


def projection(fresh: Freshness) -> dict[str, Any] | None:
    """Past the end of the data the state is a projection: said, with the day it starts
    (`domain.state_triggers.INACTION_TRIGGERS` do not fire on it)."""
    if not fresh.stale or fresh.last_order is None:
        return None
    start = date.fromordinal(fresh.last_order.toordinal() + 1)
    return {
        "from": start.isoformat(),
        "note": (
            f"a projection: the data ends on {fresh.last_order}; after it the state assumes "
            "no new defect and no action missed (no deadline is taken as missed)"
        ),
    }


def _blocks(block: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """(metric, scope, the block) of each rated item of a marketplace block."""
    for channel, odr in block.get("orderDefectRate", {}).items():
        yield "orderDefectRate", channel, odr
    for item in block.get("lateShipmentRateList", []):
        yield "lateShipmentRate", f"{_days(item)}d", item
    for key, metric in (
        ("preFulfillmentCancellationRate", "preFulfillmentCancellationRate"),
        ("validTrackingRate", "validTrackingRate"),
        ("unitOnTimeDeliveryRate", "unitOnTimeDeliveryRate"),
    ):
        if isinstance(block.get(key), dict):
            yield metric, "", block[key]


def _days(item: dict[str, Any]) -> int:
    window = item["reportingDateRange"]
    first = date.fromisoformat(window["reportingDateFrom"][:10])
    last = date.fromisoformat(window["reportingDateTo"][:10])
    return (last - first).days + 1


def status_document(view: StatusView, fresh: Freshness) -> dict[str, Any]:
    """The status JSON (CLI and API): the state's fields, Amazon's status (when known) under
    the report's names, and the data's freshness."""
    document = view.to_dict()
    document["amazonSnapshotDate"] = document["amazon"]["snapshotDate"]
    document["amazonAccountStatuses"] = document["amazon"]["statuses"]
    document["freshness"] = fresh.as_dict()
    document["projection"] = projection(fresh)
    return document
