"""The bundled sample seller as Amazon's APIs would show it on a given day.

Built from the sample's own files (`sellerhealth.sample.generate`), so the emulator and a
file import describe the same seller: the all-orders flat file and its ship-by dates become
Orders API v0 orders; the two feedback reports become one feedback list in which what the
newer report lacks is removed the day after the older one was taken; A-to-z claims granted
or refunded (and not under Buy Shipping protection) become `GuaranteeClaimEvent`s posted on
their status day, chargebacks become
`ChargebackEvent`s posted on the day they were received; the V2 performance report is
served as it is. Every view takes `now`: nothing Amazon would not know yet is shown.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sellerhealth.sample import generate as sample

# Orders API v0 FulfillmentChannel values (ordersV0.json, definitions.Order).
_CHANNEL = {"Amazon": "AFN", "Merchant": "MFN"}
# The flat file spells a status as Seller Central shows it; the API has its own enum.
_API_STATUS = {"Cancelled": "Canceled"}
# What an order not yet updated shows: its status before shipping (ordersV0.json OrderStatus).
_BEFORE_UPDATE = {"AFN": "Pending", "MFN": "Unshipped"}
FEEDBACK_HEADER = sample.FEEDBACK_COLUMNS


def zulu(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date or instant from a request, as an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), UTC)


@dataclass(frozen=True)
class ApiOrder:
    order_id: str
    purchased: datetime
    updated: datetime
    status: str
    channel: str
    marketplace_id: str
    units: int
    business: bool
    latest_ship: str | None
    latest_delivery: str | None

    def as_of(self, now: datetime) -> dict[str, Any] | None:
        """The order as getOrders returns it on `now` (None before it was placed)."""
        if self.purchased > now:
            return None
        updated = self.updated <= now
        shipped = updated and self.status == "Shipped"
        order: dict[str, Any] = {
            "AmazonOrderId": self.order_id,
            "PurchaseDate": zulu(self.purchased),
            "LastUpdateDate": zulu(self.updated if updated else self.purchased),
            "OrderStatus": self.status if updated else _BEFORE_UPDATE[self.channel],
            "FulfillmentChannel": self.channel,
            "SalesChannel": "Amazon.com",
            "MarketplaceId": self.marketplace_id,
            "OrderType": "StandardOrder",
            "NumberOfItemsShipped": self.units if shipped else 0,
            "NumberOfItemsUnshipped": 0 if shipped or self.status == "Canceled" else self.units,
            "IsBusinessOrder": self.business,
            "IsPrime": False,
        }
        if self.latest_ship:
            order["LatestShipDate"] = self.latest_ship
        if self.latest_delivery:
            order["LatestDeliveryDate"] = self.latest_delivery
        return order


@dataclass(frozen=True)
class FeedbackRow:
    day: date
    cells: tuple[str, ...]
    removed_on: date | None


@dataclass
class SampleSeller:
    """Everything the emulator serves, built once from the sample's files."""

    end: date
    orders: list[ApiOrder] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    performance: str = "{}"
    claim_events: list[dict[str, Any]] = field(default_factory=list)
    chargeback_events: list[dict[str, Any]] = field(default_factory=list)
    # The orders as of one `now`, by last update, with their update stamps (for bisect).
    _shown: tuple[datetime, list[dict[str, Any]], list[str]] | None = None

    @classmethod
    def build(cls, end: date = sample.DEMO_AS_OF, seed: int = sample.DEMO_SEED) -> SampleSeller:
        with tempfile.TemporaryDirectory(prefix="sellerhealth-emulator-") as folder:
            sample.write_sample(Path(folder), end, seed)
            texts = {p.name: p.read_text(encoding="utf-8") for p in Path(folder).iterdir()}
        seller = cls(end=end, performance=texts[sample.PERFORMANCE_FILE])
        seller.orders = _orders(texts[sample.ORDERS_FILE], texts[sample.ORDERS_EXTRA_FILE])
        seller.feedback = _feedback(
            texts[sample.FEEDBACK_1_FILE], texts[sample.FEEDBACK_2_FILE], end
        )
        seller.claim_events = _claim_events(texts[sample.CLAIMS_FILE])
        seller.chargeback_events = _chargeback_events(texts[sample.CHARGEBACKS_FILE])
        return seller

    def orders_updated(self, after: datetime, now: datetime) -> list[dict[str, Any]]:
        """getOrders by LastUpdatedAfter: oldest update first, as Amazon pages them."""
        if self._shown is None or self._shown[0] != now:
            listed = [o for o in (order.as_of(now) for order in self.orders) if o is not None]
            listed.sort(key=lambda o: (o["LastUpdateDate"], o["AmazonOrderId"]))
            self._shown = (now, listed, [o["LastUpdateDate"] for o in listed])
        _, shown, stamps = self._shown
        # The stamps are uniform `...Z` strings: they sort as the instants do.
        return shown[bisect_left(stamps, zulu(after)) :]

    def feedback_report(self, first: date, last: date, now: datetime) -> str:
        """GET_SELLER_FEEDBACK_DATA over [first, last] as taken on `now` (TSV)."""
        today = now.date()
        rows = [
            row.cells
            for row in self.feedback
            if first <= row.day <= min(last, today)
            and (row.removed_on is None or row.removed_on > today)
        ]
        return _tsv(FEEDBACK_HEADER, rows)

    def financial_events(self, after: datetime, before: datetime) -> list[tuple[str, Any]]:
        """(list name, event) posted in [after, before), oldest first."""
        events = [("GuaranteeClaimEventList", e) for e in self.claim_events] + [
            ("ChargebackEventList", e) for e in self.chargeback_events
        ]
        found = [(n, e) for n, e in events if after <= parse_instant(e["PostedDate"]) < before]
        return sorted(found, key=lambda item: (item[1]["PostedDate"], item[1]["AmazonOrderId"]))


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _tsv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _orders(flat: str, extra: str) -> list[ApiOrder]:
    ship_by = {row["order_id"]: row for row in _rows(extra)}
    units: dict[str, int] = {}
    first: dict[str, dict[str, str]] = {}
    for row in _rows(flat, "\t"):
        order_id = row["amazon-order-id"]
        units[order_id] = units.get(order_id, 0) + int(row["quantity"] or 1)
        first.setdefault(order_id, row)
    orders = []
    for order_id, row in first.items():
        extra_row = ship_by.get(order_id, {})
        orders.append(
            ApiOrder(
                order_id=order_id,
                purchased=parse_instant(row["purchase-date"]),
                updated=parse_instant(row["last-updated-date"]),
                status=_API_STATUS.get(row["order-status"], row["order-status"]),
                channel=_CHANNEL[row["fulfillment-channel"]],
                marketplace_id=sample.MARKETPLACE_ID,
                units=units[order_id],
                business=row["is-business-order"] == "true",
                latest_ship=_end_of_day(extra_row.get("latest_ship_date")),
                latest_delivery=_end_of_day(extra_row.get("latest_delivery_date")),
            )
        )
    return orders


