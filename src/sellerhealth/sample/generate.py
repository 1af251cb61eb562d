"""The bundled sample seller for `sellerhealth demo`: six months of one realistic account.

`write_sample` writes Amazon's own report files (the all-orders flat file, two seller-feedback
reports, a V2 seller-performance report) and canonical CSVs for what Amazon has no report for
(ship dates, A-to-z claims, chargebacks, shipments, carrier scans, cancellations, policy
violations, buyer messages). Everything comes from one `random.Random(seed)`: the same seed
gives the same bytes, whatever the interpreter's hash seed.

The seller, "Northfield Goods", sells 15 SKUs in 4 categories, about 60% of its orders
fulfilled by Amazon (AFN) and 40% by itself (MFN). Outside the ODR window of `end` defects
arrive at background rates; inside it they are placed on purpose, so that as of `end` the MFN
channel's ODR sits just under the 1% line and AFN's well below it. `summary()` recomputes the
figures from the generated events with the rules of SPEC section 4, and `performance.json`
(Amazon's own view) agrees on AFN and counts one MFN defect more: a Buy Shipping protected
claim that the policy leaves out, a reconciliation difference for the demo to explain.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

DEMO_AS_OF = date(2026, 11, 20)
DEMO_SEED = 7
HISTORY_DAYS = 183
# The ODR window of the amazon-us-2026 policy (odr.window_days, odr.lag_days): [D-73, D-14].
ODR_WINDOW_DAYS = 60
ODR_LAG_DAYS = 14
FEEDBACK_1_LAG_DAYS = 30  # the older feedback report ends about a month before `end`
MARKETPLACE_ID = "ATVPDKIKX0DER"
MFN_ODR_RANGE = (0.0085, 0.0099)  # "GOOD but close to the line"
AFN_ODR_AIM = 0.004
QUIET_DAYS = 15

ORDERS_FILE = "orders.tsv"
ORDERS_EXTRA_FILE = "orders-extra.csv"
FEEDBACK_1_FILE = "feedback-1.tsv"
FEEDBACK_2_FILE = "feedback-2.tsv"
CLAIMS_FILE = "claims.csv"
CHARGEBACKS_FILE = "chargebacks.csv"
SHIPMENTS_FILE = "shipments.csv"
TRACKING_FILE = "tracking-events.csv"
CANCELLATIONS_FILE = "cancellations.csv"
VIOLATIONS_FILE = "violations.csv"
MESSAGES_FILE = "messages.csv"
PERFORMANCE_FILE = "performance.json"
FILE_NAMES = (  # the order to import them in
    ORDERS_FILE,
    ORDERS_EXTRA_FILE,
    FEEDBACK_1_FILE,
    FEEDBACK_2_FILE,
    CLAIMS_FILE,
    CHARGEBACKS_FILE,
    SHIPMENTS_FILE,
    TRACKING_FILE,
    CANCELLATIONS_FILE,
    VIOLATIONS_FILE,
    MESSAGES_FILE,
    PERFORMANCE_FILE,
)

ORDER_COLUMNS = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "url",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)
FEEDBACK_COLUMNS = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
CSV_COLUMNS = {  # the canonical kinds of SPEC section 3
    ORDERS_EXTRA_FILE: "order_id purchase_date fulfillment_channel latest_ship_date"
    " latest_delivery_date category units is_business_order order_status",
    CLAIMS_FILE: "order_id claim_date status status_date reason buy_shipping_protected",
    CHARGEBACKS_FILE: "order_id chargeback_date reason status status_date",
    SHIPMENTS_FILE: "order_id ship_confirm_date carrier tracking_id tracking_valid"
    " first_scan_date delivered_date promised_delivery_date units",
    TRACKING_FILE: "tracking_id event_time status location",
    CANCELLATIONS_FILE: "order_id cancel_date initiator reason",
    VIOLATIONS_FILE: "violation_id date category severity asin status status_date",
    MESSAGES_FILE: "message_id received_at responded_at",
}

# --- The seller's world --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Product:
    sku: str
    asin: str
    category: str
    price: float
    channels: str  # "AFN", "MFN" or "both": heavy items are shipped by the seller
    weight: int
    noun: str
    name: str


# sku | asin | category | price | channels | popularity | what buyers call it;
# then, indented, the listing title
_CATALOGUE_TABLE = """
NF-SPAT-SET5|B0C4R7KX2M|Home & Kitchen|12.99|both|9|spatula set
    Northfield Silicone Spatula Set, 5 Piece, Heat Resistant, Sage Green
NF-CIS-10|B0BX93TQ4N|Home & Kitchen|27.99|MFN|6|skillet
    Northfield Pre-Seasoned Cast Iron Skillet, 10 Inch
NF-BCB-3PK|B0C1M5ZD7P|Home & Kitchen|24.99|both|7|cutting board
    Northfield Bamboo Cutting Board Set of 3 with Juice Groove
NF-KTL-GN1L|B0CJ2W8V6R|Home & Kitchen|34.99|both|5|kettle
    Northfield Gooseneck Pour Over Kettle, 1 Liter, Stainless Steel
NF-PLW-LIN2|B0B8T4H2QS|Home & Kitchen|19.99|AFN|5|pillow cover
    Northfield Linen Throw Pillow Covers 18x18, Set of 2, Oatmeal
NF-CRT-BLK84|B0C9F6N3XT|Home & Kitchen|32.99|MFN|4|curtain set
    Northfield Blackout Curtains 84 Inch, 2 Panels, Charcoal
NF-BTL-32OZ|B0BQ7L1K9V|Sports & Outdoors|21.99|AFN|10|water bottle
    Northfield Insulated Water Bottle 32 oz, Leakproof Lid, Black
NF-YGM-6MM|B0C2D9R5MW|Sports & Outdoors|29.99|both|6|yoga mat
    Northfield Non-Slip Yoga Mat 6mm with Carry Strap, Dusty Blue
NF-RBS-5LV|B0BZ4K8P1X|Sports & Outdoors|18.99|both|6|band set
    Northfield Resistance Bands Set, 5 Levels, with Door Anchor
NF-KBL-25LB|B0C6H3V7QY|Sports & Outdoors|44.99|MFN|3|kettlebell
    Northfield Cast Iron Kettlebell, 25 lb
NF-SFB-LG|B0B5W2J6TZ|Pet Supplies|15.99|AFN|7|dog bowl
    Northfield Slow Feeder Dog Bowl, Large, Anti-Gulping
NF-CSP-32|B0C3N8X1RA|Pet Supplies|39.99|MFN|4|scratching post
    Northfield Cat Scratching Post 32 Inch, Natural Sisal Rope
NF-WBG-360|B0BT6Q9M4B|Pet Supplies|13.49|AFN|8|bag dispenser
    Northfield Dog Poop Bags, 360 Count, Unscented, with Dispenser
NF-LMP-LED|B0C8K5P2WC|Tools & Home Improvement|26.99|both|5|desk lamp
    Northfield LED Desk Lamp with USB Charging Port, Dimmable
NF-HKS-20PK|B0BV1R7T3D|Tools & Home Improvement|9.99|both|6|hook set
    Northfield Adhesive Wall Hooks, 20 Pack, Heavy Duty
