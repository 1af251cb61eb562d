"""What a forecast answers, as the faces show it: the view of one account's forecast and its
dictionaries (the JSON of the API, the report and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.age_out import AgedDefect
from sellerhealth.domain.forecast import BreachWarning, ForecastDay
from sellerhealth.domain.forecast_backtest import Backtest
from sellerhealth.domain.headroom import Headroom
from sellerhealth.domain.late_defects import DelayModel
from sellerhealth.domain.metrics import OdrMetric

HORIZONS = (7, 14, 30)  # the backtest's horizons, in days after the forecast day

# What the items of each rate metric are, for the headroom sentences.
ITEMS = {
    "orderDefectRate": "orders",
    "lateShipmentRate": "orders",
    "preFulfillmentCancellationRate": "orders",
    "validTrackingRate": "shipments",
    "unitOnTimeDeliveryRate": "units",
    "contactResponse": "messages",
}


@dataclass(frozen=True)
class MetricHeadroom:
    """One rate metric of the report as of D and its headroom."""

    metric: str
    scope: str
    headroom: Headroom

    @property
    def items(self) -> str:
        return ITEMS.get(self.metric, "items")

    def to_dict(self) -> dict[str, Any]:
        h = self.headroom
        return {
            "metric": self.metric,
            "scope": self.scope,
            "items": self.items,
            "numerator": h.numerator,
            "denominator": h.denominator,
            "rate": h.rate,
            "target": h.target,
            "condition": str(h.condition),
            "status": str(h.status),
            "extraDefectsBeforeBad": h.extra_defects_before_bad,
            "extraDefectiveNewItemsBeforeBad": h.extra_defective_new_items_before_bad,
            "cleanItemsToRecover": h.clean_orders_to_recover,
            "defectsToRemoveToRecover": h.defects_to_remove_to_recover,
        }


@dataclass(frozen=True)
class ChannelForecast:
    """One channel: today's ODR, the next days, the first likely breach, the age-out."""

    channel: r.Channel
    current: OdrMetric
    days: tuple[ForecastDay, ...]
    warning: BreachWarning | None
    back_on_target: date | None  # from this day on GOOD (see `_back_on_target`)
    age_out: tuple[AgedDefect, ...]
    projected_bad_from: date | None = None  # first BAD day from the known defects alone

    def day(self, n: int, as_of: date) -> ForecastDay | None:
        """The forecast `n` days after `as_of`, if there is one."""
        return next((f for f in self.days if (f.day - as_of).days == n), None)


@dataclass(frozen=True)
class ForecastView:
    account: str
    as_of: date
    marketplace_id: str
    horizon: int
    level: float
    channels: dict[str, ChannelForecast]  # "afn", "mfn"
    warnings: dict[str, BreachWarning | None]  # "afn", "mfn": the first likely breach
    headroom: list[MetricHeadroom]
    model: DelayModel = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "asOf": self.as_of.isoformat(),
            "marketplaceId": self.marketplace_id,
            "days": self.horizon,
            "level": self.level,
            "maturityDays": self.model.maturity_days,
            "channels": {
                name: {
                    "current": {
                        "rate": c.current.rate,
                        "defectiveOrders": c.current.defective_orders,
                        "orderCount": c.current.order_count,
                        "status": str(c.current.status),
                        "target": c.current.target,
                    },
                    "model": {
                        "pUltimate": self.model.channels[c.channel].p_ultimate,
                        "matureOrders": self.model.channels[c.channel].mature_orders,
                        "matureDefective": self.model.channels[c.channel].mature_defective,
                    },
                    "breachWarning": warning_dict(c.warning),
                    "projectedBadFrom": _iso(c.projected_bad_from),
                    "backOnTarget": _iso(c.back_on_target if c.projected_bad_from else None),
                    "forecast": [forecast_day_dict(f) for f in c.days],
                    "ageOut": [
                        {
                            "orderId": a.order_id,
                            "kinds": list(a.kinds),
                            "purchaseDate": a.purchase_date.isoformat(),
                            "leavesWindowOn": a.leaves_window_on.isoformat(),
                        }
                        for a in c.age_out
                    ],
                }
                for name, c in self.channels.items()
            },
            "headroom": [h.to_dict() for h in self.headroom],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def forecast_summary(view: ForecastView, horizons: tuple[int, ...] = HORIZONS) -> dict[str, Any]:
    """The short form: per channel, today's ODR, the expected one `horizons` days ahead with
    its interval, and the breach warning."""
    return {
        "asOf": view.as_of.isoformat(),
        "marketplaceId": view.marketplace_id,
        "level": view.level,
        "channels": {
            name: {
                "rate": c.current.rate,
                "status": str(c.current.status),
                "expected": {
                    str(n): forecast_day_dict(f)
                    for n in horizons
                    if (f := c.day(n, view.as_of)) is not None
                },
                "breachWarning": warning_dict(c.warning),
                "projectedBadFrom": _iso(c.projected_bad_from),
                "backOnTarget": _iso(c.back_on_target if c.projected_bad_from else None),
            }
            for name, c in view.channels.items()
        },
    }


def forecast_day_dict(f: ForecastDay) -> dict[str, Any]:
    return {
        "day": f.day.isoformat(),
        "expectedRate": f.expected_rate,
        "low": f.low,
        "high": f.high,
        "orderCount": f.order_count,
        "knownDefects": f.known_defects,
        "expectedDefects": f.expected_defects,
        "pBreach": f.p_breach,
        "target": f.target,
    }


def warning_dict(w: BreachWarning | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {
        "day": w.day.isoformat(),
        "channel": str(w.channel),
        "probability": w.probability,
        "expectedRate": w.expected_rate,
        "low": w.low,
        "high": w.high,
        "target": w.target,
    }


def backtest_dict(result: Backtest) -> dict[str, Any]:
    return {
        "coverage": result.coverage,
        "cases": result.cases,
        "covered": sum(c.covered for c in result.results),
        "level": result.level,
        "start": result.start.isoformat() if result.start else None,
        "end": result.end.isoformat() if result.end else None,
        "perHorizon": {
            str(h): {
                "cases": s.cases,
                "covered": s.covered,
                "coverage": s.coverage,
                "meanAbsError": s.mean_abs_error,
            }
            for h, s in result.per_horizon.items()
        },
    }
