"""The report: every figure in Amazon's shape, with the account state and the ODR forecast
under the `sellerhealth` key (SPEC section 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sellerhealth.domain.report import build_report
from sellerhealth.service import forecast_views, forecasts, replay, states
from sellerhealth.service.freshness import freshness, mark_report
from sellerhealth.service.metrics import marketplace_health, policy_for
from sellerhealth.store.store import Store


def report(
    store: Store, account: str, as_of: date, forecast: forecast_views.ForecastView | None = None
) -> dict[str, Any]:
    """The report document for one account as of `as_of` (nothing is written to the store);
    pass the ODR `forecast` if the caller already has it."""
    settings, policy = policy_for(store, account, None)
    healths = marketplace_health(store, settings, as_of, policy)
    snapshots = [s for s in store.snapshots(account) if s.report_date <= as_of]
    snapshot = snapshots[-1] if snapshots else None
    at_snapshot = None  # Amazon's figures are compared with ours of the snapshot's day
    if snapshot is not None and snapshot.report_date != as_of:
        at_snapshot = marketplace_health(store, settings, snapshot.report_date, policy)
    if replay.first_order_day_or_none(store, account, as_of) is None:
        # Nothing sold yet on that day: every metric is NONE and there is no state to replay
        # nor ODR to forecast.
        document = build_report(
            settings, as_of, policy, healths, snapshot, "NORMAL", None, at_snapshot
        )
        return mark_report(document, freshness(store, account, as_of))
    status = states.account_status(store, account, as_of, save=False)
    timeline = [states.transition_row(t) for t in status.history]
    forecast = forecast or forecasts.odr_forecast(store, account, as_of)
    extra = {
        "state": {**status.to_dict(), "timeline": timeline},
        "forecast": forecast_views.forecast_summary(forecast),
    }
    document = build_report(
        settings, as_of, policy, healths, snapshot, status.amazon_equivalent, extra, at_snapshot
    )
    return mark_report(document, freshness(store, account, as_of))
