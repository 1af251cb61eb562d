"""The counters kept in the store: after any sequence of imports they equal a full recount, and
the figures read from them equal the engine's over the records and the plain rules."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests import odr_cases
from tests.engine.strategies import seller_data

from sellerhealth.domain import records as r
from sellerhealth.engine import dense, kept
from sellerhealth.engine.series import health_series
from sellerhealth.engine.session import engine_for
from sellerhealth.policy_files import load_policy, policy_path
from sellerhealth.service import counters
from sellerhealth.service.metrics import health_by_day
from sellerhealth.store import counters as c
from sellerhealth.store.store import Store

FIRST, LAST = date(2026, 2, 1), date(2026, 3, 20)
POLICY = load_policy()


def shorter_odr_policy(folder: Path) -> Path:
    """The default policy with a 30-day ODR window and a 7-day lag."""
    text = policy_path("amazon-us-2026").read_text()
    text = text.replace("[odr.window_days]\nvalue = 60", "[odr.window_days]\nvalue = 30")
    text = text.replace("[odr.lag_days]\nvalue = 14", "[odr.lag_days]\nvalue = 7")
    path = folder / "short-odr.toml"
    path.write_text(text)
    return path


_SHORT = shorter_odr_policy(Path(tempfile.mkdtemp(prefix="sellerhealth-policy-")))


def assert_kept_equal_recount(store: Store, account: str = "a") -> None:
    assert counters.verify(store, [account]) == []


def assert_figures_equal_engine(store: Store, account: str = "a") -> None:
    """Figures from the kept counters = the engine over the records (held equal to the plain
    rules by the engine's own property tests) = the plain ODR rule, on every day."""
    settings_ = store.account(account)
    policy = load_policy(settings_.policy)
    _, from_kept = health_by_day(store, account, FIRST, LAST)
    engine = health_series(engine_for(store, account), FIRST, LAST, policy, accounts=[account])
    assert from_kept == {(market, day): h for (_, market, day), h in engine.items()}
    records = [
        *store.records(r.Order, account),
        *store.records(r.Feedback, account),
        *store.records(r.Claim, account),
        *store.records(r.Chargeback, account),
    ]
    for (market, day), health in from_kept.items():
        mine = [x for x in records if not isinstance(x, r.Order) or x.marketplace_id == market]
        plain = odr_cases.plain(mine, day, policy)
        assert {ch: (m.order_count, m.defective_orders) for ch, m in health.odr.items()} == {
            ch: (m.order_count, m.defective_orders) for ch, m in plain.items()
        }, day


@st.composite
def with_report(draw):
    """A batch of seller data, sometimes delivered as an Amazon feedback report (whose missing
    feedback becomes removed, SPEC section 3)."""
    batch = draw(seller_data())
    if not draw(st.booleans()):
        return batch
    listed = [x for x in batch if isinstance(x, r.Feedback)]
    start = draw(st.integers(0, 40))
    report = r.FeedbackReport(
        "a",
        date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 20))),
        date(2026, 1, 1) + timedelta(days=start),
        date(2026, 1, 1) + timedelta(days=start + draw(st.integers(0, 40))),
        frozenset(f.order_id for f in listed),
    )
    return [*batch, report]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(with_report(), min_size=1, max_size=4), st.booleans())
def test_after_any_imports_kept_counters_equal_a_recount(batches, change_policy):
    with Store.open(":memory:") as store:
        for batch in batches:
            store.import_records(batch)  # re-imports, newer rows, later removals, late events
            assert_kept_equal_recount(store)
        store.import_records(batches[0])  # the first file again: changes nothing
        assert_kept_equal_recount(store)
        if change_policy:
            store.set_account(r.AccountSettings("a", policy=str(_SHORT)))
            assert c.counter_set(store.backend, "a").policy == str(_SHORT)
            assert_kept_equal_recount(store)
        assert_figures_equal_engine(store)


