"""Tenants, users, tokens and sign-in: what the CLI's `tenant`, `user` and `token` commands and
the server's sign-in call. Passwords are hashed with argon2id (argon2-cffi's defaults, the
RFC 9106 low-memory profile); tokens and session ids are random and stored as SHA-256 digests.

Repeated failures: after `LOCK_AFTER` wrong passwords in a row a user is locked for
`LOCK_MINUTES`, and every failure (an unknown user's too) costs the caller `FAILURE_DELAY_S`,
so guessing is slow even before the lock. A right password resets the count.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sellerhealth.errors import UsageError
from sellerhealth.store.access import DEFAULT_TENANT, ROLES, Access, Token, User
from sellerhealth.store.store import Store

LOCK_AFTER = 5
LOCK_MINUTES = 15
FAILURE_DELAY_S = 1.0
SESSION_HOURS = 12
TOKEN_DAYS = 90
MIN_PASSWORD = 10
TOKEN_PREFIX = "shk_"
NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Caller:
    """Who is asking: a signed-in user, a token's holder, or the laptop user of an open
    server (`tenant` None: every account, as before sign-in existed)."""

    username: str
    tenant: str | None
    role: str
    csrf: str | None = None  # the session's, for the dashboard's forms

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def audit_tenant(self) -> str:
        return self.tenant or DEFAULT_TENANT


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"--role: {role!r} is not one of: {', '.join(ROLES)}")
    return role


def check_name(value: str, what: str) -> str:
    """A tenant or user name: letters, digits and `._@-`, at most 64 (no spaces, no markup)."""
    if not NAME.fullmatch(value):
        raise UsageError(
            f"{what}: {value!r} is not a name: use 1 to 64 letters, digits and . _ @ -"
        )
    return value


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short: at least {MIN_PASSWORD} characters")
    return password


# --- tenants and users -----------------------------------------------------------------------


def add_tenant(store: Store, tenant: str, accounts: list[str]) -> None:
    access = Access(store.backend)
    tenant = check_name(tenant, "tenant")
    if tenant in access.tenants():
        raise UsageError(f"tenant {tenant!r} exists already")
    access.add_tenant(tenant)
    assign(store, tenant, accounts)


def assign(store: Store, tenant: str, accounts: list[str]) -> None:
    """Give `accounts` (existing ones) to `tenant`."""
    access = Access(store.backend)
    if tenant not in access.tenants():
        raise UsageError(f"no tenant {tenant!r}; add it with `sellerhealth tenant add {tenant}`")
    known = store.accounts()
    missing = [a for a in accounts if a not in known]
    if missing:
        raise UsageError(f"no such account: {', '.join(missing)}")
    for account in accounts:
        access.assign(account, tenant)


def add_user(store: Store, username: str, tenant: str, role: str, password: str) -> User:
    access = Access(store.backend)
    username = check_name(username, "user")
    if tenant not in access.tenants():
        raise UsageError(f"no tenant {tenant!r}; add it with `sellerhealth tenant add {tenant}`")
    if access.user(username) is not None:
        raise UsageError(
            f"user {username!r} exists already; change the password with `user passwd`"
        )
    user = User(username, tenant, check_role(role), _hasher.hash(check_password(password)))
    access.save_user(user)
    return user


def set_password(store: Store, username: str, password: str) -> None:
    """A new password; it also lifts a lock-out and ends the user's sessions."""
    access = Access(store.backend)
    user = _existing(access, username)
    hashed = _hasher.hash(check_password(password))
    access.save_user(User(user.username, user.tenant, user.role, hashed))
    access.backend.execute("DELETE FROM sessions WHERE username = ?", (username,))


def remove_user(store: Store, username: str) -> None:
    if not Access(store.backend).remove_user(username):
        raise UsageError(f"no user {username!r}")


def _existing(access: Access, username: str) -> User:
    user = access.user(username)
    if user is None:
        raise UsageError(f"no user {username!r}")
    return user


# --- tokens ----------------------------------------------------------------------------------


def create_token(
    store: Store, username: str, days: int = TOKEN_DAYS, role: str | None = None
) -> tuple[str, Token]:
    """A new token for `username` (the secret, shown once, and what is stored about it).
    `role` may lower the token's role below the user's, never raise it."""
    access = Access(store.backend)
    user = _existing(access, username)
    chosen = check_role(role or user.role)
    if ROLES.index(chosen) > ROLES.index(user.role):
        raise UsageError(f"--role: {username} is {user.role}; a token cannot be more than that")
    if days < 1:
        raise UsageError("--days: a token lives at least one day")
    token_id = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    now = datetime.now(UTC).replace(microsecond=0)
    token = Token(token_id, user.username, user.tenant, chosen, now, now + timedelta(days), None)
    access.save_token(token, digest(secret))
    return secret, token


def revoke_token(store: Store, token_id: str) -> None:
    if not Access(store.backend).revoke_token(token_id):
        raise UsageError(f"no live token {token_id!r} (see `sellerhealth token list`)")


def token_caller(store: Store, secret: str, now: datetime) -> Caller | None:
    """Who holds `secret`, when it is a live token of a user that still exists."""
    access = Access(store.backend)
    token = access.token_by_digest(digest(secret))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = access.user(token.username)
    if user is None or user.tenant != token.tenant:
        return None
    role = min(token.role, user.role, key=ROLES.index)  # a user demoted since: the lower one
    return Caller(user.username, user.tenant, role)


# --- sign-in and sessions --------------------------------------------------------------------


class SignInRefused(Exception):
    """A wrong name or password, or a locked user (the message does not say which)."""


def sign_in(store: Store, username: str, password: str, now: datetime) -> tuple[str, Caller]:
    """A new session (its secret id, for the cookie) for the right password."""
    access = Access(store.backend)
    user = access.user(username)
    if user is None:
        time.sleep(FAILURE_DELAY_S)
        raise SignInRefused
    if user.locked_until is not None and user.locked_until > now:
        time.sleep(FAILURE_DELAY_S)
        raise SignInRefused
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        failed = user.failed_sign_ins + 1
        locked = now + timedelta(minutes=LOCK_MINUTES) if failed >= LOCK_AFTER else None
        access.record_sign_in(username, 0 if locked else failed, locked)
        time.sleep(FAILURE_DELAY_S)
        raise SignInRefused from None
    access.record_sign_in(username, 0, None)
    session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    access.start_session(digest(session), username, csrf, now + timedelta(hours=SESSION_HOURS))
    return session, Caller(user.username, user.tenant, user.role, csrf)


def session_caller(store: Store, session: str, now: datetime) -> Caller | None:
    access = Access(store.backend)
    found = access.session(digest(session))
    if found is None or found[2] <= now:
        return None
    user = access.user(found[0])
    return None if user is None else Caller(user.username, user.tenant, user.role, found[1])


def sign_out(store: Store, session: str) -> None:
    Access(store.backend).end_session(digest(session))
