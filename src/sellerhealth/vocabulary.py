"""The words a person reads, one set for the CLI, the dashboard and the alerts: metric names,
scopes and target signs (the state's words are `domain.states.ASSESSMENTS`). docs/ lists them."""

from __future__ import annotations

import re

METRIC_LABELS = {
    "orderDefectRate": "Order defect rate",
    "lateShipmentRate": "Late shipment rate",
    "preFulfillmentCancellationRate": "Pre-fulfillment cancel rate",
    "validTrackingRate": "Valid tracking rate",
    "unitOnTimeDeliveryRate": "On-time delivery rate (units)",
    "contactResponse": "Contact response within 24 h",
    "policyCompliance": "Policy",
    "accountHealthRating": "Account Health Rating (estimate)",
}
SCOPE_LABELS = {"afn": "FBA", "mfn": "seller-fulfilled", "10d": "10 days", "30d": "30 days"}
CONDITION_SIGNS = {"LESS_THAN": "<", "GREATER_THAN": "≥", "EQUALS": "="}
# A metric's status: GOOD / BAD against its target, NONE with nothing to rate, NOT_COVERED
# when the data does not reach its window (neither good nor bad: unknown).
METRIC_STATUSES = {
    "GOOD": "meets its target",
    "BAD": "misses its target",
    "NONE": "nothing to rate in the window",
    "NOT_COVERED": "the data does not reach the window: unknown",
}


# What a capability that a risk level takes away is called, for a person.
HELD = {
    "can_sell": "selling",
    "can_receive_disbursements": "disbursements",
    "can_appeal": "appeals",
    "can_log_in": "logging in",
}


def held(capabilities: dict[str, bool]) -> str:
    """`selling, disbursements`: what Amazon typically stops at a risk level."""
    return ", ".join(HELD.get(name, name) for name, value in capabilities.items() if not value)


def humanize(name: str) -> str:
    """`productConditionCustomerComplaints` -> `Product condition customer complaints`."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    return words[:1].upper() + words[1:]


def metric_label(metric: str, scope: str) -> str:
    label = METRIC_LABELS.get(metric, humanize(metric))
    if metric == "policyCompliance":
        return f"{label}: {humanize(scope)}"
    shown = SCOPE_LABELS.get(scope, scope)
    return f"{label}, {shown}" if shown else label


def plural(count: int, noun: str) -> str:
    """`1 day`, `3 days`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def pct(value: float | None, digits: int = 2) -> str:
    """A fraction as a percentage (`0.01` -> `1.00%`), `-` when there is none."""
    return "-" if value is None else f"{value * 100:.{digits}f}%"