def test_a_newer_row_moves_the_counters_by_exactly_its_difference():
    """10 MFN orders of 2026-02-01; a 1-star feedback on o3 from 02-20 counts from 02-20 (the
    ODR window of 02-20 is 12-09 .. 02-06, so it holds all 10 orders: 1/10); re-imported as 5
    stars on 02-25 it no longer counts at all (a feedback row is replaced, not added)."""
    base = [r.Order("a", f"o{i}", date(2026, 2, 1), r.Channel.MFN) for i in range(10)]
    with Store.open(":memory:") as store:
        store.import_records(base)
        store.import_records([r.Feedback("a", "o3", date(2026, 2, 20), 1)])
        _, by_day = health_by_day(store, "a", date(2026, 2, 19), date(2026, 2, 21))
        rates = [
            by_day[(r.DEFAULT_MARKETPLACE, d)].odr[r.Channel.MFN]
            for d in sorted({d for _, d in by_day})
        ]
        assert [(m.defective_orders, m.order_count) for m in rates] == [(0, 10), (1, 10), (1, 10)]
        store.import_records([r.Feedback("a", "o3", date(2026, 2, 25), 5)])
        _, by_day = health_by_day(store, "a", date(2026, 2, 20), date(2026, 2, 26))
        assert {h.odr[r.Channel.MFN].defective_orders for h in by_day.values()} == {0}
        assert_kept_equal_recount(store)


def test_two_accounts_on_different_policies_are_both_right():
    """The same orders and feedback in two accounts: under the 60/14-day ODR window the order
    of 01-05 is in the window of 03-01 (12-18 .. 02-15), under the 30/7-day one it is not
    (01-24 .. 02-22)."""
    data = [
        r.Order("x", "o1", date(2026, 1, 5), r.Channel.AFN),
        r.Feedback("x", "o1", date(2026, 1, 9), 1),
    ]
    with Store.open(":memory:") as store:
        store.set_account(r.AccountSettings("short", policy=str(_SHORT)))
        for account in ("long", "short"):
            store.import_records([_as(record, account) for record in data])
        day = date(2026, 3, 1)
        _, long_ = health_by_day(store, "long", day, day)
        _, short = health_by_day(store, "short", day, day)
        assert long_[(r.DEFAULT_MARKETPLACE, day)].odr[r.Channel.AFN].defective_orders == 1
        assert short[(r.DEFAULT_MARKETPLACE, day)].odr[r.Channel.AFN].order_count == 0
        assert counters.verify(store, ["long", "short"]) == []


def _as(record, account):
    return dataclasses.replace(record, account=account)


def test_stale_counters_are_said_and_rebuilt(tmp_path):
    """A policy file edited after counting: verify names it, the figures are still right
    (counted from the records), and rebuild makes the counters current again."""
    policy = shorter_odr_policy(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        store.set_account(r.AccountSettings("a", policy=str(policy)))
        store.import_records([r.Order("a", "o1", date(2026, 2, 1), r.Channel.MFN)])
        policy.write_text(policy.read_text().replace("value = 30", "value = 45", 1))
        store.forget_cached()
        assert kept.kept_series(store, "a") is None
        [difference] = counters.verify(store, ["a"])
        assert "run sellerhealth rebuild" in difference.detail
        assert counters.rebuild(store, ["a"]) == 1
        assert counters.verify(store, ["a"]) == []


def test_series_arithmetic_by_hand():
    """+2 on day 10, +1 on day 12, -3 on day 15: values 2, 2, 3, 3, 3, then 0 for ever."""
    series = dense.from_deltas(np.array([10, 12, 15]), np.array([2, 1, -3]))
    assert series is not None
    assert (series.first, series.values.tolist()) == (10, [2, 2, 3, 3, 3, 0])
    assert [series.at(d) for d in (9, 10, 14, 15, 10_000)] == [0, 2, 3, 0, 0]
    cancelled = series.plus(np.array([10, 12, 15]), np.array([-2, -1, 3]))
    assert cancelled is None


@pytest.mark.parametrize("far", [date(2999, 12, 31), date(2400, 1, 1)])
def test_a_far_off_day_is_a_lookup(far):
    base = [r.Order("a", f"o{i}", date(2026, 2, 1), r.Channel.MFN) for i in range(3)]
    with Store.open(":memory:") as store:
        store.import_records(base)
        _, by_day = health_by_day(store, "a", far, far)
        assert by_day[(r.DEFAULT_MARKETPLACE, far)].odr[r.Channel.MFN].order_count == 0
