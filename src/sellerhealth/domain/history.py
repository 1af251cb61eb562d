"""Metric results flattened into rows: one per metric (and scope) per day, for history,
reconciliation and CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sellerhealth.domain.metrics import Condition, RateMetric, Status
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.domain.windows import Window

# What a user may type for --metric, and the report names they stand for.
METRIC_ALIASES = {
    "odr": "orderDefectRate",
    "lsr": "lateShipmentRate",
    "late-shipment": "lateShipmentRate",
    "pfcr": "preFulfillmentCancellationRate",
    "cancellation": "preFulfillmentCancellationRate",
    "vtr": "validTrackingRate",
    "valid-tracking": "validTrackingRate",
    "otdr": "unitOnTimeDeliveryRate",
    "on-time-delivery": "unitOnTimeDeliveryRate",
    "contact": "contactResponse",
    "contact-response": "contactResponse",
    "compliance": "policyCompliance",
    "policy-compliance": "policyCompliance",
    "ahr": "accountHealthRating",
}
METRIC_NAMES = tuple(dict.fromkeys(METRIC_ALIASES.values()))


def metric_name(text: str) -> str:
    """The report name for a user's metric name; ValueError listing the choices."""
    if text in METRIC_NAMES:
        return text
    try:
        return METRIC_ALIASES[text.lower()]
    except KeyError:
        choices = ", ".join(sorted({*METRIC_ALIASES, *METRIC_NAMES}))
        raise ValueError(f"unknown metric {text!r}; choose one of: {choices}") from None


@dataclass(frozen=True, slots=True)
class MetricRow:
    day: date
    marketplace_id: str
    metric: str
    scope: str
    numerator: int
    denominator: int | None
    rate: float | None
    target: float
    condition: str
    status: str
    window: Window

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "marketplaceId": self.marketplace_id,
            "metric": self.metric,
            "scope": self.scope,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": None if self.rate is None else round(self.rate, 6),
            "target": self.target,
            "targetCondition": self.condition,
            "status": self.status,
            "windowFrom": self.window.first.isoformat(),
            "windowTo": self.window.last.isoformat(),
        }


def _rate_row(day: date, market: str, metric: str, m: RateMetric) -> MetricRow:
    return MetricRow(
        day,
        market,
        metric,
        m.scope,
        m.numerator,
        m.denominator,
        m.rate,
        m.target,
        m.condition.value,
        m.status.value,
        m.window,
    )


def metric_rows(day: date, health: MarketplaceHealth, policy: Policy) -> list[MetricRow]:
    """Every figure of one marketplace on one day, in report order."""
    market = health.marketplace_id
    rows = [
        MetricRow(
            day,
            market,
            "orderDefectRate",
            ch.value.lower(),
            m.defective_orders,
            m.order_count,
            m.rate,
            m.target,
            Condition.LESS_THAN.value,
            m.status.value,
            m.window,
        )
        for ch, m in sorted(health.odr.items())
    ]
    rate_metrics = [
        *(("lateShipmentRate", m) for m in health.late_shipment),
        *(("preFulfillmentCancellationRate", m) for m in [health.cancellation] if m),
        *(("validTrackingRate", m) for m in health.valid_tracking),
        *(("unitOnTimeDeliveryRate", m) for m in [health.on_time_delivery] if m),
        *(("contactResponse", m) for m in [health.contact_response] if m),
    ]
    rows += [_rate_row(day, market, name, m) for name, m in rate_metrics]
    for category, count in health.compliance.items():
        rows.append(
            MetricRow(
                day,
                market,
                "policyCompliance",
                category,
                count.count,
                None,
                None,
                count.target,
                Condition.EQUALS.value,
                count.status.value,
                count.window,
            )
        )
    if health.ahr is not None:
        ahr = health.ahr
        status = Status.GOOD if ahr.band.value == "HEALTHY" else Status.BAD
        rows.append(
            MetricRow(
                day,
                market,
                "accountHealthRating",
                "",
                ahr.score,
                None,
                None,
                policy.ahr.healthy_min,
                Condition.GREATER_THAN.value,
                status.value,
                ahr.window,
            )
        )
    return rows