"""

# city | state | postal code | sales tax rate (fake addresses: the importer never reads them)
_CITIES_TABLE = """
Austin|TX|78704|0.0825
Columbus|OH|43215|0.075
Denver|CO|80203|0.0881
Portland|OR|97214|0.0
Sacramento|CA|95816|0.0875
Phoenix|AZ|85016|0.086
Atlanta|GA|30306|0.089
Charlotte|NC|28203|0.0725
Minneapolis|MN|55408|0.0803
Madison|WI|53703|0.055
Tampa|FL|33606|0.075
Nashville|TN|37203|0.0925
Boise|ID|83702|0.06
Pittsburgh|PA|15213|0.07
Raleigh|NC|27601|0.0725
Spokane|WA|99201|0.09
Albany|NY|12203|0.08
Richmond|VA|23220|0.053
Omaha|NE|68102|0.07
Louisville|KY|40204|0.06
"""

_ORIGIN = "RENO, NV US"  # the seller's own warehouse, where every MFN parcel starts
_HUBS = (
    "SPARKS, NV US",
    "SACRAMENTO, CA US",
    "SALT LAKE CITY, UT US",
    "DENVER, CO US",
    "KANSAS CITY, MO US",
    "MEMPHIS, TN US",
    "LOUISVILLE, KY US",
    "INDIANAPOLIS, IN US",
    "DALLAS, TX US",
    "CHICAGO, IL US",
)

# Feedback comments by the kind a triage must tell apart (amazon-policy.md 1.3, 5.4).
_COMMENTS: dict[str, tuple[str, ...]] = {
    "product": (  # only about the product: not the seller's service
        "The {item} broke after two weeks of normal use. Very poor quality.",
        "The {item} looks nothing like the photos, the color is way off.",
        "Cheaply made {item}. Not worth the money at all.",
        "The {item} stopped working after a few days.",
        "Smaller than described and the {item} feels flimsy.",
        "The {item} had a crack right out of the box.",
    ),
    "fba_delivery": (  # delivery by Amazon's network on an FBA order
        "Package arrived 4 days late and the box was crushed.",
        "Never received it. Tracking says delivered but nothing was at my door.",
        "Driver left the box in the rain, the package was soaked.",
        "Paid for Prime two day shipping and it took a week to get here.",
    ),
    "amazon_service": (  # Amazon's customer service on an FBA order
        "Amazon customer service was useless, it took three calls to get a return label.",
        "Returned it through Amazon and the refund took three weeks to show up.",
        "Chat support kept transferring me and nobody could tell me where my package was.",
    ),
    "seller_service": (
        "Seller never answered my messages about a missing part.",
        "Asked for a replacement and the seller told me to return it at my own cost. Terrible.",
        "Sent three messages to the seller about the wrong size, no answer in over a week.",
        "Seller promised a refund and never sent it.",
    ),
    "mixed": (  # product and service: no part of it may be removed
        "The {item} arrived damaged and the seller took a week to answer me.",
        "Poor quality {item} and the seller refused to refund the shipping.",
        "Arrived late and the {item} was scratched. Will not order from this seller again.",
    ),
    "mixed_afn": (
        "Arrived two days late and the {item} was already cracked.",
        "Box was crushed and the {item} inside was bent. Cheap anyway.",
    ),
    "profanity": (
        "What a piece of shit. The {item} fell apart the first time I used it.",
        "Damn {item} broke in two days, total crap.",
        "This {item} is crap and the seller is full of crap too.",
    ),
    "personal_info": (  # the seller's own staff, named with an e-mail address or phone number
        "Emailed Mike at mike.r@northfieldgoods.com three times about my refund and got nothing.",
        "Called their support line at 775-555-0142 and Jenna hung up on me.",
        "Contact jenna.k@northfieldgoods.com if you want to waste your time. Never fixed it.",
    ),
    "late_mfn": (  # the seller shipped it: late delivery is the seller's defect
        "Took 12 days to arrive, way past the delivery date.",
        "Shipped late and arrived after my daughter's birthday. Useless.",
        "Order sat for days before it even shipped. Arrived a week late.",
        "Tracking did not update for 5 days and the package came late.",
    ),
    "neutral": (
        "It's okay. The {item} works but feels a bit flimsy.",
        "Arrived on time, the {item} is average for the price.",
        "Smaller than I expected but it does the job.",
        "Fine product, packaging could be better.",
        "",
    ),
}
_RESPONSES = (
    "We're sorry to hear this. Please check your messages, we have sent a replacement.",
    "Thank you for the feedback. We have refunded your order in full.",
    "We apologize for the delay. Please contact us through Amazon messages so we can help.",
)

_CLAIM_REASONS = {
    "not_received": "Item not received",
    "not_as_described": "Item not as described",
    "damaged": "Item damaged or defective",
}
_HOUR_WEIGHTS = (3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 6, 6, 6, 6, 7, 8, 9, 9, 7, 5)
_WEEKDAY_FACTOR = (1.05, 0.97, 0.95, 0.96, 0.98, 0.93, 1.16)  # Monday .. Sunday
_BASE_ORDERS_PER_DAY = 37.0
_GROWTH = 0.45  # the last day sells this much more than the first
_MFN_SHARE = 0.41


def _table(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.strip().splitlines()]


_CATALOGUE_LINES = _CATALOGUE_TABLE.strip().splitlines()
_CATALOGUE = tuple(
    _Product(sku, asin, category, float(price), channels, int(weight), noun, title.strip())
    for (sku, asin, category, price, channels, weight, noun), title in zip(
        _table("\n".join(_CATALOGUE_LINES[::2])), _CATALOGUE_LINES[1::2], strict=True
    )
)
_CITIES = tuple(
    (city, state, postal, float(tax)) for city, state, postal, tax in _table(_CITIES_TABLE)
)

# --- Pacific time (Amazon.com's report clock) ----------------------------------------------------


@lru_cache(maxsize=8)
def _dst_utc(year: int) -> tuple[datetime, datetime]:
    """US daylight saving time in UTC: 2:00 local on March's 2nd and November's 1st Sunday."""
    march = date(year, 3, 8)
    november = date(year, 11, 1)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    stop = november + timedelta(days=(6 - november.weekday()) % 7)
    return datetime.combine(start, time(10), UTC), datetime.combine(stop, time(9), UTC)


def _pacific_hours(moment: datetime) -> int:
    start, stop = _dst_utc(moment.year)
    return -7 if start <= moment < stop else -8


def _pacific(moment: datetime) -> str:
    """`2026-07-04T21:15:03-07:00`: how Amazon's US order report writes a UTC moment."""
    hours = _pacific_hours(moment)
    local = moment + timedelta(hours=hours)
    return f"{local:%Y-%m-%dT%H:%M:%S}-0{-hours}:00"


def _from_pacific(day: date, hour: int, minute: int, second: int) -> datetime:
    local = datetime.combine(day, time(hour, minute, second), UTC)
    moment = local + timedelta(hours=8)
    return moment if _pacific_hours(moment) == -8 else local + timedelta(hours=7)


def _zulu(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def _us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year % 100:02d}"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# --- What happened, in the generator's own terms -------------------------------------------------


@dataclass(slots=True)
class _Shipment:
    confirmed: datetime
    carrier: str
    tracking_id: str
    valid: bool | None  # None: a label was bought but the carrier never scanned the parcel
    first_scan: datetime | None
    delivered: datetime | None
    promised: date
    fate: str = "normal"
    last_scan_day: date | None = None  # for parcels that stopped moving
    exception_day: date | None = None
    returned_day: date | None = None


@dataclass(slots=True)
class _Order:
    order_id: str
    placed: datetime
    channel: str  # "AFN" or "MFN"
    items: list[tuple[_Product, int]]
    ship_level: str
    business: bool
    city: tuple[str, str, str, float]
    promo: bool
    status: str = "Shipped"
    updated: datetime | None = None
    latest_ship: date | None = None
    latest_delivery: date | None = None
    shipment: _Shipment | None = None
    used: bool = False  # already carries a planned event

    @property
    def day(self) -> date:
        return self.placed.date()

    @property
    def units(self) -> int:
        """Units as the flat file reads: a cancelled item row says quantity 0, an order >= 1."""
        if self.status == "Cancelled":
            return 1
        return sum(quantity for _, quantity in self.items)

    @property
    def shipped_late(self) -> bool:
        return bool(
            self.shipment and self.latest_ship and self.shipment.confirmed.date() > self.latest_ship
        )

    @property
    def delivered_late(self) -> bool:
        s = self.shipment
        if s is None or s.valid is False:
            return False
        return s.delivered.date() > s.promised if s.delivered else s.fate != "normal"


