"""A local Selling Partner API: the LWA token endpoint and the operations the sync calls.

Answers in the shapes of Amazon's published models (see `connectors/spapi_models.py`): every
response carries `x-amzn-RateLimit-Limit`, errors are `{"errors": [{code, message, details}]}`,
reports go IN_QUEUE -> IN_PROGRESS -> DONE over successive getReport calls and their
documents are gzipped at a presigned-style URL. `speed` multiplies the advertised rates, so a
test or the demo need not wait a minute per getOrders page as Amazon's plan would.
"""

from __future__ import annotations

import base64
import gzip
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from sellerhealth.connectors.spapi_models import (
    CANCELLED,
    DONE,
    FATAL,
    FEEDBACK_REPORT,
    IN_PROGRESS,
    IN_QUEUE,
    PERFORMANCE_REPORT,
    USAGE_PLANS,
)
from sellerhealth.emulator.faults import Faults
from sellerhealth.emulator.seller import SampleSeller, parse_instant, zulu

if TYPE_CHECKING:
    from sellerhealth.emulator.http import Handler

PAGE_SIZE = 100  # getOrders MaxResultsPerPage default and maximum (ordersV0.json)
POLLS_IN_QUEUE = 1  # getReport calls that still see IN_QUEUE, then IN_PROGRESS, then DONE


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


@dataclass(frozen=True)
class LwaApp:
    """The credentials the emulator's token endpoint accepts."""

    client_id: str
    client_secret: str
    refresh_token: str
    selling_partner_id: str = "A2SAMPLESELLER1"


@dataclass
class _Report:
    report_id: str
    report_type: str
    start: datetime
    end: datetime
    created: datetime
    polls: int = 0
    document_id: str | None = None


