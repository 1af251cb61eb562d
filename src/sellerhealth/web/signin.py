"""Signing in and out of the dashboard, and what a request without the right credentials is
answered: the API 401 (with `WWW-Authenticate: Bearer`) or 403, the dashboard a redirect to
the sign-in page or an error page.

The session cookie is HttpOnly (no script reads it), SameSite=Lax (another site's form posts
go without it) and Secure when the browser came over TLS, directly or through a proxy saying
`X-Forwarded-Proto: https`. The sign-in form carries its own CSRF token (a cookie and a hidden
field that must match), so another site cannot sign a browser in as someone else.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sellerhealth.service import access
from sellerhealth.web.app import StoreDep, _is_api, error_response
from sellerhealth.web.auth import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    CallerDep,
    Forbidden,
    SignInNeeded,
    check_csrf,
    secure_request,
)
from sellerhealth.web.views import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def sign_in_page(request: Request, next_path: str, problem: str | None, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    page = render("signin.html", title="Sign in", csrf=token, next_path=next_path, problem=problem)
    response = HTMLResponse(page, status_code=status)
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_request(request),
        path="/sign-in",
    )
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form: user name and password."""
    return sign_in_page(request, _safe_next(next), None, 200)


@router.post("/sign-in")
def sign_in(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        return sign_in_page(request, _safe_next(next), "The form was stale: try again.", 403)
    try:
        session, _ = access.sign_in(store, username, password, datetime.now(UTC))
    except access.SignInRefused:
        problem = (
            "Wrong user name or password, or too many failed attempts: "
            f"after {access.LOCK_AFTER} the user is locked for {access.LOCK_MINUTES} minutes."
        )
        return sign_in_page(request, _safe_next(next), problem, 401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=access.SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_request(request),
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, store: StoreDep, caller: CallerDep, csrf: Annotated[str, Form()]
) -> Response:
    check_csrf(caller, csrf)
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        access.sign_out(store, session)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def sign_in_needed(request: Request, problem: SignInNeeded) -> Response:
    if _is_api(request):
        response = error_response(request, 401, str(problem))
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)


async def forbidden(request: Request, problem: Forbidden) -> Response:
    return error_response(request, 403, str(problem))
