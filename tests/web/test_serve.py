"""`sellerhealth serve` for real: the server in one process, an import into the same embedded
store in another while the server is up (SQLite WAL: the reader never blocks the writer), and
the server's next report shows the imported orders."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.demo_store import DEMO_ACCOUNT, DEMO_AS_OF, demo_db
from tests.serving import free_port, wait_until_up

# Three self-fulfilled orders purchased inside the MFN ODR window of 2026-11-20
# (2026-09-08 .. 2026-11-06), with no defect: 11 of 1211 becomes 11 of 1214.
NEW_ORDERS = """order_id,purchase_date,fulfillment_channel
web-e2e-1,2026-10-01,MFN
web-e2e-2,2026-10-02,MFN
web-e2e-3,2026-10-03T09:30:00Z,MFN
"""


def sellerhealth(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sellerhealth.cli", "--db", str(db), *args]


def mfn_odr(base: str) -> tuple[int, int]:
    response = httpx.get(
        f"{base}/api/accounts/{DEMO_ACCOUNT}/report",
        params={"as_of": DEMO_AS_OF.isoformat()},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    mfn = response.json()["performanceMetrics"][0]["orderDefectRate"]["mfn"]
    return mfn["orderWithDefects"]["count"], mfn["orderCount"]


def test_import_while_the_server_runs(tmp_path):
    db = demo_db(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(NEW_ORDERS)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "SELLERHEALTH_DB"}
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            sellerhealth(db, "serve", "--port", str(port)),
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_until_up(base, server, log)
        assert mfn_odr(base) == (11, 1211)  # the server has just read the store

        importing = subprocess.Popen(
            sellerhealth(db, "import", str(orders), "--account", DEMO_ACCOUNT),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        while importing.poll() is None:  # the server keeps answering during the import
            assert httpx.get(f"{base}/api/accounts", timeout=10).status_code == 200
            time.sleep(0.05)
        out, err = importing.communicate(timeout=60)
        assert importing.returncode == 0, err
        assert "locked" not in err and "orders, 3 rows" in out

        assert mfn_odr(base) == (11, 1214)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_sigterm_stops_the_server_within_its_grace_while_a_request_runs(tmp_path):
    """Issue 11: `serve` did not stop on SIGTERM while a request ran. It lets a running request
    finish for `--grace` seconds, then cancels it and exits."""
    import signal
    import threading

    db = demo_db(tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "SELLERHEALTH_DB"}
    env["SELLERHEALTH_COUNTERS"] = "recount"  # kept counters answer too fast to be caught
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            sellerhealth(db, "serve", "--port", str(port), "--grace", "1"),
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    answers: list[object] = []

    def long_request() -> None:  # ten years of every metric, recounted: over two seconds
        try:
            url = f"{base}/api/accounts/{DEMO_ACCOUNT}/history"
            days = {"from": "2017-01-01", "to": "2026-12-31", "as_of": "2026-12-31"}
            answers.append(httpx.get(url, params=days, timeout=120))
        except httpx.TransportError as problem:
            answers.append(problem)

    try:
        wait_until_up(base, server, log)
        client = threading.Thread(target=long_request)
        client.start()
        time.sleep(0.2)  # the request is running
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
        client.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    text = log.read_text()
    # uvicorn shuts down, then re-raises the signal it caught: the status says SIGTERM.
    assert code in (0, -signal.SIGTERM), text
    assert "timeout graceful shutdown exceeded" in text and "Finished server process" in text
    assert len(answers) == 1 and isinstance(answers[0], httpx.TransportError)