@dataclass(slots=True)
class _Feedback:
    order: _Order
    day: date
    rating: int
    kind: str
    comment: str
    response: str
    rater: str
    removed: bool = False  # listed in feedback-1, gone from feedback-2


@dataclass(slots=True)
class _Claim:
    order: _Order
    day: date
    status: str
    status_day: date | None
    reason: str
    protected: bool = False


@dataclass(slots=True)
class _Chargeback:
    order: _Order
    day: date
    reason: str
    status: str
    status_day: date | None


@dataclass(slots=True)
class _Cancellation:
    order: _Order
    day: date
    initiator: str
    reason: str


@dataclass(slots=True)
class _Message:
    message_id: str
    received: datetime
    responded: datetime | None


@dataclass(frozen=True, slots=True)
class _Violation:
    violation_id: str
    day: date
    category: str
    severity: str
    asin: str
    status: str
    status_day: date | None


# The planned defects inside the ODR window, most important first; the first k are used.
# (action, detail, fresh): a fresh event is dated after end-14, known only late.
_Plan = tuple[tuple[str, str, bool], ...]
_MFN_PLAN: _Plan = (
    ("feedback", "seller_service", False),
    ("feedback", "late_mfn", True),
    ("feedback", "personal_info", False),
    ("feedback+claim", "mixed", False),
    ("claim", "pending", True),
    ("claim", "refunded", False),
    ("claim", "order_cancelled", False),
    ("chargeback", "seller_lost", False),
    ("chargeback", "pending", True),
    ("feedback", "profanity", True),
    ("feedback", "personal_info", False),
    ("feedback", "product", False),
    ("feedback", "late_mfn", False),
    ("feedback", "product", True),
    ("feedback", "seller_service", False),
)
_AFN_PLAN: _Plan = (
    ("feedback", "fba_delivery", False),
    ("feedback", "product", False),
    ("feedback", "amazon_service", True),
    ("feedback+chargeback", "mixed_afn", False),
    ("claim", "granted", False),
    ("feedback", "profanity", False),
    ("feedback", "fba_delivery", True),
    ("feedback", "product", False),
    ("chargeback", "pending", True),
    ("feedback", "product", False),
)
# Events in the window that do not count as of `end` (SPEC section 4).
_NOT_COUNTED: tuple[tuple[str, str, str], ...] = (
    ("MFN", "claim", "denied"),
    ("MFN", "claim", "withdrawn"),
    ("MFN", "claim", "reversed"),
    ("MFN", "claim", "protected"),
    ("MFN", "chargeback", "fraud"),
    ("MFN", "chargeback", "seller_won"),
    ("MFN", "neutral", ""),
    ("MFN", "neutral", ""),
    ("AFN", "neutral", ""),
    ("AFN", "neutral", ""),
    ("AFN", "chargeback", "fraud"),
    ("AFN", "removed", "fba_delivery"),
    ("AFN", "removed", "fba_delivery"),
)
# Defects per order outside the window: negative feedback, neutral, claim, chargeback.
_BACKGROUND = {"MFN": (0.0035, 0.003, 0.0015, 0.0007), "AFN": (0.0024, 0.0025, 0.0003, 0.0006)}
_FEEDBACK_KINDS = {
    "MFN": (("product", 4), ("seller_service", 2), ("mixed", 2), ("profanity", 1)),
    "AFN": (("product", 4), ("fba_delivery", 2), ("amazon_service", 1), ("mixed_afn", 1)),
}
_FEEDBACK_LAG = (3, 40)
_CLAIM_LAG = (10, 60)
_CHARGEBACK_LAG = (20, 80)


# --- The generator -------------------------------------------------------------------------------


