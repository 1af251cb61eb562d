"""Orders, and how each one was fulfilled: AFN by Amazon, MFN shipped by the seller."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from sellerhealth.sample.catalogue import CATALOGUE, CITIES, Product
from sellerhealth.sample.clock import HISTORY_DAYS, from_pacific, ndays
from sellerhealth.sample.events import Order, Shipment
from sellerhealth.sample.world import World

_HOUR_WEIGHTS = (3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 6, 6, 6, 6, 7, 8, 9, 9, 7, 5)
_WEEKDAY_FACTOR = (1.05, 0.97, 0.95, 0.96, 0.98, 0.93, 1.16)  # Monday .. Sunday
_BASE_ORDERS_PER_DAY = 37.0
_GROWTH = 0.45  # the last day sells this much more than the first
_MFN_SHARE = 0.41


class OrdersAndShipping(World):
    """Orders through the 183 days, and their fulfilment: cancellations, parcels, scans."""

    # Orders ---------------------------------------------------------------------------------------

    def make_orders(self) -> None:
        day = self.first_day - ndays(1)  # Pacific days; late evenings spill into the next UTC day
        while day <= self.end:
            for _ in range(self._orders_on(day)):
                hour = self.rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
                placed = from_pacific(day, hour, self.rng.randrange(60), self.rng.randrange(60))
                if self.first_day <= placed.date() and placed <= self.snapshot:
                    self.orders.append(self._new_order(placed))
            day += ndays(1)
        self.orders.sort(key=lambda o: (o.placed, o.order_id))

    def _orders_on(self, day: date) -> int:
        progress = (day - self.first_day).days / HISTORY_DAYS
        mean = _BASE_ORDERS_PER_DAY * (1 + _GROWTH * progress) * _WEEKDAY_FACTOR[day.weekday()]
        if day.month == 7 and day.day in (14, 15):  # the summer sale
            mean *= 2.4
        return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))

    def _new_order(self, placed: datetime) -> Order:
        rng = self.rng
        channel = "MFN" if rng.random() < _MFN_SHARE else "AFN"
        products = [p for p in CATALOGUE if p.channels in (channel, "both")]
        lines = rng.choices((1, 2, 3), weights=(88, 9, 3))[0]
        chosen: list[Product] = []
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
        return Order(
            order_id=order_id,
            placed=placed,
            channel=channel,
            items=items,
            ship_level=rng.choices(levels, weights=level_weights)[0],
            business=rng.random() < 0.03,
            city=rng.choice(CITIES),
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

    def _fulfil_afn(self, order: Order) -> None:
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

    def _fulfil_mfn(self, order: Order) -> None:
        rng = self.rng
        latest_ship = order.day + ndays(1)
        latest_ship += ndays({5: 2, 6: 1}.get(latest_ship.weekday(), 0))  # handling: workdays
        transit = 2 if order.ship_level == "Expedited" else 5
        latest_delivery = latest_ship + ndays(transit)
        latest_delivery += ndays(1 if latest_delivery.weekday() == 6 else 0)
        order.latest_ship, order.latest_delivery = latest_ship, latest_delivery
        draw = rng.random()
        if draw < 0.012:
            self._cancel(order, order.day + ndays(rng.randint(0, 1)), "buyer")
            return
        if draw < 0.016:
            self._cancel(order, order.day + ndays(rng.randint(0, 1)), "seller")
            return
        if draw < 0.0175 and latest_ship + ndays(3) <= self.end:
            self._cancel(order, latest_ship + ndays(3), "system")
            return
        if rng.random() < 0.02:  # confirmed after the latest ship date
            confirm_day = latest_ship + ndays(rng.randint(1, 3))
        else:
            confirm_day = min(
                order.day + ndays(rng.choices((0, 1), weights=(45, 55))[0]), latest_ship
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

    def _ship(self, order: Order, confirmed: datetime) -> Shipment:
        rng = self.rng
        carrier = rng.choices(("USPS", "UPS", "FedEx"), weights=(55, 30, 15))[0]
        assert order.latest_delivery is not None
        shipment = Shipment(
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
        day = first_scan.date() + ndays(transit)
        if rng.random() < 0.035:  # the carrier is late
            day = max(day, shipment.promised + ndays(rng.randint(1, 4)))
            shipment.fate = "late"
        elif day > shipment.promised:
            day = max(first_scan.date() + ndays(1), shipment.promised)
        self._deliver(shipment, day)
        return shipment

    def _deliver(self, shipment: Shipment, day: date | None) -> None:
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
            and o.latest_ship in (end - ndays(2), end - ndays(1))
        ]
        for order in self.rng.sample(overdue, min(2, len(overdue))):
            order.shipment, order.status, order.updated = None, "Pending", order.placed
        recent = [o for o in self.orders if o.channel == "MFN" and o.day >= end - ndays(6)]
        ids = {o.order_id for o in recent}
        if not any(c.initiator == "seller" and c.order.order_id in ids for c in self.cancellations):
            candidates = [o for o in recent if o.status != "Cancelled" and o.day < end - ndays(1)]
            if candidates:
                order = self.rng.choice(candidates)
                self._cancel(order, order.day + ndays(1), "seller")

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
                and end - ndays(oldest) <= o.shipment.confirmed.date() <= end - ndays(newest)
            ]
            for order in self.rng.sample(pool, min(count, len(pool))):
                assert order.shipment is not None
                self._reshape(order.shipment, fate)

    def _reshape(self, s: Shipment, fate: str) -> None:
        rng, end = self.rng, self.end
        assert s.first_scan is not None
        scanned = s.first_scan.date()
        s.fate = fate
        if fate == "stalled":
            s.last_scan_day = max(scanned, end - ndays(rng.randint(4, 7)))
            self._deliver(s, None)
        elif fate == "exception_delayed":
            day = min(s.promised + ndays(rng.randint(2, 3)), end)
            s.exception_day = scanned + ndays(1)
            self._deliver(s, max(day, scanned + ndays(2)))
        elif fate == "exception_stuck":
            s.exception_day = s.last_scan_day = max(scanned, end - ndays(2))
            self._deliver(s, None)
        elif fate == "returned":
            s.exception_day = scanned + ndays(2)
            s.returned_day = min(s.exception_day + ndays(rng.randint(3, 5)), end)
            self._deliver(s, None)
        else:  # label_only: a label was bought, the parcel never handed over
            s.valid, s.first_scan = None, None
            self._deliver(s, None)
