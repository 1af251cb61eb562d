"""The emulator's HTTP face: routing, faults, rate-limit headers and error bodies."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from sellerhealth.emulator.server import Emulator


_THROTTLED = "You exceeded your quota for the requested resource."
_FAILED = "We encountered an internal error. Please try again."


class Handler(BaseHTTPRequestHandler):
    emulator: ClassVar[Emulator]
    base_url: ClassVar[str] = ""  # set by the server once its port is known
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this, Nagle's algorithm and the client's
    # delayed ACK hold every answer about 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a request line carries no secret, but a test's output should stay clean."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        from sellerhealth.emulator.server import ROUTES, ApiError

        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        if method == "POST" and url.path == "/auth/o2/token":
            self._token(body)
            return
        if method == "GET" and url.path.startswith("/documents/"):
            self._document(url.path.removeprefix("/documents/"))
            return
        operation = next(
            (op for m, prefix, op in ROUTES if m == method and url.path.startswith(prefix)), None
        )
        if operation is None:
            self._json(404, _errors("NotFound", f"No route for {method} {url.path}"))
            return
        try:
            if self._fault(operation):
                return
            self.emulator.check_token(self.headers.get("x-amz-access-token"))
            found = self._call(operation, url.path, query, body)
        except ApiError as problem:
            self._json(problem.status, _errors(problem.code, problem.message, problem.details))
            self._log(operation, problem.status)
            return
        self._json(202 if operation == "createReport" else 200, found, operation)
        self._log(operation, 200)

    def _call(self, operation: str, path: str, query: dict[str, str], body: bytes) -> Any:
        e = self.emulator
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if operation == "getMarketplaceParticipations":
            return e.participations()
        if operation == "getOrders":
            return e.get_orders(query)
        if operation == "createReport":
            return e.create_report(json.loads(body or b"{}"))
        if operation == "getReport":
            return e.get_report(last)
        if operation == "getReportDocument":
            return e.report_document(last, self.base_url)
        return e.financial_events(query)

    def _fault(self, operation: str) -> bool:
        """Apply the next injected fault for `operation`; True when it answered already."""
        fault = self.emulator.faults.take(operation)
        if fault is None:
            return False
        if fault.kind == "slow":
            time.sleep(fault.seconds)
        elif fault.kind == "expire":
            self.emulator.expire_tokens()
        elif fault.kind in _FAULT_ANSWERS:
            status, code, message = _FAULT_ANSWERS[fault.kind]
            self._json(status, _errors(code, message), operation)
            self._log(operation, status)
            return True
        elif fault.kind == "drop":
            self._log(operation, 0)
            self.close_connection = True
            self.connection.close()
            return True
        return False

    def _token(self, body: bytes) -> None:
        from sellerhealth.emulator.server import ApiError

        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()}
        try:
            found = self.emulator.token(form)
        except ApiError as problem:
            self._json(
                problem.status, {"error": problem.code, "error_description": problem.message}
            )
            self._log("token", problem.status)
            return
        self._json(200, found)
        self._log("token", 200)

    def _document(self, rest: str) -> None:
        document_id = rest.split("?", 1)[0]
        found = self.emulator.documents.get(document_id)
        if found is None:
            self._send(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
            return
        content, content_type = found
        fault = self.emulator.faults.take("download")
        if fault is not None and fault.kind == "truncate":
            content = content[: len(content) // 2]
        self._send(200, content, content_type)
        self._log("download", 200 if fault is None else 206)

    def _json(self, status: int, document: Any, operation: str | None = None) -> None:
        headers = {}
        if operation is not None:
            headers["x-amzn-RateLimit-Limit"] = f"{self.emulator.rate(operation):g}"
        self._send(status, json.dumps(document).encode("utf-8"), "application/json", headers)

    def _send(
        self, status: int, content: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(content)))
        self.send_header("x-amzn-RequestId", f"emulator-{time.monotonic_ns()}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    def _log(self, operation: str, status: int) -> None:
        self.emulator.calls.append((time.monotonic(), operation, status))


# The answers of the faults that answer (Amazon's error shapes and texts).
_FAULT_ANSWERS = {
    "throttle": (429, "QuotaExceeded", "You exceeded your quota for the requested resource."),
    "error": (500, "InternalFailure", "We encountered an internal error. Please try again."),
}


def _errors(code: str, message: str, details: str = "") -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message, "details": details}]}
