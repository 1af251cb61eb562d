"""What-if: apply hypothetical changes to an account's records and compare the metrics.

A `Scenario` is a list of changes, each a plain function of the records (`SellerData`):
a feedback removed, a claim denied on appeal, more orders a day, a SKU moved to FBA, shipments
that turn into claims. `apply` gives the changed records; `compare` computes ODR, late shipment
and cancellation rates before and after, day by day, with the same rules as the report.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sellerhealth.domain.data import SellerData
from sellerhealth.domain.metrics import Status
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import (
    DEFAULT_ACCOUNT,
    DEFAULT_MARKETPLACE,
    Channel,
    Claim,
    ClaimStatus,
    Order,
    Shipment,
    StatusChange,
)
from sellerhealth.domain.shipping import cancellation_rate, late_shipment

WHATIF_PREFIX = "whatif-"
ODR = "orderDefectRate"
DEFAULT_HANDLING_DAYS = 2


class ScenarioError(ValueError):
    """A change that cannot apply to these records (an order, feedback or claim not there)."""


@dataclass(frozen=True, slots=True)
class RemoveFeedback:
    """The order's feedback is removed (or struck through) on `on`: it stops counting then."""

    order_id: str
    on: date

    def describe(self) -> str:
        return f"feedback on order {self.order_id} removed on {self.on}"

    def apply(self, data: SellerData) -> SellerData:
        if not any(f.order_id == self.order_id for f in data.feedback):
            raise ScenarioError(f"no feedback on order {self.order_id}")
        feedback = tuple(
            dataclasses.replace(f, removed_date=_earliest(f.removed_date, self.on))
            if f.order_id == self.order_id
            else f
            for f in data.feedback
        )
        return dataclasses.replace(data, feedback=feedback)


@dataclass(frozen=True, slots=True)
class DenyClaim:
    """The order's A-to-z claims filed by `on` are denied on `on` (say, on appeal).

    A `denied` status change dated `on` is added; any status change the records have after
    `on` is dropped (the scenario decides what happens from then on).
    """

    order_id: str
    on: date

    def describe(self) -> str:
        return f"claim on order {self.order_id} denied on {self.on}"

    def apply(self, data: SellerData) -> SellerData:
        if not any(c.order_id == self.order_id and c.claim_date <= self.on for c in data.claims):
            raise ScenarioError(f"no claim on order {self.order_id} filed by {self.on}")
        claims = tuple(
            self._deny(c) if c.order_id == self.order_id and c.claim_date <= self.on else c
            for c in data.claims
        )
        return dataclasses.replace(data, claims=claims)

    def _deny(self, claim: Claim) -> Claim:
        kept = tuple(s for s in claim.changes() if s.effective_date <= self.on)
        history = (*kept, StatusChange(ClaimStatus.DENIED.value, self.on))
        return dataclasses.replace(
            claim, status=ClaimStatus.DENIED, status_date=self.on, history=history
        )


@dataclass(frozen=True, slots=True)
class ExtraDailyOrders:
    """`n` more clean orders a day in `channel`, purchased `from_day` .. `to_day` inclusive.

    Synthetic order ids start with `whatif-`. A clean order gets no defect; in MFN it has a
    latest ship date the account's usual handling time after the purchase (the median over its
    MFN orders, else 2 days) and is ship-confirmed, with valid tracking, on its purchase day:
    on time, never cancelled.
    """

    n: int
    channel: Channel
    from_day: date
    to_day: date

    def describe(self) -> str:
        return f"{self.n} more {self.channel} orders a day from {self.from_day} to {self.to_day}"

    def apply(self, data: SellerData) -> SellerData:
        if self.n < 0 or self.to_day < self.from_day:
            raise ScenarioError(f"bad extra orders: {self.describe()}")
        account, marketplace = _account_of(data.orders)
        handling = timedelta(days=_handling_days(data.orders))
        orders, shipments = [], []
        day = self.from_day
        while day <= self.to_day:
            for i in range(self.n):
                order_id = f"{WHATIF_PREFIX}{self.channel}-{day.isoformat()}-{i}"
                mfn = self.channel == Channel.MFN
                orders.append(
                    Order(
                        account,
                        order_id,
                        day,
                        self.channel,
                        marketplace_id=marketplace,
                        latest_ship_date=day + handling if mfn else None,
                    )
                )
                if mfn:
                    shipments.append(
                        Shipment(account, order_id, day, carrier="whatif", tracking_valid=True)
                    )
            day += timedelta(days=1)
        return dataclasses.replace(
            data,
            orders=(*data.orders, *orders),
            shipments=(*data.shipments, *shipments),
        )


@dataclass(frozen=True, slots=True)
class MoveSkuToFba:
    """Orders with `sku` among their SKUs purchased on or after `from_day` become AFN.

    The whole order moves, even if it has other SKUs too; its feedback, claims and chargebacks
    move with it (they stay attached to the order), so the scenario shows where the defects
    land, not whether FBA would have prevented them.
    """

    sku: str
    from_day: date

    def describe(self) -> str:
        return f"SKU {self.sku} moves to FBA from {self.from_day}"

    def apply(self, data: SellerData) -> SellerData:
        moved = 0
        orders = []
        for o in data.orders:
            if o.purchase_date >= self.from_day and self.sku in _skus(o):
                orders.append(dataclasses.replace(o, fulfillment_channel=Channel.AFN))
                moved += 1
            else:
                orders.append(o)
        if not moved:
            raise ScenarioError(f"no order of SKU {self.sku} purchased on or after {self.from_day}")
        return dataclasses.replace(data, orders=tuple(orders))


