"""Who is asking, and what they may see: the caller of every request and the accounts of
their tenant.

The API takes a bearer token (`Authorization: Bearer shk_...`, from `sellerhealth token
create`) or the dashboard's session cookie; the dashboard takes the session cookie, set by the
sign-in page. A write made with the cookie must carry the session's CSRF token (a form's
`csrf` field, or the `X-CSRF-Token` header), so another site cannot make a signed-in browser
write. A server started on a loopback address over a store with no user is open: the laptop
user is an admin of every account, as before sign-in existed (`serve` refuses any other
address until a user exists); its forms still carry a CSRF token, one per server start.

Isolation: an account of another tenant is refused exactly as one that does not exist (the
same 404 and message), and a role too weak is refused (403) before the account is looked at,
so neither answer tells whether another tenant's account exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from sellerhealth.service import access
from sellerhealth.service.access import Caller
from sellerhealth.service.accounts import UnknownAccount, require_account
from sellerhealth.store.access import Access
from sellerhealth.store.store import Store
from sellerhealth.web.app import API_PREFIX, StoreDep

SESSION_COOKIE = "sellerhealth_session"
SIGN_IN_COOKIE = "sellerhealth_sign_in"  # the sign-in form's CSRF token, before any session
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="An API token from `sellerhealth token create USER`: "
    "`Authorization: Bearer shk_...`. It acts with its user's tenant and role (or a weaker "
    "role given at creation) until it expires or is revoked.",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="sessionCookie",
    description="The dashboard's session, set by signing in at /sign-in; a write made with it "
    f"needs the session's CSRF token in the `{CSRF_HEADER}` header.",
)


class SignInNeeded(Exception):
    """No valid credentials: the API answers 401, the dashboard sends to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but the role (or a missing CSRF token) does not allow this."""


def is_open(request: Request, store: Store) -> bool:
    """Open (no sign-in) only when the server allows it and the store has no user."""
    return bool(request.app.state.open_access) and not Access(store.backend).has_users()


def secure_request(request: Request) -> bool:
    """Whether the browser reached us over TLS (directly or through a proxy that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def current_caller(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    session: Annotated[str | None, Depends(cookie_scheme)],
) -> Caller:
    now = datetime.now(UTC)
    if credentials is not None:
        caller = access.token_caller(store, credentials.credentials, now)
        if caller is None:
            raise SignInNeeded("the token is not valid: it is unknown, expired or revoked")
        return caller  # a token is not sent by a browser on its own: no CSRF check
    caller = access.session_caller(store, session, now) if session else None
    if caller is None:
        if not is_open(request, store):
            raise SignInNeeded("sign in first: send `Authorization: Bearer TOKEN`")
        caller = Caller("local", None, "admin", request.app.state.local_csrf)
    if request.method not in SAFE_METHODS and request.url.path.startswith(API_PREFIX):
        check_csrf(caller, request.headers.get(CSRF_HEADER))
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


def check_csrf(caller: Caller, given: str | None) -> None:
    if not given or not caller.csrf or not secrets.compare_digest(given, caller.csrf):
        raise Forbidden("the form is stale or came from another site: reload the page")


def need(role: str) -> Callable[[Caller], Caller]:
    """A dependency refusing callers weaker than `role` (403)."""

    def check(caller: CallerDep) -> Caller:
        if not caller.may(role):
            raise Forbidden(f"this needs the {role} role; {caller.username} is {caller.role}")
        return caller

    check.__name__ = f"need_{role}"
    return check


def visible_accounts(store: Store, caller: Caller) -> list[str]:
    """The accounts the caller may see: their tenant's (all of them on an open server)."""
    names = store.accounts()
    return (
        names if caller.tenant is None else Access(store.backend).accounts_of(caller.tenant, names)
    )


def known_account(
    account: Annotated[str, Path(description="The account's name, as `account list` shows it.")],
    store: StoreDep,
    caller: CallerDep,
) -> str:
    """The `{account}` of the path, if the caller's tenant has it; else 404, the same answer
    as for an account that does not exist at all."""
    mine = visible_accounts(store, caller)
    if caller.tenant is None:
        return require_account(store, account, mine)
    if account not in mine:
        raise UnknownAccount(f"no such account {account!r}; your accounts: {', '.join(mine)}")
    return account


AccountDep = Annotated[str, Depends(known_account)]
AnalystDep = Annotated[Caller, Depends(need("analyst"))]
AdminDep = Annotated[Caller, Depends(need("admin"))]
