"""Figures as of `end`, by the rules of SPEC section 4, recomputed from the generated events."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sellerhealth.sample.clock import ODR_LAG_DAYS, ODR_WINDOW_DAYS, ndays
from sellerhealth.sample.world import World


@dataclass(frozen=True, slots=True)
class OdrFigure:
    """One channel's ODR: orders in the window, and those with a counted defect."""

    channel: str
    orders: int
    defective: int
    negative_feedback: int
    claims: int
    chargebacks: int

    @property
    def rate(self) -> float:
        return self.defective / self.orders if self.orders else 0.0


_COUNTED_CLAIMS = frozenset({"pending", "granted", "refunded", "order_cancelled"})


def odr_as_of(g: World, as_of: date, removal_day: date) -> dict[str, OdrFigure]:
    """ODR per channel as of `as_of`; feedback gone from feedback-2 stops counting on
    `removal_day`, that report's date."""
    last = as_of - ndays(ODR_LAG_DAYS)
    first = last - ndays(ODR_WINDOW_DAYS - 1)
    negative = {
        f.order.order_id
        for f in g.feedback
        if f.rating <= 2 and f.day <= as_of and not (f.removed and removal_day <= as_of)
    }
    claims = {
        c.order.order_id
        for c in g.claims
        if c.day <= as_of
        and not c.protected
        and _status_on(c.status, c.status_day, as_of) in _COUNTED_CLAIMS
    }
    chargebacks = {
        c.order.order_id
        for c in g.chargebacks
        if c.day <= as_of
        and c.reason == "service"
        and _status_on(c.status, c.status_day, as_of) != "seller_won"
    }
    days = [o.day for o in g.orders]  # the orders are sorted by purchase time
    in_window = g.orders[bisect_left(days, first) : bisect_right(days, last)]
    figures = {}
    for channel in ("AFN", "MFN"):
        ids = {o.order_id for o in in_window if o.channel == channel}
        figures[channel] = OdrFigure(
            channel,
            len(ids),
            len(ids & (negative | claims | chargebacks)),
            len(ids & negative),
            len(ids & claims),
            len(ids & chargebacks),
        )
    return figures


def _status_on(status: str, status_day: date | None, day: date) -> str:
    return status if status_day is None or status_day <= day else "pending"


def shipping_figures(g: World) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each MFN metric as of `end` (SPEC section 4)."""
    end = g.end
    mfn = [o for o in g.orders if o.channel == "MFN"]
    figures: dict[str, tuple[int, int]] = {}
    for days in (10, 30):
        due = [o for o in mfn if o.latest_ship and end - ndays(days - 1) <= o.latest_ship <= end]
        figures[f"late_shipment_{days}"] = (sum(o.shipped_late for o in due), len(due))
    week = [o for o in mfn if o.day >= end - ndays(6)]
    faulted = {c.order.order_id for c in g.cancellations if c.initiator != "buyer"}
    figures["pre_fulfillment_cancel"] = (sum(o.order_id in faulted for o in week), len(week))
    shipped = [o.shipment for o in mfn if o.shipment]
    tracked = [s for s in shipped if s.valid and s.first_scan]
    in_vtr = [s for s in shipped if end - ndays(43) <= s.promised <= end - ndays(14)]
    figures["valid_tracking"] = (sum(bool(s.valid and s.first_scan) for s in in_vtr), len(in_vtr))
    on_time = [s for s in tracked if s.delivered and s.delivered.date() <= s.promised]
    in_otd = {id(s) for s in tracked if end - ndays(21) <= s.promised <= end - ndays(8)}
    unit_of = {id(o.shipment): o.units for o in mfn if o.shipment}
    figures["unit_on_time_delivery"] = (
        sum(unit_of[id(s)] for s in on_time if id(s) in in_otd),
        sum(unit_of[k] for k in in_otd),
    )
    in_vtr_ids = {id(s) for s in in_vtr}
    figures["on_time_delivery"] = (
        sum(id(s) in in_vtr_ids for s in on_time),
        sum(id(s) in in_vtr_ids for s in tracked),
    )
    figures["contact_response_30"] = _contact_response(g, 30)
    return figures


def _contact_response(g: World, days: int) -> tuple[int, int]:
    since = datetime.combine(g.end - ndays(days - 1), time(0), UTC)
    limit = timedelta(hours=24)
    due = [m for m in g.messages if m.received >= since and g.snapshot - m.received >= limit]
    return sum(bool(m.responded and m.responded - m.received <= limit) for m in due), len(due)


def ahr_score(g: World) -> int:
    """The amazon-us-2026 policy's estimate: 200, +4 per 200 orders in 180 days, minus points."""
    since = g.end - ndays(179)
    orders = sum(o.day >= since for o in g.orders)
    points = {"low": 2, "medium": 4, "high": 8}
    lost = sum(points[v.severity] for v in g.violations if v.status == "open" and v.day >= since)
    return min(1000, 200 + 4 * (orders // 200) - lost)


def amazon_view(g: World, ours: dict[str, OdrFigure]) -> dict[str, OdrFigure]:
    """Amazon's figures: ours, plus the Buy Shipping protected claim it still counts on MFN."""
    extra = [c for c in g.claims if c.protected and g.in_window(c.order.day)]
    mfn = ours["MFN"]
    if extra and extra[0].order.channel == "MFN":
        mfn = OdrFigure(
            "MFN",
            mfn.orders,
            mfn.defective + 1,
            mfn.negative_feedback,
            mfn.claims + 1,
            mfn.chargebacks,
        )
    return {"AFN": ours["AFN"], "MFN": mfn}
