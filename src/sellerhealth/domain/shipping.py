"""Seller-fulfilled shipping metrics, computed plainly from records (SPEC section 4).

Late Shipment Rate, Pre-fulfillment Cancel Rate, Valid Tracking Rate and On-Time Delivery
Rate (amazon-policy.md 2.1-2.4). They apply to MFN orders only: an FBA order, or a shipment
whose order is unknown, is never counted. Every rule sees only what was known on the as-of
day D: an order purchased after D, or a ship confirmation, scan or delivery dated after D, did
not exist yet on D.

This is the obviously-correct version, written to be read against the SPEC; a faster engine
must give the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sellerhealth.domain.metrics import Condition, RateMetric
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import (
    Cancellation,
    Channel,
    Order,
    Shipment,
    is_cancelled_status,
)
from sellerhealth.domain.windows import Window

LATE_SHIPMENT = "lateShipmentRate"
CANCELLATION = "preFulfillmentCancellationRate"
VALID_TRACKING = "validTrackingRate"
ON_TIME_DELIVERY = "unitOnTimeDeliveryRate"


def mfn_orders(orders: Iterable[Order], as_of: date) -> dict[str, Order]:
    """The seller-fulfilled orders known on `as_of` (purchased on or before it), by id."""
    return {
        o.order_id: o
        for o in orders
        if o.fulfillment_channel == Channel.MFN and o.purchase_date <= as_of
    }


def first_confirmations(shipments: Iterable[Shipment], as_of: date) -> dict[str, date]:
    """Each order's earliest ship confirmation dated on or before `as_of`."""
    first: dict[str, date] = {}
    for s in shipments:
        if s.ship_confirm_date <= as_of:
            known = first.get(s.order_id)
            if known is None or s.ship_confirm_date < known:
                first[s.order_id] = s.ship_confirm_date
    return first


def is_tracked(shipment: Shipment, as_of: date) -> bool:
    """Valid tracking on `as_of`: marked valid, or a carrier first scan on or before `as_of`.

    `tracking_valid = False` with no scan is invalid; so is a scan dated after `as_of`.
    """
    if shipment.tracking_valid is True:
        return True
    return shipment.first_scan_date is not None and shipment.first_scan_date <= as_of


def late_shipment(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    as_of: date,
    policy: Policy,
    *,
    is_business: bool = False,
) -> list[RateMetric]:
    """Late Shipment Rate, one metric per window of `policy.late_shipment.windows_days`.

    Denominator: MFN orders whose `latest_ship_date` falls in the n days ending on D
    (`[D-(n-1), D]`); orders without a `latest_ship_date` are left out.
    Numerator: those whose ship confirmation, known on D, is dated after `latest_ship_date`.
    With several shipments the earliest confirmation decides. An order with no confirmation
    on or before D stays in the denominator and is not late (yet): it either becomes late
    when it is confirmed or ends as a cancellation, which the cancel rate counts.
    """
    known = mfn_orders(orders, as_of)
    confirmed = first_confirmations(shipments, as_of)
    target = policy.late_shipment.target_business if is_business else policy.late_shipment.target
    results = []
    for days in policy.late_shipment.windows_days:
        window = Window.ending(as_of, days)
        due = [o for o in known.values() if o.latest_ship_date in window]
        late = [
            o
            for o in due
            if o.order_id in confirmed
            and o.latest_ship_date is not None
            and confirmed[o.order_id] > o.latest_ship_date
        ]
        results.append(
            RateMetric(
                name=LATE_SHIPMENT,
                window=window,
                numerator=len(late),
                denominator=len(due),
                target=target,
                condition=Condition.LESS_THAN,
                scope=f"{days}d",
            )
        )
    return results


