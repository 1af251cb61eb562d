"""The JSON API: one GET per question, each a call into `service` and the same JSON the CLI
prints with `--format json`. `as_of` (YYYY-MM-DD) defaults to today, UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from sellerhealth.service import forecast_views, forecasts, metrics, shipments, states
from sellerhealth.service.freshness import freshness, mark_rows, status_document
from sellerhealth.service.portfolio import portfolio as portfolio_lines
from sellerhealth.service.report import report as build_report
from sellerhealth.service.triage import triage_queue
from sellerhealth.store import triage_actions
from sellerhealth.web.app import AsOfDep, AsOfQuery, StoreDep, query_day
from sellerhealth.web.auth import AccountDep, CallerDep, visible_accounts
from sellerhealth.web.schema import READ_ERRORS

HISTORY_DAYS = 30  # the history's default range: the 30 days ending on `to`

router = APIRouter(prefix="/api", tags=["read"], responses=READ_ERRORS)
Json = dict[str, Any]


@router.get("/accounts")
def accounts(store: StoreDep, caller: CallerDep) -> list[Json]:
    """Every account of the caller's tenant with its policy and seller program."""
    settings = [store.account(name) for name in visible_accounts(store, caller)]
    return [{"account": s.account, "program": s.program, "policy": s.policy} for s in settings]


@router.get("/portfolio")
def portfolio(store: StoreDep, caller: CallerDep, as_of: AsOfDep) -> list[Json]:
    """Every account of the caller's tenant on one day, failing ones first, with the figures
    that fail."""
    mine = visible_accounts(store, caller)
    return [line.as_dict() for line in portfolio_lines(store, as_of, accounts=mine)]


@router.get("/accounts/{account}/report")
def report(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> Json:
    """The report in the shape of Amazon's GET_V2_SELLER_PERFORMANCE_REPORT."""
    return build_report(store, account, as_of)


@router.get("/accounts/{account}/history")
def history(
    store: StoreDep,
    account: AccountDep,
    as_of: AsOfDep,
    first: Annotated[str | None, Query(alias="from", description="First day (to - 29).")] = None,
    last: Annotated[str | None, Query(alias="to", description="Last day (as_of).")] = None,
    metric: Annotated[str | None, Query(description="One metric, e.g. odr, lsr, vtr.")] = None,
) -> list[Json]:
    """Each metric as of each day of the range, from what was known that day."""
    end = query_day(last, "to") or as_of
    start = query_day(first, "from") or end - timedelta(days=HISTORY_DAYS - 1)
    return mark_rows(store, account, metrics.history(store, account, start, end, metric))


@router.get("/accounts/{account}/status")
def status(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> Json:
    """The account state, its capabilities, why, and Amazon's own status."""
    view = states.account_status(store, account, as_of, save=False)
    return status_document(view, freshness(store, account, as_of))


@router.get("/accounts/{account}/timeline")
def timeline(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> list[Json]:
    """Every state change up to `as_of`, oldest first, with the evidence (nothing is stored)."""
    replay = states.replay_states(store, account, as_of)
    return [states.transition_row(t) for t in replay.transitions]


@router.get("/accounts/{account}/triage")
def triage(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> list[Json]:
    """Negative and neutral feedback in queue order: verdict, deadlines, ODR effect, drafts,
    and its `mark` (requested, removed or refused: who and when) or null."""
    marks = triage_actions.marks(store.backend, account)
    return [
        {**item.as_dict(), "mark": mark.as_dict() if (mark := marks.get(item.order_id)) else None}
        for item in triage_queue(store, account, as_of)
    ]


@router.get("/accounts/{account}/shipments")
def at_risk_shipments(store: StoreDep, account: AccountDep, as_of: AsOfQuery = None) -> list[Json]:
    """Self-fulfilled orders going wrong, highest priority first, seen from the end of
    `as_of` (never later than now; now when it is not given)."""
    moment = shipments.moment_for(query_day(as_of, "as_of"), datetime.now(UTC))
    return [shipments.flag_row(f) for f in shipments.at_risk(store, account, moment)]


@router.get("/accounts/{account}/forecast")
def forecast(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> Json:
    """The ODR per channel 7, 14 and 30 days ahead with its interval and the breach warning."""
    return forecast_views.forecast_summary(forecasts.odr_forecast(store, account, as_of))


@router.get("/accounts/{account}/reconcile")
def reconcile(store: StoreDep, account: AccountDep) -> list[Json]:
    """Every day where an imported Amazon report and the computed figure disagree, and why."""
    return [d.as_dict() for d in metrics.reconcile_account(store, account)]
