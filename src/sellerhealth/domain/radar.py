"""At-risk shipment radar: self-fulfilled (MFN) orders going wrong, before the buyer notices.

Pure: the current moment `now` (UTC) and the policy are arguments; nothing here reads a clock.
FBA (AFN) orders are never flagged, nor shipments whose order is unknown (as in `shipping`).

What is flagged, one flag per unshipped order or per shipment (the first kind that applies),
and the deadline its `hours_left` counts down to:

- `not_shipped_due`: no ship confirmation and `ship_warning_hours` or less left before the end
  of the latest ship date. Deadline: end of `latest_ship_date`.
- `not_shipped_late`: no ship confirmation and the latest ship date has passed (still inside
  the longest LSR window). Deadline: end of `latest_ship_date`.
- `returned_to_sender` / `carrier_exception`: the latest carrier event is `returned` /
  `exception`. Deadline: the delivery deadline (below).
- `no_first_scan`: confirmed, no carrier scan (and not `tracking_valid`) `no_first_scan_hours`
  after the end of the confirmation day. Deadline: the delivery deadline.
- `stalled_in_transit`: the latest carrier scan is `stalled_scan_days` old or older (needs
  tracking events). Deadline: the delivery deadline.
- `predicted_late`: the predicted arrival day is after the promised delivery date. Deadline:
  the delivery deadline.
- `delivered_late`: delivered after the promised delivery date, a promise still inside (or
  ahead of) the On-Time Delivery window. Deadline: claim eligibility.

Dates are UTC days; a day's deadline is its end (the next midnight UTC), so a latest ship date of
2026-11-20 seen at 2026-11-20T10:00Z leaves 14 hours. A ship confirmation (a date) is taken at
the end of its day too, so a package confirmed late in the day is not called unscanned early.

The delivery deadline is the end of the promised delivery date (the shipment's, else the order's
latest delivery date) while it is ahead; once it has passed, it is the moment the buyer can file
an A-to-z claim: the end of the latest estimated delivery date plus `claim_after_days` (1.4).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sellerhealth.domain.messages import fill_order_id
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.radar_flags import (
    THREATENS,
    TRANSIT_MESSAGES,
    UNSHIPPED_MESSAGES,
    RiskFlag,
    RiskKind,
    claim_probability,
)
from sellerhealth.domain.radar_impact import FlagScorer, MetricContext, metric_context
from sellerhealth.domain.radar_transit import (
    RadarThresholds,
    Track,
    as_utc,
    carrier_transit_days,
    delivered_day,
    end_of_day,
    event_evidence,
    first_scan_day,
    hours_in,
    iso_day,
    radar_thresholds,
    stamp,
    tracks_by_id,
    transit_problem,
    typical_transit,
)
from sellerhealth.domain.records import Channel, Order, Shipment, TrackingEvent


def at_risk_shipments(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    tracking_events: Iterable[TrackingEvent],
    now: datetime,
    policy: Policy,
    *,
    is_business: bool = False,
    context: MetricContext | None = None,
) -> list[RiskFlag]:
    """Every MFN order or shipment going wrong at `now`, highest priority first.

    Only what is known at `now` is used: orders purchased, shipments confirmed, and tracking
    events timed on or before it. Without a `context`, one is computed from the orders and
    shipments with no defects known (impact on ODR then assumes the order is still clean).
    """
    now = as_utc(now)
    today = now.date()
    order_list = list(orders)
    shipment_list = [s for s in shipments if s.ship_confirm_date <= today]
    event_list = list(tracking_events)
    if context is None:
        context = metric_context(
            order_list, shipment_list, (), (), (), today, policy, is_business=is_business
        )
    radar = _Radar(
        now=now,
        policy=policy,
        scorer=FlagScorer(policy, context, is_business),
        thresholds=radar_thresholds(policy, now),
        tracks=tracks_by_id(event_list, now),
        transit=carrier_transit_days(shipment_list, event_list, now, policy),
    )
    by_order: dict[str, list[Shipment]] = {}
    for s in shipment_list:
        by_order.setdefault(s.order_id, []).append(s)
    flags: list[RiskFlag] = []
    for order in order_list:
        if not _watched(order, today):
            continue
        own = by_order.get(order.order_id)
        if own:
            flags.extend(f for s in own if (f := radar.shipment_flag(order, s)) is not None)
        elif (flag := radar.unshipped_flag(order)) is not None:
            flags.append(flag)
    flags.sort(key=lambda f: (-f.priority, f.hours_left, f.order_id, f.tracking_id or ""))
    return flags


def _watched(order: Order, today: date) -> bool:
    """MFN, purchased by today, not cancelled."""
    status = (order.order_status or "").strip().lower()
    return (
        order.fulfillment_channel == Channel.MFN
        and order.purchase_date <= today
        and not status.startswith("cancel")
    )


@dataclass(frozen=True, slots=True)
class _Radar:
    """The per-call state of `at_risk_shipments`, so each rule reads as one method."""

    now: datetime
    policy: Policy
    scorer: FlagScorer
    thresholds: RadarThresholds
    tracks: dict[tuple[str, str], Track]
    transit: dict[str, tuple[float, int]]

    @property
    def today(self) -> date:
        return self.now.date()

    # --- orders not ship-confirmed --------------------------------------------------------

    def unshipped_flag(self, order: Order) -> RiskFlag | None:
        if order.latest_ship_date is None:
            return None
        if (order.order_status or "").strip().lower() == "shipped":
            return None  # confirmed, although no shipment record says when
        deadline = end_of_day(order.latest_ship_date)
        hours_left = hours_in(deadline - self.now)
        if hours_left > self.thresholds.ship_warning_hours:
            return None
        oldest = self.today - timedelta(days=max(self.policy.late_shipment.windows_days) - 1)
        if order.latest_ship_date < oldest:
            return None  # out of every LSR window: stale, or auto-cancelled by Amazon
        kind = RiskKind.NOT_SHIPPED_DUE if hours_left > 0 else RiskKind.NOT_SHIPPED_LATE
        if kind is RiskKind.NOT_SHIPPED_DUE:
            action = (
                f"Ship and confirm shipment with a valid tracking ID before {stamp(deadline)} "
                f"({hours_left:.1f} hours left). If it cannot ship in time, send the buyer "
                "the delay notice."
            )
        else:
            action = (
                f"Overdue by {-hours_left:.1f} hours: ship and confirm shipment with a valid "
                "tracking ID now (an unconfirmed order is auto-cancelled and can draw a claim), "
                "and send the buyer the delay notice."
            )
        message = fill_order_id(UNSHIPPED_MESSAGES[kind], order.order_id)
        evidence = {
            "purchase_date": order.purchase_date.isoformat(),
            "latest_ship_date": order.latest_ship_date.isoformat(),
            "ship_confirm_date": None,
            "order_status": order.order_status,
            "ship_warning_hours": self.thresholds.ship_warning_hours,
            "seasonal": self.thresholds.seasonal,
        }
        return self.flag(kind, order, None, deadline, "latest_ship_date", action, message, evidence)

    # --- confirmed shipments --------------------------------------------------------------

    def shipment_flag(self, order: Order, s: Shipment) -> RiskFlag | None:
        track = self.tracks.get((s.account, s.tracking_id), ()) if s.tracking_id else ()
        promised = s.promised_delivery_date or order.latest_delivery_date
        delivered = delivered_day(s, track, self.today)
        evidence: dict[str, Any] = {
            "ship_confirm_date": s.ship_confirm_date.isoformat(),
            "first_scan_date": iso_day(s.first_scan_date),
            "tracking_valid": s.tracking_valid,
            "promised_delivery_date": iso_day(promised),
            "latest_delivery_date": iso_day(order.latest_delivery_date),
            "delivered_date": iso_day(delivered),
            "events": event_evidence(track),
            "seasonal": self.thresholds.seasonal,
        }
        if delivered is not None:
            return self.delivered_late(order, s, promised, delivered, evidence)
        typical, basis = typical_transit(s, self.transit, self.policy)
        latest_edd = order.latest_delivery_date or promised
        if latest_edd is None:
            latest_edd = first_scan_day(s, track, self.today) + timedelta(days=math.ceil(typical))
            evidence["latest_delivery_date_estimated"] = latest_edd.isoformat()
        claim_opens = end_of_day(latest_edd) + timedelta(days=self.policy.radar.claim_after_days)
        if self.today > latest_edd + timedelta(days=self.policy.radar.watch_days):
            return None  # past radar.watch_days: no news for that long is taken as delivered
        evidence["claim_eligible_at"] = claim_opens.isoformat()
        if promised is not None and self.now < end_of_day(promised):
            deadline, reason = end_of_day(promised), "promised_delivery_date"
        else:
            deadline, reason = claim_opens, "claim_eligible"
        found = transit_problem(
            s, track, promised, typical, basis, evidence, self.now, self.thresholds
        )
        if found is None:
            return None
        kind, action = found
        message = fill_order_id(
            TRANSIT_MESSAGES[kind],
            order.order_id,
            carrier=s.carrier or "the carrier",
            promised=iso_day(promised) or "the promised date",
            last_scan=evidence.get("last_scan_day", "a few days ago"),
        )
        return self.flag(kind, order, s, deadline, reason, action, message, evidence)

    def delivered_late(
        self,
        order: Order,
        s: Shipment,
        promised: date | None,
        delivered: date,
        evidence: dict[str, Any],
    ) -> RiskFlag | None:
        if promised is None or delivered <= promised:
            return None
        otd = self.policy.on_time_delivery
        if promised < self.today - timedelta(days=otd.window_days + otd.lag_days - 1):
            return None  # already out of the On-Time Delivery window
        latest_edd = order.latest_delivery_date or promised
        deadline = end_of_day(latest_edd) + timedelta(days=self.policy.radar.claim_after_days)
        days_late = (delivered - promised).days
        evidence["days_late"] = days_late
        action = (
            f"Delivered {delivered.isoformat()}, {days_late} day(s) after the promised "
            f"{promised.isoformat()} (already counted against On-Time Delivery): contact the "
            "buyer now, before they file a claim or leave negative feedback."
        )
        message = fill_order_id(
            TRANSIT_MESSAGES[RiskKind.DELIVERED_LATE],
            order.order_id,
            carrier=s.carrier or "the carrier",
            promised=promised.isoformat(),
            delivered=delivered.isoformat(),
            last_scan="",
        )
        return self.flag(
            RiskKind.DELIVERED_LATE, order, s, deadline, "claim_eligible", action, message, evidence
        )

    # --- the flag, scored -----------------------------------------------------------------

    def flag(
        self,
        kind: RiskKind,
        order: Order,
        s: Shipment | None,
        deadline: datetime,
        reason: str,
        action: str,
        message: str,
        evidence: dict[str, Any],
    ) -> RiskFlag:
        hours_left = hours_in(deadline - self.now)
        impact, priority = self.scorer.score(kind, order, s, hours_left)
        evidence["claim_probability"] = claim_probability(self.policy, kind)
        return RiskFlag(
            account=order.account,
            order_id=order.order_id,
            kind=kind,
            hours_left=hours_left,
            deadline=deadline,
            deadline_reason=reason,
            threatens=THREATENS[kind],
            impact=impact,
            priority=priority,
            action=action,
            buyer_message=message,
            evidence=evidence,
            tracking_id=s.tracking_id if s else None,
            carrier=s.carrier if s else None,
        )
