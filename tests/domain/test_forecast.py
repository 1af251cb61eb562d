"""ODR forecasts (amazon-policy.md 1.6, 1.10): age-out schedule, late-defect model, breach
warning and backtest, each on a case small or regular enough to work out by hand.

The policy's ODR window as of D is [D-73, D-14]: 60 days with a 14-day lag.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from fractions import Fraction
from statistics import NormalDist

import pytest

from sellerhealth.domain import records as r
from sellerhealth.domain.data import SellerData, known_at
from sellerhealth.domain.forecast import (
    CLAIM,
    NEGATIVE_FEEDBACK,
    ForecastDay,
    age_out_schedule,
    backtest,
    breach_warning,
    default_backtest_range,
    first_counted_days,
    fit_delay_model,
    forecast_odr,
    future_orders,
    trailing_daily_orders,
)
from sellerhealth.domain.metrics import Status
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


def odr_of(data: SellerData, day: date, policy) -> dict[r.Channel, object]:
    return compute_odr(data.orders, data.feedback, data.claims, data.chargebacks, day, policy)


# --- Age-out --------------------------------------------------------------------------------


def test_a_defect_leaves_the_window_on_purchase_plus_74(policy):
    purchased = ago(30)
    data = SellerData.of(
        orders=[order("x", purchased), *(order(f"c{i}", ago(40)) for i in range(9))],
        feedback=[bad_feedback("x", ago(5))],
        claims=[r.Claim("a", "x", ago(3), r.ClaimStatus.GRANTED)],
    )
    schedule = age_out_schedule(data.orders, data.feedback, data.claims, (), D, policy)
    (item,) = schedule.items
    assert (item.order_id, item.channel, item.kinds) == ("x", MFN, (NEGATIVE_FEEDBACK, CLAIM))
    assert item.leaves_window_on == purchased + timedelta(days=74) == after(44)
    # compute_odr agrees: still counted the day before, gone that day.
    assert odr_of(data, after(43), policy)[MFN].defective_orders == 1
    assert odr_of(data, after(44), policy)[MFN].defective_orders == 0


def test_only_defects_counted_today_in_todays_window_are_listed(policy):
    data = SellerData.of(
        orders=[order("in", ago(20)), order("young", ago(5)), order("gone", ago(20))],
        feedback=[
            bad_feedback("in", ago(2)),
            bad_feedback("young", ago(1)),  # order not in the window yet (purchased D-5)
            bad_feedback("gone", ago(3), removed_date=ago(1)),  # removed: not counted
        ],
    )
    schedule = age_out_schedule(data.orders, data.feedback, (), (), D, policy)
    assert [i.order_id for i in schedule.items] == ["in"]


def _back_on_target_case() -> SellerData:
    """MFN only. As of D: 290 orders purchased D-20, 4 of them with negative feedback.

    Window on D = [D-73, D-14]: 4/290 = 1.38%, BAD. Trailing 30-day volume: 290/30 = 29/3 a
    day. Future orders enter the window from D+15 (purchased D+1 = D'-14); by D+14+j there are
    floor(29j/3) of them. GOOD needs 4/n < 1%, n > 400: 290 + floor(29j/3) >= 401, so
    floor(29j/3) >= 111: j = 11 gives 106 (n = 396), j = 12 gives 116 (n = 406). Back on target
    on D+26, long before the defects leave (D-20 + 74 = D+54).
    """
    orders = [order(f"o{i}", ago(20)) for i in range(290)]
    feedback = [bad_feedback(f"o{i}", ago(10)) for i in range(4)]
    return SellerData.of(orders=orders, feedback=feedback)


def test_back_on_target_by_hand(policy):
    data = _back_on_target_case()
    schedule = age_out_schedule(data.orders, data.feedback, (), (), D, policy)
    assert schedule.daily_orders[MFN] == Fraction(29, 3)
    assert schedule.back_on_target[MFN] == after(26)
    assert schedule.back_on_target[AFN] is None  # no AFN orders at all: NONE, never GOOD
    days = {p.day: p for p in schedule.projection[MFN]}
    assert (days[after(25)].order_count, days[after(25)].status) == (396, Status.BAD)
    assert (days[after(26)].order_count, days[after(26)].status) == (406, Status.GOOD)
    assert days[D].status is Status.BAD and days[D].rate == pytest.approx(4 / 290)


def test_projection_is_compute_odr_on_the_assumed_orders(policy):
    # The same figures as compute_odr on the records plus the assumed future orders.
    data = _back_on_target_case()
    schedule = age_out_schedule(data.orders, data.feedback, (), (), D, policy)
    rate = schedule.daily_orders[MFN]
    assumed = [
        order(f"f{k}-{i}", after(k))
        for k in range(1, 75)
        for i in range(future_orders(rate, D, after(k)))
    ]
    for projected in schedule.projection[MFN]:
        m = compute_odr([*data.orders, *assumed], data.feedback, (), (), projected.day, policy)[MFN]
        assert (projected.order_count, projected.defective_orders, projected.status) == (
            m.order_count,
            m.defective_orders,
            m.status,
        )


def test_good_today_is_back_on_target_today(policy):
    data = SellerData.of(orders=[order(f"o{i}", ago(30)) for i in range(200)])
    schedule = age_out_schedule(data.orders, (), (), (), D, policy)
    assert schedule.back_on_target[MFN] == D
    assert schedule.items == ()


def test_future_orders_are_whole_orders():
    rate = Fraction(3, 2)
    assert [future_orders(rate, D, after(k)) for k in range(0, 6)] == [0, 1, 2, 1, 2, 1]
    assert trailing_daily_orders([order("a", ago(29)), order("b", ago(30))], D)[MFN] == Fraction(
        1, 30
    )


# --- Delay model and forecast --------------------------------------------------------------

AS_OF = date(2026, 6, 30)
FIRST = AS_OF - timedelta(days=199)


def _regular_history(per_day: int = 100, defective_per_day: int = 2, delay: int = 20) -> SellerData:
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


def _forecast(data: SellerData, policy, as_of: date = AS_OF, **kw) -> list[ForecastDay]:
    model = fit_delay_model(
        data.orders, data.feedback, data.claims, data.chargebacks, as_of, policy
    )
    return forecast_odr(
        model, data.orders, data.feedback, data.claims, data.chargebacks, as_of, policy, **kw
    )


def test_model_of_two_percent_twenty_days_later(policy):
    data = _regular_history()
    model = fit_delay_model(data.orders, data.feedback, (), (), AS_OF, policy)
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
    forecast = [f for f in _forecast(_regular_history(), policy) if f.channel == MFN]
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
    assert not [f for f in _forecast(_regular_history(), policy) if f.channel == AFN]


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
    model = fit_delay_model(orders, feedback, (), (), AS_OF, policy)
    assert model.channels[MFN].p_ultimate == pytest.approx(0.02, abs=0.003)
    for f in _forecast(data, policy):
        assert f.expected_rate == pytest.approx(0.018, abs=0.003)
        assert f.low <= f.expected_rate <= f.high


def test_the_model_only_sees_what_was_known(policy):
    data = _regular_history()
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
    forecast = _forecast(_regular_history(), policy)
    warning = breach_warning(forecast, target=0.018)
    assert warning.day == AS_OF + timedelta(days=1)
    assert warning.probability == pytest.approx(NormalDist().cdf(0.5 / forecast[0].sd))
    assert warning.probability == pytest.approx(0.639, abs=1e-3)
    assert breach_warning(forecast).probability == 1.0  # already past the 1% target


# --- Backtest ------------------------------------------------------------------------------


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


def test_backtest_coverage_on_a_stationary_history(policy):
    """Five synthetic accounts (seeds 0-4), each ~8,000 orders over 200 days. An 80% interval
    should hold the real ODR about 80% of the time. One account's cases share its estimate of
    p, so a single account's coverage swings (0.63-0.96 over seeds 0-19, mean 0.84); pooled
    over five accounts it is steadier."""
    covered = cases = 0
    for seed in range(5):
        orders, feedback, claims, chargebacks = synthetic_account(seed)
        assert 7000 < len(orders) < 9000
        start, end = default_backtest_range(orders, policy)
        assert start == orders[0].purchase_date + timedelta(days=74)
        assert end == D - timedelta(days=30)
        began = time.perf_counter()
        result = backtest(orders, feedback, claims, chargebacks, policy, start=start, end=end)
        elapsed = time.perf_counter() - began
        # 14 as-of days (every 7 days), 3 horizons, 2 channels.
        assert result.cases == 14 * 3 * 2
        assert set(result.per_horizon) == {7, 14, 30}
        assert sum(s.cases for s in result.per_horizon.values()) == result.cases
        by_horizon = ", ".join(
            f"h={h}: {s.coverage:.2f}" for h, s in sorted(result.per_horizon.items())
        )
        print(f"seed {seed}: coverage {result.coverage:.3f} ({by_horizon}) in {elapsed:.2f}s")
        covered += sum(c.covered for c in result.results)
        cases += result.cases
    print(f"pooled coverage {covered / cases:.3f} over {cases} cases")
    assert 0.6 <= covered / cases <= 1.0


def test_backtest_case_matches_compute_odr(policy):
    orders, feedback, claims, chargebacks = synthetic_account(seed=3, days=150)
    t = D - timedelta(days=40)
    result = backtest(orders, feedback, claims, chargebacks, policy, start=t, end=t, horizon=(14,))
    actual = compute_odr(orders, feedback, claims, chargebacks, t + timedelta(days=14), policy)
    for case in result.results:
        m = actual[case.channel]
        assert (case.actual_defects, case.actual_orders) == (m.defective_orders, m.order_count)
        assert case.covered == (case.low - 1e-12 <= m.rate <= case.high + 1e-12)


def test_backtest_skips_horizons_past_the_data(policy):
    orders, feedback, claims, chargebacks = synthetic_account(seed=5, days=120)
    t = D - timedelta(days=10)
    result = backtest(orders, feedback, claims, chargebacks, policy, start=t, end=t)
    assert {c.horizon for c in result.results} == {7}
    assert result.per_horizon[30].cases == 0 and result.per_horizon[30].coverage is None


def test_forecast_with_a_given_volume(policy):
    # No new orders at all: day 30's window holds only the 4400 known orders of
    # AS_OF-43 .. AS_OF: 48 known defects + 40 expected on the 2000 youngest.
    forecast = _forecast(_regular_history(), policy, daily_orders={MFN: 0})
    last = forecast[-1]
    assert (last.day, last.order_count) == (AS_OF + timedelta(days=30), 4400)
    assert last.expected_defects == pytest.approx(88)
