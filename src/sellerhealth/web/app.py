"""The web face: `create_app(db)` builds the FastAPI app serving the JSON API (`web.api`) and
the dashboard pages (`web.pages`) over one store.

Each request opens the store and closes it when the response is sent, so nothing holds the
database between requests: `sellerhealth import` can write while the server runs (SQLite in
WAL mode lets readers and the one writer work side by side). Nothing here writes: every GET
computes from the store as it is.

Opening the store per request only reads its schema version: the app migrates the store once,
when it is created (`serve` start), so a request never takes the write lock or waits for an
import. A store busy beyond the bound (see store.backends) answers 503.

Errors: a SellerhealthError becomes `{"error": message}` with status 400 for a usage error
(a bad `metric`, `to` before `from`), 503 with `Retry-After` when the store cannot be opened
or is busy, and 422 otherwise (data that cannot give an answer, such as an account without
orders); an unknown account is 404 and a bad date 422; anything unexpected is a JSON 500 that
says no more than that. The dashboard shows the same message on an HTML page.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sellerhealth import __version__
from sellerhealth.domain.windows import check_day
from sellerhealth.errors import InputError, SellerhealthError, StoreError, UsageError
from sellerhealth.ingest.values import parse_day
from sellerhealth.service.accounts import UnknownAccount
from sellerhealth.store.store import Store
from sellerhealth.web.upload_limit import DEFAULT_MAX_UPLOAD_MB, MIB, refuse_large_uploads
from sellerhealth.web.views import render

HERE = FilePath(__file__).parent
API_PREFIX = "/api/"


def create_app(
    db: str, open_access: bool = True, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * MIB
) -> FastAPI:
    """The API and the dashboard over the store at `db` (a path or a postgresql:// URL).

    `open_access`: while the store has no user, answer without sign-in (`serve` passes it
    only for a loopback address); once a user exists, everyone signs in (see `web.auth`).
    `max_upload_bytes`: the most one upload may bring (see `web.upload_limit`)."""
    from sellerhealth.web import api, auth, page_actions, pages, signin, writes

    app = FastAPI(
        title="sellerhealth",
        version=__version__,
        description="Account health for Amazon sellers: the JSON API and the dashboard.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema is /openapi.json
        redoc_url=None,
    )
    app.state.db = db
    app.state.open_access = open_access
    app.state.local_csrf = secrets.token_urlsafe(24)  # the open server's forms
    app.state.max_upload_bytes = max_upload_bytes
    app.middleware("http")(refuse_large_uploads)
    _migrate_once(db)
    app.include_router(api.router)
    app.include_router(writes.router)
    app.include_router(pages.router)
    app.include_router(page_actions.router)
    app.include_router(signin.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # FastAPI's decorator form: each handler takes the exception class it is registered for.
    app.exception_handler(auth.SignInNeeded)(signin.sign_in_needed)
    app.exception_handler(auth.Forbidden)(signin.forbidden)
    app.exception_handler(SellerhealthError)(_sellerhealth_error)
    app.exception_handler(StarletteHTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(Exception)(_unexpected_error)
    return app


def _migrate_once(db: str) -> None:
    """Bring the store to the program's schema at start, so requests only ever read. A store
    that cannot be opened now is not fatal: each request answers 503 until it can."""
    with contextlib.suppress(StoreError):
        Store.open(db).close()


# --- Dependencies ----------------------------------------------------------------------------


def request_store(request: Request) -> Iterator[Store]:
    """The store, opened for this request and closed after it."""
    store = Store.open(request.app.state.db)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[Store, Depends(request_store)]


def query_day(value: str | None, name: str) -> date | None:
    """An ISO date query parameter (a timestamp means its UTC day); 422 when it is not one."""
    if value is None or not value.strip():
        return None
    try:
        return check_day(parse_day(value))
    except ValueError as problem:
        raise HTTPException(422, f"{name}: {problem}") from None


def today() -> date:
    return datetime.now(UTC).date()


AsOfQuery = Annotated[
    str | None,
    Query(description="UTC day to compute for, YYYY-MM-DD (default: today, UTC)."),
]


def as_of_day(as_of: AsOfQuery = None) -> date:
    return query_day(as_of, "as_of") or today()


AsOfDep = Annotated[date, Depends(as_of_day)]


# --- Errors ----------------------------------------------------------------------------------


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_response(request: Request, status: int, message: str) -> Response:
    """`{"error": message}` for the API, an HTML page for the dashboard."""
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    page = render("error.html", status=status, message=message, title=f"Error {status}")
    return HTMLResponse(page, status_code=status)


def error_status(problem: SellerhealthError) -> int:
    if isinstance(problem, UnknownAccount):
        return 404
    if isinstance(problem, UsageError):
        return 400
    if isinstance(problem, StoreError):
        return 503
    return 422


async def _sellerhealth_error(request: Request, problem: SellerhealthError) -> Response:
    if isinstance(problem, InputError) and problem.errors and _is_api(request):
        # Every bad row as data (the upload's errors), the message saying nothing was stored.
        problems = [
            {"file": e.file, "line": e.line, "column": e.column, "problem": e.problem}
            for e in problem.errors
        ]
        body = {"error": str(problem.args[0]), "problems": problems}
        return JSONResponse(body, status_code=error_status(problem))
    response = error_response(request, error_status(problem), str(problem))
    if isinstance(problem, StoreError):
        response.headers["Retry-After"] = str(problem.retry_after)
    return response


async def _unexpected_error(request: Request, _problem: Exception) -> Response:
    # The details go to the server's log (Starlette logs the exception), not to the client.
    return error_response(request, 500, "internal error; the server log has the details")


async def _http_error(request: Request, problem: StarletteHTTPException) -> Response:
    response = error_response(request, problem.status_code, str(problem.detail))
    response.headers.update(problem.headers or {})
    return response


async def _validation_error(request: Request, problem: RequestValidationError) -> Response:
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
        for e in problem.errors()
    )
    return error_response(request, 422, message or "invalid request")
