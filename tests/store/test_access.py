"""Tenants, users, tokens, sessions and the audit log, on both stores: an old store's accounts
become the default tenant's; secrets are stored only as hashes; tokens expire and revoke;
repeated wrong passwords lock a user out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sellerhealth.domain.records import AccountSettings
from sellerhealth.errors import UsageError
from sellerhealth.service import access
from sellerhealth.store.access import Access
from sellerhealth.store.backends import open_backend
from sellerhealth.store.migrations import MIGRATIONS, migrate
from sellerhealth.store.store import Store

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_delay(monkeypatch):
    monkeypatch.setattr(access, "FAILURE_DELAY_S", 0.0)


def test_an_old_stores_accounts_become_the_default_tenants(target):
    backend = open_backend(target)
    migrate(backend, MIGRATIONS[:5])  # the store as it was before tenants
    backend.execute("INSERT INTO accounts (account, policy, program) VALUES ('old', '', 'std')")
    backend.close()
    with Store.open(target) as store:
        table = Access(store.backend)
        assert table.tenants() == ["default"]
        assert table.tenant_of("old") == "default"
        access.add_tenant(store, "agency", ["old"])
        store.set_account(AccountSettings("new"))
        assert table.accounts_of("agency", store.accounts()) == ["old"]
        assert table.accounts_of("default", store.accounts()) == ["new"]


def test_users_tokens_and_sessions(target):
    with Store.open(target) as store:
        access.add_tenant(store, "agency", [])
        access.add_user(store, "ann", "agency", "analyst", "correct horse")
        stored = store.backend.query("SELECT password_hash FROM users")[0][0]
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        with pytest.raises(UsageError, match="too short"):
            access.add_user(store, "bob", "agency", "viewer", "short")
        with pytest.raises(UsageError, match="cannot be more"):
            access.create_token(store, "ann", role="admin")

        secret, token = access.create_token(store, "ann", days=1, role="viewer")
        assert store.backend.query("SELECT COUNT(*) FROM api_tokens WHERE digest = ?", (secret,))[
            0
        ] == (0,)  # only its digest is stored
        now = token.created_at
        caller = access.token_caller(store, secret, now)
        assert caller == access.Caller("ann", "agency", "viewer")
        assert access.token_caller(store, secret, now + timedelta(days=1)) is None  # expired
        assert access.token_caller(store, secret + "x", now) is None
        access.revoke_token(store, token.token_id)
        assert access.token_caller(store, secret, now) is None

        session, signed = access.sign_in(store, "ann", "correct horse", NOW)
        assert (signed.tenant, signed.role) == ("agency", "analyst") and signed.csrf
        assert access.session_caller(store, session, NOW) == signed
        assert access.session_caller(store, session, NOW + timedelta(days=1)) is None
        access.sign_out(store, session)
        assert access.session_caller(store, session, NOW) is None


def test_repeated_failures_lock_the_user_out(target):
    with Store.open(target) as store:
        access.add_tenant(store, "agency", [])
        access.add_user(store, "ann", "agency", "admin", "correct horse")
        for _ in range(access.LOCK_AFTER):
            with pytest.raises(access.SignInRefused):
                access.sign_in(store, "ann", "wrong password", NOW)
        with pytest.raises(access.SignInRefused):  # locked: even the right password
            access.sign_in(store, "ann", "correct horse", NOW + timedelta(minutes=1))
        later = NOW + timedelta(minutes=access.LOCK_MINUTES + 1)
        assert access.sign_in(store, "ann", "correct horse", later)[1].username == "ann"
        with pytest.raises(access.SignInRefused):
            access.sign_in(store, "nobody", "correct horse", NOW)


def test_the_audit_log_keeps_each_tenants_writes(target):
    with Store.open(target) as store:
        table = Access(store.backend)
        table.audit("agency", "ann", "upload", "acme", {"files": ["o.csv"]})
        table.audit("other", "olga", "sync", "zed", {})
        [entry] = table.audit_log("agency")
        assert entry.as_dict() | {"at": None} == {
            "at": None,
            "actor": "ann",
            "action": "upload",
            "account": "acme",
            "detail": {"files": ["o.csv"]},
        }
        assert len(table.audit_log(None)) == 2
