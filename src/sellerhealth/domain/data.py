"""One account's records bundled together, and the view of them that was known on a past day."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sellerhealth.domain.contact import received_day
from sellerhealth.domain.records import (
    BuyerMessage,
    Cancellation,
    Chargeback,
    ChargebackStatus,
    Claim,
    ClaimStatus,
    Feedback,
    Order,
    Shipment,
    StatusChange,
    Violation,
    status_on,
)


@dataclass(frozen=True, slots=True)
class SellerData:
    """The record lists of one account and marketplace, as the metrics read them."""

    orders: tuple[Order, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    claims: tuple[Claim, ...] = ()
    chargebacks: tuple[Chargeback, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    cancellations: tuple[Cancellation, ...] = ()
    violations: tuple[Violation, ...] = ()
    messages: tuple[BuyerMessage, ...] = ()

    @classmethod
    def of(
        cls,
        orders: Iterable[Order] = (),
        feedback: Iterable[Feedback] = (),
        claims: Iterable[Claim] = (),
        chargebacks: Iterable[Chargeback] = (),
        shipments: Iterable[Shipment] = (),
        cancellations: Iterable[Cancellation] = (),
        violations: Iterable[Violation] = (),
        messages: Iterable[BuyerMessage] = (),
    ) -> SellerData:
        """Bundle any iterables (lists from the store, generators) as tuples."""
        return cls(
            tuple(orders),
            tuple(feedback),
            tuple(claims),
            tuple(chargebacks),
            tuple(shipments),
            tuple(cancellations),
            tuple(violations),
            tuple(messages),
        )


def _gone_after(day_gone: date | None, day: date) -> date | None:
    return day_gone if day_gone is not None and day_gone <= day else None


def feedback_known_at(feedback: Iterable[Feedback], day: date) -> list[Feedback]:
    """Feedback left on or before `day`; a removal or strike-through after `day` is unknown."""
    return [
        dataclasses.replace(
            f,
            removed_date=_gone_after(f.removed_date, day),
            struck_through_date=_gone_after(f.struck_through_date, day),
        )
        for f in feedback
        if f.feedback_date <= day
    ]


def _status_known_at(
    changes: tuple[StatusChange, ...], opened: date, day: date, initial: str
) -> tuple[str, date, tuple[StatusChange, ...]]:
    """Status, its date and history as known on `day`: only the changes dated by then, or the
    case as opened (`initial`) when there are none."""
    known = tuple(c for c in changes if c.effective_date <= day)
    known = known or (StatusChange(initial, opened),)
    return status_on(known, day, initial), max(c.effective_date for c in known), known


def _cases_known_at(
    cases: Iterable[Claim] | Iterable[Chargeback], day: date, opened_on: str, statuses: type
) -> list[Any]:
    """Cases (claims or chargebacks) opened on or before `day`, each with only the status
    changes dated on or before it."""
    known = []
    for case in cases:
        opened = getattr(case, opened_on)
        if opened <= day:
            status, since, history = _status_known_at(
                case.changes(), opened, day, statuses("pending")
            )
            known.append(
                dataclasses.replace(
                    case, status=statuses(status), status_date=since, history=history
                )
            )
    return known


def claims_known_at(claims: Iterable[Claim], day: date) -> list[Claim]:
    """Claims filed on or before `day`, with only the status changes dated on or before it."""
    return _cases_known_at(claims, day, "claim_date", ClaimStatus)


def chargebacks_known_at(chargebacks: Iterable[Chargeback], day: date) -> list[Chargeback]:
    """Chargebacks filed on or before `day`, with only the status changes dated by then."""
    return _cases_known_at(chargebacks, day, "chargeback_date", ChargebackStatus)


def known_at(data: SellerData, day: date) -> SellerData:
    """What was known on `day`: every event dated after it, and every later status, removed.

    Orders purchased after `day` did not exist; shipments confirmed, cancellations made,
    violations dated and messages received after it did not either. A feedback removed, or a
    claim or chargeback decided, after `day` is shown as it stood on `day`. Later scans and
    deliveries of a known shipment, a violation resolved or a message answered after `day`
    are left as they are: the shipping, compliance and contact rules already read those dates
    as of the day they evaluate.
    """
    return SellerData(
        orders=tuple(o for o in data.orders if o.purchase_date <= day),
        feedback=tuple(feedback_known_at(data.feedback, day)),
        claims=tuple(claims_known_at(data.claims, day)),
        chargebacks=tuple(chargebacks_known_at(data.chargebacks, day)),
        shipments=tuple(s for s in data.shipments if s.ship_confirm_date <= day),
        cancellations=tuple(c for c in data.cancellations if c.cancel_date <= day),
        violations=tuple(v for v in data.violations if v.date <= day),
        messages=tuple(m for m in data.messages if received_day(m) <= day),
    )
