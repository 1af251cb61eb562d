"""The report document: Amazon's GET_V2_SELLER_PERFORMANCE_REPORT shape, built from metrics.

Tools that read Amazon's report read ours (SPEC section 6). Rates are fractions; a metric with
nothing to measure has status NONE and rate 0. Everything Amazon's report has no field for goes
under the top-level `sellerhealth` key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sellerhealth.domain.amazon_report import amazon_odr, amazon_statuses
from sellerhealth.domain.metrics import Condition, OdrMetric, RateMetric, Status
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import AccountSettings, Channel, PerformanceSnapshot
from sellerhealth.domain.windows import Window


@dataclass(frozen=True)
class MarketplaceHealth:
    """Every computed figure for one account in one marketplace as of one day."""

    marketplace_id: str
    odr: dict[Channel, OdrMetric]
    late_shipment: tuple[RateMetric, ...] = ()
    cancellation: RateMetric | None = None
    valid_tracking: tuple[RateMetric, ...] = ()
    on_time_delivery: RateMetric | None = None
    contact_response: RateMetric | None = None
    compliance: dict[str, Any] = field(default_factory=dict)
    ahr: Any = None


def _rate(value: float | None) -> float:
    """The exact fraction (no rounding: tools compare it with their own); 0 when NONE."""
    return value if value is not None else 0.0


def odr_block(metric: OdrMetric) -> dict[str, Any]:
    none = Status.NONE.value
    return {
        "reportingDateRange": metric.window.amazon_range(),
        "orderCount": metric.order_count,
        "orderWithDefects": {"count": metric.defective_orders, "status": metric.status.value},
        "claims": {"count": metric.claims, "status": none},
        "chargebacks": {"count": metric.chargebacks, "status": none},
        "negativeFeedback": {"count": metric.negative_feedback, "status": none},
        "fulfillmentType": metric.channel.value.lower(),
        "status": metric.status.value,
        "rate": _rate(metric.rate),
        "targetValue": metric.target,
        "targetCondition": Condition.LESS_THAN.value,
    }


def rate_block(
    metric: RateMetric | None,
    window: Window,
    target: float,
    condition: Condition,
    denominator: str,
    numerator: str,
) -> dict[str, Any]:
    """A rate metric in Amazon's shape; a metric not measured yet is NONE over its window."""
    if metric is None:
        metric = RateMetric("", window, 0, 0, target, condition)
    return {
        "reportingDateRange": metric.window.amazon_range(),
        denominator: metric.denominator,
        numerator: metric.numerator,
        "status": metric.status.value,
        "rate": _rate(metric.rate),
        "targetValue": metric.target,
        "targetCondition": metric.condition.value,
    }


