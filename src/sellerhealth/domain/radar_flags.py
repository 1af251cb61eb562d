"""What the at-risk shipment radar flags: the kinds, the flag, and the buyer message drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.shipping import LATE_SHIPMENT, ON_TIME_DELIVERY, VALID_TRACKING

ORDER_DEFECT = "orderDefectRate"


class RiskKind(StrEnum):
    NOT_SHIPPED_DUE = "not_shipped_due"
    NOT_SHIPPED_LATE = "not_shipped_late"
    NO_FIRST_SCAN = "no_first_scan"
    STALLED_IN_TRANSIT = "stalled_in_transit"
    CARRIER_EXCEPTION = "carrier_exception"
    RETURNED_TO_SENDER = "returned_to_sender"
    PREDICTED_LATE = "predicted_late"
    DELIVERED_LATE = "delivered_late"


THREATENS: dict[RiskKind, tuple[str, ...]] = {
    RiskKind.NOT_SHIPPED_DUE: (LATE_SHIPMENT, ORDER_DEFECT),
    RiskKind.NOT_SHIPPED_LATE: (LATE_SHIPMENT, ORDER_DEFECT),
    RiskKind.NO_FIRST_SCAN: (VALID_TRACKING, ORDER_DEFECT),
    RiskKind.STALLED_IN_TRANSIT: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.CARRIER_EXCEPTION: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.RETURNED_TO_SENDER: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.PREDICTED_LATE: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.DELIVERED_LATE: (ON_TIME_DELIVERY, ORDER_DEFECT),
}
"""The metrics each kind of flag threatens (names as in Amazon's performance report)."""


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One order or shipment going wrong, what it threatens, and what to do about it.

    `hours_left` is negative when the deadline has passed; `deadline_reason` names the deadline
    (`latest_ship_date`, `promised_delivery_date` or `claim_eligible`). `impact` maps each
    threatened metric to the rate change if it goes wrong; `evidence` holds the dates, tracking
    events and thresholds that decided the flag (JSON-ready: ISO strings and numbers).
    """

    account: str
    order_id: str
    kind: RiskKind
    hours_left: float
    deadline: datetime
    deadline_reason: str
    threatens: tuple[str, ...]
    impact: dict[str, float] = field(hash=False)
    priority: float
    action: str
    buyer_message: str
    evidence: dict[str, Any] = field(hash=False)
    tracking_id: str | None = None
    carrier: str | None = None


def claim_probability(policy: Policy, kind: RiskKind) -> float:
    """The policy's chance that a flag of this kind turns into an ODR defect."""
    return float(getattr(policy.radar, f"claim_probability_{kind.value}"))


# --- buyer message drafts -------------------------------------------------------------------
# Amazon's Buyer-Seller Messaging rules: only what completes the order or solves its problem;
# no links, no e-mail addresses or phone numbers, no marketing, no incentives, no request for
# feedback or reviews, never ask the buyer to cancel. Plain text, problem-solving tone.

UNSHIPPED_MESSAGES = {
    RiskKind.NOT_SHIPPED_DUE: (
        "Hello,\n\n"
        "This is an update on your order {order_id}. It is taking us longer than planned to "
        "prepare it for shipment. We are working to ship it as soon as possible and will "
        "confirm the shipment, with tracking details, in your Amazon order as soon as it "
        "leaves us. If you have any questions, please reply to this message and we will help."
        "\n\nThank you for your patience."
    ),
    RiskKind.NOT_SHIPPED_LATE: (
        "Hello,\n\n"
        "We are sorry: your order {order_id} has not shipped by the date we promised. We are "
        "preparing it now and will confirm the shipment, with tracking details, in your Amazon "
        "order as soon as it leaves us. If the new timing does not work for you, please reply "
        "to this message and we will find a solution together."
    ),
}

TRANSIT_MESSAGES = {
    RiskKind.NO_FIRST_SCAN: (
        "Hello,\n\n"
        "We are checking on your order {order_id}: the carrier has not yet recorded the "
        "package as picked up. We are following up with {carrier} now to make sure it is on "
        "its way, and we will update you as soon as tracking shows movement. If you have any "
        "questions, please reply to this message."
    ),
    RiskKind.STALLED_IN_TRANSIT: (
        "Hello,\n\n"
        "We noticed that tracking for your order {order_id} has not updated since "
        "{last_scan}. We have asked {carrier} to look into it and are watching the shipment "
        "closely. If it does not start moving again soon, we will send a replacement or "
        "refund you, whichever you prefer. Please reply to this message if you have any "
        "questions."
    ),
    RiskKind.CARRIER_EXCEPTION: (
        "Hello,\n\n"
        "{carrier} has reported a delivery problem with your order {order_id}. We are working "
        "with the carrier to get it resolved and delivered as soon as possible. If the "
        "delivery details need correcting, or you would prefer another solution, please reply "
        "to this message and we will take care of it."
    ),
    RiskKind.RETURNED_TO_SENDER: (
        "Hello,\n\n"
        "We are sorry: {carrier} is returning your order {order_id} to us, so it will not "
        "reach you as planned. Please reply to this message to let us know whether you would "
        "like us to send a replacement or refund you in full, and we will take care of it "
        "right away."
    ),
    RiskKind.PREDICTED_LATE: (
        "Hello,\n\n"
        "Your order {order_id} is on its way, but tracking suggests it may arrive after "
        "{promised}. We are sorry for the delay and are following up with {carrier}. If it "
        "does not arrive in the next few days, please reply to this message and we will make "
        "it right."
    ),
    RiskKind.DELIVERED_LATE: (
        "Hello,\n\n"
        "Your order {order_id} was delivered on {delivered}, later than the {promised} we "
        "promised. We are sorry for the delay. If anything is not right with your order, "
        "please reply to this message and we will make it right."
    ),
}
