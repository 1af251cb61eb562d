"""The dashboard in a real browser: `sellerhealth serve` in its own process over a store with
two tenants (see tests/web/conftest.py), driven by Playwright through Debian's Chromium
(`make test` installs it; Playwright's own browser download is not used).

One server and one browser per module; each test gets a fresh browser context (no cookie of
another test). Screenshots are kept in `test-artefacts/browser/` (or under
$SELLERHEALTH_ARTEFACTS) for a person to look at after the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.serving import free_port, wait_until_up
from tests.web.conftest import PASSWORD, build_tenants

ACTION_TIMEOUT_MS = 15_000  # a page of the demo seller renders in well under a second
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(os.environ.get("SELLERHEALTH_ARTEFACTS", "test-artefacts")) / "browser"


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    return found


class Server:
    """A running `sellerhealth serve` over the two tenants' store, at `base`."""

    def __init__(self, base: str, db: Path) -> None:
        self.base, self.db = base, db

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    db, _tokens = build_tenants(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "SELLERHEALTH_DB"}
    log = folder / "server.log"
    command = [sys.executable, "-m", "sellerhealth.cli", "--db", str(db), "serve"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--grace", "0"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_until_up(base, process, log, "/sign-in")  # the API wants a token here
        yield Server(base, db)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "Chromium not found (no `chromium` on PATH, no /usr/bin/chromium): `make test` "
            "installs it with `apt-get install chromium chromium-driver`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context's page (signed out); a screenshot of where it ended is kept."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda problem: errors.append(str(problem)))
    yield opened
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=ARTEFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert not errors, f"the page's scripts failed: {errors}"


def sign_in(page, server: Server, username: str, path: str = "/") -> None:
    """Go to `path`, be sent to the sign-in form, fill it and come back to `path`."""
    page.goto(server.url(path))
    page.wait_for_url("**/sign-in?next=*")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("[data-testid=who]")
