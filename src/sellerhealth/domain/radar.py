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

In the `seasonal_months` (UTC month of `now`) the waiting thresholds (no first scan, stalled) are
multiplied by `seasonal_factor` and the ship-date warning lead is divided by it: with 0.5 the radar
waits half as long and warns twice as early.

Arrival is predicted from the carrier scans: the first scan day plus the carrier's typical transit
(the median first-scan-to-delivery days of that carrier's delivered shipments in the data, when it
has at least `min_transit_samples`; else `default_transit_days`), rounded up to whole days, but
never before the day after the latest in-transit scan, nor before today; a package out for
delivery arrives that day (or today).

Impact (`RiskFlag.impact`): the change in each threatened rate between this order or shipment
going right and going wrong, with today's other counts from a `MetricContext`: one more late
order in an LSR window of n orders (this one included) is +1/n; one more untracked shipment is
-1/n of VTR; u late units are -u/n of unit OTD (n units); one more defective order is +1/n of the
MFN ODR (0 when the order is already defective). Where several windows or scopes apply (LSR 10
and 30 days, VTR overall and the order's category) the largest change is reported.

Priority, highest first:

    priority = urgency * sum over threatened metrics m of weight_m * |impact_m| / budget_m
    urgency  = 1 / (1 + max(hours_left, 0) / urgency_hours)       (overdue = 1)
    budget_m = target for "lower is better" metrics (LSR, ODR), 1 - target for the others
    weight_m = claim probability of the flag's kind for ODR; 1 for the shipping metric,
               except 0 for a delivery that is already late (that damage cannot be prevented)

so a priority of 1 means "expected to use up the metric's whole allowance, right now".
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sellerhealth.domain.metrics import Condition, OdrMetric, RateMetric
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import (
    Channel,
    Chargeback,
    Claim,
    Feedback,
    Order,
    Shipment,
    TrackingEvent,
    TrackingStatus,
)
from sellerhealth.domain.shipping import (
    LATE_SHIPMENT,
    ON_TIME_DELIVERY,
    VALID_TRACKING,
    is_tracked,
    late_shipment,
    on_time_delivery,
    shipment_units,
    valid_tracking,
)

ORDER_DEFECT = "orderDefectRate"
HOUR = timedelta(hours=1)


class RiskKind(StrEnum):
    NOT_SHIPPED_DUE = "not_shipped_due"
    NOT_SHIPPED_LATE = "not_shipped_late"
    NO_FIRST_SCAN = "no_first_scan"
    STALLED_IN_TRANSIT = "stalled_in_transit"
    CARRIER_EXCEPTION = "carrier_exception"
    RETURNED_TO_SENDER = "returned_to_sender"
    PREDICTED_LATE = "predicted_late"
    DELIVERED_LATE = "delivered_late"


THREATENS: dict[RiskKind, tuple[str, ...]] = {
    RiskKind.NOT_SHIPPED_DUE: (LATE_SHIPMENT, ORDER_DEFECT),
    RiskKind.NOT_SHIPPED_LATE: (LATE_SHIPMENT, ORDER_DEFECT),
    RiskKind.NO_FIRST_SCAN: (VALID_TRACKING, ORDER_DEFECT),
    RiskKind.STALLED_IN_TRANSIT: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.CARRIER_EXCEPTION: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.RETURNED_TO_SENDER: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.PREDICTED_LATE: (ON_TIME_DELIVERY, ORDER_DEFECT),
    RiskKind.DELIVERED_LATE: (ON_TIME_DELIVERY, ORDER_DEFECT),
}
"""The metrics each kind of flag threatens (names as in Amazon's performance report)."""


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One order or shipment going wrong, what it threatens, and what to do about it.

    `hours_left` is negative when the deadline has passed; `deadline_reason` names the deadline
    (`latest_ship_date`, `promised_delivery_date` or `claim_eligible`). `impact` maps each
    threatened metric to the rate change if it goes wrong; `evidence` holds the dates, tracking
    events and thresholds that decided the flag (JSON-ready: ISO strings and numbers).
    """

    account: str
    order_id: str
    kind: RiskKind
    hours_left: float
    deadline: datetime
    deadline_reason: str
    threatens: tuple[str, ...]
    impact: dict[str, float] = field(hash=False)
    priority: float
    action: str
    buyer_message: str
    evidence: dict[str, Any] = field(hash=False)
    tracking_id: str | None = None
    carrier: str | None = None


@dataclass(frozen=True, slots=True)
class MetricContext:
    """Today's window counts the impact of a flag is measured against (plain rules, as of D)."""

    as_of: date
    late_shipment: tuple[RateMetric, ...]
    valid_tracking: tuple[RateMetric, ...]
    on_time_delivery: RateMetric
    odr: OdrMetric  # the MFN one


def metric_context(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    feedback: Iterable[Feedback],
    claims: Iterable[Claim],
    chargebacks: Iterable[Chargeback],
    as_of: date,
    policy: Policy,
    *,
    is_business: bool = False,
) -> MetricContext:
    """LSR (every window), VTR (overall and per category), unit OTD and MFN ODR as of `as_of`."""
    order_list = list(orders)
    shipment_list = list(shipments)
    odr = compute_odr(
        order_list, feedback, claims, chargebacks, as_of, policy, is_business=is_business
    )
    return MetricContext(
        as_of=as_of,
        late_shipment=tuple(
            late_shipment(order_list, shipment_list, as_of, policy, is_business=is_business)
        ),
        valid_tracking=tuple(valid_tracking(order_list, shipment_list, as_of, policy)),
        on_time_delivery=on_time_delivery(order_list, shipment_list, as_of, policy),
        odr=odr[Channel.MFN],
    )


@dataclass(frozen=True, slots=True)
class RadarThresholds:
    """The radar's hours in force at one moment (the seasonal profile applied)."""

    ship_warning_hours: float
    no_first_scan_hours: float
    stalled_hours: float
    seasonal: bool


def radar_thresholds(policy: Policy, now: datetime) -> RadarThresholds:
    """The thresholds for `now`: in a seasonal month waits shrink and the warning lead grows."""
    radar = policy.radar
    seasonal = _utc(now).month in radar.seasonal_months
    factor = radar.seasonal_factor if seasonal else 1.0
    if factor <= 0:
        raise ValueError(f"radar.seasonal_factor must be above 0, got {factor}")
    return RadarThresholds(
        ship_warning_hours=radar.ship_warning_hours / factor,
        no_first_scan_hours=radar.no_first_scan_hours * factor,
        stalled_hours=radar.stalled_scan_days * 24 * factor,
        seasonal=seasonal,
    )


def claim_probability(policy: Policy, kind: RiskKind) -> float:
    """The policy's chance that a flag of this kind turns into an ODR defect."""
    return float(getattr(policy.radar, f"claim_probability_{kind.value}"))


def carrier_transit_days(
    shipments: Iterable[Shipment],
    tracking_events: Iterable[TrackingEvent],
    now: datetime,
    policy: Policy,
) -> dict[str, tuple[float, int]]:
    """Each carrier's median transit days and sample size, from deliveries known at `now`.

    Transit is delivery day minus first scan day (the shipment's `first_scan_date`, else its
    earliest carrier scan event, else its confirmation day). Carriers are keyed lower-case;
    only carriers with at least `radar.min_transit_samples` deliveries are returned.
    """
    now = _utc(now)
    tracks = _tracks_by_id(tracking_events, now)
    samples: dict[str, list[int]] = {}
    for s in shipments:
        if s.ship_confirm_date > now.date() or not s.carrier:
            continue
        track = tracks.get((s.account, s.tracking_id), ()) if s.tracking_id else ()
        delivered = _delivered_day(s, track, now.date())
        if delivered is None:
            continue
        days = (delivered - _start_day(s, track, now.date())).days
        if days >= 0:
            samples.setdefault(_carrier_key(s.carrier), []).append(days)
    return {
        carrier: (float(statistics.median(days)), len(days))
        for carrier, days in samples.items()
        if len(days) >= policy.radar.min_transit_samples
    }


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
    now = _utc(now)
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
        context=context,
        is_business=is_business,
        thresholds=radar_thresholds(policy, now),
        tracks=_tracks_by_id(event_list, now),
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


# --- internals ------------------------------------------------------------------------------

Track = tuple[TrackingEvent, ...]
CARRIER_SCANS = frozenset(
    {
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
        TrackingStatus.DELIVERED,
        TrackingStatus.EXCEPTION,
        TrackingStatus.RETURNED,
    }
)  # every status but label_created: a label is printed by the seller, not scanned by a carrier


def _utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _end(day: date) -> datetime:
    """The end of a UTC day: the next midnight."""
    return _start(day + timedelta(days=1))


def _hours(delta: timedelta) -> float:
    return delta / HOUR


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _carrier_key(carrier: str) -> str:
    return carrier.strip().lower()


def _watched(order: Order, today: date) -> bool:
    """MFN, purchased by today, not cancelled."""
    status = (order.order_status or "").strip().lower()
    return (
        order.fulfillment_channel == Channel.MFN
        and order.purchase_date <= today
        and not status.startswith("cancel")
    )


def _tracks_by_id(events: Iterable[TrackingEvent], now: datetime) -> dict[tuple[str, str], Track]:
    grouped: dict[tuple[str, str], list[TrackingEvent]] = {}
    for e in events:
        if _utc(e.event_time) <= now:
            grouped.setdefault((e.account, e.tracking_id), []).append(e)
    return {
        key: tuple(sorted(found, key=lambda e: _utc(e.event_time)))
        for key, found in grouped.items()
    }


def _scans(track: Track) -> list[TrackingEvent]:
    return [e for e in track if e.status in CARRIER_SCANS]


def _delivered_day(s: Shipment, track: Track, today: date) -> date | None:
    if s.delivered_date is not None and s.delivered_date <= today:
        return s.delivered_date
    delivered = [e for e in track if e.status == TrackingStatus.DELIVERED]
    return _utc(delivered[0].event_time).date() if delivered else None


def _start_day(s: Shipment, track: Track, today: date) -> date:
    """The first carrier scan day known on `today`, else the confirmation day."""
    if s.first_scan_date is not None and s.first_scan_date <= today:
        return s.first_scan_date
    scans = _scans(track)
    return _utc(scans[0].event_time).date() if scans else s.ship_confirm_date


def _event_evidence(track: Track) -> list[dict[str, Any]]:
    return [
        {"time": _utc(e.event_time).isoformat(), "status": str(e.status), "location": e.location}
        for e in track
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True, slots=True)
class _Radar:
    """The per-call state of `at_risk_shipments`, so each rule reads as one method."""

    now: datetime
    policy: Policy
    context: MetricContext
    is_business: bool
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
        deadline = _end(order.latest_ship_date)
        hours_left = _hours(deadline - self.now)
        if hours_left > self.thresholds.ship_warning_hours:
            return None
        oldest = self.today - timedelta(days=max(self.policy.late_shipment.windows_days) - 1)
        if order.latest_ship_date < oldest:
            return None  # out of every LSR window: stale, or auto-cancelled by Amazon
        kind = RiskKind.NOT_SHIPPED_DUE if hours_left > 0 else RiskKind.NOT_SHIPPED_LATE
        if kind is RiskKind.NOT_SHIPPED_DUE:
            action = (
                f"Ship and confirm shipment with a valid tracking ID before {_stamp(deadline)} "
                f"({hours_left:.1f} hours left). If it cannot ship in time, send the buyer "
                "the delay notice."
            )
        else:
            action = (
                f"Overdue by {-hours_left:.1f} hours: ship and confirm shipment with a valid "
                "tracking ID now (an unconfirmed order is auto-cancelled and can draw a claim), "
                "and send the buyer the delay notice."
            )
        message = _UNSHIPPED_MESSAGES[kind].format(order_id=order.order_id)
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
        delivered = _delivered_day(s, track, self.today)
        evidence: dict[str, Any] = {
            "ship_confirm_date": s.ship_confirm_date.isoformat(),
            "first_scan_date": _iso(s.first_scan_date),
            "tracking_valid": s.tracking_valid,
            "promised_delivery_date": _iso(promised),
            "latest_delivery_date": _iso(order.latest_delivery_date),
            "delivered_date": _iso(delivered),
            "events": _event_evidence(track),
            "seasonal": self.thresholds.seasonal,
        }
        if delivered is not None:
            return self.delivered_late(order, s, promised, delivered, evidence)
        typical, basis = self.typical_transit(s)
        latest_edd = order.latest_delivery_date or promised
        if latest_edd is None:
            latest_edd = _start_day(s, track, self.today) + timedelta(days=math.ceil(typical))
            evidence["latest_delivery_date_estimated"] = latest_edd.isoformat()
        claim_opens = _end(latest_edd) + timedelta(days=self.policy.radar.claim_after_days)
        if self.today > latest_edd + timedelta(days=self.policy.radar.watch_days):
            return None  # past radar.watch_days: no news for that long is taken as delivered
        evidence["claim_eligible_at"] = claim_opens.isoformat()
        if promised is not None and self.now < _end(promised):
            deadline, reason = _end(promised), "promised_delivery_date"
        else:
            deadline, reason = claim_opens, "claim_eligible"
        found = self.transit_problem(s, track, promised, typical, basis, evidence)
        if found is None:
            return None
        kind, action = found
        message = _TRANSIT_MESSAGES[kind].format(
            order_id=order.order_id,
            carrier=s.carrier or "the carrier",
            promised=_iso(promised) or "the promised date",
            last_scan=evidence.get("last_scan_day", "a few days ago"),
        )
        return self.flag(kind, order, s, deadline, reason, action, message, evidence)

    def transit_problem(
        self,
        s: Shipment,
        track: Track,
        promised: date | None,
        typical: float,
        basis: str,
        evidence: dict[str, Any],
    ) -> tuple[RiskKind, str] | None:
        """The first problem of an undelivered shipment, with its action; None when healthy."""
        carrier = s.carrier or "the carrier"
        tracking = s.tracking_id or "(no tracking ID)"
        latest = track[-1] if track else None
        if latest is not None and latest.status == TrackingStatus.RETURNED:
            return RiskKind.RETURNED_TO_SENDER, (
                f"{carrier} is returning package {tracking} to you: contact the buyer now and "
                "offer a replacement or a refund before they file an A-to-z claim (eligible "
                f"from {evidence['claim_eligible_at'][:10]})."
            )
        if latest is not None and latest.status == TrackingStatus.EXCEPTION:
            where = f" at {latest.location}" if latest.location else ""
            return RiskKind.CARRIER_EXCEPTION, (
                f"{carrier} reported an exception{where} for {tracking} on "
                f"{_stamp(_utc(latest.event_time))}: resolve it with the carrier today "
                "(address, damage, access) and tell the buyer what you are doing."
            )
        scans = _scans(track)
        confirmed = _end(s.ship_confirm_date)
        if not scans and not is_tracked(s, self.today):
            waited = _hours(self.now - confirmed)
            evidence |= {
                "hours_since_confirmation": waited,
                "no_first_scan_hours": self.thresholds.no_first_scan_hours,
            }
            if waited < self.thresholds.no_first_scan_hours:
                return None
            if s.tracking_id is None:
                action = (
                    "The shipment was confirmed without a tracking ID: add the carrier's valid "
                    "tracking ID to the confirmation in Seller Central now."
                )
            elif s.tracking_valid is False:
                action = (
                    f"Tracking ID {tracking} is marked invalid and {carrier} has not scanned the "
                    "package: confirm the right carrier and tracking ID in Seller Central now "
                    "(the metric refreshes within 72 hours of a correction)."
                )
            else:
                action = (
                    f"No carrier scan {waited:.1f} hours after confirmation: check that "
                    f"{carrier} picked up the package and that tracking ID {tracking} is right; "
                    "correct it in Seller Central if not (the metric refreshes within 72 hours)."
                )
            return RiskKind.NO_FIRST_SCAN, action
        if scans:
            last = scans[-1]
            evidence["last_scan_day"] = _utc(last.event_time).date().isoformat()
            silent = _hours(self.now - _utc(last.event_time))
            if silent >= self.thresholds.stalled_hours:
                evidence |= {
                    "hours_since_last_scan": silent,
                    "stalled_hours": self.thresholds.stalled_hours,
                }
                return RiskKind.STALLED_IN_TRANSIT, (
                    f"No carrier scan for {silent / 24:.1f} days: open a trace with {carrier} "
                    f"for {tracking}, tell the buyer, and be ready to reship or refund before "
                    f"the buyer can file an A-to-z claim ({evidence['claim_eligible_at'][:10]})."
                )
        if promised is None:
            return None
        predicted = self.predicted_arrival(s, track, typical)
        evidence |= {
            "predicted_arrival": predicted.isoformat(),
            "typical_transit_days": typical,
            "transit_basis": basis,
        }
        if predicted <= promised:
            return None
        return RiskKind.PREDICTED_LATE, (
            f"Expected around {predicted.isoformat()}, promised by {promised.isoformat()}: ask "
            f"{carrier} to expedite if it can, and let the buyer know before the promised date."
        )

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
        deadline = _end(latest_edd) + timedelta(days=self.policy.radar.claim_after_days)
        days_late = (delivered - promised).days
        evidence["days_late"] = days_late
        action = (
            f"Delivered {delivered.isoformat()}, {days_late} day(s) after the promised "
            f"{promised.isoformat()} (already counted against On-Time Delivery): contact the "
            "buyer now, before they file a claim or leave negative feedback."
        )
        message = _TRANSIT_MESSAGES[RiskKind.DELIVERED_LATE].format(
            order_id=order.order_id,
            carrier=s.carrier or "the carrier",
            promised=promised.isoformat(),
            delivered=delivered.isoformat(),
            last_scan="",
        )
        return self.flag(
            RiskKind.DELIVERED_LATE, order, s, deadline, "claim_eligible", action, message, evidence
        )

    def typical_transit(self, s: Shipment) -> tuple[float, str]:
        found = self.transit.get(_carrier_key(s.carrier)) if s.carrier else None
        if found is not None:
            median, count = found
            return median, f"median of {count} delivered {s.carrier} shipments"
        return self.policy.radar.default_transit_days, "policy default_transit_days"

    def predicted_arrival(self, s: Shipment, track: Track, typical: float) -> date:
        scans = _scans(track)
        last = scans[-1] if scans else None
        if last is not None and last.status == TrackingStatus.OUT_FOR_DELIVERY:
            return max(_utc(last.event_time).date(), self.today)
        start = _start_day(s, track, self.today)
        after_last = _utc(last.event_time).date() + timedelta(days=1) if last else start
        return max(start + timedelta(days=math.ceil(typical)), after_last, self.today)

    # --- impact and priority --------------------------------------------------------------

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
        hours_left = _hours(deadline - self.now)
        threatens = THREATENS[kind]
        impact = {m: self.impact(m, order, s) for m in threatens}
        damage = sum(self.weight(kind, m) * abs(impact[m]) / self.budget(m) for m in threatens)
        urgency = 1 / (1 + max(hours_left, 0.0) / self.policy.radar.urgency_hours)
        evidence["claim_probability"] = claim_probability(self.policy, kind)
        return RiskFlag(
            account=order.account,
            order_id=order.order_id,
            kind=kind,
            hours_left=hours_left,
            deadline=deadline,
            deadline_reason=reason,
            threatens=threatens,
            impact=impact,
            priority=damage * urgency,
            action=action,
            buyer_message=message,
            evidence=evidence,
            tracking_id=s.tracking_id if s else None,
            carrier=s.carrier if s else None,
        )

    def weight(self, kind: RiskKind, metric: str) -> float:
        if metric == ORDER_DEFECT:
            return claim_probability(self.policy, kind)
        return 0.0 if kind is RiskKind.DELIVERED_LATE else 1.0

    def budget(self, metric: str) -> float:
        """The metric's allowance: target when lower is better, 1 - target otherwise."""
        ctx = self.context
        if metric == ORDER_DEFECT:
            return max(ctx.odr.target, 1e-9)
        known = {
            LATE_SHIPMENT: ctx.late_shipment,
            VALID_TRACKING: ctx.valid_tracking,
            ON_TIME_DELIVERY: (ctx.on_time_delivery,),
        }[metric]
        if known:
            target, condition = known[0].target, known[0].condition
        elif metric == LATE_SHIPMENT:
            lsr = self.policy.late_shipment
            target = lsr.target_business if self.is_business else lsr.target
            condition = Condition.LESS_THAN
        else:
            target, condition = self.policy.valid_tracking.target, Condition.GREATER_THAN
        budget = target if condition is Condition.LESS_THAN else 1 - target
        return max(budget, 1e-9)

    def impact(self, metric: str, order: Order, s: Shipment | None) -> float:
        """The rate change between this order or shipment going right and going wrong."""
        ctx = self.context
        if metric == ORDER_DEFECT:
            odr = ctx.odr
            if order.order_id in odr.defective_order_ids:
                return 0.0
            inside = order.purchase_date in odr.window
            return 1 / (odr.order_count - inside + 1)
        if metric == LATE_SHIPMENT:
            changes = [
                1 / (m.denominator - (order.latest_ship_date in m.window) + 1)
                for m in ctx.late_shipment
            ]
            return max(changes, default=1.0)
        if s is None:  # pragma: no cover - unshipped orders threaten LSR and ODR only
            return 0.0
        if metric == VALID_TRACKING:
            changes = [
                -1 / (m.denominator - self.counted_in(m, s, tracked_only=False) + 1)
                for m in ctx.valid_tracking
                if m.scope in ("", order.category)
            ]
            return min(changes, default=-1.0)
        units = shipment_units(s, order)
        m = ctx.on_time_delivery
        counted = units if self.counted_in(m, s, tracked_only=True) else 0
        return -units / (m.denominator - counted + units)

    def counted_in(self, metric: RateMetric, s: Shipment, *, tracked_only: bool) -> bool:
        """Whether the shipment is in the metric's denominator on the context's day."""
        as_of = self.context.as_of
        return (
            s.ship_confirm_date <= as_of
            and s.promised_delivery_date in metric.window
            and (not tracked_only or is_tracked(s, as_of))
        )


# --- buyer message drafts -------------------------------------------------------------------
# Amazon's Buyer-Seller Messaging rules: only what completes the order or solves its problem;
# no links, no e-mail addresses or phone numbers, no marketing, no incentives, no request for
# feedback or reviews, never ask the buyer to cancel. Plain text, problem-solving tone.

_UNSHIPPED_MESSAGES = {
    RiskKind.NOT_SHIPPED_DUE: (
        "Hello,\n\n"
        "This is an update on your order {order_id}. It is taking us longer than planned to "
        "prepare it for shipment. We are working to ship it as soon as possible and will "
        "confirm the shipment, with tracking details, in your Amazon order as soon as it "
        "leaves us. If you have any questions, please reply to this message and we will help."
        "\n\nThank you for your patience."
    ),
    RiskKind.NOT_SHIPPED_LATE: (
        "Hello,\n\n"
        "We are sorry: your order {order_id} has not shipped by the date we promised. We are "
        "preparing it now and will confirm the shipment, with tracking details, in your Amazon "
        "order as soon as it leaves us. If the new timing does not work for you, please reply "
        "to this message and we will find a solution together."
    ),
}

_TRANSIT_MESSAGES = {
    RiskKind.NO_FIRST_SCAN: (
        "Hello,\n\n"
        "We are checking on your order {order_id}: the carrier has not yet recorded the "
        "package as picked up. We are following up with {carrier} now to make sure it is on "
        "its way, and we will update you as soon as tracking shows movement. If you have any "
        "questions, please reply to this message."
    ),
    RiskKind.STALLED_IN_TRANSIT: (
        "Hello,\n\n"
        "We noticed that tracking for your order {order_id} has not updated since "
        "{last_scan}. We have asked {carrier} to look into it and are watching the shipment "
        "closely. If it does not start moving again soon, we will send a replacement or "
        "refund you, whichever you prefer. Please reply to this message if you have any "
        "questions."
    ),
    RiskKind.CARRIER_EXCEPTION: (
        "Hello,\n\n"
        "{carrier} has reported a delivery problem with your order {order_id}. We are working "
        "with the carrier to get it resolved and delivered as soon as possible. If the "
        "delivery details need correcting, or you would prefer another solution, please reply "
        "to this message and we will take care of it."
    ),
    RiskKind.RETURNED_TO_SENDER: (
        "Hello,\n\n"
        "We are sorry: {carrier} is returning your order {order_id} to us, so it will not "
        "reach you as planned. Please reply to this message to let us know whether you would "
        "like us to send a replacement or refund you in full, and we will take care of it "
        "right away."
    ),
    RiskKind.PREDICTED_LATE: (
        "Hello,\n\n"
        "Your order {order_id} is on its way, but tracking suggests it may arrive after "
        "{promised}. We are sorry for the delay and are following up with {carrier}. If it "
        "does not arrive in the next few days, please reply to this message and we will make "
        "it right."
    ),
    RiskKind.DELIVERED_LATE: (
        "Hello,\n\n"
        "Your order {order_id} was delivered on {delivered}, later than the {promised} we "
        "promised. We are sorry for the delay. If anything is not right with your order, "
        "please reply to this message and we will make it right."
    ),
}