class _Generator:
    def __init__(self, end: date, seed: int) -> None:
        self.end = end
        self.rng = random.Random(seed)
        self.snapshot = datetime.combine(end, time(23, 59, 59), UTC)
        self.first_day = end - _days(HISTORY_DAYS - 1)
        last = end - _days(ODR_LAG_DAYS)
        self.window = (last - _days(ODR_WINDOW_DAYS - 1), last)
        # No MFN background defects on the fortnight before the window: the ODR of the weeks
        # before `end` stays under the line while it climbs towards it.
        self.quiet = (self.window[0] - _days(QUIET_DAYS), self.window[0] - _days(1))
        self.orders: list[_Order] = []
        self.feedback: list[_Feedback] = []
        self.claims: list[_Claim] = []
        self.chargebacks: list[_Chargeback] = []
        self.cancellations: list[_Cancellation] = []
        self.messages: list[_Message] = []
        self.violations: list[_Violation] = []
        self.planned: dict[str, int] = {}
        self._ids: set[str] = set()

    def in_window(self, day: date) -> bool:
        return self.window[0] <= day <= self.window[1]

    def _unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self._ids:
            pass
        self._ids.add(value)
        return value

    # Orders ---------------------------------------------------------------------------------------

    def make_orders(self) -> None:
        day = self.first_day - _days(1)  # Pacific days; late evenings spill into the next UTC day
        while day <= self.end:
            for _ in range(self._orders_on(day)):
                hour = self.rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
                placed = _from_pacific(day, hour, self.rng.randrange(60), self.rng.randrange(60))
                if self.first_day <= placed.date() and placed <= self.snapshot:
                    self.orders.append(self._new_order(placed))
            day += _days(1)
        self.orders.sort(key=lambda o: (o.placed, o.order_id))

    def _orders_on(self, day: date) -> int:
        progress = (day - self.first_day).days / HISTORY_DAYS
        mean = _BASE_ORDERS_PER_DAY * (1 + _GROWTH * progress) * _WEEKDAY_FACTOR[day.weekday()]
        if day.month == 7 and day.day in (14, 15):  # the summer sale
            mean *= 2.4
        return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))

    def _new_order(self, placed: datetime) -> _Order:
        rng = self.rng
        channel = "MFN" if rng.random() < _MFN_SHARE else "AFN"
        products = [p for p in _CATALOGUE if p.channels in (channel, "both")]
        lines = rng.choices((1, 2, 3), weights=(88, 9, 3))[0]
        chosen: list[_Product] = []
        while len(chosen) < lines:
            product = rng.choices(products, weights=[p.weight for p in products])[0]
            if product not in chosen:
                chosen.append(product)
        items = [(p, rng.choices((1, 2, 3), weights=(90, 8, 2))[0]) for p in chosen]
        levels = ("Expedited", "Standard", "SecondDay", "NextDay")
        level_weights = (60, 28, 8, 4) if channel == "AFN" else (12, 88, 0, 0)
        order_id = self._unique(
            lambda: f"11{rng.randint(1, 4)}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
        )
        return _Order(
            order_id=order_id,
            placed=placed,
            channel=channel,
            items=items,
            ship_level=rng.choices(levels, weights=level_weights)[0],
            business=rng.random() < 0.03,
            city=rng.choice(_CITIES),
            promo=rng.random() < 0.08,
        )

    # Fulfilment -----------------------------------------------------------------------------------

    def fulfil(self) -> None:
        for order in self.orders:
            if order.channel == "AFN":
                self._fulfil_afn(order)
            else:
                self._fulfil_mfn(order)
        self._force_open_cases()
        self._shape_recent_parcels()

    def _fulfil_afn(self, order: _Order) -> None:
        rng = self.rng
        if rng.random() < 0.01:
            order.status = "Cancelled"
            order.updated = order.placed + timedelta(minutes=rng.randint(5, 300))
        elif self.snapshot - order.placed < timedelta(hours=10) and rng.random() < 0.5:
            order.status = "Pending"
            order.updated = order.placed + timedelta(minutes=rng.randint(1, 30))
        else:
            order.updated = order.placed + timedelta(minutes=rng.randint(240, 1800))
        order.updated = min(order.updated, self.snapshot)

    def _fulfil_mfn(self, order: _Order) -> None:
        rng = self.rng
        latest_ship = order.day + _days(1)
        latest_ship += _days({5: 2, 6: 1}.get(latest_ship.weekday(), 0))  # handling: workdays
        transit = 2 if order.ship_level == "Expedited" else 5
        latest_delivery = latest_ship + _days(transit)
        latest_delivery += _days(1 if latest_delivery.weekday() == 6 else 0)
        order.latest_ship, order.latest_delivery = latest_ship, latest_delivery
        draw = rng.random()
        if draw < 0.012:
            self._cancel(order, order.day + _days(rng.randint(0, 1)), "buyer")
            return
        if draw < 0.016:
            self._cancel(order, order.day + _days(rng.randint(0, 1)), "seller")
            return
        if draw < 0.0175 and latest_ship + _days(3) <= self.end:
            self._cancel(order, latest_ship + _days(3), "system")
            return
        if rng.random() < 0.02:  # confirmed after the latest ship date
            confirm_day = latest_ship + _days(rng.randint(1, 3))
        else:
            confirm_day = min(
                order.day + _days(rng.choices((0, 1), weights=(45, 55))[0]), latest_ship
            )
        confirmed = datetime.combine(
            confirm_day, time(rng.randint(15, 23), rng.randrange(60), rng.randrange(60)), UTC
        )
        confirmed = max(confirmed, order.placed + timedelta(minutes=rng.randint(60, 240)))
        if confirmed > self.snapshot:
            order.status, order.updated = "Pending", order.placed
            return
        order.shipment = self._ship(order, confirmed)
        order.updated = confirmed

    def _cancel(self, order: _Order, day: date, initiator: str) -> None:
        reasons = {
            "buyer": ("Buyer requested cancellation", "Order placed by mistake", "Found cheaper"),
            "seller": ("Out of stock", "Pricing error on listing", "Unable to ship to address"),
            "system": ("Not shipped by the latest ship date",),
        }
        day = min(day, self.end)
        moment = datetime.combine(day, time(self.rng.randint(0, 23), self.rng.randrange(60)), UTC)
        order.status, order.shipment = "Cancelled", None
        order.updated = min(max(moment, order.placed + timedelta(minutes=5)), self.snapshot)
        self.cancellations.append(
            _Cancellation(
                order, order.updated.date(), initiator, self.rng.choice(reasons[initiator])
            )
        )

    def _ship(self, order: _Order, confirmed: datetime) -> _Shipment:
        rng = self.rng
        carrier = rng.choices(("USPS", "UPS", "FedEx"), weights=(55, 30, 15))[0]
        assert order.latest_delivery is not None
        shipment = _Shipment(
            confirmed, carrier, self._tracking_id(carrier), True, None, None, order.latest_delivery
        )
        if rng.random() < 0.02:  # a mistyped tracking number: the carrier knows nothing of it
            shipment.valid, shipment.fate = False, "invalid"
            shipment.tracking_id = self._unique(lambda: f"{rng.randrange(10**8, 10**9)}")
            return shipment
        first_scan = confirmed + timedelta(minutes=rng.randint(180, 1200))
        if first_scan > self.snapshot:  # confirmed tonight: not scanned yet
            shipment.valid = None
            return shipment
        shipment.first_scan = first_scan
        transit = rng.randint(1, 2) if order.ship_level == "Expedited" else rng.randint(2, 4)
        day = first_scan.date() + _days(transit)
        if rng.random() < 0.035:  # the carrier is late
            day = max(day, shipment.promised + _days(rng.randint(1, 4)))
            shipment.fate = "late"
        elif day > shipment.promised:
            day = max(first_scan.date() + _days(1), shipment.promised)
        self._deliver(shipment, day)
        return shipment

    def _deliver(self, shipment: _Shipment, day: date | None) -> None:
        if day is None:
            shipment.delivered = None
            return
        moment = datetime.combine(day, time(self.rng.randint(17, 23), self.rng.randrange(60)), UTC)
        shipment.delivered = moment if moment <= self.snapshot else None

    def _tracking_id(self, carrier: str) -> str:
        rng = self.rng
        if carrier == "USPS":
            return self._unique(lambda: f"9400{rng.randrange(10**17, 10**18)}")
        if carrier == "UPS":
            return self._unique(lambda: f"1ZA8V47203{rng.randrange(10**7, 10**8)}")
        return self._unique(lambda: f"{rng.randrange(2 * 10**11, 8 * 10**11)}")

    def _force_open_cases(self) -> None:
        """Orders the radar must see: overdue and unconfirmed; a seller cancellation this week."""
        end = self.end
        overdue = [
            o
            for o in self.orders
            if o.channel == "MFN"
            and o.shipment
            and o.latest_ship in (end - _days(2), end - _days(1))
        ]
        for order in self.rng.sample(overdue, min(2, len(overdue))):
            order.shipment, order.status, order.updated = None, "Pending", order.placed
        recent = [o for o in self.orders if o.channel == "MFN" and o.day >= end - _days(6)]
        ids = {o.order_id for o in recent}
        if not any(c.initiator == "seller" and c.order.order_id in ids for c in self.cancellations):
            candidates = [o for o in recent if o.status != "Cancelled" and o.day < end - _days(1)]
            if candidates:
                order = self.rng.choice(candidates)
                self._cancel(order, order.day + _days(1), "seller")

    def _shape_recent_parcels(self) -> None:
        """Parcels of the last three weeks that went wrong, for the at-risk shipment radar."""
        end = self.end
        shapes = (
            ("stalled", 12, 5, 5),
            ("exception_delayed", 21, 9, 2),
            ("exception_stuck", 8, 4, 1),
            ("returned", 20, 10, 1),
            ("label_only", 5, 2, 3),
        )
        for fate, oldest, newest, count in shapes:
            pool = [
                o
                for o in self.orders
                if o.shipment
                and o.shipment.fate == "normal"
                and end - _days(oldest) <= o.shipment.confirmed.date() <= end - _days(newest)
            ]
            for order in self.rng.sample(pool, min(count, len(pool))):
                assert order.shipment is not None
                self._reshape(order.shipment, fate)

    def _reshape(self, s: _Shipment, fate: str) -> None:
        rng, end = self.rng, self.end
        assert s.first_scan is not None
        scanned = s.first_scan.date()
        s.fate = fate
        if fate == "stalled":
            s.last_scan_day = max(scanned, end - _days(rng.randint(4, 7)))
            self._deliver(s, None)
        elif fate == "exception_delayed":
            day = min(s.promised + _days(rng.randint(2, 3)), end)
            s.exception_day = scanned + _days(1)
            self._deliver(s, max(day, scanned + _days(2)))
        elif fate == "exception_stuck":
            s.exception_day = s.last_scan_day = max(scanned, end - _days(2))
            self._deliver(s, None)
        elif fate == "returned":
            s.exception_day = scanned + _days(2)
            s.returned_day = min(s.exception_day + _days(rng.randint(3, 5)), end)
            self._deliver(s, None)
        else:  # label_only: a label was bought, the parcel never handed over
            s.valid, s.first_scan = None, None
            self._deliver(s, None)

    # Defects --------------------------------------------------------------------------------------

    def place_defects(self) -> None:
        counts = Counter(o.channel for o in self.orders if self.in_window(o.day))
        plans = {
            "MFN": _take(_MFN_PLAN, _mfn_defects(counts["MFN"])),
            "AFN": _take(_AFN_PLAN, max(1, round(AFN_ODR_AIM * counts["AFN"]))),
        }
        for channel, plan in plans.items():
            self.planned[channel] = len(plan)
            for action, detail, fresh in plan:
                self._planned(channel, action, detail, fresh)
        for channel, action, detail in _NOT_COUNTED:
            self._not_counted(channel, action, detail)
        self._recent_and_removed()
        self._background()

    def _pick(
        self,
        channel: str,
        first: date,
        last: date,
        want: Callable[[_Order], bool] = lambda o: True,
    ) -> _Order:
        free = [
            o
            for o in self.orders
            if o.channel == channel and first <= o.day <= last and o.status == "Shipped"
            if not o.used
        ]
        order = self.rng.choice([o for o in free if want(o)] or free)
        order.used = True
        return order

    def _event_day(self, order: _Order, lags: tuple[int, int], fresh: bool, room: int = 0) -> date:
        """A day `lags` after the order, on or before end - room; after end-14 when fresh."""
        last = min(order.day + _days(lags[1]), self.end - _days(room))
        first = order.day + _days(lags[0])
        if fresh:
            first = max(first, self.end - _days(ODR_LAG_DAYS - 1))
        return first + _days(self.rng.randint(0, max(0, (last - first).days)))

    def _window_order(
        self,
        channel: str,
        lags: tuple[int, int],
        fresh: bool,
        room: int = 0,
        want: Callable[[_Order], bool] = lambda o: True,
    ) -> _Order:
        """An order in the window whose event can be dated as asked."""
        first, last = self.window
        last = min(last, self.end - _days(lags[0] + room))
        if fresh:
            first = max(first, self.end - _days(ODR_LAG_DAYS - 1 + lags[1]))
        return self._pick(channel, first, last, want)

    def _planned(self, channel: str, action: str, detail: str, fresh: bool) -> None:
        if action == "claim" and detail == "order_cancelled":
            self._cancelled_claim(channel)
            return
        if action == "claim":
            room = 0 if detail == "pending" else 10
            order = self._window_order(channel, _CLAIM_LAG, fresh, room)
            self._claim(order, self._event_day(order, _CLAIM_LAG, fresh, room), detail)
            return
        if action == "chargeback":
            room = 0 if detail == "pending" else 30
            order = self._window_order(channel, _CHARGEBACK_LAG, fresh, room)
            day = self._event_day(order, _CHARGEBACK_LAG, fresh, room)
            self._chargeback(order, day, "service", detail)
            return
        lags, room = {
            "feedback+claim": (_CLAIM_LAG, 10),
            "feedback+chargeback": (_CHARGEBACK_LAG, 30),
        }.get(action, (_FEEDBACK_LAG, 0))
        order = self._window_order(channel, lags, fresh, room, _wants(detail))
        self._feedback(order, self._event_day(order, _FEEDBACK_LAG, fresh), detail)
        if action == "feedback+claim":
            self._claim(order, self._event_day(order, _CLAIM_LAG, False, 10), "granted", "damaged")
        elif action == "feedback+chargeback":
            day = self._event_day(order, _CHARGEBACK_LAG, False, 30)
            self._chargeback(order, day, "service", "seller_lost")

    def _cancelled_claim(self, channel: str) -> None:
        """Never shipped, the buyer claimed, then the seller cancelled: the claim still counts."""
        order = self._pick(channel, self.window[0], self.end - _days(30))
        claim_day = order.day + _days(self.rng.randint(10, 14))
        order.shipment = None
        self._cancel(order, claim_day + _days(2), "seller")
        order.status = "Cancelled"
        self.cancellations[-1].reason = "Unable to ship - item damaged in warehouse"
        self.claims.append(
            _Claim(order, claim_day, "order_cancelled", claim_day + _days(2), "Item not received")
        )

    def _not_counted(self, channel: str, action: str, detail: str) -> None:
        if action == "neutral":
            order = self._window_order(channel, _FEEDBACK_LAG, False)
            self._feedback(order, self._event_day(order, _FEEDBACK_LAG, False), "neutral", 3)
        elif action == "removed":  # listed in feedback-1 only: Amazon struck it through
            cutoff = FEEDBACK_1_LAG_DAYS + _FEEDBACK_LAG[1] // 2
            order = self._pick(channel, self.window[0], self.end - _days(cutoff))
            day = self._event_day(order, _FEEDBACK_LAG, False, FEEDBACK_1_LAG_DAYS)
            self._feedback(order, day, detail, removed=True)
        elif action == "claim":
            want = _on_time_delivered if detail == "protected" else (lambda o: True)
            order = self._window_order(channel, _CLAIM_LAG, False, 40, want=want)
            self._claim(order, self._event_day(order, _CLAIM_LAG, False, 40), detail)
        else:
            reason = "fraud" if detail == "fraud" else "service"
            status = "seller_lost" if detail == "fraud" else detail
            order = self._window_order(channel, _CHARGEBACK_LAG, False, 30)
            day = self._event_day(order, _CHARGEBACK_LAG, False, 30)
            self._chargeback(order, day, reason, status)

    def _recent_and_removed(self) -> None:
        """Defects on orders that enter the window in the next 14 days; one older removal."""
        end = self.end
        recent = end - _days(ODR_LAG_DAYS - 1)
        order = self._pick("MFN", recent, end - _days(3), want=lambda o: o.delivered_late)
        self._feedback(order, end, "late_mfn")  # feedback-2's newest line: its report date
        order = self._pick("MFN", recent, end - _days(3))
        self._feedback(order, self._event_day(order, _FEEDBACK_LAG, False), "seller_service")
        order = self._pick("MFN", recent, end - _days(10), want=_parcel_in_trouble)
        self._claim(order, self._event_day(order, _CLAIM_LAG, False), "pending")
        order = self._pick("AFN", recent, end - _days(3))
        self._feedback(order, self._event_day(order, _FEEDBACK_LAG, False), "fba_delivery")
        order = self._pick("MFN", end - _days(150), end - _days(90))
        day = self._event_day(order, _FEEDBACK_LAG, False)
        self._feedback(order, day, "product", removed=True)

    def _background(self) -> None:
        rng = self.rng
        for order in self.orders:
            if order.status != "Shipped" or order.used or self.in_window(order.day):
                continue
            if order.channel == "MFN" and self.quiet[0] <= order.day <= self.quiet[1]:
                continue
            negative, neutral, claim, chargeback = _BACKGROUND[order.channel]
            draw = rng.random()
            if draw < negative:
                choices = _FEEDBACK_KINDS[order.channel]
                kind = rng.choices([k for k, _ in choices], weights=[w for _, w in choices])[0]
                kind = "late_mfn" if order.delivered_late and rng.random() < 0.7 else kind
                if day := self._later(order, _FEEDBACK_LAG):
                    self._feedback(order, day, kind)
            elif draw < negative + neutral:
                if day := self._later(order, _FEEDBACK_LAG):
                    self._feedback(order, day, "neutral", 3)
            elif draw < negative + neutral + claim:
                statuses = ("granted", "refunded", "denied", "withdrawn", "reversed")
                status = rng.choices(statuses, weights=(3, 2, 2, 2, 1))[0]
                if day := self._later(order, _CLAIM_LAG):
                    self._claim(order, day, status)
            elif draw < negative + neutral + claim + chargeback:
                reason = "fraud" if rng.random() < 0.3 else "service"
                status = "seller_won" if rng.random() < 0.35 else "seller_lost"
                if day := self._later(order, _CHARGEBACK_LAG):
                    self._chargeback(order, day, reason, status)

    def _later(self, order: _Order, lags: tuple[int, int]) -> date | None:
        """The day an event follows the order, or None while that day is still to come."""
        day = order.day + _days(self.rng.randint(*lags))
        return day if day <= self.end else None

    def _feedback(
        self, order: _Order, day: date, kind: str, rating: int = 0, removed: bool = False
    ) -> None:
        rng = self.rng
        item = order.items[0][0].noun
        comment = rng.choice(_COMMENTS[kind]).format(item=item)
        response = rng.choice(_RESPONSES) if rating != 3 and rng.random() < 0.15 else ""
        rater = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=15))
        rating = rating or rng.choices((1, 2), weights=(6, 4))[0]
        order.used = True
        self.feedback.append(
            _Feedback(
                order, day, rating, kind, comment, response, f"{rater}@marketplace.amazon.com"
            )
        )
        self.feedback[-1].removed = removed

    def _claim(self, order: _Order, day: date, status: str, reason: str = "") -> None:
        """A claim filed on `day`; decided some days later, or still pending if that is future."""
        rng = self.rng
        protected = status == "protected"  # granted, but a delivery claim on a Buy Shipping label
        status, reason = ("granted", "not_received") if protected else (status, reason)
        default_reason = {
            "refunded": "not_as_described",
            "reversed": "not_as_described",
            "granted": rng.choice(("damaged", "not_as_described")),
        }.get(status, "not_received")
        reason = _CLAIM_REASONS[reason or default_reason]
        lag = {"granted": (3, 14), "reversed": (15, 40), "pending": (0, 0)}.get(status, (2, 10))
        status_day = day + _days(rng.randint(*lag)) if status != "pending" else None
        if status_day and status_day > self.end:
            status, status_day = "pending", None
        order.used = True
        self.claims.append(_Claim(order, day, status, status_day, reason, protected))

    def _chargeback(self, order: _Order, day: date, reason: str, status: str) -> None:
        status_day = None if status == "pending" else day + _days(self.rng.randint(10, 30))
        if status_day and status_day > self.end:
            status, status_day = "pending", None
        order.used = True
        self.chargebacks.append(_Chargeback(order, day, reason, status, status_day))

    # Buyer messages and policy violations ---------------------------------------------------------

    def make_messages(self) -> None:
        rng = self.rng
        day = self.first_day
        while day <= self.end:
            for n in range(rng.choices(range(5), weights=(14, 25, 28, 20, 13))[0]):
                received = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), UTC)
                weekend = (received + timedelta(hours=_pacific_hours(received))).weekday() >= 5
                draw = rng.random()
                if draw < 0.01:
                    responded = None
                elif draw < (0.14 if weekend else 0.03):
                    responded = received + timedelta(minutes=rng.randint(25 * 60, 70 * 60))
                else:
                    responded = received + timedelta(minutes=int(5 + rng.random() ** 2 * 1200))
                if responded and responded > self.snapshot:
                    responded = None
                self.messages.append(_Message(f"msg-{day:%Y%m%d}-{n + 1:02d}", received, responded))
            day += _days(1)

    def make_violations(self) -> None:
        """Three policy violations in 180 days; the IP complaint was retracted (resolved)."""
        asin = {p.sku: p.asin for p in _CATALOGUE}
        for violation_id, ago, category, severity, sku, resolved_ago in (
            (
                "PV-4471208",
                120,
                "receivedIntellectualPropertyComplaints",
                "high",
                "NF-LMP-LED",
                104,
            ),
            ("PV-4490117", 41, "listingPolicyViolations", "low", "NF-HKS-20PK", None),
            ("PV-4502893", 9, "productConditionCustomerComplaints", "medium", "NF-CIS-10", None),
        ):
            status_day = None if resolved_ago is None else self.end - _days(resolved_ago)
            self.violations.append(
                _Violation(
                    violation_id,
                    self.end - _days(ago),
                    category,
                    severity,
                    asin[sku],
                    "open" if status_day is None else "resolved",
                    status_day,
                )
            )


