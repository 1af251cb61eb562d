"""Builders for the account-state tests (SPEC section 5): snapshots, day facts and records for
hand-computed cases of the transition table in policies/amazon-us-2026.toml."""

from __future__ import annotations

from datetime import date, timedelta

from sellerhealth.domain import records as r
from sellerhealth.domain.compliance import policy_compliance
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.state_facts import DayFacts
from sellerhealth.domain.states import AccountState, ReviewKind, StateSnapshot

S = AccountState
K = ReviewKind
MFN = r.Channel.MFN
IP = "receivedIntellectualPropertyComplaints"


def plus(day: date, n: int) -> date:
    return day + timedelta(days=n)


def days(first: date, last: date) -> list[date]:
    return [plus(first, n) for n in range((last - first).days + 1)]


def healthy(since: date) -> StateSnapshot:
    return StateSnapshot(S.HEALTHY, K.NONE, since)


def odr_facts(day: date, orders, feedback, policy) -> DayFacts:
    return DayFacts(day=day, odr=compute_odr(orders, feedback, [], [], day, policy))


def violation(vid: str, on: date, category: str = IP, **kw) -> r.Violation:
    return r.Violation("a", vid, on, category, **kw)


def compliance_facts(day: date, violations, policy) -> DayFacts:
    return DayFacts(day=day, compliance=policy_compliance(violations, day, policy))


D = date(2026, 6, 30)  # ODR window [2026-04-18, 2026-06-16]
IN_WINDOW = date(2026, 5, 1)


def mfn_orders(n: int, on: date, prefix: str) -> list[r.Order]:
    return [r.Order("a", f"{prefix}{i}", on, MFN) for i in range(n)]
