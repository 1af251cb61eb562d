"""Reconciliation: Amazon's published figures beside the computed ones, day by day, with the
likely reason for every difference beyond the policy's tolerance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sellerhealth.domain.amazon_report import amazon_ahr, amazon_odr, marketplace_metrics
from sellerhealth.domain.history import MetricRow, metric_rows
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import PerformanceSnapshot
from sellerhealth.domain.report import MarketplaceHealth

# Amazon's rate metrics: report key -> (our metric, our scope, numerator key, denominator key)
AMAZON_RATES = {
    "preFulfillmentCancellationRate": (
        "preFulfillmentCancellationRate",
        "",
        "cancellationCount",
        "orderCount",
    ),
    "validTrackingRate": ("validTrackingRate", "", "validTrackingCount", "shipmentCount"),
    "unitOnTimeDeliveryRate": (
        "unitOnTimeDeliveryRate",
        "",
        "unitOnTimeDeliveryCount",
        "totalUnitCount",
    ),
}


@dataclass(frozen=True, slots=True)
class AmazonFigure:
    """One figure from Amazon's report: the rate (or score) and its counts, if given."""

    metric: str
    scope: str
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    components: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Discrepancy:
    day: date
    marketplace_id: str
    metric: str
    scope: str
    amazon: AmazonFigure
    computed: MetricRow
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "marketplaceId": self.marketplace_id,
            "metric": self.metric,
            "scope": self.scope,
            "amazon": {
                "value": self.amazon.value,
                "numerator": self.amazon.numerator,
                "denominator": self.amazon.denominator,
            },
            "computed": {
                "value": _value(self.computed),
                "numerator": self.computed.numerator,
                "denominator": self.computed.denominator,
            },
            "reasons": list(self.reasons),
        }


def _value(row: MetricRow) -> float | None:
    return row.rate if row.metric != "accountHealthRating" else float(row.numerator)


def amazon_figures(document: dict[str, Any], marketplace_id: str) -> list[AmazonFigure]:
    """The figures of Amazon's report we can compare, read defensively."""
    figures = [
        AmazonFigure(
            "orderDefectRate",
            channel,
            odr["rate"],
            odr["orderWithDefects"],
            odr["orderCount"],
            tuple((k, odr[k]) for k in ("negativeFeedback", "claims", "chargebacks")),
        )
        for channel, odr in amazon_odr(document, marketplace_id).items()
    ]
    block = marketplace_metrics(document, marketplace_id)
    lsr_entries = block.get("lateShipmentRateList") or [block.get("lateShipmentRate")]
    for entry in lsr_entries:
        if isinstance(entry, dict):
            figures.append(
                _rate_figure(
                    entry, "lateShipmentRate", _lsr_scope(entry), "lateShipmentCount", "orderCount"
                )
            )
    for key, (metric, scope, num, den) in AMAZON_RATES.items():
        if isinstance(block.get(key), dict):
            figures.append(_rate_figure(block[key], metric, scope, num, den))
    score, _status = amazon_ahr(document, marketplace_id)
    if score is not None:
        figures.append(AmazonFigure("accountHealthRating", "", score))
    return [f for f in figures if f.value is not None]


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _rate_figure(
    entry: dict[str, Any], metric: str, scope: str, num: str, den: str
) -> AmazonFigure:
    return AmazonFigure(
        metric, scope, _number(entry.get("rate")), _count(entry.get(num)), _count(entry.get(den))
    )


def _lsr_scope(entry: dict[str, Any]) -> str:
    span = entry.get("reportingDateRange") or {}
    try:
        first = date.fromisoformat(str(span["reportingDateFrom"])[:10])
        last = date.fromisoformat(str(span["reportingDateTo"])[:10])
    except (KeyError, ValueError):
        return "30d"
    return f"{(last - first).days + 1}d"


def _matches(figure: AmazonFigure, row: MetricRow, policy: Policy) -> bool:
    ours = _value(row)
    if figure.value is None or ours is None:
        return figure.value is None and row.denominator in (0, None)
    tolerance = (
        policy.reconcile.ahr_tolerance
        if figure.metric == "accountHealthRating"
        else policy.reconcile.rate_tolerance
    )
    return abs(figure.value - ours) <= tolerance


def likely_reasons(
    figure: AmazonFigure, row: MetricRow, neighbours: Mapping[int, MetricRow], policy: Policy
) -> list[str]:
    """Why the figures may differ, most specific first."""
    reasons = []
    for shift, other in sorted(neighbours.items()):
        if _matches(figure, other, policy):
            reasons.append(f"a lag of one day: the computed figure {shift:+d} day matches Amazon's")
    if (
        figure.denominator is not None
        and row.denominator is not None
        and figure.denominator != row.denominator
    ):
        missing = figure.denominator - row.denominator
        reasons.append(
            f"missing data for that window: Amazon counts {figure.denominator}, the store has "
            f"{row.denominator}; import the {missing} missing"
            if missing > 0
            else f"the store counts {-missing} more than Amazon in that window "
            "(orders Amazon excludes, such as cancelled ones, or a different window)"
        )
    elif figure.numerator is not None and figure.numerator != row.numerator:
        more = row.numerator - figure.numerator
        reasons.append(
            f"the store counts {more} more than Amazon: a claim or feedback Amazon does not count "
            "(pending or protected claim, feedback removed at Amazon but not in the imports)"
            if more > 0
            else f"Amazon counts {-more} more: a defect missing from the imports, or one the "
            "policy file does not count (a Buy Shipping protected claim, a chargeback won)"
        )
    if figure.metric == "accountHealthRating":
        reasons.append("the AHR is an estimate: Amazon publishes no point table")
    return reasons or ["no explanation found in the data: check the snapshot's window"]


def reconcile(
    snapshots: Iterable[PerformanceSnapshot],
    computed: Mapping[tuple[str, date], MarketplaceHealth],
    policy: Policy,
) -> list[Discrepancy]:
    """Every snapshot figure that differs from the computed one by more than the tolerance.

    `computed` maps (marketplace, day) to the computed health; it should hold each snapshot's
    day and the days either side, for the one-day-lag check.
    """
    found = []
    for snapshot in snapshots:
        day = snapshot.report_date
        markets = {m for (m, d) in computed if d == day}
        for market in sorted(markets):
            rows = _rows_by_key(computed, market, day, policy)
            around = {
                s: _rows_by_key(computed, market, day + timedelta(days=s), policy) for s in (-1, 1)
            }
            for figure in amazon_figures(snapshot.document, market):
                row = rows.get((figure.metric, figure.scope))
                if row is None or _matches(figure, row, policy):
                    continue
                neighbours = {
                    s: r[(figure.metric, figure.scope)]
                    for s, r in around.items()
                    if (figure.metric, figure.scope) in r
                }
                found.append(
                    Discrepancy(
                        day,
                        market,
                        figure.metric,
                        figure.scope,
                        figure,
                        row,
                        tuple(likely_reasons(figure, row, neighbours, policy)),
                    )
                )
    return found


def _rows_by_key(
    computed: Mapping[tuple[str, date], MarketplaceHealth], market: str, day: date, policy: Policy
) -> dict[tuple[str, str], MetricRow]:
    health = computed.get((market, day))
    if health is None:
        return {}
    return {(row.metric, row.scope): row for row in metric_rows(day, health, policy)}