def cancellation_rate(
    orders: Iterable[Order],
    cancellations: Iterable[Cancellation],
    shipments: Iterable[Shipment],
    as_of: date,
    policy: Policy,
    *,
    is_business: bool = False,
) -> RateMetric:
    """Pre-fulfillment Cancel Rate over MFN orders purchased in the 7 days ending on D.

    An MFN order in the window whose status is Cancelled but which has no cancellations row
    (the orders report does not say who cancelled) is unattributed: counted as the seller's
    when `policy.cancellation.count_unknown_initiator`, else left out and reported.

    Numerator: orders with a cancellation dated on or before D, initiated by someone in
    `policy.cancellation.counted_initiators` (the seller, or the system's auto-cancel; never
    the buyer), and made before ship confirmation: there is no ship confirmation dated on or
    before the cancel date. A confirmation on the same day as the cancellation counts as first,
    so that cancellation is a refund after shipping, not a pre-fulfillment cancellation.
    """
    window = Window.ending(as_of, policy.cancellation.window_days)
    in_window = {
        order_id for order_id, o in mfn_orders(orders, as_of).items() if o.purchase_date in window
    }
    confirmed = first_confirmations(shipments, as_of)
    counted = set()
    recorded = set()
    for c in cancellations:
        recorded.add(c.order_id)
        if (
            c.order_id in in_window
            and c.cancel_date <= as_of
            and c.initiator in policy.cancellation.counted_initiators
            and not (c.order_id in confirmed and confirmed[c.order_id] <= c.cancel_date)
        ):
            counted.add(c.order_id)
    unknown = _unattributed(orders, in_window - recorded - set(confirmed))
    target = policy.cancellation.target_business if is_business else policy.cancellation.target
    counts_unknown = policy.cancellation.count_unknown_initiator
    return RateMetric(
        name=CANCELLATION,
        window=window,
        numerator=len(counted) + (len(unknown) if counts_unknown else 0),
        denominator=len(in_window),
        target=target,
        condition=Condition.LESS_THAN,
        unattributed=len(unknown),
        unattributed_counted=counts_unknown,
    )


def _unattributed(orders: Iterable[Order], candidates: set[str]) -> set[str]:
    """Orders whose status says cancelled but with no cancellations row to say by whom, and
    not ship-confirmed (a cancellation after confirmation is a refund, 2.2)."""
    return {
        o.order_id
        for o in orders
        if o.order_id in candidates and is_cancelled_status(o.order_status)
    }


def valid_tracking(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    as_of: date,
    policy: Policy,
) -> list[RateMetric]:
    """Valid Tracking Rate: the overall metric first (scope ""), then one per category.

    Denominator: MFN shipments (packages, not orders) confirmed on or before D with a
    `promised_delivery_date` in the 30 days ending 14 days before D. Numerator: those with
    valid tracking on D (`is_tracked`). A shipment's category is its order's; shipments of
    orders without a category count only in the overall figure. Categories are sorted.
    """
    policy_vtr = policy.valid_tracking
    window = Window.ending(as_of, policy_vtr.window_days, policy_vtr.lag_days)
    known = mfn_orders(orders, as_of)
    totals: dict[str, list[int]] = {"": [0, 0]}  # scope -> [valid, shipments]
    for s in shipments:
        order = known.get(s.order_id)
        if order is None or s.ship_confirm_date > as_of or s.promised_delivery_date not in window:
            continue
        scopes = [""] if order.category is None else ["", order.category]
        for scope in scopes:
            counts = totals.setdefault(scope, [0, 0])
            if is_tracked(s, as_of):
                counts[0] += 1
            counts[1] += 1
    return [
        RateMetric(
            name=VALID_TRACKING,
            window=window,
            numerator=valid,
            denominator=total,
            target=policy_vtr.target,
            condition=Condition.GREATER_THAN,
            scope=scope,
        )
        for scope, (valid, total) in sorted(totals.items())
    ]


def shipment_units(shipment: Shipment, order: Order | None) -> int:
    """The units a shipment carries: its own count, else its order's, else 1."""
    if shipment.units is not None:
        return shipment.units
    return order.units if order is not None else 1


def on_time_delivery(
    orders: Iterable[Order],
    shipments: Iterable[Shipment],
    as_of: date,
    policy: Policy,
) -> RateMetric:
    """Unit On-Time Delivery Rate, counted in units, not shipments.

    Denominator: units of MFN shipments confirmed on or before D, tracked on D (`is_tracked`),
    with a `promised_delivery_date` in the 14 days ending 8 days before D (`[D-21, D-8]`).
    Numerator: units of those delivered on or before their promised date (and on or before D).
    """
    policy_otd = policy.on_time_delivery
    window = Window.ending(as_of, policy_otd.window_days, policy_otd.lag_days)
    known = mfn_orders(orders, as_of)
    on_time = total = 0
    for s in shipments:
        order = known.get(s.order_id)
        if (
            order is None
            or s.ship_confirm_date > as_of
            or s.promised_delivery_date not in window
            or not is_tracked(s, as_of)
        ):
            continue
        units = shipment_units(s, order)
        total += units
        if (
            s.delivered_date is not None
            and s.promised_delivery_date is not None
            and s.delivered_date <= s.promised_delivery_date
            and s.delivered_date <= as_of
        ):
            on_time += units
    return RateMetric(
        name=ON_TIME_DELIVERY,
        window=window,
        numerator=on_time,
        denominator=total,
        target=policy_otd.target,
        condition=Condition.GREATER_THAN,
    )
