"""The state the sample generator's parts share, and the records they all add to."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sellerhealth.sample.clock import HISTORY_DAYS, ODR_LAG_DAYS, ODR_WINDOW_DAYS, QUIET_DAYS, ndays
from sellerhealth.sample.events import (
    Cancellation,
    Chargeback,
    Claim,
    Feedback,
    Message,
    Order,
    Violation,
)


class World:
    """The generator's state: one seeded random source, and every event drawn so far."""

    def __init__(self, end: date, seed: int) -> None:
        self.end = end
        self.rng = random.Random(seed)
        self.snapshot = datetime.combine(end, time(23, 59, 59), UTC)
        self.first_day = end - ndays(HISTORY_DAYS - 1)
        last = end - ndays(ODR_LAG_DAYS)
        self.window = (last - ndays(ODR_WINDOW_DAYS - 1), last)
        # No MFN background defects on the fortnight before the window: the ODR of the weeks
        # before `end` stays under the line while it climbs towards it.
        self.quiet = (self.window[0] - ndays(QUIET_DAYS), self.window[0] - ndays(1))
        self.orders: list[Order] = []
        self.feedback: list[Feedback] = []
        self.claims: list[Claim] = []
        self.chargebacks: list[Chargeback] = []
        self.cancellations: list[Cancellation] = []
        self.messages: list[Message] = []
        self.violations: list[Violation] = []
        self.planned: dict[str, int] = {}
        self._ids: set[str] = set()

    def in_window(self, day: date) -> bool:
        return self.window[0] <= day <= self.window[1]

    def _unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self._ids:
            pass
        self._ids.add(value)
        return value

    def _cancel(self, order: Order, day: date, initiator: str) -> None:
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
            Cancellation(
                order, order.updated.date(), initiator, self.rng.choice(reasons[initiator])
            )
        )
