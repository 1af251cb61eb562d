"""Forecasts and what-if for one account, on hand-made files and on the demo data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests import state_cases as cases

from sellerhealth.domain import records as r
from sellerhealth.domain.defect_arrivals import odr_history_of_records
from sellerhealth.domain.states import AccountState, ReviewKind
from sellerhealth.errors import InputError, UsageError
from sellerhealth.service.forecast_views import backtest_dict, forecast_summary
from sellerhealth.service.forecasts import (
    _data,
    choose_marketplace,
    forecast_backtest,
    odr_forecast,
    stored_history,
)
from sellerhealth.service.whatif import WhatIfRequest, simulate

APRIL_20 = cases.FEEDBACK_DAY


def _headroom(view, metric: str, scope: str):
    return next(h.headroom for h in view.headroom if (h.metric, h.scope) == (metric, scope))


# --- Forecast on the hand-made case ----------------------------------------------------------


def test_headroom_age_out_and_warning_when_one_defect_makes_the_odr_bad(breach):
    view = odr_forecast(breach, cases.ACCOUNT, APRIL_20)
    mfn = _headroom(view, "orderDefectRate", "MFN")
    # 1 defect in 38 orders: 1 / (38 + m) < 1% needs m > 62 clean orders; or the defect gone.
    assert (mfn.numerator, mfn.denominator, str(mfn.status)) == (1, 38, "BAD")
    assert mfn.clean_orders_to_recover == 63
    assert mfn.defects_to_remove_to_recover == 1
    assert mfn.extra_defects_before_bad == 0
    # No cancellation in the 7 days: 0 of 7 orders; 1 of 7 would be 14%: no room either.
    cancel = _headroom(view, "preFulfillmentCancellationRate", "")
    assert (cancel.numerator, cancel.denominator, cancel.extra_defects_before_bad) == (0, 7, 0)
    channel = view.channels["mfn"]
    (aged,) = channel.age_out
    assert (aged.order_id, aged.kinds, aged.leaves_window_on) == (
        "bad-1",
        ("negative_feedback",),
        cases.AGES_OUT,
    )
    # BAD now; at 1 clean order a day the window never holds 100, so only age-out helps.
    assert (channel.projected_bad_from, channel.back_on_target) == (APRIL_20, cases.AGES_OUT)
    # No order is old enough to learn late defects from: the forecast is the known defect.
    warning = view.warnings["mfn"]
    assert warning is not None
    assert (warning.day, warning.probability) == (APRIL_20 + timedelta(days=1), 1.0)
    assert view.warnings["afn"] is None  # no AFN order at all
    summary = forecast_summary(view)
    assert summary["channels"]["mfn"]["breachWarning"]["day"] == "2026-04-21"
    assert set(summary["channels"]["mfn"]["expected"]) == {"7", "14", "30"}


def test_no_defect_yet_no_warning_and_no_room(breach):
    view = odr_forecast(breach, cases.ACCOUNT, APRIL_20 - timedelta(days=1))
    mfn = _headroom(view, "orderDefectRate", "MFN")
    # 0 of 37: a single defect would be 2.7%, so not one more defect fits.
    assert (mfn.numerator, mfn.denominator, str(mfn.status)) == (0, 37, "GOOD")
    assert mfn.extra_defects_before_bad == 0
    assert view.warnings == {"afn": None, "mfn": None}
    assert view.channels["mfn"].age_out == ()
    assert len(view.channels["mfn"].days) == 30
    assert view.to_dict()["channels"]["mfn"]["breachWarning"] is None


def test_backtest_without_enough_history_has_no_cases(breach):
    result = forecast_backtest(breach, cases.ACCOUNT, date(2026, 6, 1))
    assert (result.cases, result.coverage) == (0, None)


def test_forecast_days_must_be_positive(breach):
    with pytest.raises(UsageError, match="--days"):
        odr_forecast(breach, cases.ACCOUNT, APRIL_20, days=0)


# --- Forecast on the demo data ---------------------------------------------------------------


def test_demo_forecast_and_backtest(demo):
    store, as_of = demo
    view = odr_forecast(store, "demo-seller", as_of)
    assert set(view.warnings) == {"afn", "mfn"}
    for channel in view.channels.values():
        assert [f.day for f in channel.days] == [as_of + timedelta(days=k) for k in range(1, 31)]
        assert all(f.low <= f.high for f in channel.days)
    names = {(h.metric, h.scope) for h in view.headroom}
    assert {("orderDefectRate", "AFN"), ("orderDefectRate", "MFN")} <= names
    assert {("lateShipmentRate", "10d"), ("unitOnTimeDeliveryRate", "")} <= names
    result = forecast_backtest(store, "demo-seller", as_of)
    assert result.cases > 0
    assert result.coverage is not None and 0.5 <= result.coverage <= 1.0
    document = backtest_dict(result)
    assert document["covered"] / document["cases"] == pytest.approx(document["coverage"])
    assert set(document["perHorizon"]) == {"7", "14", "30"}


def test_the_banner_and_the_table_agree_and_back_on_target_is_for_a_channel_off_target(demo):
    """Issue 11: the banner and the table named different first breach days, and "back on
    target" was given for a channel that was never off target."""
    store, as_of = demo
    view = odr_forecast(store, "demo-seller", as_of)
    summary = forecast_summary(view)
    for name, channel in view.channels.items():
        likely = [f.day for f in channel.days if f.p_breach >= 0.5]
        warning = summary["channels"][name]["breachWarning"]
        assert (warning["day"] if warning else None) == (likely[0].isoformat() if likely else None)
        if channel.projected_bad_from is None:
            assert summary["channels"][name]["backOnTarget"] is None
            assert view.to_dict()["channels"][name]["backOnTarget"] is None
        for f in channel.days:  # the interval holds the expected figure
            assert f.low_defects <= f.expected_defects <= f.high_defects


