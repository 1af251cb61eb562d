"""No secret (LWA client id and secret, refresh token, the store key) in any output line, log
record, error or stored cell of a connect and a sync, faults and failures included."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.sync.conftest import ACCOUNT, Rig

from sellerhealth.connectors.spapi_models import PERFORMANCE_REPORT
from sellerhealth.errors import UsageError
from sellerhealth.sample.generate import DEMO_AS_OF
from sellerhealth.service import sync
from sellerhealth.store.connections import Connections
from sellerhealth.store.store import Store


def _faults(rig: Rig) -> None:
    """Every path that logs or fails: throttling, 500s, an expired token, a FATAL report."""
    faults = rig.emulator.faults
    faults.add("getOrders", "throttle", times=2)
    faults.add("listFinancialEvents", "error", times=1)
    faults.add("getReport", "expire", times=1)
    faults.add("download", "truncate", times=1)
    faults.fatal.add(PERFORMANCE_REPORT)


def _leaks(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [line for line in text.splitlines() for s in secrets if s in line]


def test_cli_connect_and_sync_print_no_secret(rig: Rig, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    client_id, client_secret, refresh = rig.credentials.values()
    env = {
        **os.environ,
        **rig.env,
        "SELLERHEALTH_LWA_CLIENT_ID": client_id,
        "SELLERHEALTH_LWA_CLIENT_SECRET": client_secret,
        "SELLERHEALTH_REFRESH_TOKEN": refresh,
    }
    base = [sys.executable, "-m", "sellerhealth.cli", "--db", str(db)]
    connect = [*base, "connect", "--account", ACCOUNT, "--endpoint", rig.server.url]
    connect += ["--token-url", f"{rig.server.url}/auth/o2/token"]
    outputs = [subprocess.run(connect, env=env, capture_output=True, text=True, check=True)]
    assert outputs[0].stdout.startswith(f"{ACCOUNT}: connected (na; marketplaces ATVPDKIKX0DER)")
    rig.emulator.set_day(DEMO_AS_OF)
    _faults(rig)
    moment = rig.emulator.now.isoformat()
    synced = subprocess.run(
        [*base, "sync", "--account", ACCOUNT, "--now", moment],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert synced.returncode == 1  # the FATAL report
    assert f"{ACCOUNT}: performance: FAILED: account {ACCOUNT}: getReport:" in synced.stderr
    assert f"{ACCOUNT}: orders: 85 document(s), 8454 records" in synced.stdout
    outputs.append(synced)
    # A revoked refresh token: the error path of the token call.
    rig.emulator.app = type(rig.emulator.app)(client_id, client_secret, "another")
    rig.emulator.expire_tokens()
    revoked = [*base, "sync", "--account", ACCOUNT, "--now", moment]
    outputs.append(subprocess.run(revoked, env=env, capture_output=True, text=True, check=False))
    assert "run `sellerhealth connect --account northfield` again" in outputs[-1].stderr
    for done in outputs:
        assert _leaks(done.stdout + done.stderr, rig.secrets()) == []
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("store.db*"))
    assert [s for s in rig.secrets() if s.encode() in stored] == []


def test_log_records_of_a_sync_hold_no_secret(
    rig: Rig, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    rig.connect(store)
    _faults(rig)
    with caplog.at_level(logging.DEBUG):
        for name in ("sellerhealth", "sp_api", "httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        result = rig.sync(store, DEMO_AS_OF)
    assert [k.kind for k in result.failed] == ["performance"]
    assert any("throttled (429)" in record.getMessage() for record in caplog.records)
    lines = [record.getMessage() for record in caplog.records]
    lines += [k.error or "" for k in result.kinds] + sync.describe(result)
    assert _leaks("\n".join(lines), rig.secrets()) == []


def test_a_wrong_key_names_the_account_not_the_secret(rig: Rig, store: Store) -> None:
    rig.connect(store)
    other = {"SELLERHEALTH_SECRET_KEY": "x" * 43 + "="}
    with pytest.raises(UsageError) as raised:
        sync.sync_account(store, ACCOUNT, env=other)
    assert str(raised.value).startswith(f"account {ACCOUNT}: the stored credentials do not open")
    connection = Connections(store.backend).get(ACCOUNT)
    assert connection is not None
    assert _leaks(repr(connection) + repr(rig.credentials), rig.secrets()) == []