def _take(plan: _Plan, count: int) -> _Plan:
    padding = (("feedback", "product", False),) * max(0, count - len(plan))
    return (plan + padding)[:count]


def _mfn_defects(orders: int) -> int:
    """How many MFN orders in the window get a counted defect: ODR within MFN_ODR_RANGE,
    preferring a count that stays under 1% with one defect more (Amazon's figure)."""
    low, high = math.ceil(MFN_ODR_RANGE[0] * orders), math.floor(MFN_ODR_RANGE[1] * orders)
    candidates = list(range(low, high + 1))
    if not candidates:
        return max(1, round(0.0092 * orders))
    under = [k for k in candidates if (k + 1) / orders < 0.01]
    return under[-1] if under else candidates[len(candidates) // 2]


def _wants(kind: str) -> Callable[[_Order], bool]:
    if kind == "late_mfn":
        return lambda o: o.shipped_late or o.delivered_late
    if kind in ("seller_service", "personal_info", "mixed"):
        return lambda o: not (o.shipped_late or o.delivered_late)
    return lambda o: True


def _on_time_delivered(order: _Order) -> bool:
    s = order.shipment
    return bool(s and s.delivered and not order.shipped_late and s.fate == "normal")


def _parcel_in_trouble(order: _Order) -> bool:
    return bool(
        order.shipment and order.shipment.fate in ("stalled", "exception_stuck", "returned")
    )


# --- Figures as of `end`, by the rules of SPEC section 4 -----------------------------------------


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


def _odr(g: _Generator, as_of: date, removal_day: date) -> dict[str, OdrFigure]:
    """ODR per channel as of `as_of`; feedback gone from feedback-2 stops counting on
    `removal_day`, that report's date."""
    last = as_of - _days(ODR_LAG_DAYS)
    first = last - _days(ODR_WINDOW_DAYS - 1)
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


def _shipping_figures(g: _Generator) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each MFN metric as of `end` (SPEC section 4)."""
    end = g.end
    mfn = [o for o in g.orders if o.channel == "MFN"]
    figures: dict[str, tuple[int, int]] = {}
    for days in (10, 30):
        due = [o for o in mfn if o.latest_ship and end - _days(days - 1) <= o.latest_ship <= end]
        figures[f"late_shipment_{days}"] = (sum(o.shipped_late for o in due), len(due))
    week = [o for o in mfn if o.day >= end - _days(6)]
    faulted = {c.order.order_id for c in g.cancellations if c.initiator != "buyer"}
    figures["pre_fulfillment_cancel"] = (sum(o.order_id in faulted for o in week), len(week))
    shipped = [o.shipment for o in mfn if o.shipment]
    tracked = [s for s in shipped if s.valid and s.first_scan]
    in_vtr = [s for s in shipped if end - _days(43) <= s.promised <= end - _days(14)]
    figures["valid_tracking"] = (sum(bool(s.valid and s.first_scan) for s in in_vtr), len(in_vtr))
    on_time = [s for s in tracked if s.delivered and s.delivered.date() <= s.promised]
    in_otd = {id(s) for s in tracked if end - _days(21) <= s.promised <= end - _days(8)}
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


def _contact_response(g: _Generator, days: int) -> tuple[int, int]:
    since = datetime.combine(g.end - _days(days - 1), time(0), UTC)
    limit = timedelta(hours=24)
    due = [m for m in g.messages if m.received >= since and g.snapshot - m.received >= limit]
    return sum(bool(m.responded and m.responded - m.received <= limit) for m in due), len(due)


def _ahr_score(g: _Generator) -> int:
    """The amazon-us-2026 policy's estimate: 200, +4 per 200 orders in 180 days, minus points."""
    since = g.end - _days(179)
    orders = sum(o.day >= since for o in g.orders)
    points = {"low": 2, "medium": 4, "high": 8}
    lost = sum(points[v.severity] for v in g.violations if v.status == "open" and v.day >= since)
    return min(1000, 200 + 4 * (orders // 200) - lost)


# --- The files -----------------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["\t".join(header)]
    lines.extend("\t".join(str(cell) for cell in row) for row in rows)
    return "\n".join(lines) + "\n"


def _money(value: float) -> str:
    return f"{value:.2f}"


def _order_rows(g: _Generator) -> Iterable[list[str]]:
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
                _pacific(o.placed),
                _pacific(o.updated),
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


def _orders_extra_rows(g: _Generator) -> Iterable[list[object]]:
    for o in g.orders:
        if o.channel == "MFN":
            category = o.items[0][0].category
            yield [
                o.order_id,
                _iso(o.day),
                "MFN",
                _iso(o.latest_ship),
                _iso(o.latest_delivery),
                category,
                o.units,
                "true" if o.business else "false",
                o.status,
            ]


def _feedback_text(feedback: Iterable[_Feedback]) -> str:
    ordered = sorted(feedback, key=lambda f: (f.day, f.order.order_id), reverse=True)
    rows = [
        [_us_date(f.day), f.rating, f.comment, f.response, f.order.order_id, f.rater]
        for f in ordered
    ]
    return _tsv(FEEDBACK_COLUMNS, rows)


def _shipment_rows(g: _Generator) -> Iterable[list[object]]:
    shipped = [o for o in g.orders if o.shipment]
    shipped.sort(key=lambda o: (o.shipment.confirmed if o.shipment else o.placed, o.order_id))
    for o in shipped:
        s = o.shipment
        assert s is not None
        valid = "" if s.valid is None else "true" if s.valid else "false"
        yield [
            o.order_id,
            _iso(s.confirmed.date()),
            s.carrier,
            s.tracking_id,
            valid,
            _iso(s.first_scan.date() if s.first_scan else None),
            _iso(s.delivered.date() if s.delivered else None),
            _iso(s.promised),
            o.units,
        ]


def _tracking_rows(g: _Generator) -> list[list[str]]:
    since = g.end - _days(21)
    events: list[tuple[datetime, str, str, str]] = []
    for o in g.orders:
        s = o.shipment
        if s and s.confirmed.date() >= since and s.valid is not False:
            destination = f"{o.city[0].upper()}, {o.city[1]} US"
            events.extend(
                (t, s.tracking_id, status, place) for t, status, place in _scans(g, s, destination)
            )
    events.sort()
    return [[tracking, _zulu(t), status, place] for t, tracking, status, place in events]


def _scans(g: _Generator, s: _Shipment, destination: str) -> list[tuple[datetime, str, str]]:
    """One parcel's carrier scans, consistent with its shipment row: a label, a first scan at
    the warehouse, hub scans on most days along its route, and its ending (delivered, an
    exception, returned to the seller, or nothing yet)."""
    rng = g.rng
    events = [(s.confirmed, "label_created", _ORIGIN)]
    if s.first_scan is None:
        return events
    events.append((s.first_scan, "in_transit", _ORIGIN))
    if s.delivered:
        last = s.delivered.date() - _days(1)
    else:
        last = s.last_scan_day or s.returned_day or g.end
    route = [_HUBS[0], *rng.sample(_HUBS[1:], 2), destination]
    day, hop = s.first_scan.date() + _days(1), 0
    while day <= last:
        if rng.random() < 0.75 or day == last:
            moment = datetime.combine(day, time(rng.randint(4, 11), rng.randrange(60)), UTC)
            events.append((moment, "in_transit", route[min(hop, len(route) - 1)]))
            hop += 1
        day += _days(1)
    if s.exception_day:
        moment = datetime.combine(
            s.exception_day, time(rng.randint(18, 21), rng.randrange(60)), UTC
        )
        where = max(e for e in events if e[0] < moment)[2]  # where the parcel was
        events.append((moment, "exception", where))
    if s.returned_day:
        moment = datetime.combine(s.returned_day, time(20, rng.randrange(60)), UTC)
        events.append((moment, "returned", _ORIGIN))
    if s.delivered:
        out = datetime.combine(
            s.delivered.date(), time(rng.randint(13, 15), rng.randrange(60)), UTC
        )
        events.append((out, "out_for_delivery", destination))
        events.append((s.delivered, "delivered", destination))
    return [e for e in events if e[0] <= g.snapshot]


def _range(first: date, last: date) -> dict[str, str]:
    return {
        "reportingDateFrom": f"{first.isoformat()}T00:00:00Z",
        "reportingDateTo": f"{last.isoformat()}T23:59:59Z",
    }


def _rate(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0


def _judged(numerator: int, denominator: int, target: float, condition: str) -> dict[str, Any]:
    rate = numerator / denominator if denominator else None
    if rate is None:
        status = "NONE"
    elif condition == "LESS_THAN":
        status = "GOOD" if rate < target else "BAD"
    else:
        status = "GOOD" if rate >= target else "BAD"
    return {
        "status": status,
        "rate": _rate(numerator, denominator),
        "targetValue": target,
        "targetCondition": condition,
    }


def _odr_json(figure: OdrFigure, window: tuple[date, date]) -> dict[str, Any]:
    return {
        "reportingDateRange": _range(*window),
        "orderCount": figure.orders,
        "orderWithDefects": {"count": figure.defective, "status": "NONE"},
        "claims": {"count": figure.claims, "status": "NONE"},
        "chargebacks": {"count": figure.chargebacks, "status": "NONE"},
        "negativeFeedback": {"count": figure.negative_feedback, "status": "NONE"},
        "fulfillmentType": figure.channel.lower(),
        **_judged(figure.defective, figure.orders, 0.01, "LESS_THAN"),
    }


_POLICY_CATEGORIES = (
    "listingPolicyViolations",
    "productAuthenticityCustomerComplaints",
    "productConditionCustomerComplaints",
    "productSafetyCustomerComplaints",
    "receivedIntellectualPropertyComplaints",
    "restrictedProductPolicyViolations",
    "suspectedIntellectualPropertyViolations",
    "foodAndProductSafetyIssues",
    "customerProductReviewsPolicyViolations",
    "otherPolicyViolations",
    "documentRequests",
)


def _performance(g: _Generator, amazon: dict[str, OdrFigure], f: dict[str, tuple[int, int]]) -> str:
    end = g.end
    metrics: dict[str, Any] = {
        "marketplaceId": MARKETPLACE_ID,
        "orderDefectRate": {ch.lower(): _odr_json(amazon[ch], g.window) for ch in ("MFN", "AFN")},
    }
    lsr = [
        {
            "reportingDateRange": _range(end - _days(days - 1), end),
            "orderCount": f[f"late_shipment_{days}"][1],
            "lateShipmentCount": f[f"late_shipment_{days}"][0],
            **_judged(*f[f"late_shipment_{days}"], 0.04, "LESS_THAN"),
        }
        for days in (30, 10)
    ]
    metrics["lateShipmentRate"] = lsr[0]
    metrics["lateShipmentRateList"] = lsr
    cancels, week = f["pre_fulfillment_cancel"]
    metrics["preFulfillmentCancellationRate"] = {
        "reportingDateRange": _range(end - _days(6), end),
        "orderCount": week,
        "cancellationCount": cancels,
        **_judged(cancels, week, 0.025, "LESS_THAN"),
    }
    valid, shipments = f["valid_tracking"]
    metrics["validTrackingRate"] = {
        "reportingDateRange": _range(end - _days(43), end - _days(14)),
        "shipmentCount": shipments,
        "validTrackingCount": valid,
        **_judged(valid, shipments, 0.95, "GREATER_THAN"),
    }
    on_time, tracked = f["on_time_delivery"]
    metrics["onTimeDeliveryRate"] = {
        "reportingDateRange": _range(end - _days(43), end - _days(14)),
        "shipmentCountWithValidTracking": tracked,
        "onTimeDeliveryCount": on_time,
        **_judged(on_time, tracked, 0.95, "GREATER_THAN"),
    }
    units_on_time, units = f["unit_on_time_delivery"]
    metrics["unitOnTimeDeliveryRate"] = {
        "reportingDateRange": _range(end - _days(21), end - _days(8)),
        "unitOnTimeDeliveryCount": units_on_time,
        "totalUnitCount": units,
        **_judged(units_on_time, units, 0.9, "GREATER_THAN"),
    }
    metrics["warningStates"] = []
    metrics["accountHealthRating"] = {
        "ahrStatus": "GREAT",
        "ahrScore": _ahr_score(g),
        "reportingDateRange": _range(end - _days(180), end),
    }
    since = end - _days(179)
    for category in _POLICY_CATEGORIES:  # a resolved (retracted) complaint no longer shows
        count = sum(
            v.category == category and v.day >= since and v.status == "open" for v in g.violations
        )
        metrics[category] = {
            "reportingDateRange": _range(since, end),
            "defectsCount": count,
            "status": "GOOD" if count == 0 else "BAD",
            "targetValue": 0,
            "targetCondition": "EQUALS",
        }
    document = {
        "accountStatuses": [{"marketplaceId": MARKETPLACE_ID, "status": "NORMAL"}],
        "performanceMetrics": [metrics],
    }
    return json.dumps(document, indent=2) + "\n"


def _amazon_view(g: _Generator, ours: dict[str, OdrFigure]) -> dict[str, OdrFigure]:
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


# --- Public face ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSummary:
    """What the sample holds, and the figures the demo's report should show as of `end`."""

    end: date
    seed: int
    orders: dict[str, int]  # every order per channel, all 183 days
    item_rows: int
    odr_window: tuple[date, date]
    odr: dict[str, OdrFigure]  # as of `end`, by SPEC section 4
    amazon_odr: dict[str, OdrFigure]  # what performance.json says
    odr_history: dict[date, dict[str, OdrFigure]]  # as of each of the 60 days before `end`, too
    metrics: dict[str, tuple[int, int]]  # (numerator, denominator) per shipping/contact metric
    file_rows: dict[str, int]  # data rows per file (performance.json: 1)
    feedback_kinds: dict[str, int]
    removed_feedback: tuple[str, ...]  # order ids in feedback-1 missing from feedback-2

    def text(self) -> str:
        lines = [
            f"sample seller as of {self.end} (seed {self.seed})",
            f"orders: {sum(self.orders.values())} "
            + ", ".join(f"{ch} {n}" for ch, n in sorted(self.orders.items()))
            + f"; {self.item_rows} item rows",
            f"ODR window {self.odr_window[0]} .. {self.odr_window[1]}",
        ]
        for channel in ("MFN", "AFN"):
            ours, amazon = self.odr[channel], self.amazon_odr[channel]
            lines.append(
                f"  {channel} ODR {ours.defective}/{ours.orders} = {ours.rate:.4%}"
                f" (negative feedback {ours.negative_feedback}, claims {ours.claims},"
                f" chargebacks {ours.chargebacks}); Amazon's report {amazon.defective}/"
                f"{amazon.orders} = {amazon.rate:.4%}"
            )
        for channel in ("MFN", "AFN"):
            day, peak = max(
                ((day, odr[channel]) for day, odr in self.odr_history.items() if day < self.end),
                key=lambda item: (item[1].rate, item[0]),
            )
            lines.append(
                f"  {channel} ODR peak over the 60 days before: {peak.defective}/{peak.orders}"
                f" = {peak.rate:.4%} as of {day}"
            )
        for name, (numerator, denominator) in self.metrics.items():
            share = f"{numerator / denominator:.2%}" if denominator else "n/a"
            lines.append(f"  {name}: {numerator}/{denominator} = {share}")
        lines.append("files: " + ", ".join(f"{n} {c}" for n, c in self.file_rows.items()))
        lines.append(
            "feedback kinds: " + ", ".join(f"{k} {n}" for k, n in self.feedback_kinds.items())
        )
        lines.append("removed feedback (feedback-1 only): " + ", ".join(self.removed_feedback))
        return "\n".join(lines)


def _build(end: date, seed: int) -> tuple[dict[str, str], SampleSummary]:
    g = _Generator(end, seed)
    g.make_orders()
    g.fulfil()
    g.place_defects()
    g.make_messages()
    g.make_violations()
    cutoff = end - _days(FEEDBACK_1_LAG_DAYS)
    newer = [f for f in g.feedback if not f.removed]
    removal_day = max(f.day for f in newer)
    history = {
        end - _days(back): _odr(g, end - _days(back), removal_day) for back in range(60, -1, -1)
    }
    ours = history[end]
    for channel, figure in ours.items():
        if figure.defective != g.planned[channel]:
            raise RuntimeError(f"sample generator bug: {channel} {figure} vs plan {g.planned}")
    amazon = _amazon_view(g, ours)
    figures = _shipping_figures(g)
    order_rows = list(_order_rows(g))
    texts = {
        ORDERS_FILE: _tsv(ORDER_COLUMNS, order_rows),
        FEEDBACK_1_FILE: _feedback_text(f for f in g.feedback if f.day <= cutoff),
        FEEDBACK_2_FILE: _feedback_text(newer),
        PERFORMANCE_FILE: _performance(g, amazon, figures),
    }
    rows = {name: rows for name, rows in _csv_rows(g).items()}
    texts.update({name: _csv(CSV_COLUMNS[name].split(), table) for name, table in rows.items()})
    counts = {
        ORDERS_FILE: len(order_rows),
        FEEDBACK_1_FILE: sum(f.day <= cutoff for f in g.feedback),
        FEEDBACK_2_FILE: len(newer),
        PERFORMANCE_FILE: 1,
    }
    counts.update({name: len(table) for name, table in rows.items()})
    summary = SampleSummary(
        end=end,
        seed=seed,
        orders=dict(sorted(Counter(o.channel for o in g.orders).items())),
        item_rows=len(order_rows),
        odr_window=g.window,
        odr=ours,
        amazon_odr=amazon,
        odr_history=history,
        metrics=figures,
        file_rows={name: counts[name] for name in FILE_NAMES},
        feedback_kinds=dict(sorted(Counter(f.kind for f in g.feedback).items())),
        removed_feedback=tuple(sorted(f.order.order_id for f in g.feedback if f.removed)),
    )
    return texts, summary


def _csv_rows(g: _Generator) -> dict[str, list[list[Any]]]:
    def by_day(events: Iterable[Any]) -> list[Any]:
        return sorted(events, key=lambda e: (e.day, e.order.order_id))

    return {
        ORDERS_EXTRA_FILE: list(_orders_extra_rows(g)),
        CLAIMS_FILE: [
            [
                c.order.order_id,
                _iso(c.day),
                c.status,
                _iso(c.status_day),
                c.reason,
                "true" if c.protected else "false",
            ]
            for c in by_day(g.claims)
        ],
        CHARGEBACKS_FILE: [
            [c.order.order_id, _iso(c.day), c.reason, c.status, _iso(c.status_day)]
            for c in by_day(g.chargebacks)
        ],
        SHIPMENTS_FILE: list(_shipment_rows(g)),
        TRACKING_FILE: _tracking_rows(g),
        CANCELLATIONS_FILE: [
            [c.order.order_id, _iso(c.day), c.initiator, c.reason] for c in by_day(g.cancellations)
        ],
        VIOLATIONS_FILE: [
            [
                v.violation_id,
                _iso(v.day),
                v.category,
                v.severity,
                v.asin,
                v.status,
                _iso(v.status_day),
            ]
            for v in g.violations
        ],
        MESSAGES_FILE: [
            [m.message_id, _zulu(m.received), _zulu(m.responded) if m.responded else ""]
            for m in g.messages
        ],
    }


def summary(end: date = DEMO_AS_OF, seed: int = DEMO_SEED) -> SampleSummary:
    """The sample's figures without writing it: orders, ODR per channel as of `end`, rows."""
    return _build(end, seed)[1]


def write_sample(directory: Path, end: date = DEMO_AS_OF, seed: int = DEMO_SEED) -> list[Path]:
    """Write the sample files into `directory`; their paths, in the order to import them."""
    directory.mkdir(parents=True, exist_ok=True)
    texts, _ = _build(end, seed)
    paths = []
    for name in FILE_NAMES:
        path = directory / name
        path.write_bytes(texts[name].encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sellerhealth demo's sample data.")
    parser.add_argument("directory", type=Path, nargs="?")
    parser.add_argument("--end", type=date.fromisoformat, default=DEMO_AS_OF)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args(argv)
    if args.directory:
        for path in write_sample(args.directory, args.end, args.seed):
            print(path)
    print(summary(args.end, args.seed).text())


if __name__ == "__main__":
    main()
