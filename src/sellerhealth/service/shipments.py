"""The at-risk shipment radar for one account at one moment (`domain.radar` on stored data).

The impact of each flag is measured against the account's metrics on the moment's UTC day
(`metric_context`: late shipment, valid tracking, on-time delivery and the MFN ODR with every
defect known that day), one marketplace at a time, since each marketplace has its own metrics.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.radar import at_risk_shipments
from sellerhealth.domain.radar_flags import RiskFlag
from sellerhealth.domain.radar_impact import MetricContext
from sellerhealth.domain.report import MarketplaceHealth
from sellerhealth.service.metrics import health_by_day, policy_for
from sellerhealth.store.store import Store


def end_of_day(day: date) -> datetime:
    """The last second of a UTC day: the moment everything dated that day is known."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def moment_for(day: date | None, now: datetime) -> datetime:
    """The radar's moment for an as-of day: the end of that day, but never after `now`."""
    if day is None:
        return now
    return min(end_of_day(day), now)


def at_risk(
    store: Store, account: str, now: datetime, policy: Policy | None = None
) -> list[RiskFlag]:
    """Every MFN order or shipment of `account` going wrong at `now`, highest priority first."""
    settings, policy = policy_for(store, account, policy)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    day = now.astimezone(UTC).date()
    markets: dict[str, list[r.Order]] = defaultdict(list)
    for order in store.records(r.Order, account):
        markets[order.marketplace_id].append(order)
    if not markets:
        return []
    shipments = store.records(r.Shipment, account)
    events = store.records(r.TrackingEvent, account)
    _, healths = health_by_day(store, account, day, day, policy)
    flags: list[RiskFlag] = []
    for market, orders in markets.items():
        ids = {o.order_id for o in orders}
        mine = [s for s in shipments if s.order_id in ids]
        flags += at_risk_shipments(
            orders,
            mine,
            events,
            now,
            policy,
            is_business=settings.is_business,
            context=context_of(healths.get((market, day)), day),
        )
    flags.sort(key=lambda f: (-f.priority, f.hours_left, f.order_id, f.tracking_id or ""))
    return flags


def context_of(health: MarketplaceHealth | None, day: date) -> MetricContext | None:
    """The radar's metric context from the marketplace's metrics of the day (the kept
    counters, equal to `metric_context` over every record: a test holds them equal)."""
    if health is None or health.on_time_delivery is None:
        return None
    return MetricContext(
        as_of=day,
        late_shipment=health.late_shipment,
        valid_tracking=health.valid_tracking,
        on_time_delivery=health.on_time_delivery,
        odr=health.odr[r.Channel.MFN],
    )


def flag_row(flag: RiskFlag) -> dict[str, Any]:
    """A flag as a JSON object for `sellerhealth shipments --at-risk --format json`."""
    return {
        "order_id": flag.order_id,
        "kind": flag.kind.value,
        "priority": round(flag.priority, 6),
        "hours_left": round(flag.hours_left, 1),
        "deadline": flag.deadline.isoformat(),
        "deadline_reason": flag.deadline_reason,
        "threatens": list(flag.threatens),
        "impact": {metric: change for metric, change in flag.impact.items()},
        "action": flag.action,
        "buyer_message": flag.buyer_message,
        "carrier": flag.carrier,
        "tracking_id": flag.tracking_id,
        "evidence": flag.evidence,
    }
