"""The dashboard: the accounts, and one page per account with its state, metrics, forecast,
timeline, triage queue and at-risk shipments, rendered on the server from the same service
calls as the API (the page's script only sorts tables and copies drafts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from sellerhealth.service import metrics, replay, shipments
from sellerhealth.service.report import report as build_report
from sellerhealth.service.triage import triage_queue
from sellerhealth.web.app import AccountDep, AsOfDep, StoreDep
from sellerhealth.web.views import render

TOP = 10  # rows shown of the triage queue and of the at-risk shipments

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(store: StoreDep) -> HTMLResponse:
    accounts = [store.account(name) for name in store.accounts()]
    page = render("index.html", title="Accounts", accounts=accounts, store=store.backend)
    return HTMLResponse(page)


@router.get("/accounts/{account}", response_class=HTMLResponse)
def account_page(store: StoreDep, account: AccountDep, as_of: AsOfDep) -> HTMLResponse:
    document = build_report(store, account, as_of)
    if "state" not in document["sellerhealth"]:  # nothing sold yet on that day
        replay.first_order_day(store, account, as_of)  # says so, as the CLI does
    moment = shipments.moment_for(as_of, datetime.now(UTC))
    queue = triage_queue(store, account, as_of)
    flags = shipments.at_risk(store, account, moment)
    meta = document["sellerhealth"]
    page = render(
        "account.html",
        title=account,
        account=account,
        as_of=as_of,
        settings=store.account(account),
        meta=meta,
        state=meta["state"],
        forecast=meta["forecast"],
        rows=metrics.history(store, account, as_of, as_of),
        odr_parts=odr_parts(document),
        markets=len(document["performanceMetrics"]),
        triage=queue[:TOP],
        triage_total=len(queue),
        triage_actionable=sum(item.actionable for item in queue),
        flags=[shipments.flag_row(f) for f in flags[:TOP]],
        flags_total=len(flags),
        moment=moment,
    )
    return HTMLResponse(page)


def odr_parts(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, int]]:
    """(marketplace, channel) -> the ODR's component counts, as the report has them."""
    return {
        (block["marketplaceId"], channel): {
            part: odr[part]["count"] for part in ("negativeFeedback", "claims", "chargebacks")
        }
        for block in document["performanceMetrics"]
        for channel, odr in block["orderDefectRate"].items()
    }