def _end_of_day(day: str | None) -> str | None:
    return zulu(end_of(date.fromisoformat(day))) if day else None


def _us_day(text: str) -> date:
    return datetime.strptime(text, "%m/%d/%y").date()


def _feedback(older: str, newer: str, end: date) -> list[FeedbackRow]:
    """Both reports' rows; a row only the older one lists was removed the day after the older
    report was taken (`FEEDBACK_1_LAG_DAYS` before `end`)."""
    old_rows, new_rows = _rows(older, "\t"), _rows(newer, "\t")
    old_taken = end - timedelta(days=sample.FEEDBACK_1_LAG_DAYS)
    listed = {r["Order ID"] for r in new_rows}
    by_order = {r["Order ID"]: r for r in old_rows} | {r["Order ID"]: r for r in new_rows}
    return [
        FeedbackRow(
            day=_us_day(row["Date"]),
            cells=tuple(row[c] for c in FEEDBACK_HEADER),
            removed_on=None if order_id in listed else old_taken + timedelta(days=1),
        )
        for order_id, row in by_order.items()
    ]


def _event(order_id: str, day: str) -> dict[str, Any]:
    # ShipmentEvent (financesV0.json): the order and the posting time; the charge lists are
    # left out, as the health engine reads none of them.
    posted = datetime.combine(date.fromisoformat(day), time(12, 0), UTC)
    return {"AmazonOrderId": order_id, "PostedDate": zulu(posted), "MarketplaceName": "Amazon.com"}


def _claim_events(text: str) -> list[dict[str, Any]]:
    """A claim Amazon paid out of the seller's account (granted or refunded) is posted; one
    under Buy Shipping protection is paid by Amazon, so the seller's account shows nothing."""
    return [
        _event(row["order_id"], row["status_date"] or row["claim_date"])
        for row in _rows(text)
        if row["status"] in ("granted", "refunded") and row["buy_shipping_protected"] != "true"
    ]


def _chargeback_events(text: str) -> list[dict[str, Any]]:
    """Every chargeback is debited when it is received, whatever its reason or outcome."""
    return [_event(row["order_id"], row["chargeback_date"]) for row in _rows(text)]


def performance_document(seller: SampleSeller) -> str:
    return json.dumps(json.loads(seller.performance), indent=2)
