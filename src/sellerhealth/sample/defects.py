"""Defects: feedback, A-to-z claims and chargebacks, placed by plan or at background rates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from sellerhealth.sample.catalogue import CLAIM_REASONS, COMMENTS, RESPONSES
from sellerhealth.sample.clock import FEEDBACK_1_LAG_DAYS, ODR_LAG_DAYS, ndays
from sellerhealth.sample.events import Chargeback, Claim, Feedback, Order
from sellerhealth.sample.plan import (
    AFN_ODR_AIM,
    AFN_PLAN,
    BACKGROUND,
    CHARGEBACK_LAG,
    CLAIM_LAG,
    FEEDBACK_KINDS,
    FEEDBACK_LAG,
    MFN_PLAN,
    NOT_COUNTED,
    mfn_defects,
    take,
)
from sellerhealth.sample.world import World


class Defects(World):
    """The events that make an order defective, or look as if they did."""

    def place_defects(self) -> None:
        counts = Counter(o.channel for o in self.orders if self.in_window(o.day))
        plans = {
            "MFN": take(MFN_PLAN, mfn_defects(counts["MFN"])),
            "AFN": take(AFN_PLAN, max(1, round(AFN_ODR_AIM * counts["AFN"]))),
        }
        for channel, plan in plans.items():
            self.planned[channel] = len(plan)
            for action, detail, fresh in plan:
                self._planned(channel, action, detail, fresh)
        for channel, action, detail in NOT_COUNTED:
            self._not_counted(channel, action, detail)
        self._recent_and_removed()
        self._background()

    def _pick(
        self,
        channel: str,
        first: date,
        last: date,
        want: Callable[[Order], bool] = lambda o: True,
    ) -> Order:
        free = [
            o
            for o in self.orders
            if o.channel == channel and first <= o.day <= last and o.status == "Shipped"
            if not o.used
        ]
        order = self.rng.choice([o for o in free if want(o)] or free)
        order.used = True
        return order

    def _event_day(self, order: Order, lags: tuple[int, int], fresh: bool, room: int = 0) -> date:
        """A day `lags` after the order, on or before end - room; after end-14 when fresh."""
        last = min(order.day + ndays(lags[1]), self.end - ndays(room))
        first = order.day + ndays(lags[0])
        if fresh:
            first = max(first, self.end - ndays(ODR_LAG_DAYS - 1))
        return first + ndays(self.rng.randint(0, max(0, (last - first).days)))

    def _window_order(
        self,
        channel: str,
        lags: tuple[int, int],
        fresh: bool,
        room: int = 0,
        want: Callable[[Order], bool] = lambda o: True,
    ) -> Order:
        """An order in the window whose event can be dated as asked."""
        first, last = self.window
        last = min(last, self.end - ndays(lags[0] + room))
        if fresh:
            first = max(first, self.end - ndays(ODR_LAG_DAYS - 1 + lags[1]))
        return self._pick(channel, first, last, want)

    def _planned(self, channel: str, action: str, detail: str, fresh: bool) -> None:
        if action == "claim" and detail == "order_cancelled":
            self._cancelled_claim(channel)
            return
        if action == "claim":
            room = 0 if detail == "pending" else 10
            order = self._window_order(channel, CLAIM_LAG, fresh, room)
            self._claim(order, self._event_day(order, CLAIM_LAG, fresh, room), detail)
            return
        if action == "chargeback":
            room = 0 if detail == "pending" else 30
            order = self._window_order(channel, CHARGEBACK_LAG, fresh, room)
            day = self._event_day(order, CHARGEBACK_LAG, fresh, room)
            self._chargeback(order, day, "service", detail)
            return
        lags, room = {
            "feedback+claim": (CLAIM_LAG, 10),
            "feedback+chargeback": (CHARGEBACK_LAG, 30),
        }.get(action, (FEEDBACK_LAG, 0))
        order = self._window_order(channel, lags, fresh, room, _wants(detail))
        self._feedback(order, self._event_day(order, FEEDBACK_LAG, fresh), detail)
        if action == "feedback+claim":
            self._claim(order, self._event_day(order, CLAIM_LAG, False, 10), "granted", "damaged")
        elif action == "feedback+chargeback":
            day = self._event_day(order, CHARGEBACK_LAG, False, 30)
            self._chargeback(order, day, "service", "seller_lost")

    def _cancelled_claim(self, channel: str) -> None:
        """Never shipped, the buyer claimed, then the seller cancelled: the claim still counts."""
        order = self._pick(channel, self.window[0], self.end - ndays(30))
        claim_day = order.day + ndays(self.rng.randint(10, 14))
        order.shipment = None
        self._cancel(order, claim_day + ndays(2), "seller")
        order.status = "Cancelled"
        self.cancellations[-1].reason = "Unable to ship - item damaged in warehouse"
        self.claims.append(
            Claim(order, claim_day, "order_cancelled", claim_day + ndays(2), "Item not received")
        )

    def _not_counted(self, channel: str, action: str, detail: str) -> None:
        if action == "neutral":
            order = self._window_order(channel, FEEDBACK_LAG, False)
            self._feedback(order, self._event_day(order, FEEDBACK_LAG, False), "neutral", 3)
        elif action == "removed":  # listed in feedback-1 only: Amazon struck it through
            cutoff = FEEDBACK_1_LAG_DAYS + FEEDBACK_LAG[1] // 2
            order = self._pick(channel, self.window[0], self.end - ndays(cutoff))
            day = self._event_day(order, FEEDBACK_LAG, False, FEEDBACK_1_LAG_DAYS)
            self._feedback(order, day, detail, removed=True)
        elif action == "claim":
            want = _on_time_delivered if detail == "protected" else (lambda o: True)
            order = self._window_order(channel, CLAIM_LAG, False, 40, want=want)
            self._claim(order, self._event_day(order, CLAIM_LAG, False, 40), detail)
        else:
            reason = "fraud" if detail == "fraud" else "service"
            status = "seller_lost" if detail == "fraud" else detail
            order = self._window_order(channel, CHARGEBACK_LAG, False, 30)
            day = self._event_day(order, CHARGEBACK_LAG, False, 30)
            self._chargeback(order, day, reason, status)

    def _recent_and_removed(self) -> None:
        """Defects on orders that enter the window in the next 14 days; one older removal."""
        end = self.end
        recent = end - ndays(ODR_LAG_DAYS - 1)
        order = self._pick("MFN", recent, end - ndays(3), want=lambda o: o.delivered_late)
        self._feedback(order, end, "late_mfn")  # feedback-2's newest line: its report date
        order = self._pick("MFN", recent, end - ndays(3))
        self._feedback(order, self._event_day(order, FEEDBACK_LAG, False), "seller_service")
        order = self._pick("MFN", recent, end - ndays(10), want=_parcel_in_trouble)
        self._claim(order, self._event_day(order, CLAIM_LAG, False), "pending")
        order = self._pick("AFN", recent, end - ndays(3))
        self._feedback(order, self._event_day(order, FEEDBACK_LAG, False), "fba_delivery")
        order = self._pick("MFN", end - ndays(150), end - ndays(90))
        day = self._event_day(order, FEEDBACK_LAG, False)
        self._feedback(order, day, "product", removed=True)

    def _background(self) -> None:
        rng = self.rng
        for order in self.orders:
            if order.status != "Shipped" or order.used or self.in_window(order.day):
                continue
            if order.channel == "MFN" and self.quiet[0] <= order.day <= self.quiet[1]:
                continue
            negative, neutral, claim, chargeback = BACKGROUND[order.channel]
            draw = rng.random()
            if draw < negative:
                choices = FEEDBACK_KINDS[order.channel]
                kind = rng.choices([k for k, _ in choices], weights=[w for _, w in choices])[0]
                kind = "late_mfn" if order.delivered_late and rng.random() < 0.7 else kind
                if day := self._later(order, FEEDBACK_LAG):
                    self._feedback(order, day, kind)
            elif draw < negative + neutral:
                if day := self._later(order, FEEDBACK_LAG):
                    self._feedback(order, day, "neutral", 3)
            elif draw < negative + neutral + claim:
                statuses = ("granted", "refunded", "denied", "withdrawn", "reversed")
                status = rng.choices(statuses, weights=(3, 2, 2, 2, 1))[0]
                if day := self._later(order, CLAIM_LAG):
                    self._claim(order, day, status)
            elif draw < negative + neutral + claim + chargeback:
                reason = "fraud" if rng.random() < 0.3 else "service"
                status = "seller_won" if rng.random() < 0.35 else "seller_lost"
                if day := self._later(order, CHARGEBACK_LAG):
                    self._chargeback(order, day, reason, status)

    def _later(self, order: Order, lags: tuple[int, int]) -> date | None:
        """The day an event follows the order, or None while that day is still to come."""
        day = order.day + ndays(self.rng.randint(*lags))
        return day if day <= self.end else None

    def _feedback(
        self, order: Order, day: date, kind: str, rating: int = 0, removed: bool = False
    ) -> None:
        rng = self.rng
        item = order.items[0][0].noun
        comment = rng.choice(COMMENTS[kind]).format(item=item)
        response = rng.choice(RESPONSES) if rating != 3 and rng.random() < 0.15 else ""
        rater = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=15))
        rating = rating or rng.choices((1, 2), weights=(6, 4))[0]
        order.used = True
        self.feedback.append(
            Feedback(order, day, rating, kind, comment, response, f"{rater}@marketplace.amazon.com")
        )
        self.feedback[-1].removed = removed

    def _claim(self, order: Order, day: date, status: str, reason: str = "") -> None:
        """A claim filed on `day`; decided some days later, or still pending if that is future."""
        rng = self.rng
        protected = status == "protected"  # granted, but a delivery claim on a Buy Shipping label
        status, reason = ("granted", "not_received") if protected else (status, reason)
        default_reason = {
            "refunded": "not_as_described",
            "reversed": "not_as_described",
            "granted": rng.choice(("damaged", "not_as_described")),
        }.get(status, "not_received")
        reason = CLAIM_REASONS[reason or default_reason]
        lag = {"granted": (3, 14), "reversed": (15, 40), "pending": (0, 0)}.get(status, (2, 10))
        status_day = day + ndays(rng.randint(*lag)) if status != "pending" else None
        if status_day and status_day > self.end:
            status, status_day = "pending", None
        order.used = True
        self.claims.append(Claim(order, day, status, status_day, reason, protected))

    def _chargeback(self, order: Order, day: date, reason: str, status: str) -> None:
        status_day = None if status == "pending" else day + ndays(self.rng.randint(10, 30))
        if status_day and status_day > self.end:
            status, status_day = "pending", None
        order.used = True
        self.chargebacks.append(Chargeback(order, day, reason, status, status_day))


def _wants(kind: str) -> Callable[[Order], bool]:
    if kind == "late_mfn":
        return lambda o: o.shipped_late or o.delivered_late
    if kind in ("seller_service", "personal_info", "mixed"):
        return lambda o: not (o.shipped_late or o.delivered_late)
    return lambda o: True


def _on_time_delivered(order: Order) -> bool:
    s = order.shipment
    return bool(s and s.delivered and not order.shipped_late and s.fate == "normal")


def _parcel_in_trouble(order: Order) -> bool:
    return bool(
        order.shipment and order.shipment.fate in ("stalled", "exception_stuck", "returned")
    )
