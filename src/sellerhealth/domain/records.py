"""The records every other part of sellerhealth speaks: plain, frozen values.

Dates are UTC days (`datetime.date`); the few inputs where the hour matters (buyer messages,
carrier scans) keep an aware UTC `datetime`. Buyer e-mail addresses and postal addresses are
never part of a record: nothing downstream needs them (SPEC: PII is not stored unless needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as _Date  # a field below is named `date`
from enum import StrEnum
from typing import Any

DEFAULT_ACCOUNT = "default"
DEFAULT_MARKETPLACE = "ATVPDKIKX0DER"  # amazon.com


class Channel(StrEnum):
    """Who fulfils the order: Amazon (FBA) or the merchant (self-fulfilled)."""

    AFN = "AFN"
    MFN = "MFN"


class ClaimStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUNDED = "refunded"
    ORDER_CANCELLED = "order_cancelled"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    REVERSED = "reversed"


class ChargebackReason(StrEnum):
    SERVICE = "service"
    FRAUD = "fraud"


class ChargebackStatus(StrEnum):
    PENDING = "pending"
    SELLER_WON = "seller_won"
    SELLER_LOST = "seller_lost"


class TrackingStatus(StrEnum):
    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"


class CancelInitiator(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    SYSTEM = "system"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ViolationStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Order:
    """One order, counted once however many item rows it had in the source file."""

    account: str
    order_id: str
    purchase_date: date
    fulfillment_channel: Channel
    marketplace_id: str = DEFAULT_MARKETPLACE
    is_business_order: bool = False
    units: int = 1
    latest_ship_date: date | None = None
    latest_delivery_date: date | None = None
    order_status: str | None = None
    category: str | None = None
    skus: str | None = None  # the order's SKUs, comma-separated (what-if: "this SKU moves to FBA")


def is_cancelled_status(status: str | None) -> bool:
    """An order status saying it was cancelled (`Cancelled`; the Orders API's `Canceled`)."""
    return (status or "").strip().lower().startswith("cancel")


@dataclass(frozen=True, slots=True)
class Feedback:
    """Seller feedback on one order (a buyer can leave one per order)."""

    account: str
    order_id: str
    feedback_date: date
    rating: int
    comments: str | None = None
    removed_date: date | None = None
    struck_through_date: date | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A claim or chargeback status and the day it took effect."""

    status: str
    effective_date: date


def status_on(history: tuple[StatusChange, ...], day: date, initial: str) -> str:
    """The status in force on `day`: the latest change dated on or before it.

    A status dated after `day` did not exist yet on that day (SPEC section 3), so before
    the first change the case is still in its `initial` status.
    """
    current = initial
    for change in sorted(history, key=lambda c: c.effective_date):
        if change.effective_date > day:
            break
        current = change.status
    return current


@dataclass(frozen=True, slots=True)
class Claim:
    """An A-to-z Guarantee claim, keyed by (order_id, claim_date).

    An imported row carries one `status` (effective on `status_date`, or on `claim_date` when
    that is empty). The store keeps every status a claim was ever imported with in `history`,
    so any past day can be replayed.
    """

    account: str
    order_id: str
    claim_date: date
    status: ClaimStatus
    status_date: date | None = None
    reason: str | None = None
    buy_shipping_protected: bool = False
    history: tuple[StatusChange, ...] = ()

    def changes(self) -> tuple[StatusChange, ...]:
        return self.history or (StatusChange(self.status, self.status_date or self.claim_date),)

    def status_on(self, day: date) -> str:
        return status_on(self.changes(), day, ClaimStatus.PENDING)


@dataclass(frozen=True, slots=True)
class Chargeback:
    """A credit-card chargeback, keyed by (order_id, chargeback_date); history as for claims."""

    account: str
    order_id: str
    chargeback_date: date
    reason: ChargebackReason
    status: ChargebackStatus = ChargebackStatus.PENDING
    status_date: date | None = None
    history: tuple[StatusChange, ...] = ()

    def changes(self) -> tuple[StatusChange, ...]:
        return self.history or (
            StatusChange(self.status, self.status_date or self.chargeback_date),
        )

    def status_on(self, day: date) -> str:
        return status_on(self.changes(), day, ChargebackStatus.PENDING)


@dataclass(frozen=True, slots=True)
class Shipment:
    account: str
    order_id: str
    ship_confirm_date: date
    carrier: str | None = None
    tracking_id: str | None = None
    tracking_valid: bool | None = None
    first_scan_date: date | None = None
    delivered_date: date | None = None
    promised_delivery_date: date | None = None
    units: int | None = None


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    account: str
    tracking_id: str
    event_time: datetime
    status: TrackingStatus
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Cancellation:
    account: str
    order_id: str
    cancel_date: date
    initiator: CancelInitiator
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    account: str
    violation_id: str
    date: _Date
    category: str
    severity: Severity = Severity.MEDIUM
    asin: str | None = None
    status: ViolationStatus = ViolationStatus.OPEN
    status_date: _Date | None = None


@dataclass(frozen=True, slots=True)
class BuyerMessage:
    account: str
    message_id: str
    received_at: datetime
    responded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PerformanceSnapshot:
    """Amazon's own GET_V2_SELLER_PERFORMANCE_REPORT for one account, as of `report_date`."""

    account: str
    report_date: date
    document: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """One GET_SELLER_FEEDBACK_DATA file: which orders it listed for which feedback dates.

    A feedback inside [range_from, range_to] that an older report listed and this newer one
    does not was removed or struck through by `report_date` (SPEC section 3).
    """

    account: str
    report_date: date
    range_from: date
    range_to: date
    order_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """Per-account choices: which policy file applies and which seller program.

    An empty policy means "the policy of the account's marketplace" (policies/ has one per
    region); `Store.account` resolves it, so readers always see a policy name.
    """

    account: str
    policy: str = ""
    program: str = "standard"  # "business" for the Amazon Business Seller program

    @property
    def is_business(self) -> bool:
        return self.program == "business"


Record = (
    Order
    | Feedback
    | Claim
    | Chargeback
    | Shipment
    | TrackingEvent
    | Cancellation
    | Violation
    | BuyerMessage
    | PerformanceSnapshot
    | FeedbackReport
)
