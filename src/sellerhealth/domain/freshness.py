"""How fresh the data is, and whether a metric's window is covered by it.

A seller who imported orders up to 2026-11-20 and asks on 2026-12-03 has no data for the last
13 days: a late shipment rate over 2026-11-24 .. 2026-12-03 is then not "0 of 0, GOOD" nor a
breach, it is *not covered*. Each metric names the data kind its window is counted from; the
metric is covered when that kind's data reaches the window's last day (give or take
`GRACE_DAYS`, so that today's data, still being written, does not void every metric). The
ODR also counts defects (feedback, claims, chargebacks) up to the as-of day: they must reach
it too.

Violations (policy compliance, the Account Health Rating) come one by one: their absence
cannot be told from having none, so those metrics are taken as imported.

Pure: the last day of each kind is an argument (the service queries it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# A window is covered when the data reaches its last day minus this many days: data for the
# as-of day itself usually arrives the next day (Amazon's reports lag by a day). Our choice,
# not Amazon's rule.
GRACE_DAYS = 1

# The data kinds, in the order they are shown.
KINDS = (
    "orders",
    "feedback",
    "feedbackReport",
    "claims",
    "chargebacks",
    "shipments",
    "trackingEvents",
    "messages",
    "violations",
    "performanceSnapshot",
)
DEFECT_KINDS = ("feedback", "claims", "chargebacks")

# metric -> the kinds whose data must reach its window's last day (the first one that has any
# data counts; several kinds mean "either": delivery data comes from shipments or scans).
WINDOW_KINDS: dict[str, tuple[str, ...]] = {
    "orderDefectRate": ("orders",),
    "lateShipmentRate": ("orders",),
    "preFulfillmentCancellationRate": ("orders",),
    "validTrackingRate": ("shipments",),
    "unitOnTimeDeliveryRate": ("trackingEvents", "shipments"),
    "contactResponse": ("messages",),
}


@dataclass(frozen=True)
class Gap:
    """A metric whose window the data does not reach."""

    marketplace_id: str
    metric: str
    scope: str
    window: tuple[date, date]
    needs: str  # the data kind that falls short
    needed_through: date
    data_through: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "marketplaceId": self.marketplace_id,
            "metric": self.metric,
            "scope": self.scope,
            "window": [self.window[0].isoformat(), self.window[1].isoformat()],
            "needs": self.needs,
            "neededThrough": self.needed_through.isoformat(),
            "dataThrough": None if self.data_through is None else self.data_through.isoformat(),
        }


@dataclass(frozen=True)
class Freshness:
    """The last day with data of each kind, on or before `as_of` (None: never imported)."""

    as_of: date
    through: Mapping[str, date | None]

    @property
    def last_order(self) -> date | None:
        return self.through.get("orders")

    @property
    def defects_through(self) -> date | None:
        """The latest day the defect data is known to reach: a defect's own day, a feedback
        report's date (it says no other feedback came until then), or the last order's day
        (defects arrive one by one, as violations do: an account whose orders are current and
        that had no claim for a month has no claim to miss)."""
        kinds = (*DEFECT_KINDS, "feedbackReport", "orders")
        days = [d for k in kinds if (d := self.through.get(k)) is not None]
        return max(days) if days else None

    @property
    def age_days(self) -> int | None:
        """Days from the last order to the as-of day (None: no order)."""
        return None if self.last_order is None else (self.as_of - self.last_order).days

    @property
    def stale(self) -> bool:
        age = self.age_days
        return age is not None and age > GRACE_DAYS

    def kind_through(self, kinds: tuple[str, ...]) -> tuple[str, date | None]:
        for kind in kinds:
            if self.through.get(kind) is not None:
                return kind, self.through[kind]
        return kinds[0], None

    def gap(
        self, marketplace_id: str, metric: str, scope: str, first: date, last: date
    ) -> Gap | None:
        """The shortfall of a metric over the window `first .. last`, or None when covered."""
        kinds = WINDOW_KINDS.get(metric)
        if kinds is None or self.last_order is None:
            return None
        kind, through = self.kind_through(kinds)
        if kind != "orders" and through is None:
            return None  # never imported: nothing to rate, the metric is NONE already
        checks = [(kind, last, through)]
        if metric == "orderDefectRate":
            checks.append(("feedback, claims, chargebacks", self.as_of, self.defects_through))
        for needs, needed, have in checks:
            if have is None or have < needed - timedelta(days=GRACE_DAYS):
                return Gap(marketplace_id, metric, scope, (first, last), needs, needed, have)
        return None

    def message(self) -> str:
        """One line for a person: how old the data is."""
        if self.last_order is None:
            return f"no order on or before {self.as_of}"
        age = self.age_days or 0
        if not self.stale:
            return f"data up to date (latest order {self.last_order})"
        return (
            f"data is {age} days old: the latest order is of {self.last_order}, "
            f"{age} days before {self.as_of}; metrics whose window goes past it are not covered"
        )

    def on(self, day: date) -> Freshness:
        """The freshness as seen on an earlier `day` of a history (data after it unseen)."""
        through = {k: (None if d is None else min(d, day)) for k, d in self.through.items()}
        return Freshness(day, through)

    def as_dict(self, gaps: list[Gap] | None = None) -> dict[str, Any]:
        found = {} if gaps is None else {"notCovered": [g.as_dict() for g in gaps]}
        return {
            "asOf": self.as_of.isoformat(),
            "dataThrough": {
                k: (None if (d := self.through.get(k)) is None else d.isoformat()) for k in KINDS
            },
            "ageDays": self.age_days,
            "stale": self.stale,
            "graceDays": GRACE_DAYS,
            "message": self.message(),
            **found,
        }