def marketplace_block(
    health: MarketplaceHealth, as_of: date, policy: Policy, is_business: bool
) -> dict[str, Any]:
    p = policy
    lsr = {m.window.days: m for m in health.late_shipment}
    lsr_target = p.late_shipment.target_business if is_business else p.late_shipment.target
    lsr_blocks = [
        rate_block(
            lsr.get(days),
            Window.ending(as_of, days),
            lsr_target,
            Condition.LESS_THAN,
            "orderCount",
            "lateShipmentCount",
        )
        for days in p.late_shipment.windows_days
    ]
    cancel_target = p.cancellation.target_business if is_business else p.cancellation.target
    vtr_overall = next((m for m in health.valid_tracking if not m.scope), None)
    tracking_window = Window.ending(as_of, p.valid_tracking.window_days, p.valid_tracking.lag_days)
    otd_window = Window.ending(as_of, p.on_time_delivery.window_days, p.on_time_delivery.lag_days)
    otd = rate_block(
        health.on_time_delivery,
        otd_window,
        p.on_time_delivery.target,
        Condition.GREATER_THAN,
        "totalUnitCount",
        "unitOnTimeDeliveryCount",
    )
    block: dict[str, Any] = {
        "marketplaceId": health.marketplace_id,
        "orderDefectRate": {
            channel.value.lower(): odr_block(health.odr[channel]) for channel in Channel
        },
        "lateShipmentRate": lsr_blocks[-1],
        "lateShipmentRateList": lsr_blocks,
        "preFulfillmentCancellationRate": rate_block(
            health.cancellation,
            Window.ending(as_of, p.cancellation.window_days),
            cancel_target,
            Condition.LESS_THAN,
            "orderCount",
            "cancellationCount",
        ),
        "validTrackingRate": rate_block(
            vtr_overall,
            tracking_window,
            p.valid_tracking.target,
            Condition.GREATER_THAN,
            "shipmentCount",
            "validTrackingCount",
        ),
        "onTimeDeliveryRate": {
            **{
                k: v
                for k, v in otd.items()
                if k not in ("totalUnitCount", "unitOnTimeDeliveryCount")
            },
            "shipmentCountWithValidTracking": otd["totalUnitCount"],
            "onTimeDeliveryCount": otd["unitOnTimeDeliveryCount"],
        },
        "unitOnTimeDeliveryRate": otd,
        "invoiceDefectRate": _invoice_defect_none(as_of),
        "warningStates": [],
        "accountHealthRating": _ahr_block(health.ahr, as_of, policy),
    }
    compliance_window = Window.ending(as_of, p.policy_compliance.window_days)
    for category in p.policy_compliance.categories:
        found = health.compliance.get(category)
        count = found.count if found is not None else 0
        block[category] = {
            "reportingDateRange": compliance_window.amazon_range(),
            "defectsCount": count,
            "status": (Status.GOOD if count <= p.policy_compliance.target else Status.BAD).value,
            "targetValue": p.policy_compliance.target,
            "targetCondition": Condition.EQUALS.value,
        }
    return block


def _invoice_defect_none(as_of: date) -> dict[str, Any]:
    """Invoice defects apply to EU Amazon Business orders (2.8); not measured for the US."""
    none = {"count": 0, "status": Status.NONE.value}
    return {
        "reportingDateRange": Window.ending(as_of, 7, 14).amazon_range(),
        "orderCount": 0,
        "invoiceDefect": dict(none),
        "missingInvoice": dict(none),
        "lateInvoice": dict(none),
        "status": Status.NONE.value,
        "rate": 0.0,
        "targetValue": 0.05,
        "targetCondition": Condition.LESS_THAN.value,
    }


def _ahr_block(ahr: Any, as_of: date, policy: Policy) -> dict[str, Any]:
    window = Window.ending(as_of, policy.ahr.window_days)
    if ahr is None:
        return {"reportingDateRange": window.amazon_range(), "ahrStatus": "NONE"}
    return {
        "reportingDateRange": ahr.window.amazon_range(),
        "ahrStatus": ahr.ahr_status,
        "ahrScore": ahr.score,
    }


def account_status(health: MarketplaceHealth) -> str:
    """Amazon's coarse status from the computed figures (the state machine refines it)."""
    bad = any(m.status is Status.BAD for m in health.odr.values())
    return "AT_RISK" if bad else "NORMAL"


