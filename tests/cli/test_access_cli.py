"""`tenant`, `user` and `token` through the real entry point: the secret is printed once, a
revoked token and a removed user's token stop working, mistakes are usage errors."""

from __future__ import annotations

from datetime import UTC, datetime

from sellerhealth.service.access import token_caller
from sellerhealth.store.store import Store


def test_tenants_users_and_tokens(cli, tmp_path, monkeypatch):
    db = str(tmp_path / "s.db")
    monkeypatch.setenv("SELLERHEALTH_PASSWORD", "a long password")
    assert cli("--db", db, "account", "set", "acme", "--create")[0] == 0
    assert cli("--db", db, "tenant", "add", "agency", "--account", "acme")[0] == 0
    assert cli("--db", db, "tenant", "list")[1] == "agency: acme\ndefault: (no account)\n"
    code, _, err = cli("--db", db, "tenant", "add", "agency")
    assert (code, err) == (2, "tenant 'agency' exists already\n")
    assert cli("--db", db, "user", "add", "ann", "--tenant", "agency", "--role", "boss")[0] == 2
    assert cli("--db", db, "user", "add", "ann", "--tenant", "agency", "--role", "analyst")[0] == 0
    assert cli("--db", db, "user", "list")[1] == "ann: agency, analyst\n"

    code, secret, err = cli("--db", db, "token", "create", "ann", "--days", "7")
    secret = secret.strip()
    token_id = err.split()[1]
    assert code == 0 and secret.startswith("shk_") and "expires" in err
    assert f"{token_id}: ann (agency, analyst)" in cli("--db", db, "token", "list")[1]
    with Store.open(db) as store:
        assert token_caller(store, secret, datetime.now(UTC)) is not None
    assert cli("--db", db, "token", "revoke", token_id)[0] == 0
    assert cli("--db", db, "token", "revoke", token_id)[0] == 2
    with Store.open(db) as store:
        assert token_caller(store, secret, datetime.now(UTC)) is None

    secret = cli("--db", db, "token", "create", "ann")[1].strip()
    assert cli("--db", db, "user", "passwd", "ann")[0] == 0
    assert cli("--db", db, "user", "remove", "ann")[0] == 0
    with Store.open(db) as store:
        assert token_caller(store, secret, datetime.now(UTC)) is None
    assert cli("--db", db, "user", "remove", "ann")[0] == 2
