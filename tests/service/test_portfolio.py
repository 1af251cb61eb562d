"""Every account on one day, from one engine pass: hand-computed figures per account."""

from __future__ import annotations

from datetime import date, timedelta

from sellerhealth.domain import records as r
from sellerhealth.service.portfolio import portfolio
from sellerhealth.store.store import Store

AS_OF = date(2026, 3, 31)
PURCHASED = AS_OF - timedelta(days=30)  # inside the ODR window [D-73, D-14]


def orders(account: str, n: int) -> list[r.Order]:
    return [r.Order(account, f"{account}-{i}", PURCHASED, r.Channel.MFN) for i in range(n)]


def negative(account: str, n: int) -> list[r.Feedback]:
    day = PURCHASED + timedelta(days=3)
    return [r.Feedback(account, f"{account}-{i}", day, 1) for i in range(n)]


def fill(store: Store) -> None:
    store.import_records(
        orders("a", 100) + negative("a", 2)  # 2 / 100 = 2%: BAD
        + orders("b", 100)  # 0 / 100: GOOD
        + orders("c", 1000) + negative("c", 7)  # 0.7%: GOOD for most, BAD for Business (0.5%)
    )  # fmt: skip
    store.set_account(r.AccountSettings("c", program="business"))
    store.set_account(r.AccountSettings("d"))  # settings, no data yet


def test_every_account_is_judged_in_one_pass_failing_ones_first():
    with Store.open(":memory:") as store:
        fill(store)
        lines = portfolio(store, AS_OF)

    assert [(line.account, line.status, line.odr_orders) for line in lines] == [
        ("a", "BAD", 100),
        ("c", "BAD", 1000),
        ("b", "GOOD", 100),
        ("d", "NONE", 0),  # nothing to judge: not shown as GOOD
    ]
    a, c = lines[0], lines[1]
    assert [(f.metric, f.scope, f.numerator, f.denominator) for f in a.failing] == [
        ("orderDefectRate", "mfn", 2, 100)
    ]
    assert a.failing[0].rate == 0.02
    assert c.program == "business"
    assert [(f.metric, f.rate, f.target) for f in c.failing] == [("orderDefectRate", 0.007, 0.005)]