def test_the_stored_aggregates_are_the_plain_ones_from_every_record(demo, policy):
    """Issue 9: the forecast reads counts per day and the defective orders by two indexed
    queries; they equal the aggregates counted from every record, today and on past days
    (what was known then: defects filed later, and later removals or decisions, unknown)."""
    store, as_of = demo
    market = choose_marketplace(store, "demo-seller", None)
    for day in (as_of, as_of - timedelta(days=40), as_of - timedelta(days=150)):
        data = _data(store, "demo-seller", market, day)
        plain = odr_history_of_records(
            data.orders, data.feedback, data.claims, data.chargebacks, day, policy
        )
        stored = stored_history(store, "demo-seller", market, day, policy)
        assert stored == plain
        assert stored.defective


# --- What-if ---------------------------------------------------------------------------------


def _odr(view, day: date, channel: str):
    return next(
        c
        for c in view.comparisons
        if (c.day, c.metric, c.scope) == (day, "orderDefectRate", channel)
    )


def test_removing_the_feedback_clears_the_breach_and_the_review(breach):
    request = WhatIfRequest(remove_feedback=("bad-1",))
    view = simulate(breach, cases.ACCOUNT, APRIL_20, request, days=1)
    odr = _odr(view, APRIL_20, "MFN")
    assert (odr.before_numerator, odr.before_denominator) == (1, 38)
    assert (odr.after_numerator, odr.after_denominator) == (0, 38)
    before, after = view.states_before[APRIL_20], view.states_after[APRIL_20]
    assert (before.state, before.kind) == (AccountState.UNDER_REVIEW, ReviewKind.RISK)
    assert after.state is AccountState.HEALTHY
    assert view.changes == ["feedback on order bad-1 removed on 2026-04-20"]


def test_a_shipment_turned_claim_counts_when_its_order_enters_the_window(breach):
    # c-0410 (purchased 04-10) enters the window [D-73, D-14] on 04-24.
    request = WhatIfRequest(claims_from=("c-0410",))
    view = simulate(breach, cases.ACCOUNT, APRIL_20, request, days=5)
    changed = [(c.day, c.after_numerator - c.before_numerator) for c in view.comparisons]
    assert [day for day, delta in changed if delta] == [date(2026, 4, 24)]
    odr = _odr(view, date(2026, 4, 24), "MFN")
    # [02-10, 04-10]: bad-1 and 41 clean orders; the claim makes it 2 of 42.
    assert (odr.before_numerator, odr.after_numerator, odr.after_denominator) == (1, 2, 42)
    assert view.assumed_daily_orders == {"AFN": 0, "MFN": 1}


def test_forty_more_orders_a_day_dilute_the_breach_away(breach):
    request = WhatIfRequest(extra_orders=40, channel=r.Channel.MFN, on=cases.FIRST)
    view = simulate(breach, cases.ACCOUNT, APRIL_20, request, days=1)
    odr = _odr(view, APRIL_20, "MFN")
    # 03-01 .. 04-06 is 37 days: 37 * 40 = 1480 more clean orders in the window.
    assert (odr.after_numerator, odr.after_denominator) == (1, 38 + 1480)
    assert str(odr.after_status) == "GOOD"
    assert view.states_after[APRIL_20].state is AccountState.HEALTHY


def test_what_if_errors_say_what_is_wrong(breach):
    with pytest.raises(InputError, match="no feedback on order nope"):
        simulate(breach, cases.ACCOUNT, APRIL_20, WhatIfRequest(remove_feedback=("nope",)))
    with pytest.raises(UsageError, match="nothing to change"):
        simulate(breach, cases.ACCOUNT, APRIL_20, WhatIfRequest())


def test_a_sku_moved_to_fba_takes_its_defects_along(breach):
    # Without --on, every order of the SKU moves: bad-1 and its 1-star feedback become AFN's.
    view = simulate(breach, cases.ACCOUNT, APRIL_20, WhatIfRequest(sku_to_fba=("SKU-B",)), days=1)
    mfn, afn = _odr(view, APRIL_20, "MFN"), _odr(view, APRIL_20, "AFN")
    assert (mfn.before_numerator, mfn.before_denominator) == (1, 38)
    assert (mfn.after_numerator, mfn.after_denominator) == (0, 37)
    assert (afn.before_denominator, afn.after_numerator, afn.after_denominator) == (0, 1, 1)
    assert str(afn.after_status) == "BAD"
    # The breach moved, it did not go: still a risk review.
    assert view.states_after[APRIL_20].kind is ReviewKind.RISK
    assert view.changes == ["SKU SKU-B moves to FBA from 2026-03-01"]
