"""A typo must not give a clean report: reading commands refuse an unknown account or a store
that does not exist, list what the store has, and only `import` / `account set --create`
create (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

ORDERS = "order_id,purchase_date,fulfillment_channel\no1,2026-05-01,MFN\no2,2026-05-02,AFN\n"

# Every reading command, with the options it needs besides --account.
READERS = [
    ("report", "--as-of", "2026-06-30"),
    ("history", "--from", "2026-06-01", "--to", "2026-06-02"),
    ("reconcile",),
    ("status", "--as-of", "2026-06-30"),
    ("timeline", "--as-of", "2026-06-30"),
    ("triage", "--as-of", "2026-06-30"),
    ("shipments", "--at-risk", "--now", "2026-06-30"),
    ("forecast", "--as-of", "2026-06-30"),
    ("simulate", "--as-of", "2026-06-30"),
    ("appeal", "show", "--as-of", "2026-06-30"),
    ("appeal", "open", "--on", "2026-06-30"),
]


@pytest.fixture
def two_accounts(cli, tmp_path: Path) -> str:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    db = str(tmp_path / "store.db")
    for account in ("acme", "zeta"):
        code, _, err = cli("--db", db, "import", str(orders), "--account", account)
        assert code == 0, err
    return db


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_mistyped_account_is_refused_with_the_known_ones(cli, two_accounts, command):
    code, out, err = cli("--db", two_accounts, *command, "--account", "acmee", "--format", "json")
    if "--format" in err:  # the command has no --format: ask again without it
        code, out, err = cli("--db", two_accounts, *command, "--account", "acmee")
    assert code == 2, (out, err)
    assert "no such account 'acmee'; the store has: acme, zeta" in err
    assert "account set NAME --create" in err and out == ""


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_no_account_with_several_in_the_store_is_a_usage_error(cli, two_accounts, command):
    code, out, err = cli("--db", two_accounts, *command)
    assert code == 2, (out, err)
    assert "the store has 2 accounts: give --account (one of: acme, zeta)" in err


def test_no_account_with_one_in_the_store_uses_it(cli, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    db = str(tmp_path / "store.db")
    assert cli("--db", db, "import", str(orders), "--account", "acme")[0] == 0
    code, out, err = cli("--db", db, "report", "--as-of", "2026-06-30", "--format", "json")
    assert code == 0, err
    assert '"sellerhealth"' in out and '"acme"' in out


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_store_that_does_not_exist_is_refused_and_not_created(cli, tmp_path, command):
    missing = tmp_path / "typo.db"
    code, out, err = cli("--db", str(missing), *command, "--account", "acme")
    assert code == 2, (out, err)
    assert f"no such store: {missing}" in err
    assert not missing.exists()


def test_account_set_needs_create_for_a_new_account(cli, two_accounts, tmp_path):
    code, _, err = cli("--db", two_accounts, "account", "set", "acmee", "--program", "business")
    assert code == 2 and "no such account 'acmee'" in err
    code, out, _ = cli("--db", two_accounts, "account", "list")
    assert "acmee" not in out
    code, out, err = cli("--db", two_accounts, "account", "set", "new", "--create")
    assert code == 0, err
    assert "new: policy amazon-us-2026 (from its marketplace), program standard" in out
    code, out, _ = cli("--db", two_accounts, "account", "set", "acme", "--program", "business")
    assert code == 0 and "acme: policy amazon-us-2026" in out and "program business" in out
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "account", "set", "solo", "--create")[0] == 0
    assert fresh.exists()


def test_serve_refuses_a_store_that_does_not_exist(cli, tmp_path):
    code, _, err = cli("--db", str(tmp_path / "nope.db"), "serve", "--port", "1")
    assert code == 2 and "no such store" in err


def test_version(cli):
    from sellerhealth import __version__

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"sellerhealth {__version__}"


def test_import_a_folder_imports_its_files(cli, tmp_path):
    """Issue 11: `import DIR` said "no such file"."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS)
    (folder / "claims.csv").write_text("order_id,claim_date,status\no1,2026-05-20,granted\n")
    (folder / ".hidden").write_text("not data")
    db = str(tmp_path / "store.db")
    code, out, err = cli("--db", db, "import", str(folder), "--account", "acme")
    assert code == 0, err
    assert f"{folder / 'claims.csv'}: claims, 1 rows" in out
    assert f"{folder / 'orders.csv'}: orders, 2 rows" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli("--db", db, "import", str(empty))
    assert code == 2 and "a folder with no file to import" in err
