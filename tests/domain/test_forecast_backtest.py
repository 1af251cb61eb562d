"""The forecast's backtest: forecasts made on past days against the ODR that followed."""

from __future__ import annotations

import time
from datetime import date, timedelta

from tests.forecast_cases import (
    AS_OF,
    D,
    history_of,
    synthetic_account,
)

from sellerhealth.domain.data import SellerData
from sellerhealth.domain.forecast import ForecastDay, forecast_odr
from sellerhealth.domain.forecast_backtest import backtest, default_backtest_range
from sellerhealth.domain.late_defects import fit_delay_model
from sellerhealth.domain.odr import compute_odr


def _forecast(data: SellerData, policy, as_of: date = AS_OF, **kw) -> list[ForecastDay]:
    history = history_of(data, as_of, policy)
    return forecast_odr(fit_delay_model(history, policy), history, policy, **kw)


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
