"""Carrier tracking for the radar: each package's scans, carriers' transit times, the predicted
arrival, and what is wrong with a package in transit.

In the `seasonal_months` (UTC month of `now`) the waiting thresholds (no first scan, stalled) are
multiplied by `seasonal_factor` and the ship-date warning lead is divided by it: with 0.5 the radar
waits half as long and warns twice as early.

Arrival is predicted from the carrier scans: the first scan day plus the carrier's typical transit
(the median first-scan-to-delivery days of that carrier's delivered shipments in the data, when it
has at least `min_transit_samples`; else `default_transit_days`), rounded up to whole days, but
never before the day after the latest in-transit scan, nor before today; a package out for
delivery arrives that day (or today).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.radar_flags import RiskKind
from sellerhealth.domain.records import Shipment, TrackingEvent, TrackingStatus
from sellerhealth.domain.shipping import is_tracked

HOUR = timedelta(hours=1)
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
    seasonal = as_utc(now).month in radar.seasonal_months
    factor = radar.seasonal_factor if seasonal else 1.0
    if factor <= 0:
        raise ValueError(f"radar.seasonal_factor must be above 0, got {factor}")
    return RadarThresholds(
        ship_warning_hours=radar.ship_warning_hours / factor,
        no_first_scan_hours=radar.no_first_scan_hours * factor,
        stalled_hours=radar.stalled_scan_days * 24 * factor,
        seasonal=seasonal,
    )


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
    now = as_utc(now)
    tracks = tracks_by_id(tracking_events, now)
    samples: dict[str, list[int]] = {}
    for s in shipments:
        if s.ship_confirm_date > now.date() or not s.carrier:
            continue
        track = tracks.get((s.account, s.tracking_id), ()) if s.tracking_id else ()
        delivered = delivered_day(s, track, now.date())
        if delivered is None:
            continue
        days = (delivered - first_scan_day(s, track, now.date())).days
        if days >= 0:
            samples.setdefault(carrier_key(s.carrier), []).append(days)
    return {
        carrier: (float(statistics.median(days)), len(days))
        for carrier, days in samples.items()
        if len(days) >= policy.radar.min_transit_samples
    }


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def end_of_day(day: date) -> datetime:
    """The end of a UTC day: the next midnight."""
    return start_of_day(day + timedelta(days=1))


def hours_in(delta: timedelta) -> float:
    return delta / HOUR


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def carrier_key(carrier: str) -> str:
    return carrier.strip().lower()


def tracks_by_id(events: Iterable[TrackingEvent], now: datetime) -> dict[tuple[str, str], Track]:
    grouped: dict[tuple[str, str], list[TrackingEvent]] = {}
    for e in events:
        if as_utc(e.event_time) <= now:
            grouped.setdefault((e.account, e.tracking_id), []).append(e)
    return {
        key: tuple(sorted(found, key=lambda e: as_utc(e.event_time)))
        for key, found in grouped.items()
    }


def carrier_scans(track: Track) -> list[TrackingEvent]:
    return [e for e in track if e.status in CARRIER_SCANS]


def delivered_day(s: Shipment, track: Track, today: date) -> date | None:
    if s.delivered_date is not None and s.delivered_date <= today:
        return s.delivered_date
    delivered = [e for e in track if e.status == TrackingStatus.DELIVERED]
    return as_utc(delivered[0].event_time).date() if delivered else None


def first_scan_day(s: Shipment, track: Track, today: date) -> date:
    """The first carrier scan day known on `today`, else the confirmation day."""
    if s.first_scan_date is not None and s.first_scan_date <= today:
        return s.first_scan_date
    scans = carrier_scans(track)
    return as_utc(scans[0].event_time).date() if scans else s.ship_confirm_date


def event_evidence(track: Track) -> list[dict[str, Any]]:
    return [
        {"time": as_utc(e.event_time).isoformat(), "status": str(e.status), "location": e.location}
        for e in track
    ]


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def typical_transit(
    s: Shipment, transit: dict[str, tuple[float, int]], policy: Policy
) -> tuple[float, str]:
    found = transit.get(carrier_key(s.carrier)) if s.carrier else None
    if found is not None:
        median, count = found
        return median, f"median of {count} delivered {s.carrier} shipments"
    return policy.radar.default_transit_days, "policy default_transit_days"


def predicted_arrival(s: Shipment, track: Track, typical: float, today: date) -> date:
    scans = carrier_scans(track)
    last = scans[-1] if scans else None
    if last is not None and last.status == TrackingStatus.OUT_FOR_DELIVERY:
        return max(as_utc(last.event_time).date(), today)
    start = first_scan_day(s, track, today)
    after_last = as_utc(last.event_time).date() + timedelta(days=1) if last else start
    return max(start + timedelta(days=math.ceil(typical)), after_last, today)


def transit_problem(
    s: Shipment,
    track: Track,
    promised: date | None,
    typical: float,
    basis: str,
    evidence: dict[str, Any],
    now: datetime,
    thresholds: RadarThresholds,
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
            f"{stamp(as_utc(latest.event_time))}: resolve it with the carrier today "
            "(address, damage, access) and tell the buyer what you are doing."
        )
    scans = carrier_scans(track)
    confirmed = end_of_day(s.ship_confirm_date)
    if not scans and not is_tracked(s, now.date()):
        waited = hours_in(now - confirmed)
        evidence |= {
            "hours_since_confirmation": waited,
            "no_first_scan_hours": thresholds.no_first_scan_hours,
        }
        if waited < thresholds.no_first_scan_hours:
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
        evidence["last_scan_day"] = as_utc(last.event_time).date().isoformat()
        silent = hours_in(now - as_utc(last.event_time))
        if silent >= thresholds.stalled_hours:
            evidence |= {
                "hours_since_last_scan": silent,
                "stalled_hours": thresholds.stalled_hours,
            }
            return RiskKind.STALLED_IN_TRANSIT, (
                f"No carrier scan for {silent / 24:.1f} days: open a trace with {carrier} "
                f"for {tracking}, tell the buyer, and be ready to reship or refund before "
                f"the buyer can file an A-to-z claim ({evidence['claim_eligible_at'][:10]})."
            )
    if promised is None:
        return None
    predicted = predicted_arrival(s, track, typical, now.date())
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
