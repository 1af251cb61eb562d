"""The text of the sample's report files and canonical CSVs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time
from typing import Any

from sellerhealth.sample.catalogue import HUBS, ORIGIN
from sellerhealth.sample.clock import iso, ndays, pacific, us_date, zulu
from sellerhealth.sample.events import Feedback, Shipment
from sellerhealth.sample.layout import (
    CANCELLATIONS_FILE,
    CHARGEBACKS_FILE,
    CLAIMS_FILE,
    FEEDBACK_COLUMNS,
    MESSAGES_FILE,
    ORDERS_EXTRA_FILE,
    SHIPMENTS_FILE,
    TRACKING_FILE,
    VIOLATIONS_FILE,
)
from sellerhealth.sample.world import World


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def tsv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["\t".join(header)]
    lines.extend("\t".join(str(cell) for cell in row) for row in rows)
    return "\n".join(lines) + "\n"


def _money(value: float) -> str:
    return f"{value:.2f}"


def item_rows(g: World) -> Iterable[list[str]]:
    for o in g.orders:
        city, state, postal, tax_rate = o.city
        status = o.status
        item_status = {"Shipped": "Shipped", "Pending": "Unshipped"}.get(status, "Cancelled")
        priced = status == "Shipped"
        shipping = 0.0 if o.channel == "AFN" or o.ship_level == "Standard" else 12.99
        assert o.updated is not None
        for line, (product, quantity) in enumerate(o.items):
            price = product.price * quantity
            discount = round(price * 0.1, 2) if o.promo else 0.0
            yield [
                o.order_id,
                "",
                pacific(o.placed),
                pacific(o.updated),
                status,
                "Amazon" if o.channel == "AFN" else "Merchant",
                "Amazon.com",
                "",
                "",
                o.ship_level,
                product.name,
                product.sku,
                product.asin,
                item_status,
                str(0 if status == "Cancelled" else quantity),
                "USD",
                _money(price) if priced else "",
                _money((price - discount) * tax_rate) if priced else "",
                _money(shipping if line == 0 else 0.0) if priced else "",
                _money(0.0) if priced else "",
                "",
                "",
                _money(-discount) if priced and discount else "",
                "",
                city,
                state,
                postal,
                "US",
                "Northfield 10% Off Coupon" if o.promo else "",
                "true" if o.business else "false",
                f"PO-{int(o.order_id[-5:]) + 10000}" if o.business and line == 0 else "",
                "BusinessPrice" if o.business else "",
            ]


def _orders_extra_rows(g: World) -> Iterable[list[object]]:
    for o in g.orders:
        if o.channel == "MFN":
            category = o.items[0][0].category
            yield [
                o.order_id,
                iso(o.day),
                "MFN",
                iso(o.latest_ship),
                iso(o.latest_delivery),
                category,
                o.units,
                "true" if o.business else "false",
                o.status,
            ]


def feedback_text(feedback: Iterable[Feedback]) -> str:
    ordered = sorted(feedback, key=lambda f: (f.day, f.order.order_id), reverse=True)
    rows = [
        [us_date(f.day), f.rating, f.comment, f.response, f.order.order_id, f.rater]
        for f in ordered
    ]
    return tsv_text(FEEDBACK_COLUMNS, rows)


def _shipment_rows(g: World) -> Iterable[list[object]]:
    shipped = [o for o in g.orders if o.shipment]
    shipped.sort(key=lambda o: (o.shipment.confirmed if o.shipment else o.placed, o.order_id))
    for o in shipped:
        s = o.shipment
        assert s is not None
        valid = "" if s.valid is None else "true" if s.valid else "false"
        yield [
            o.order_id,
            iso(s.confirmed.date()),
            s.carrier,
            s.tracking_id,
            valid,
            iso(s.first_scan.date() if s.first_scan else None),
            iso(s.delivered.date() if s.delivered else None),
            iso(s.promised),
            o.units,
        ]


def _tracking_rows(g: World) -> list[list[str]]:
    since = g.end - ndays(21)
    events: list[tuple[datetime, str, str, str]] = []
    for o in g.orders:
        s = o.shipment
        if s and s.confirmed.date() >= since and s.valid is not False:
            destination = f"{o.city[0].upper()}, {o.city[1]} US"
            events.extend(
                (t, s.tracking_id, status, place) for t, status, place in _scans(g, s, destination)
            )
    events.sort()
    return [[tracking, zulu(t), status, place] for t, tracking, status, place in events]


def _scans(g: World, s: Shipment, destination: str) -> list[tuple[datetime, str, str]]:
    """One parcel's carrier scans, consistent with its shipment row: a label, a first scan at
    the warehouse, hub scans on most days along its route, and its ending (delivered, an
    exception, returned to the seller, or nothing yet)."""
    rng = g.rng
    events = [(s.confirmed, "label_created", ORIGIN)]
    if s.first_scan is None:
        return events
    events.append((s.first_scan, "in_transit", ORIGIN))
    if s.delivered:
        last = s.delivered.date() - ndays(1)
    else:
        last = s.last_scan_day or s.returned_day or g.end
    route = [HUBS[0], *rng.sample(HUBS[1:], 2), destination]
    day, hop = s.first_scan.date() + ndays(1), 0
    while day <= last:
        if rng.random() < 0.75 or day == last:
            moment = datetime.combine(day, time(rng.randint(4, 11), rng.randrange(60)), UTC)
            events.append((moment, "in_transit", route[min(hop, len(route) - 1)]))
            hop += 1
        day += ndays(1)
    if s.exception_day:
        moment = datetime.combine(
            s.exception_day, time(rng.randint(18, 21), rng.randrange(60)), UTC
        )
        where = max(e for e in events if e[0] < moment)[2]  # where the parcel was
        events.append((moment, "exception", where))
    if s.returned_day:
        moment = datetime.combine(s.returned_day, time(20, rng.randrange(60)), UTC)
        events.append((moment, "returned", ORIGIN))
    if s.delivered:
        out = datetime.combine(
            s.delivered.date(), time(rng.randint(13, 15), rng.randrange(60)), UTC
        )
        events.append((out, "out_for_delivery", destination))
        events.append((s.delivered, "delivered", destination))
    return [e for e in events if e[0] <= g.snapshot]


def csv_rows(g: World) -> dict[str, list[list[Any]]]:
    def by_day(events: Iterable[Any]) -> list[Any]:
        return sorted(events, key=lambda e: (e.day, e.order.order_id))

    return {
        ORDERS_EXTRA_FILE: list(_orders_extra_rows(g)),
        CLAIMS_FILE: [
            [
                c.order.order_id,
                iso(c.day),
                c.status,
                iso(c.status_day),
                c.reason,
                "true" if c.protected else "false",
            ]
            for c in by_day(g.claims)
        ],
        CHARGEBACKS_FILE: [
            [c.order.order_id, iso(c.day), c.reason, c.status, iso(c.status_day)]
            for c in by_day(g.chargebacks)
        ],
        SHIPMENTS_FILE: list(_shipment_rows(g)),
        TRACKING_FILE: _tracking_rows(g),
        CANCELLATIONS_FILE: [
            [c.order.order_id, iso(c.day), c.initiator, c.reason] for c in by_day(g.cancellations)
        ],
        VIOLATIONS_FILE: [
            [
                v.violation_id,
                iso(v.day),
                v.category,
                v.severity,
                v.asin,
                v.status,
                iso(v.status_day),
            ]
            for v in g.violations
        ],
        MESSAGES_FILE: [
            [m.message_id, zulu(m.received), zulu(m.responded) if m.responded else ""]
            for m in g.messages
        ],
    }
