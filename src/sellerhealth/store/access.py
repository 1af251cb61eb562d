"""Who may see and do what (migration 6): tenants, the accounts they own, users with a role,
API tokens, dashboard sessions, and the audit log of every write made through the server.

A tenant (an agency, a marketplace operator, a single seller) owns accounts; an account no
tenant has claimed belongs to the default tenant, so a store made before tenants existed, or
an account imported by the CLI, is the default tenant's. Secrets are never stored: passwords
as argon2 hashes (made by `service.access`), tokens and session ids as SHA-256 digests (they
are long random strings, so a fast digest is enough to make a stolen table useless).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend

DEFAULT_TENANT = "default"
ROLES = ("viewer", "analyst", "admin")  # weakest first: each may do what the ones before may

TENANTS = t.TableSpec("tenants", t._cols("tenant:text!", "created_at:timestamp!"), ("tenant",))
ACCOUNT_TENANTS = t.TableSpec(
    "account_tenants", t._cols("account:text!", "tenant:text!"), ("account",)
)
USERS = t.TableSpec(
    "users",
    t._cols(
        "username:text!",
        "tenant:text!",
        "role:text!",
        "password_hash:text!",
        "created_at:timestamp!",
        "failed_sign_ins:int!",
        "locked_until:timestamp",
    ),
    ("username",),
)
TOKENS = t.TableSpec(
    "api_tokens",
    t._cols(
        "token_id:text!",
        "digest:text!",
        "username:text!",
        "tenant:text!",
        "role:text!",
        "created_at:timestamp!",
        "expires_at:timestamp!",
        "revoked_at:timestamp",
    ),
    ("token_id",),
)
SESSIONS = t.TableSpec(
    "sessions",
    t._cols(
        "digest:text!",
        "username:text!",
        "csrf:text!",
        "created_at:timestamp!",
        "expires_at:timestamp!",
    ),
    ("digest",),
)
AUDIT = t.TableSpec(
    "audit_log",
    t._cols(
        "entry_id:text!",
        "at:timestamp!",
        "tenant:text!",
        "actor:text!",
        "action:text!",
        "account:text",
        "detail:json!",
    ),
    ("entry_id",),
)
TABLES = (TENANTS, ACCOUNT_TENANTS, USERS, TOKENS, SESSIONS, AUDIT)

DDL = (
    *(spec.ddl() for spec in TABLES),
    "CREATE INDEX audit_by_tenant ON audit_log (tenant, at)",
    "CREATE INDEX tokens_by_digest ON api_tokens (digest)",
    # Existing stores: the default tenant, owning every account the store already has.
    f"INSERT INTO tenants (tenant, created_at) VALUES ('{DEFAULT_TENANT}', "
    "'1970-01-01T00:00:00+00:00')",
    "INSERT INTO account_tenants (account, tenant) SELECT account, 'default' FROM "
    "(SELECT account FROM accounts UNION SELECT account FROM orders "
    "UNION SELECT account FROM snapshots) AS known",
)


@dataclass(frozen=True)
class User:
    username: str
    tenant: str
    role: str
    password_hash: str
    failed_sign_ins: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Token:
    token_id: str
    username: str
    tenant: str
    role: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    tenant: str
    actor: str
    action: str
    account: str | None
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "account": self.account,
            "detail": self.detail,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Access:
    """The access tables of one store."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # --- tenants and their accounts --------------------------------------------------------

    def tenants(self) -> list[str]:
        return [row[0] for row in self.backend.query("SELECT tenant FROM tenants ORDER BY 1")]

    def add_tenant(self, tenant: str) -> None:
        with self.backend.transaction():
            self.backend.execute(
                "INSERT INTO tenants (tenant, created_at) VALUES (?, ?)",
                (tenant, _now().isoformat()),
            )

    def assign(self, account: str, tenant: str) -> None:
        """Give `account` to `tenant` (from whichever tenant had it)."""
        with self.backend.transaction():
            self.backend.execute(
                ACCOUNT_TENANTS.upsert(self.backend.placeholder), (account, tenant)
            )

    def tenant_of(self, account: str) -> str:
        rows = self.backend.query(
            "SELECT tenant FROM account_tenants WHERE account = ?", (account,)
        )
        return rows[0][0] if rows else DEFAULT_TENANT

    def accounts_of(self, tenant: str, accounts: list[str]) -> list[str]:
        """Those of `accounts` (every account the store has) that `tenant` owns."""
        owners = dict(self.backend.query("SELECT account, tenant FROM account_tenants"))
        return [a for a in accounts if owners.get(a, DEFAULT_TENANT) == tenant]

    # --- users ---------------------------------------------------------------------------

    def has_users(self) -> bool:
        return bool(self.backend.query("SELECT 1 FROM users LIMIT 1"))

    def user(self, username: str) -> User | None:
        rows = self.backend.query(
            "SELECT username, tenant, role, password_hash, failed_sign_ins, locked_until "
            "FROM users WHERE username = ?",
            (username,),
        )
        if not rows:
            return None
        name, tenant, role, digest, failed, locked = rows[0]
        return User(name, tenant, role, digest, int(failed), _time(locked))

    def save_user(self, user: User) -> None:
        row = (
            user.username,
            user.tenant,
            user.role,
            user.password_hash,
            _now().isoformat(),
            user.failed_sign_ins,
            user.locked_until.isoformat() if user.locked_until else None,
        )
        update = frozenset({"role", "password_hash", "failed_sign_ins", "locked_until"})
        with self.backend.transaction():
            self.backend.execute(USERS.upsert(self.backend.placeholder, update), row)

    def remove_user(self, username: str) -> bool:
        """Remove the user with their sessions and tokens; whether there was one."""
        with self.backend.transaction():
            found = self.user(username) is not None
            for table in ("sessions", "api_tokens", "users"):
                self.backend.execute(f"DELETE FROM {table} WHERE username = ?", (username,))
        return found

    def record_sign_in(self, username: str, failed: int, locked_until: datetime | None) -> None:
        with self.backend.transaction():
            self.backend.execute(
                "UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE username = ?",
                (failed, locked_until.isoformat() if locked_until else None, username),
            )

    # --- tokens --------------------------------------------------------------------------

    def save_token(self, token: Token, digest: str) -> None:
        row = (
            token.token_id,
            digest,
            token.username,
            token.tenant,
            token.role,
            token.created_at.isoformat(),
            token.expires_at.isoformat(),
            None,
        )
        with self.backend.transaction():
            self.backend.execute(TOKENS.upsert(self.backend.placeholder), row)

    def token_by_digest(self, digest: str) -> Token | None:
        found = self._tokens("digest = ?", (digest,))
        return found[0] if found else None

    def tokens(self, username: str | None = None) -> list[Token]:
        return self._tokens("username = ?", (username,)) if username else self._tokens("1 = 1")

    def revoke_token(self, token_id: str) -> bool:
        """Revoke the token; whether there was such a token not yet revoked."""
        with self.backend.transaction():
            live = self._tokens("token_id = ? AND revoked_at IS NULL", (token_id,))
            self.backend.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (_now().isoformat(), token_id),
            )
        return bool(live)

    def _tokens(self, where: str, params: tuple[Any, ...] = ()) -> list[Token]:
        rows = self.backend.query(
            "SELECT token_id, username, tenant, role, created_at, expires_at, revoked_at "
            f"FROM api_tokens WHERE {where} ORDER BY created_at, token_id",
            params,
        )
        return [
            Token(i, u, te, ro, datetime.fromisoformat(c), datetime.fromisoformat(e), _time(r))
            for i, u, te, ro, c, e, r in rows
        ]

    # --- sessions ------------------------------------------------------------------------

    def start_session(self, digest: str, username: str, csrf: str, expires: datetime) -> None:
        with self.backend.transaction():
            self.backend.execute("DELETE FROM sessions WHERE expires_at < ?", (_now().isoformat(),))
            self.backend.execute(
                "INSERT INTO sessions (digest, username, csrf, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, username, csrf, _now().isoformat(), expires.isoformat()),
            )

    def session(self, digest: str) -> tuple[str, str, datetime] | None:
        """(username, CSRF token, expiry) of the session with this digest."""
        rows = self.backend.query(
            "SELECT username, csrf, expires_at FROM sessions WHERE digest = ?", (digest,)
        )
        if not rows:
            return None
        username, csrf, expires = rows[0]
        return username, csrf, datetime.fromisoformat(expires)

    def end_session(self, digest: str) -> None:
        with self.backend.transaction():
            self.backend.execute("DELETE FROM sessions WHERE digest = ?", (digest,))

    # --- audit log -----------------------------------------------------------------------

    def audit(
        self, tenant: str, actor: str, action: str, account: str | None, detail: dict[str, Any]
    ) -> None:
        row = (
            uuid.uuid4().hex,
            _now().isoformat(),
            tenant,
            actor,
            action,
            account,
            json.dumps(detail, sort_keys=True, default=str),
        )
        with self.backend.transaction():
            self.backend.execute(AUDIT.upsert(self.backend.placeholder), row)

    def audit_log(self, tenant: str | None, limit: int = 200) -> list[AuditEntry]:
        """The newest `limit` entries, newest first (of one tenant, or of all when None)."""
        where, params = ("WHERE tenant = ?", (tenant,)) if tenant is not None else ("", ())
        rows = self.backend.query(
            "SELECT at, tenant, actor, action, account, detail FROM audit_log "
            f"{where} ORDER BY at DESC, entry_id LIMIT {int(limit)}",
            params,
        )
        return [
            AuditEntry(datetime.fromisoformat(at), te, ac, act, acc, json.loads(d))
            for at, te, ac, act, acc, d in rows
        ]