@dataclass(frozen=True, slots=True)
class ShipmentsBecomeClaims:
    """Each order gets an A-to-z claim filed on `on` (pending by default, not protected)."""

    order_ids: tuple[str, ...]
    on: date
    status: ClaimStatus = ClaimStatus.PENDING

    def describe(self) -> str:
        return f"claims on orders {', '.join(self.order_ids)} filed on {self.on} ({self.status})"

    def apply(self, data: SellerData) -> SellerData:
        by_id = {o.order_id: o for o in data.orders}
        missing = [oid for oid in self.order_ids if oid not in by_id]
        if missing:
            raise ScenarioError(f"no order {', '.join(missing)}")
        claims = tuple(
            Claim(
                by_id[oid].account,
                oid,
                self.on,
                self.status,
                status_date=self.on,
                reason="what-if: shipment turned into a claim",
            )
            for oid in self.order_ids
        )
        return dataclasses.replace(data, claims=(*data.claims, *claims))


Change = RemoveFeedback | DenyClaim | ExtraDailyOrders | MoveSkuToFba | ShipmentsBecomeClaims


@dataclass(frozen=True, slots=True)
class Scenario:
    """Changes applied in order. Build with the methods: `Scenario().remove_feedback(...)`."""

    changes: tuple[Change, ...] = ()

    def _with(self, change: Change) -> Scenario:
        return Scenario((*self.changes, change))

    def remove_feedback(self, order_id: str, on: date) -> Scenario:
        return self._with(RemoveFeedback(order_id, on))

    def deny_claim(self, order_id: str, on: date) -> Scenario:
        return self._with(DenyClaim(order_id, on))

    def extra_daily_orders(
        self, n: int, channel: Channel, from_day: date, to_day: date
    ) -> Scenario:
        return self._with(ExtraDailyOrders(n, channel, from_day, to_day))

    def move_sku_to_fba(self, sku: str, from_day: date) -> Scenario:
        return self._with(MoveSkuToFba(sku, from_day))

    def shipments_become_claims(
        self, order_ids: Iterable[str], on: date, status: ClaimStatus = ClaimStatus.PENDING
    ) -> Scenario:
        return self._with(ShipmentsBecomeClaims(tuple(order_ids), on, status))

    def describe(self) -> list[str]:
        return [change.describe() for change in self.changes]


def apply(scenario: Scenario, data: SellerData) -> SellerData:
    """The records with every change of `scenario` applied, in order; `data` is unchanged."""
    for change in scenario.changes:
        data = change.apply(data)
    return data


@dataclass(frozen=True, slots=True)
class DayComparison:
    """One metric on one day, before and after the scenario."""

    day: date
    metric: str  # orderDefectRate, lateShipmentRate, preFulfillmentCancellationRate
    scope: str  # AFN / MFN for ODR, 10d / 30d for late shipment, "" for cancellation
    before_numerator: int
    before_denominator: int
    before_value: float | None
    before_status: Status
    after_numerator: int
    after_denominator: int
    after_value: float | None
    after_status: Status

    @property
    def changed(self) -> bool:
        return (self.before_numerator, self.before_denominator) != (
            self.after_numerator,
            self.after_denominator,
        )


_Row = tuple[str, str, int, int, float | None, Status]


def _metrics(data: SellerData, day: date, policy: Policy, is_business: bool) -> list[_Row]:
    rows: list[_Row] = []
    odr = compute_odr(
        data.orders, data.feedback, data.claims, data.chargebacks, day, policy, is_business
    )
    for channel in Channel:
        m = odr[channel]
        rows.append((ODR, channel.value, m.defective_orders, m.order_count, m.rate, m.status))
    rates = [
        *late_shipment(data.orders, data.shipments, day, policy, is_business=is_business),
        cancellation_rate(
            data.orders, data.cancellations, data.shipments, day, policy, is_business=is_business
        ),
    ]
    rows.extend((r.name, r.scope, r.numerator, r.denominator, r.rate, r.status) for r in rates)
    return rows


def compare(
    before: SellerData,
    after: SellerData,
    days: Sequence[date],
    policy: Policy,
    is_business: bool = False,
) -> list[DayComparison]:
    """ODR per channel, late shipment (each window) and cancellation rate, before and after,
    for each of `days` (in the order given, metrics in a fixed order within a day)."""
    result = []
    for day in days:
        old = _metrics(before, day, policy, is_business)
        new = _metrics(after, day, policy, is_business)
        for (name, scope, n0, d0, v0, s0), (_, _, n1, d1, v1, s1) in zip(old, new, strict=True):
            result.append(DayComparison(day, name, scope, n0, d0, v0, s0, n1, d1, v1, s1))
    return result


def _earliest(known: date | None, new: date) -> date:
    return new if known is None else min(known, new)


def _skus(order: Order) -> set[str]:
    return {s.strip() for s in (order.skus or "").split(",") if s.strip()}


def _account_of(orders: Sequence[Order]) -> tuple[str, str]:
    if orders:
        return orders[0].account, orders[0].marketplace_id
    return DEFAULT_ACCOUNT, DEFAULT_MARKETPLACE


def _handling_days(orders: Iterable[Order]) -> int:
    spans = [
        (o.latest_ship_date - o.purchase_date).days
        for o in orders
        if o.fulfillment_channel == Channel.MFN and o.latest_ship_date is not None
    ]
    return int(statistics.median_low(spans)) if spans else DEFAULT_HANDLING_DAYS
