"""The sample's files: their names, the order to import them in, and their columns."""

from __future__ import annotations

ORDERS_FILE = "orders.tsv"
ORDERS_EXTRA_FILE = "orders-extra.csv"
FEEDBACK_1_FILE = "feedback-1.tsv"
FEEDBACK_2_FILE = "feedback-2.tsv"
CLAIMS_FILE = "claims.csv"
CHARGEBACKS_FILE = "chargebacks.csv"
SHIPMENTS_FILE = "shipments.csv"
TRACKING_FILE = "tracking-events.csv"
CANCELLATIONS_FILE = "cancellations.csv"
VIOLATIONS_FILE = "violations.csv"
MESSAGES_FILE = "messages.csv"
PERFORMANCE_FILE = "performance.json"
FILE_NAMES = (  # the order to import them in
    ORDERS_FILE,
    ORDERS_EXTRA_FILE,
    FEEDBACK_1_FILE,
    FEEDBACK_2_FILE,
    CLAIMS_FILE,
    CHARGEBACKS_FILE,
    SHIPMENTS_FILE,
    TRACKING_FILE,
    CANCELLATIONS_FILE,
    VIOLATIONS_FILE,
    MESSAGES_FILE,
    PERFORMANCE_FILE,
)

ORDER_COLUMNS = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "url",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)
FEEDBACK_COLUMNS = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
CSV_COLUMNS = {  # the canonical kinds of SPEC section 3
    ORDERS_EXTRA_FILE: "order_id purchase_date fulfillment_channel latest_ship_date"
    " latest_delivery_date category units is_business_order order_status",
    CLAIMS_FILE: "order_id claim_date status status_date reason buy_shipping_protected",
    CHARGEBACKS_FILE: "order_id chargeback_date reason status status_date",
    SHIPMENTS_FILE: "order_id ship_confirm_date carrier tracking_id tracking_valid"
    " first_scan_date delivered_date promised_delivery_date units",
    TRACKING_FILE: "tracking_id event_time status location",
    CANCELLATIONS_FILE: "order_id cancel_date initiator reason",
    VIOLATIONS_FILE: "violation_id date category severity asin status status_date",
    MESSAGES_FILE: "message_id received_at responded_at",
}