def compare_with_amazon(
    health: MarketplaceHealth, snapshot: PerformanceSnapshot | None, tolerance: float
) -> list[dict[str, Any]]:
    """Amazon's ODR beside ours, per channel, flagged where the rates differ by more than
    `tolerance` or the counts differ at all."""
    if snapshot is None:
        return []
    theirs = amazon_odr(snapshot.document, health.marketplace_id)
    rows = []
    for channel in Channel:
        amazon = theirs.get(channel.value.lower())
        if not amazon:
            continue
        ours = health.odr[channel]
        amazon_rate = amazon.get("rate")
        differs = (
            amazon_rate is None
            or abs(amazon_rate - (ours.rate or 0.0)) > tolerance
            or (amazon.get("orderCount") not in (None, ours.order_count))
            or (amazon.get("orderWithDefects") not in (None, ours.defective_orders))
        )
        rows.append(
            {
                "metric": f"orderDefectRate.{channel.value.lower()}",
                "snapshotDate": snapshot.report_date.isoformat(),
                "amazon": {
                    "rate": amazon_rate,
                    "orderCount": amazon.get("orderCount"),
                    "orderWithDefects": amazon.get("orderWithDefects"),
                    "status": amazon.get("status"),
                },
                "computed": {
                    "rate": _rate(ours.rate),
                    "orderCount": ours.order_count,
                    "orderWithDefects": ours.defective_orders,
                    "status": ours.status.value,
                },
                "differs": differs,
            }
        )
    return rows


UNATTRIBUTED_NOTE = (
    "MFN orders in the cancel-rate window whose status is Cancelled but whose canceller is not "
    "known (the orders report does not say; import a cancellations file to tell). Counted as "
    "the seller's when countedAsSeller; otherwise left out of the rate, whose status is NONE "
    "when counting them would change it."
)


def build_report(
    settings: AccountSettings,
    as_of: date,
    policy: Policy,
    healths: list[MarketplaceHealth],
    snapshot: PerformanceSnapshot | None = None,
    computed_status: str | None = None,
    extra: dict[str, Any] | None = None,
    snapshot_healths: list[MarketplaceHealth] | None = None,
) -> dict[str, Any]:
    """The document; `computed_status` is the account state in Amazon's vocabulary (from the
    state machine), `extra` what goes under `sellerhealth` beside the figures (state, forecast).
    Without a state the status is read off the ODR alone.

    Amazon's own status, from the snapshot, is the account's status where it is known: ours
    is only a risk assessment (`accountStatusSource` says which one `accountStatuses` holds).
    Amazon's figures are compared with ours as of the snapshot's day (`snapshot_healths`), like
    with like, not with the as-of day's."""
    amazon_status = amazon_statuses(snapshot.document) if snapshot else {}
    source = (
        f"amazon report of {snapshot.report_date.isoformat()}"
        if snapshot is not None and amazon_status
        else "risk assessment"
    )
    compared = healths if snapshot_healths is None else snapshot_healths
    return {
        "accountStatuses": [
            {
                "marketplaceId": h.marketplace_id,
                "status": amazon_status.get(h.marketplace_id)
                or computed_status
                or account_status(h),
            }
            for h in healths
        ],
        "performanceMetrics": [
            marketplace_block(h, as_of, policy, settings.is_business) for h in healths
        ],
        "sellerhealth": {
            "account": settings.account,
            "asOf": as_of.isoformat(),
            "program": settings.program,
            "policy": {"name": policy.meta.name, "version": policy.meta.version},
            "amazonSnapshotDate": snapshot.report_date.isoformat() if snapshot else None,
            "amazonAccountStatuses": amazon_status,
            "accountStatusSource": source,
            "amazonComparison": [
                row
                for h in compared
                for row in compare_with_amazon(h, snapshot, policy.reconcile.rate_tolerance)
            ],
            "odrDefectiveOrders": {
                h.marketplace_id: {
                    ch.value.lower(): list(h.odr[ch].defective_order_ids) for ch in Channel
                }
                for h in healths
            },
            "cancellationsOfUnknownInitiator": {
                h.marketplace_id: {
                    "count": h.cancellation.unattributed,
                    "countedAsSeller": h.cancellation.unattributed_counted,
                    "note": UNATTRIBUTED_NOTE,
                }
                for h in healths
                if h.cancellation is not None and h.cancellation.unattributed
            },
            **(extra or {}),
            "ahrIsEstimate": True,
            "ahrNote": (
                "Amazon publishes no point table for the Account Health Rating; the score is "
                "the project's estimate from the policy file (docs/sources.md 3.3)."
            ),
        },
    }
