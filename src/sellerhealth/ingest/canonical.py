"""The canonical CSV kinds of SPEC section 3, declared column by column."""

from __future__ import annotations

from sellerhealth.domain.records import (
    DEFAULT_MARKETPLACE,
    BuyerMessage,
    CancelInitiator,
    Cancellation,
    Channel,
    Chargeback,
    ChargebackReason,
    ChargebackStatus,
    Claim,
    ClaimStatus,
    Feedback,
    Order,
    Severity,
    Shipment,
    TrackingEvent,
    TrackingStatus,
    Violation,
    ViolationStatus,
)
from sellerhealth.ingest.base import Column, Row, TabularImporter
from sellerhealth.ingest.values import (
    optional,
    parse_bool,
    parse_choice,
    parse_day,
    parse_int,
    parse_required_text,
    parse_text,
    parse_timestamp,
)

_day = optional(parse_day)
_text = parse_text
_id = parse_required_text


def _check_order(row: Row, first: str, then: str) -> None:
    """Refuse a row whose later date comes before its earlier one."""
    if row.get(then) is not None and row.get(first) is not None and row[then] < row[first]:
        raise ValueError(f"{then}: {row[then]} is before {first} {row[first]}")


def _order(row: Row, account: str) -> Order:
    return Order(
        account=account,
        order_id=row["order_id"],
        purchase_date=row["purchase_date"],
        fulfillment_channel=row["fulfillment_channel"],
        marketplace_id=row.get("marketplace_id") or DEFAULT_MARKETPLACE,
        is_business_order=row.get("is_business_order") or False,
        units=row.get("units") or 1,
        latest_ship_date=row.get("latest_ship_date"),
        latest_delivery_date=row.get("latest_delivery_date"),
        order_status=row.get("order_status"),
        category=row.get("category"),
        skus=row.get("skus"),
    )


ORDERS = TabularImporter(
    kind="orders",
    columns=(
        Column("order_id", _id, required=True),
        Column("purchase_date", parse_day, required=True),
        Column("fulfillment_channel", parse_choice(Channel), required=True),
        Column("marketplace_id", _text),
        Column("is_business_order", parse_bool),
        Column("units", optional(parse_int(1))),
        Column("latest_ship_date", _day),
        Column("latest_delivery_date", _day),
        Column("order_status", _text),
        Column("category", _text),
        Column("skus", _text),
    ),
    build=_order,
    sparse=True,
)


def _feedback(row: Row, account: str) -> Feedback:
    _check_order(row, "feedback_date", "removed_date")
    _check_order(row, "feedback_date", "struck_through_date")
    return Feedback(
        account=account,
        order_id=row["order_id"],
        feedback_date=row["feedback_date"],
        rating=row["rating"],
        comments=row.get("comments"),
        removed_date=row.get("removed_date"),
        struck_through_date=row.get("struck_through_date"),
    )


FEEDBACK = TabularImporter(
    kind="feedback",
    columns=(
        Column("order_id", _id, required=True),
        Column("feedback_date", parse_day, required=True),
        Column("rating", parse_int(1, 5), required=True),
        Column("comments", _text),
        Column("removed_date", _day),
        Column("struck_through_date", _day),
    ),
    build=_feedback,
    sparse=True,
)


def _claim(row: Row, account: str) -> Claim:
    _check_order(row, "claim_date", "status_date")
    return Claim(
        account=account,
        order_id=row["order_id"],
        claim_date=row["claim_date"],
        status=row["status"],
        status_date=row.get("status_date"),
        reason=row.get("reason"),
        buy_shipping_protected=row.get("buy_shipping_protected") or False,
    )


CLAIMS = TabularImporter(
    kind="claims",
    columns=(
        Column("order_id", _id, required=True),
        Column("claim_date", parse_day, required=True),
        Column("status", parse_choice(ClaimStatus), required=True),
        Column("status_date", _day),
        Column("reason", _text),
        Column("buy_shipping_protected", parse_bool),
    ),
    build=_claim,
    sparse=True,
)


def _chargeback(row: Row, account: str) -> Chargeback:
    _check_order(row, "chargeback_date", "status_date")
    return Chargeback(
        account=account,
        order_id=row["order_id"],
        chargeback_date=row["chargeback_date"],
        reason=row["reason"],
        status=row.get("status") or ChargebackStatus.PENDING,
        status_date=row.get("status_date"),
    )


