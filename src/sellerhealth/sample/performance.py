"""performance.json: Amazon's own view of the account, as its V2 seller-performance report."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sellerhealth.sample.clock import ndays
from sellerhealth.sample.figures import OdrFigure, ahr_score
from sellerhealth.sample.world import World

MARKETPLACE_ID = "ATVPDKIKX0DER"


def _range(first: date, last: date) -> dict[str, str]:
    return {
        "reportingDateFrom": f"{first.isoformat()}T00:00:00Z",
        "reportingDateTo": f"{last.isoformat()}T23:59:59Z",
    }


def _rate(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0


def _judged(numerator: int, denominator: int, target: float, condition: str) -> dict[str, Any]:
    rate = numerator / denominator if denominator else None
    if rate is None:
        status = "NONE"
    elif condition == "LESS_THAN":
        status = "GOOD" if rate < target else "BAD"
    else:
        status = "GOOD" if rate >= target else "BAD"
    return {
        "status": status,
        "rate": _rate(numerator, denominator),
        "targetValue": target,
        "targetCondition": condition,
    }


def _odr_json(figure: OdrFigure, window: tuple[date, date]) -> dict[str, Any]:
    return {
        "reportingDateRange": _range(*window),
        "orderCount": figure.orders,
        "orderWithDefects": {"count": figure.defective, "status": "NONE"},
        "claims": {"count": figure.claims, "status": "NONE"},
        "chargebacks": {"count": figure.chargebacks, "status": "NONE"},
        "negativeFeedback": {"count": figure.negative_feedback, "status": "NONE"},
        "fulfillmentType": figure.channel.lower(),
        **_judged(figure.defective, figure.orders, 0.01, "LESS_THAN"),
    }


_POLICY_CATEGORIES = (
    "listingPolicyViolations",
    "productAuthenticityCustomerComplaints",
    "productConditionCustomerComplaints",
    "productSafetyCustomerComplaints",
    "receivedIntellectualPropertyComplaints",
    "restrictedProductPolicyViolations",
    "suspectedIntellectualPropertyViolations",
    "foodAndProductSafetyIssues",
    "customerProductReviewsPolicyViolations",
    "otherPolicyViolations",
    "documentRequests",
)


def performance_report(
    g: World, amazon: dict[str, OdrFigure], f: dict[str, tuple[int, int]]
) -> str:
    end = g.end
    metrics: dict[str, Any] = {
        "marketplaceId": MARKETPLACE_ID,
        "orderDefectRate": {ch.lower(): _odr_json(amazon[ch], g.window) for ch in ("MFN", "AFN")},
    }
    lsr = [
        {
            "reportingDateRange": _range(end - ndays(days - 1), end),
            "orderCount": f[f"late_shipment_{days}"][1],
            "lateShipmentCount": f[f"late_shipment_{days}"][0],
            **_judged(*f[f"late_shipment_{days}"], 0.04, "LESS_THAN"),
        }
        for days in (30, 10)
    ]
    metrics["lateShipmentRate"] = lsr[0]
    metrics["lateShipmentRateList"] = lsr
    cancels, week = f["pre_fulfillment_cancel"]
    metrics["preFulfillmentCancellationRate"] = {
        "reportingDateRange": _range(end - ndays(6), end),
        "orderCount": week,
        "cancellationCount": cancels,
        **_judged(cancels, week, 0.025, "LESS_THAN"),
    }
    valid, shipments = f["valid_tracking"]
    metrics["validTrackingRate"] = {
        "reportingDateRange": _range(end - ndays(43), end - ndays(14)),
        "shipmentCount": shipments,
        "validTrackingCount": valid,
        **_judged(valid, shipments, 0.95, "GREATER_THAN"),
    }
    on_time, tracked = f["on_time_delivery"]
    metrics["onTimeDeliveryRate"] = {
        "reportingDateRange": _range(end - ndays(43), end - ndays(14)),
        "shipmentCountWithValidTracking": tracked,
        "onTimeDeliveryCount": on_time,
        **_judged(on_time, tracked, 0.95, "GREATER_THAN"),
    }
    units_on_time, units = f["unit_on_time_delivery"]
    metrics["unitOnTimeDeliveryRate"] = {
        "reportingDateRange": _range(end - ndays(21), end - ndays(8)),
        "unitOnTimeDeliveryCount": units_on_time,
        "totalUnitCount": units,
        **_judged(units_on_time, units, 0.9, "GREATER_THAN"),
    }
    metrics["warningStates"] = []
    metrics["accountHealthRating"] = {
        "ahrStatus": "GREAT",
        "ahrScore": ahr_score(g),
        "reportingDateRange": _range(end - ndays(180), end),
    }
    since = end - ndays(179)
    for category in _POLICY_CATEGORIES:  # a resolved (retracted) complaint no longer shows
        count = sum(
            v.category == category and v.day >= since and v.status == "open" for v in g.violations
        )
        metrics[category] = {
            "reportingDateRange": _range(since, end),
            "defectsCount": count,
            "status": "GOOD" if count == 0 else "BAD",
            "targetValue": 0,
            "targetCondition": "EQUALS",
        }
    document = {
        "accountStatuses": [{"marketplaceId": MARKETPLACE_ID, "status": "NORMAL"}],
        "performanceMetrics": [metrics],
    }
    return json.dumps(document, indent=2) + "\n"
