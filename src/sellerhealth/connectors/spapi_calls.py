"""The SP-API calls the sync makes: marketplaces, order pages, reports, financial events.

Each is one operation of Amazon's models through python-amazon-sp-api, via `SpApi.call`
(paced and retried). A report is followed through its whole lifecycle: `createReport`,
`getReport` polled with backoff through IN_QUEUE and IN_PROGRESS to DONE (CANCELLED means
no data for the range, FATAL an error), `getReportDocument`, then the document downloaded,
gunzipped when `compressionAlgorithm` is GZIP (a cut-off download is fetched again) and
decoded with the charset its response names.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from functools import partial
from typing import Any

import httpx
from sp_api.api import Finances, Orders, Reports, Sellers

from sellerhealth.connectors.spapi import SpApi, SyncError, log
from sellerhealth.connectors.spapi_models import CANCELLED, DONE, FATAL


def zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Page:
    """One page of a paged operation, as Amazon sent it (the document an importer reads)."""

    document: dict[str, Any]
    next_token: str | None

    def text(self) -> str:
        # Sorted keys: the same page fetched again is the same bytes (and the same import).
        return json.dumps(self.document, sort_keys=True, indent=1)


def marketplaces(api: SpApi) -> list[dict[str, Any]]:
    """getMarketplaceParticipations: the marketplaces the seller takes part in."""
    sellers = api.client(Sellers)
    answer = api.call("getMarketplaceParticipations", sellers.get_marketplace_participation)
    found = answer.payload if isinstance(answer.payload, list) else []
    return [p for p in found if (p.get("participation") or {}).get("isParticipating", True)]


def _pages(
    send: Callable[[dict[str, Any]], Any], first: dict[str, Any], next_token: str | None
) -> Iterator[Page]:
    """A paged operation, page by page: `first` asks for the first page, then each page's
    NextToken alone for the next (from `next_token` when resuming)."""
    token = next_token
    while True:
        answer = send({"NextToken": token} if token else first)
        token = answer.next_token
        yield Page({"payload": answer.payload}, token)
        if not token:
            return


def order_pages(api: SpApi, updated_after: datetime, next_token: str | None) -> Iterator[Page]:
    """getOrders by LastUpdatedAfter, page by page (from `next_token` when resuming)."""
    orders = api.client(Orders, version="v0")

    def send(params: dict[str, Any]) -> Any:
        query = dict(params, MarketplaceIds=[api.marketplace.marketplace_id])
        return api.learn("getOrders", api.call("getOrders", partial(orders.get_orders, **query)))

    first = {"LastUpdatedAfter": zulu(updated_after), "MaxResultsPerPage": 100}
    return _pages(send, first, next_token)


def financial_pages(
    api: SpApi, posted_after: datetime, posted_before: datetime, next_token: str | None
) -> Iterator[Page]:
    """listFinancialEvents posted in [after, before), page by page."""
    finances = api.client(Finances, version="v0")

    def send(params: dict[str, Any]) -> Any:
        request = partial(finances.list_financial_events, **params)
        return api.call("listFinancialEvents", request)

    first = {
        "PostedAfter": zulu(posted_after),
        "PostedBefore": zulu(posted_before),
        "MaxResultsPerPage": 100,
    }
    return _pages(send, first, next_token)


def report(api: SpApi, report_type: str, start: datetime, end: datetime) -> str | None:
    """The report's document as text, or None when Amazon CANCELLED it (no data)."""
    reports = api.client(Reports)
    created = api.call(
        "createReport",
        lambda: reports.create_report(
            reportType=report_type,
            dataStartTime=zulu(start),
            dataEndTime=zulu(end),
            marketplaceIds=[api.marketplace.marketplace_id],
        ),
    )
    report_id = created.payload["reportId"]
    wait = api.retry.poll
    for _poll in range(60):
        found = api.learn("getReport", api.call("getReport", lambda: reports.get_report(report_id)))
        status = found.payload.get("processingStatus")
        if status == DONE:
            return _document(api, reports, found.payload["reportDocumentId"])
        if status == CANCELLED:
            log.info("%s: %s %s: CANCELLED, no data", api.account, report_type, report_id)
            return None
        if status == FATAL:
            raise SyncError(
                f"account {api.account}: getReport: Amazon could not make report {report_id} "
                f"({report_type}, FATAL); the next sync asks for it again"
            )
        api.pause(wait)
        wait = min(wait * 2, 60.0)
    raise SyncError(
        f"account {api.account}: getReport: report {report_id} ({report_type}) was not done "
        "after 60 polls; the next sync asks for it again"
    )


def _document(api: SpApi, reports: Reports, document_id: str) -> str:
    for attempt in range(1, api.retry.attempts + 1):
        # The document URL expires in five minutes: ask for a fresh one on each attempt.
        meta = api.call("getReportDocument", lambda: reports.get_report_document(document_id))
        url = meta.payload["url"]
        try:
            response = api.http.get(url)
            response.raise_for_status()
            raw = response.content
            if meta.payload.get("compressionAlgorithm") == "GZIP":
                raw = gzip.decompress(raw)
            return raw.decode(_charset(response.headers.get("content-type")))
        except (EOFError, zlib.error, gzip.BadGzipFile, httpx.HTTPError) as problem:
            log.info("%s: %s: %s", api.account, document_id, type(problem).__name__)
            api.backoff("download", attempt, "download broken")
    raise SyncError(
        f"account {api.account}: getReportDocument: the document of {document_id} could not be "
        "downloaded whole; the next sync asks for it again"
    )


def _charset(content_type: str | None) -> str:
    """The charset a document's Content-Type names; Amazon's flat files default to UTF-8."""
    if not content_type:
        return "utf-8"
    header = Message()
    header["content-type"] = content_type
    return header.get_content_charset() or "utf-8"
