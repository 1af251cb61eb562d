"""The dashboard's charts: each metric's rate over the days before `as_of` against its target,
as data for the vendored uPlot (static/vendor/uplot). Computed by `service.metrics.history`,
the same rows the API's history gives; the page shows the figures in words beside each chart,
and the target is a dashed line, so nothing depends on telling colours apart."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sellerhealth.domain.history import MetricRow
from sellerhealth.service import metrics
from sellerhealth.store.store import Store
from sellerhealth.vocabulary import metric_label, pct

TREND_DAYS = 90


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _closeness(row: MetricRow) -> float:
    """How near the row is to failing (1 = at the target, more = past it)."""
    if row.rate is None:
        return -1.0
    if row.condition.startswith("LESS"):
        return row.rate / row.target if row.target else 0.0
    return row.target / row.rate if row.rate else float("inf")


def metric_charts(store: Store, account: str, as_of: date) -> list[dict[str, Any]]:
    """One chart per rate metric (per marketplace): the last `TREND_DAYS` days to `as_of`."""
    rows = metrics.history(store, account, as_of - timedelta(days=TREND_DAYS - 1), as_of)
    series: dict[tuple[str, str, str], list[MetricRow]] = defaultdict(list)
    for row in rows:
        if row.denominator is not None:
            series[(row.marketplace_id, row.metric, row.scope)].append(row)
    charts = []
    for n, ((market, metric, scope), found) in enumerate(sorted(series.items())):
        found.sort(key=lambda r: r.day)
        last = found[-1]
        label = metric_label(metric, scope)
        charts.append(
            {
                "id": f"chart-{n}",
                "label": label,
                "metric": metric,
                "scope": scope,
                "marketplace": market,
                "days": [_epoch(r.day) for r in found],
                "values": [None if r.rate is None else round(r.rate * 100, 4) for r in found],
                "target": round(last.target * 100, 4),
                "status": last.status,
                "closeness": min(_closeness(last), 1e6),  # JSON has no infinity
                "summary": f"{label}: {pct(last.rate)} on {last.day}, target "
                f"{'<' if last.condition.startswith('LESS') else '>'} {pct(last.target)}"
                f" ({last.status})",
            }
        )
    return charts


def worst_trend(store: Store, account: str, as_of: date) -> dict[str, Any] | None:
    """The account's chart of the metric nearest to (or furthest past) its target."""
    charts = metric_charts(store, account, as_of)
    if not charts:
        return None
    return max(charts, key=lambda c: c["closeness"])
