"""Builders for the ODR forecast's tests: small hand-made histories and synthetic accounts.

The policy's ODR window as of D is [D-73, D-14]: 60 days with a 14-day lag.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sellerhealth.domain import records as r
from sellerhealth.domain.data import SellerData
from sellerhealth.domain.defect_arrivals import OdrHistory, odr_history_of_records
from sellerhealth.domain.odr import compute_odr

D = date(2026, 6, 30)
AFN, MFN = r.Channel.AFN, r.Channel.MFN


def ago(n: int) -> date:
    return D - timedelta(days=n)


def after(n: int) -> date:
    return D + timedelta(days=n)


def order(order_id: str, purchased: date, channel: r.Channel = MFN) -> r.Order:
    return r.Order("a", order_id, purchased, channel)


def bad_feedback(order_id: str, on: date, **kw) -> r.Feedback:
    return r.Feedback("a", order_id, on, 1, **kw)


def history_of(data: SellerData, as_of: date, policy) -> OdrHistory:
    """The forecast's aggregates of `data` as of `as_of`, counted from its records."""
    return odr_history_of_records(
        data.orders, data.feedback, data.claims, data.chargebacks, as_of, policy
    )


def odr_of(data: SellerData, day: date, policy) -> dict[r.Channel, object]:
    return compute_odr(data.orders, data.feedback, data.claims, data.chargebacks, day, policy)


AS_OF = date(2026, 6, 30)
FIRST = AS_OF - timedelta(days=199)


def regular_history(per_day: int = 100, defective_per_day: int = 2, delay: int = 20) -> SellerData:
    """200 days of `per_day` MFN orders; `defective_per_day` of each day's orders get a 1-star
    feedback exactly `delay` days after purchase. Feedback dated after AS_OF is in the records
    too: the model must not see it."""
    orders, feedback = [], []
    for k in range(200):
        day = FIRST + timedelta(days=k)
        for i in range(per_day):
            orders.append(order(f"{k}-{i}", day))
            if i < defective_per_day:
                feedback.append(bad_feedback(f"{k}-{i}", day + timedelta(days=delay)))
    return SellerData.of(orders=orders, feedback=feedback)


def synthetic_account(seed: int = 11, days: int = 200, per_day: tuple[int, int] = (30, 50)):
    """A stationary account: orders a day uniform in `per_day`, 70% MFN; defects with a known
    delay distribution: negative feedback 3-30 days after purchase, A-to-z claims 10-85 days
    after (a tenth of them denied 10 days later), service chargebacks 30-80 days after; plus
    noise that never counts (3-star feedback, fraud chargebacks)."""
    rng = random.Random(seed)
    first = D - timedelta(days=days - 1)
    orders, feedback, claims, chargebacks = [], [], [], []
    for k in range(days):
        day = first + timedelta(days=k)
        for i in range(rng.randint(*per_day)):
            oid = f"{k}-{i}"
            channel = MFN if rng.random() < 0.7 else AFN
            orders.append(order(oid, day, channel))
            if rng.random() < (0.015 if channel == MFN else 0.008):
                kind = rng.random()
                if kind < 0.6:
                    feedback.append(bad_feedback(oid, day + timedelta(days=rng.randint(3, 30))))
                elif kind < 0.9:
                    filed = day + timedelta(days=min(85, 10 + int(rng.expovariate(1 / 15))))
                    if rng.random() < 0.1:
                        claims.append(
                            r.Claim(
                                "a",
                                oid,
                                filed,
                                r.ClaimStatus.DENIED,
                                status_date=filed + timedelta(days=10),
                            )
                        )
                    else:
                        claims.append(r.Claim("a", oid, filed, r.ClaimStatus.PENDING))
                else:
                    on = day + timedelta(days=rng.randint(30, 80))
                    chargebacks.append(r.Chargeback("a", oid, on, r.ChargebackReason.SERVICE))
            elif rng.random() < 0.01:
                feedback.append(r.Feedback("a", oid, day + timedelta(days=5), 3))
            elif rng.random() < 0.002:
                chargebacks.append(
                    r.Chargeback("a", oid, day + timedelta(days=40), r.ChargebackReason.FRAUD)
                )
    return orders, feedback, claims, chargebacks
