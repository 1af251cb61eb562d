"""Buyer messages and the seller's policy violations."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sellerhealth.sample.catalogue import CATALOGUE
from sellerhealth.sample.clock import ndays, pacific_hours
from sellerhealth.sample.events import Message, Violation
from sellerhealth.sample.world import World


class MessagesAndViolations(World):
    """Buyer messages with the seller's reply times, and three policy violations."""

    def make_messages(self) -> None:
        rng = self.rng
        day = self.first_day
        while day <= self.end:
            for n in range(rng.choices(range(5), weights=(14, 25, 28, 20, 13))[0]):
                received = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), UTC)
                weekend = (received + timedelta(hours=pacific_hours(received))).weekday() >= 5
                draw = rng.random()
                if draw < 0.01:
                    responded = None
                elif draw < (0.14 if weekend else 0.03):
                    responded = received + timedelta(minutes=rng.randint(25 * 60, 70 * 60))
                else:
                    responded = received + timedelta(minutes=int(5 + rng.random() ** 2 * 1200))
                if responded and responded > self.snapshot:
                    responded = None
                self.messages.append(Message(f"msg-{day:%Y%m%d}-{n + 1:02d}", received, responded))
            day += ndays(1)

    def make_violations(self) -> None:
        """Three policy violations in 180 days; the IP complaint was retracted (resolved)."""
        asin = {p.sku: p.asin for p in CATALOGUE}
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
            status_day = None if resolved_ago is None else self.end - ndays(resolved_ago)
            self.violations.append(
                Violation(
                    violation_id,
                    self.end - ndays(ago),
                    category,
                    severity,
                    asin[sku],
                    "open" if status_day is None else "resolved",
                    status_day,
                )
            )
