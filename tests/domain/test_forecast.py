"""ODR forecasts (amazon-policy.md 1.6, 1.10): the late-defect model, the forecast and the
breach warning, each on a case small or regular enough to work out by hand."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.forecast_cases import (
    AFN,
    AS_OF,
    FIRST,
    MFN,
    D,
    after,
    ago,
    bad_feedback,
    history_of,
    order,
    regular_history,
)

from sellerhealth.domain import records as r
from sellerhealth.domain.data import SellerData, known_at
from sellerhealth.domain.defect_arrivals import (
    first_counted_days,
)
from sellerhealth.domain.forecast import (
    ForecastDay,
    breach_warning,
    forecast_odr,
    late_defect_chance,
)
from sellerhealth.domain.late_defects import fit_delay_model


def _forecast(data: SellerData, policy, as_of: date = AS_OF, **kw) -> list[ForecastDay]:
    history = history_of(data, as_of, policy)
    return forecast_odr(fit_delay_model(history, policy), history, policy, **kw)


def test_model_of_two_percent_twenty_days_later(policy):
    data = regular_history()
    model = fit_delay_model(history_of(data, AS_OF, policy), policy)
    mfn = model.channels[MFN]
    assert model.maturity_days == 60  # p95 of the delays is 20: the 60-day minimum applies
    # Mature orders: purchased 60+ days before AS_OF: 140 days x 100, 2% defective.
    assert (mfn.mature_orders, mfn.mature_defective) == (14_000, 280)
    assert mfn.p_ultimate == pytest.approx(0.02)
    assert mfn.probability_by(19) == 0 and mfn.probability_by(20) == pytest.approx(0.02)
    assert mfn.probability_by(500) == pytest.approx(0.02)
    assert mfn.delay_counts == (0,) * 20 + (280,) and not mfn.pooled_delays
    assert model.channels[AFN].mature_orders == 0


def test_forecast_equals_the_hand_figure(policy):
    """Window on D' = [D'-73, D'-14]: 6000 orders. Its orders aged 14-19 days on D' have no
    defect yet, the other 54 days' worth have 2 each: 108 expected, 1.8%, every day.

    Day 1 (D' = AS_OF+1): known defects on orders purchased AS_OF-72 .. AS_OF-20: 53 days x 2
    = 106. The 100 orders of AS_OF-19 turn 20 on D': each defective with p = 2%, so mean 2,
    variance 100 x 0.02 x 0.98 = 1.96, plus what p's estimate owes: every delay is 20, so
    only p is uncertain: 100^2 x Var(p), Var(p) = p~(1 - p~)/14000 with p~ = 280.5/14001.
    80% interval in whole orders, continuity corrected:
    [ceil(107.5 - 1.2816 sd), ceil(107.5 + 1.2816 sd)] = [106, 110] (sd = 1.405).

    Day 30 (D' = AS_OF+30): window [AS_OF-43, AS_OF+16]; 24 days x 2 = 48 known; the 2000
    orders of AS_OF-19 .. AS_OF all pass 20 days: 40 expected; future orders (100 a day)
    purchased by AS_OF+10 too: 1000 x 2% = 20. Variance 3000 x 0.0196 = 58.8 + 3000^2 Var(p).
    """
    forecast = [f for f in _forecast(regular_history(), policy) if f.channel == MFN]
    assert [f.day for f in forecast] == [AS_OF + timedelta(days=k) for k in range(1, 31)]
    assert all(f.order_count == 6000 for f in forecast)
    assert all(f.expected_rate == pytest.approx(0.018) for f in forecast)
    first, last = forecast[0], forecast[-1]
    assert (first.known_defects, first.expected_defects) == (106, pytest.approx(108))
    p_jeffreys = 280.5 / 14001
    var_p = p_jeffreys * (1 - p_jeffreys) / 14000
    assert first.sd == pytest.approx((1.96 + 100**2 * var_p) ** 0.5)
    assert (first.low_defects, first.high_defects) == (106, 110)
    assert (first.low, first.high) == (106 / 6000, 110 / 6000)
    assert first.p_breach == 1.0  # 106 known defects already reach 1% of 6000 (60)
    assert (last.known_defects, last.expected_defects) == (48, pytest.approx(108))
    assert last.sd == pytest.approx((58.8 + 3000**2 * var_p) ** 0.5)
    z_sd = 1.2815515655446004 * last.sd
    assert (last.low_defects, last.high_defects) == (
        max(48, int(-(-(107.5 - z_sd) // 1))),
        int(-(-(107.5 + z_sd) // 1)),
    )
    assert not [f for f in _forecast(regular_history(), policy) if f.channel == AFN]


def test_forecast_on_random_two_percent_history(policy):
    """The same shape with defects drawn at random (p = 2%): within sampling error of 1.8%."""
    rng = random.Random(7)
    orders, feedback = [], []
    for k in range(200):
        day = FIRST + timedelta(days=k)
        for i in range(100):
            orders.append(order(f"{k}-{i}", day))
            if rng.random() < 0.02:
                feedback.append(bad_feedback(f"{k}-{i}", day + timedelta(days=20)))
    data = SellerData.of(orders=orders, feedback=feedback)
    model = fit_delay_model(history_of(data, AS_OF, policy), policy)
    assert model.channels[MFN].p_ultimate == pytest.approx(0.02, abs=0.003)
    for f in _forecast(data, policy):
        assert f.expected_rate == pytest.approx(0.018, abs=0.003)
        assert f.low <= f.expected_rate <= f.high


def test_the_model_only_sees_what_was_known(policy):
    data = regular_history()
    full = _forecast(data, policy)
    cut = _forecast(known_at(data, AS_OF), policy)
    assert full == cut


def test_first_counted_day_of_claims_and_chargebacks(policy):
    claims = [
        r.Claim(  # filed D-10 pending (counts), denied D-5: first counted D-10
            "a",
            "c1",
            ago(10),
            r.ClaimStatus.DENIED,
            history=(r.StatusChange("denied", ago(5)),),
        ),
        r.Claim("a", "c2", ago(3), r.ClaimStatus.GRANTED, status_date=after(2)),
    ]
    chargebacks = [
        r.Chargeback("a", "b1", ago(8), r.ChargebackReason.FRAUD),  # never counts
        r.Chargeback("a", "b2", ago(8), r.ChargebackReason.SERVICE),
    ]
    feedback = [
        bad_feedback("f1", ago(4)),
        bad_feedback("f2", ago(4), struck_through_date=ago(4)),  # struck the same day
        r.Feedback("a", "f3", ago(4), 3),
        bad_feedback("f4", after(1)),  # not known yet
    ]
    first = first_counted_days(feedback, claims, chargebacks, D, policy)
    assert first == {"c1": ago(10), "c2": ago(3), "b2": ago(8), "f1": ago(4)}


# --- Breach warning ------------------------------------------------------------------------


def _day(k: int, channel: r.Channel, p: float, expected: float = 50.0) -> ForecastDay:
    return ForecastDay(
        day=after(k),
        channel=channel,
        order_count=5000,
        known_defects=40,
        expected_defects=expected,
        sd=5.0,
        expected_rate=expected / 5000,
        low=0.009,
        high=0.011,
        low_defects=45,
        high_defects=55,
        p_breach=p,
        target=0.01,
    )


def test_breach_warning_is_the_first_likely_day():
    forecast = [_day(1, MFN, 0.2), _day(2, AFN, 0.4), _day(3, MFN, 0.55), _day(4, AFN, 0.9)]
    warning = breach_warning(forecast)
    assert (warning.day, warning.channel, warning.probability) == (after(3), MFN, 0.55)
    assert breach_warning(forecast, channel=AFN).day == after(4)
    assert breach_warning(forecast, threshold=0.95) is None


def test_breach_warning_rejudges_against_another_target():
    # 50 expected of 5000 (sd 5): at 1.2% BAD needs 60: P = 1 - Phi((59.5 - 50)/5) = 2.9%.
    # At 0.9% it needs 45: P = 1 - Phi((44.5 - 50)/5) = 86.4%.
    forecast = [_day(1, MFN, 0.5)]
    assert breach_warning(forecast, target=0.012) is None
    warning = breach_warning(forecast, target=0.009)
    assert warning.probability == pytest.approx(0.8643, abs=1e-4)
    assert warning.target == 0.009


def test_breach_warning_from_a_forecast(policy):
    # The regular history at 1.8% expected: at a 1.8% target (BAD from 108 of 6000) day 1 has
    # P(X >= 108) = 1 - Phi((107.5 - 108)/sd) = Phi(0.5/1.405) = 64%.
    forecast = _forecast(regular_history(), policy)
    warning = breach_warning(forecast, target=0.018)
    assert warning.day == AS_OF + timedelta(days=1)
    assert warning.probability == pytest.approx(NormalDist().cdf(0.5 / forecast[0].sd))
    assert warning.probability == pytest.approx(0.639, abs=1e-3)
    assert breach_warning(forecast).probability == 1.0  # already past the 1% target


def test_forecast_with_a_given_volume(policy):
    # No new orders at all: day 30's window holds only the 4400 known orders of
    # AS_OF-43 .. AS_OF: 48 known defects + 40 expected on the 2000 youngest.
    forecast = _forecast(regular_history(), policy, daily_orders={MFN: 0})
    last = forecast[-1]
    assert (last.day, last.order_count) == (AS_OF + timedelta(days=30), 4400)
    assert last.expected_defects == pytest.approx(88)


# --- Never a negative variance ---------------------------------------------------------------


@st.composite
def small_histories(draw: st.DrawFn) -> SellerData:
    """A few orders on random days of the last 250, some with negative feedback (perhaps
    removed) or a claim (perhaps decided for the seller) on random later days."""
    orders, feedback, claims = [], [], []
    for i in range(draw(st.integers(1, 60))):
        purchased = ago(draw(st.integers(0, 250)))
        orders.append(order(f"o{i}", purchased, draw(st.sampled_from([MFN, AFN]))))
        kind = draw(st.sampled_from(["clean", "clean", "feedback", "removed", "claim", "denied"]))
        on = purchased + timedelta(days=draw(st.integers(0, 90)))
        if kind in ("feedback", "removed"):
            removed = on + timedelta(days=3) if kind == "removed" else None
            feedback.append(bad_feedback(f"o{i}", on, removed_date=removed))
        elif kind in ("claim", "denied"):
            status = r.ClaimStatus.DENIED if kind == "denied" else r.ClaimStatus.PENDING
            later = on + timedelta(days=5) if kind == "denied" else None
            claims.append(r.Claim("a", f"o{i}", on, status, status_date=later))
    return SellerData.of(orders=orders, feedback=feedback, claims=claims)


@settings(max_examples=80, deadline=None)
@given(data=small_histories())
def test_the_variance_is_never_negative_and_the_interval_holds_the_forecast(data, policy):
    """bench/serve.py crashed on sqrt of a negative variance: an order past its last possible
    delay has no late-defect chance, which a cancelling formula made -1e-17 (issue C)."""
    for f in _forecast(data, policy):
        assert f.sd >= 0 and math.isfinite(f.sd)
        assert f.known_defects <= f.low_defects <= f.expected_defects <= f.high_defects
        assert f.high_defects <= f.order_count
        assert f.low <= f.expected_rate <= f.high
        assert 0 <= f.p_breach <= 1


def test_an_order_past_its_last_delay_has_no_late_chance(policy):
    """By hand: every defect 20 days late, p = 2%. An order aged 30 on the as-of day and 37
    a week later is past it: chance exactly 0 (not -1e-17). One aged 10 then 17: still 0 (F
    jumps at 20). Aged 15 then 25: 0.02 x (1 - 0) / (1 - 0) = 0.02."""
    delay = fit_delay_model(history_of(regular_history(), AS_OF, policy), policy).channels[MFN]
    assert late_defect_chance(delay, 30, 37) == 0.0
    assert late_defect_chance(delay, 10, 17) == 0.0
    assert late_defect_chance(delay, 15, 25) == pytest.approx(0.02)
