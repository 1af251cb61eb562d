"""Fixtures for the sync tests: the real python-amazon-sp-api client over HTTP against the
emulator on 127.0.0.1, serving the bundled sample seller."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.cli.conftest import cli  # noqa: F401  # the real entry point, in process
from tests.store.conftest import target  # noqa: F401  # both stores, as the store tests

from sellerhealth.connectors.spapi import Credentials, Endpoint, Retry
from sellerhealth.connectors.spapi_secrets import new_key
from sellerhealth.emulator import Emulator, LwaApp, SampleSeller, Server
from sellerhealth.sample.generate import DEMO_AS_OF, FEEDBACK_1_LAG_DAYS
from sellerhealth.service import sync, sync_plan
from sellerhealth.store.store import Store

ACCOUNT = "northfield"
FIRST_DAY = DEMO_AS_OF - timedelta(days=FEEDBACK_1_LAG_DAYS)  # the older feedback report's day
# Fast retries: the emulator states its own (faster) rates, so only backoff needs shortening.
FAST = Retry(attempts=6, backoff=0.01, ceiling=2.0, timeout=2.0, poll=0.01)


@pytest.fixture(scope="session")
def seller() -> SampleSeller:
    return SampleSeller.build()


def lwa_app() -> LwaApp:
    tag = uuid.uuid4().hex[:10]
    return LwaApp(f"amzn1.application-oa2-client.{tag}", f"SECRETclient{tag}", f"Atzr|REFRESH{tag}")


@dataclass
class Rig:
    emulator: Emulator
    server: Server
    env: dict[str, str]
    credentials: Credentials

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint("na", self.server.url, f"{self.server.url}/auth/o2/token")

    def connect(self, store: Store, account: str = ACCOUNT) -> None:
        sync_plan.connect(
            store, account, "na", self.credentials, "A2SAMPLESELLER1", self.endpoint, env=self.env
        )

    def sync(
        self, store: Store, day: date, account: str = ACCOUNT, **kw: object
    ) -> sync.SyncResult:
        self.emulator.set_day(day)
        return sync.sync_account(
            store,
            account,
            self.emulator.now,
            retry=FAST,
            env=self.env,
            **kw,  # type: ignore[arg-type]
        )

    def secrets(self) -> tuple[str, ...]:
        return (*self.credentials.values(), self.env["SELLERHEALTH_SECRET_KEY"])


@pytest.fixture
def rig(seller: SampleSeller) -> Iterator[Rig]:
    from datetime import UTC, datetime

    app = lwa_app()
    emulator = Emulator(seller, app, datetime.now(UTC), speed=20000)
    with Server(emulator) as server:
        env = {"SELLERHEALTH_SECRET_KEY": new_key()}
        yield Rig(
            emulator, server, env, Credentials(app.client_id, app.client_secret, app.refresh_token)
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.db") as opened:
        yield opened
