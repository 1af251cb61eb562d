"""Running a server in a test: a free local port, and waiting for a `sellerhealth serve`
process to answer (shared by the serve, browser and alert-receiver tests)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx

STARTUP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    base: str, server: subprocess.Popen[bytes], log: Path, path: str = "/api/accounts"
) -> None:
    """Return once `path` answers 200; fail with the server's log if it exits or stays silent."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server exited:\n{log.read_text()}"
        try:
            if httpx.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")