CHARGEBACKS = TabularImporter(
    kind="chargebacks",
    columns=(
        Column("order_id", _id, required=True),
        Column("chargeback_date", parse_day, required=True),
        Column("reason", parse_choice(ChargebackReason), required=True),
        Column("status", optional(parse_choice(ChargebackStatus))),
        Column("status_date", _day),
    ),
    build=_chargeback,
    sparse=True,
)


def _shipment(row: Row, account: str) -> Shipment:
    _check_order(row, "ship_confirm_date", "delivered_date")
    return Shipment(
        account=account,
        order_id=row["order_id"],
        ship_confirm_date=row["ship_confirm_date"],
        carrier=row.get("carrier"),
        tracking_id=row.get("tracking_id"),
        tracking_valid=row.get("tracking_valid"),
        first_scan_date=row.get("first_scan_date"),
        delivered_date=row.get("delivered_date"),
        promised_delivery_date=row.get("promised_delivery_date"),
        units=row.get("units"),
    )


SHIPMENTS = TabularImporter(
    kind="shipments",
    columns=(
        Column("order_id", _id, required=True),
        Column("ship_confirm_date", parse_day, required=True),
        Column("carrier", _text),
        Column("tracking_id", _text),
        Column("tracking_valid", optional(parse_bool)),
        Column("first_scan_date", _day),
        Column("delivered_date", _day),
        Column("promised_delivery_date", _day),
        Column("units", optional(parse_int(1))),
    ),
    build=_shipment,
    sparse=True,
)

TRACKING_EVENTS = TabularImporter(
    kind="tracking-events",
    columns=(
        Column("tracking_id", _id, required=True),
        Column("event_time", parse_timestamp, required=True),
        Column("status", parse_choice(TrackingStatus), required=True),
        Column("location", _text),
    ),
    build=lambda row, account: TrackingEvent(
        account=account,
        tracking_id=row["tracking_id"],
        event_time=row["event_time"],
        status=row["status"],
        location=row.get("location"),
    ),
    sparse=True,
)

CANCELLATIONS = TabularImporter(
    kind="cancellations",
    columns=(
        Column("order_id", _id, required=True),
        Column("cancel_date", parse_day, required=True),
        Column("initiator", parse_choice(CancelInitiator), required=True),
        Column("reason", _text),
    ),
    build=lambda row, account: Cancellation(
        account=account,
        order_id=row["order_id"],
        cancel_date=row["cancel_date"],
        initiator=row["initiator"],
        reason=row.get("reason"),
    ),
    sparse=True,
)


def _violation(row: Row, account: str) -> Violation:
    _check_order(row, "date", "status_date")
    return Violation(
        account=account,
        violation_id=row["violation_id"],
        date=row["date"],
        category=row["category"],
        severity=row.get("severity") or Severity.MEDIUM,
        asin=row.get("asin"),
        status=row.get("status") or ViolationStatus.OPEN,
        status_date=row.get("status_date"),
    )


VIOLATIONS = TabularImporter(
    kind="violations",
    columns=(
        Column("violation_id", _id, required=True),
        Column("date", parse_day, required=True),
        Column("category", _id, required=True),
        Column("severity", optional(parse_choice(Severity))),
        Column("asin", _text),
        Column("status", optional(parse_choice(ViolationStatus))),
        Column("status_date", _day),
    ),
    build=_violation,
    sparse=True,
)


def _message(row: Row, account: str) -> BuyerMessage:
    _check_order(row, "received_at", "responded_at")
    return BuyerMessage(
        account=account,
        message_id=row["message_id"],
        received_at=row["received_at"],
        responded_at=row.get("responded_at"),
    )


MESSAGES = TabularImporter(
    kind="messages",
    columns=(
        Column("message_id", _id, required=True),
        Column("received_at", parse_timestamp, required=True),
        Column("responded_at", optional(parse_timestamp)),
    ),
    build=_message,
    sparse=True,
)

CANONICAL = (
    ORDERS,
    FEEDBACK,
    CLAIMS,
    CHARGEBACKS,
    SHIPMENTS,
    TRACKING_EVENTS,
    CANCELLATIONS,
    VIOLATIONS,
    MESSAGES,
)