@dataclass
class Emulator:
    """State of the local API: the seller, its clock, tokens, reports and injected faults."""

    seller: SampleSeller
    app: LwaApp
    now: datetime
    speed: float = 1.0
    faults: Faults = field(default_factory=Faults)
    calls: list[tuple[float, str, int]] = field(default_factory=list)  # (time, op, status)
    tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry (monotonic)
    reports: dict[str, _Report] = field(default_factory=dict)
    documents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_day(self, day: date) -> None:
        """Move the seller's clock to the end of `day`, as if the sync ran then."""
        self.now = datetime.combine(day, datetime.max.time(), UTC).replace(microsecond=0)

    def rate(self, operation: str) -> float:
        return USAGE_PLANS[operation].rate * self.speed

    def calls_to(self, operation: str, status: int | None = None) -> int:
        return sum(1 for _, op, st in self.calls if op == operation and status in (None, st))

    # --- LWA ---------------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        app = self.app
        if form.get("client_id") != app.client_id or form.get("client_secret") != app.client_secret:
            raise ApiError(401, "invalid_client", "Client authentication failed")
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != (
            app.refresh_token
        ):
            raise ApiError(400, "invalid_grant", "The request has an invalid grant parameter")
        access = "Atza|" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[access] = time.monotonic() + 3600
        return {"access_token": access, "token_type": "bearer", "expires_in": 3600}

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def check_token(self, token: str | None) -> None:
        expiry = self.tokens.get(token or "")
        if expiry is None:
            raise ApiError(403, "Unauthorized", "Access to requested resource is denied.")
        if expiry < time.monotonic():
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )

    # --- operations --------------------------------------------------------------------

    def participations(self) -> dict[str, Any]:
        marketplace = {
            "id": "ATVPDKIKX0DER",
            "name": "Amazon.com",
            "countryCode": "US",
            "defaultCurrencyCode": "USD",
            "defaultLanguageCode": "en_US",
            "domainName": "www.amazon.com",
        }
        participation = {"isParticipating": True, "hasSuspendedListings": False}
        return {
            "payload": [
                {
                    "marketplace": marketplace,
                    "storeName": "Northfield Goods",
                    "participation": participation,
                }
            ]
        }

    def get_orders(self, query: dict[str, str]) -> dict[str, Any]:
        if "NextToken" in query:
            state = _untoken(query["NextToken"])
            after, offset = parse_instant(state["after"]), int(state["offset"])
            before = parse_instant(state["before"])
        else:
            since = query.get("LastUpdatedAfter") or query.get("CreatedAfter")
            if not since:
                raise ApiError(
                    400, "InvalidInput", "Either CreatedAfter or LastUpdatedAfter must be given"
                )
            after, offset = parse_instant(since), 0
            # Amazon answers up to two minutes before now, and says so (LastUpdatedBefore).
            before = self.now - timedelta(minutes=2)
        size = min(int(query.get("MaxResultsPerPage", PAGE_SIZE)), PAGE_SIZE)
        upto = zulu(before)  # uniform `...Z` stamps compare as the instants do
        found = [
            o for o in self.seller.orders_updated(after, self.now) if o["LastUpdateDate"] < upto
        ]
        page = found[offset : offset + size]
        payload: dict[str, Any] = {"Orders": page, "LastUpdatedBefore": zulu(before)}
        if offset + size < len(found):
            payload["NextToken"] = _token(
                after=zulu(after), before=zulu(before), offset=offset + size
            )
        return {"payload": payload}

    def create_report(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("reportType")
        if kind not in (FEEDBACK_REPORT, PERFORMANCE_REPORT):
            raise ApiError(400, "InvalidInput", f"Report type {kind} is not supported here")
        start = parse_instant(body.get("dataStartTime") or zulu(self.now - timedelta(days=30)))
        end = parse_instant(body.get("dataEndTime") or zulu(self.now))
        report_id = str(50000000000 + len(self.reports) + 1)
        with self._lock:
            self.reports[report_id] = _Report(report_id, kind, start, end, self.now)
        return {"reportId": report_id}

    def get_report(self, report_id: str) -> dict[str, Any]:
        report = self.reports.get(report_id)
        if report is None:
            raise ApiError(404, "NotFound", f"Report {report_id} was not found")
        report.polls += 1
        status = IN_QUEUE if report.polls <= POLLS_IN_QUEUE else IN_PROGRESS
        if report.polls > POLLS_IN_QUEUE + 1:
            status = DONE
            if report.report_type in self.faults.cancel:
                status = CANCELLED
            elif report.report_type in self.faults.fatal:
                status = FATAL
        if status == DONE and report.document_id is None:
            report.document_id = self._make_document(report)
        found: dict[str, Any] = {
            "reportId": report.report_id,
            "reportType": report.report_type,
            "dataStartTime": zulu(report.start),
            "dataEndTime": zulu(report.end),
            "createdTime": zulu(report.created),
            "processingStatus": status,
            "marketplaceIds": ["ATVPDKIKX0DER"],
        }
        if status == DONE:
            found["reportDocumentId"] = report.document_id
            found["processingEndTime"] = zulu(report.created)
        return found

    def _make_document(self, report: _Report) -> str:
        if report.report_type == FEEDBACK_REPORT:
            text = self.seller.feedback_report(report.start.date(), report.end.date(), self.now)
            content_type = "text/tab-separated-values;charset=UTF-8"
        else:
            text, content_type = self.seller.performance, "application/json;charset=UTF-8"
        document_id = f"amzn1.spdoc.1.4.na.{report.report_id}"
        with self._lock:
            self.documents[document_id] = (
                gzip.compress(text.encode("utf-8"), mtime=0),
                content_type,
            )
        return document_id

    def report_document(self, document_id: str, base_url: str) -> dict[str, Any]:
        if document_id not in self.documents:
            raise ApiError(404, "NotFound", f"Report document {document_id} was not found")
        return {
            "reportDocumentId": document_id,
            "url": f"{base_url}/documents/{document_id}?X-Amz-Expires=300",
            "compressionAlgorithm": "GZIP",
        }

    def financial_events(self, query: dict[str, str]) -> dict[str, Any]:
        if "NextToken" in query:
            state = _untoken(query["NextToken"])
            after, before, offset = (
                parse_instant(state["after"]),
                parse_instant(state["before"]),
                int(state["offset"]),
            )
        else:
            after = parse_instant(query.get("PostedAfter") or zulu(self.now - timedelta(days=2)))
            before = min(
                parse_instant(query["PostedBefore"]) if "PostedBefore" in query else self.now,
                self.now - timedelta(minutes=2),
            )
            offset = 0
        size = min(int(query.get("MaxResultsPerPage", PAGE_SIZE)), PAGE_SIZE)
        found = self.seller.financial_events(after, before)
        events: dict[str, list[Any]] = {"GuaranteeClaimEventList": [], "ChargebackEventList": []}
        for name, event in found[offset : offset + size]:
            events[name].append(event)
        payload: dict[str, Any] = {"FinancialEvents": events}
        if offset + size < len(found):
            payload["NextToken"] = _token(
                after=zulu(after), before=zulu(before), offset=offset + size
            )
        return {"payload": payload}


def _token(**state: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def _untoken(token: str) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.encode()))
        return found
    except (ValueError, json.JSONDecodeError):
        raise ApiError(400, "InvalidInput", "Invalid NextToken") from None


ROUTES = (  # (method, path prefix, operation)
    ("GET", "/sellers/v1/marketplaceParticipations", "getMarketplaceParticipations"),
    ("GET", "/orders/v0/orders", "getOrders"),
    ("POST", "/reports/2021-06-30/reports", "createReport"),
    ("GET", "/reports/2021-06-30/reports/", "getReport"),
    ("GET", "/reports/2021-06-30/documents/", "getReportDocument"),
    ("GET", "/finances/v0/financialEvents", "listFinancialEvents"),
)


def _handler(emulator: Emulator) -> type[Handler]:
    from sellerhealth.emulator.http import Handler

    return type("EmulatorHandler", (Handler,), {"emulator": emulator})


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on a slow answer leaves a broken pipe: no traceback."""


class Server:
    """The emulator on 127.0.0.1 (a free port unless given), served from a thread."""

    def __init__(self, emulator: Emulator, port: int = 0) -> None:
        self.emulator = emulator
        handler = _handler(emulator)
        self.httpd = _QuietServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        handler.base_url = self.url
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
