"""The dashboard: the accounts, and one page per account with its state, metrics, forecast,
timeline, triage queue and at-risk shipments, rendered on the server from the same service
calls as the API (the page's script only sorts tables and copies drafts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from sellerhealth.service import metrics, replay, shipments, states
from sellerhealth.service.access import Caller
from sellerhealth.service.freshness import freshness
from sellerhealth.service.report import report as build_report
from sellerhealth.service.triage import triage_queue
from sellerhealth.store import triage_actions
from sellerhealth.store.store import Store
from sellerhealth.web.app import AsOfDep, StoreDep
from sellerhealth.web.auth import AccountDep, CallerDep, visible_accounts
from sellerhealth.web.charts import TREND_DAYS, metric_charts, worst_trend
from sellerhealth.web.views import render

PAGE_SIZE = 10  # rows a page shows of the triage queue and of the at-risk shipments

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Page:
    """One page of a list: `number` of `pages`, rows `first` .. `last` (from 1)."""

    number: int
    pages: int
    first: int
    last: int

    @classmethod
    def of(cls, total: int, number: int, size: int = PAGE_SIZE) -> Page:
        pages = max(1, -(-total // size))
        number = min(max(number, 1), pages)
        first = (number - 1) * size
        return cls(number, pages, first + 1 if total else 0, min(first + size, total))

    def rows(self, items: Sequence[Any]) -> list[Any]:
        return list(items[max(self.first - 1, 0) : self.last])


PageQuery = Annotated[int, Query(ge=1, description="Page of the list, from 1.")]


@router.get("/", response_class=HTMLResponse)
def index(store: StoreDep, caller: CallerDep, as_of: AsOfDep) -> HTMLResponse:
    """Every account of the caller's tenant with its status: Amazon's when a report says it,
    else our assessment, and how fresh its data is."""
    lines = []
    for name in visible_accounts(store, caller):
        view = None
        if replay.first_order_day_or_none(store, name, as_of) is not None:
            view = states.account_status(store, name, as_of, save=False)
        trend = worst_trend(store, name, as_of) if view is not None else None
        lines.append((store.account(name), view, freshness(store, name, as_of), trend))
    # Failing first: the account whose worst metric is furthest past (or nearest) its target.
    lines.sort(key=lambda line: -line[3]["closeness"] if line[3] else float("inf"))
    spark_specs = [
        {**trend, "id": f"{trend['id']}-{n}"}
        for n, (*_, trend) in enumerate(lines, 1)
        if trend is not None
    ]
    page = render(
        "index.html",
        title="Accounts",
        lines=lines,
        store=store.backend,
        as_of=as_of,
        caller=caller,
        spark_specs=spark_specs,
    )
    return HTMLResponse(page)


@router.get("/accounts/{account}", response_class=HTMLResponse)
def account_page(
    store: StoreDep,
    caller: CallerDep,
    account: AccountDep,
    as_of: AsOfDep,
    triage_page: PageQuery = 1,
    shipments_page: PageQuery = 1,
    uploaded: Annotated[str | None, Query(description="What an upload just imported.")] = None,
) -> HTMLResponse:
    """One account as of a day: Amazon's status, our risk assessment and its evidence, how
    fresh the data is, every metric with a chart of its last 90 days against its target,
    Amazon's figures beside ours, the ODR forecast, the state timeline, the feedback triage
    queue with its actions and the at-risk shipments (ten rows a page); analysts upload files
    and mark triage items here."""
    page = render_account(
        store, caller, account, as_of, triage_page, shipments_page, uploaded=uploaded
    )
    return HTMLResponse(page)


def render_account(
    store: Store,
    caller: Caller,
    account: str,
    as_of: date,
    triage_page: int = 1,
    shipments_page: int = 1,
    uploaded: str | None = None,
    problems: list[dict[str, Any]] | None = None,
    upload_message: str = "",
) -> str:
    document = build_report(store, account, as_of)
    if "state" not in document["sellerhealth"]:  # nothing sold yet on that day
        replay.first_order_day(store, account, as_of)  # says so, as the CLI does
    moment = shipments.moment_for(as_of, datetime.now(UTC))
    queue = triage_queue(store, account, as_of)
    flags = shipments.at_risk(store, account, moment)
    meta = document["sellerhealth"]
    gaps = {(g["marketplaceId"], g["metric"], g["scope"]) for g in meta["freshness"]["notCovered"]}
    queue_page, flags_page = Page.of(len(queue), triage_page), Page.of(len(flags), shipments_page)
    return render(
        "account.html",
        title=account,
        charts=metric_charts(store, account, as_of),
        chart_days=TREND_DAYS,
        marks=triage_actions.marks(store.backend, account),
        uploaded=uploaded,
        problems=problems or [],
        upload_message=upload_message,
        caller=caller,
        account=account,
        as_of=as_of,
        settings=store.account(account),
        meta=meta,
        state=meta["state"],
        forecast=meta["forecast"],
        rows=metrics.history(store, account, as_of, as_of),
        odr_parts=odr_parts(document),
        markets=len(document["performanceMetrics"]),
        gaps=gaps,
        triage=queue_page.rows(queue),
        triage_page=queue_page,
        triage_total=len(queue),
        triage_actionable=sum(item.actionable for item in queue),
        flags=[shipments.flag_row(f) for f in flags_page.rows(flags)],
        flags_page=flags_page,
        flags_total=len(flags),
        moment=moment,
    )


def odr_parts(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, int]]:
    """(marketplace, channel) -> the ODR's component counts, as the report has them."""
    return {
        (block["marketplaceId"], channel): {
            part: odr[part]["count"] for part in ("negativeFeedback", "claims", "chargebacks")
        }
        for block in document["performanceMetrics"]
        for channel, odr in block["orderDefectRate"].items()
    }
