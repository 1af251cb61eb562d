"""What happened, in the generator's own terms: orders, parcels and what buyers did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sellerhealth.sample.catalogue import Product


@dataclass(slots=True)
class Shipment:
    confirmed: datetime
    carrier: str
    tracking_id: str
    valid: bool | None  # None: a label was bought but the carrier never scanned the parcel
    first_scan: datetime | None
    delivered: datetime | None
    promised: date
    fate: str = "normal"
    last_scan_day: date | None = None  # for parcels that stopped moving
    exception_day: date | None = None
    returned_day: date | None = None


@dataclass(slots=True)
class Order:
    order_id: str
    placed: datetime
    channel: str  # "AFN" or "MFN"
    items: list[tuple[Product, int]]
    ship_level: str
    business: bool
    city: tuple[str, str, str, float]
    promo: bool
    status: str = "Shipped"
    updated: datetime | None = None
    latest_ship: date | None = None
    latest_delivery: date | None = None
    shipment: Shipment | None = None
    used: bool = False  # already carries a planned event

    @property
    def day(self) -> date:
        return self.placed.date()

    @property
    def units(self) -> int:
        """Units as the flat file reads: a cancelled item row says quantity 0, an order >= 1."""
        if self.status == "Cancelled":
            return 1
        return sum(quantity for _, quantity in self.items)

    @property
    def shipped_late(self) -> bool:
        return bool(
            self.shipment and self.latest_ship and self.shipment.confirmed.date() > self.latest_ship
        )

    @property
    def delivered_late(self) -> bool:
        s = self.shipment
        if s is None or s.valid is False:
            return False
        return s.delivered.date() > s.promised if s.delivered else s.fate != "normal"


@dataclass(slots=True)
class Feedback:
    order: Order
    day: date
    rating: int
    kind: str
    comment: str
    response: str
    rater: str
    removed: bool = False  # listed in feedback-1, gone from feedback-2


@dataclass(slots=True)
class Claim:
    order: Order
    day: date
    status: str
    status_day: date | None
    reason: str
    protected: bool = False


@dataclass(slots=True)
class Chargeback:
    order: Order
    day: date
    reason: str
    status: str
    status_day: date | None


@dataclass(slots=True)
class Cancellation:
    order: Order
    day: date
    initiator: str
    reason: str


@dataclass(slots=True)
class Message:
    message_id: str
    received: datetime
    responded: datetime | None


@dataclass(frozen=True, slots=True)
class Violation:
    violation_id: str
    day: date
    category: str
    severity: str
    asin: str
    status: str
    status_day: date | None
