"""The web app on a copy of the demo seller's store, through FastAPI's test client, plus an
account with settings and no data (`acme-b2b`, Amazon Business Seller program)."""

from __future__ import annotations

import warnings

import pytest
from starlette.exceptions import StarletteDeprecationWarning
from tests.demo_store import DEMO_ACCOUNT, DEMO_AS_OF, demo_db

from sellerhealth.domain.records import AccountSettings
from sellerhealth.store.store import Store
from sellerhealth.web import create_app

with warnings.catch_warnings():  # starlette would rather have httpx2; httpx is what we ship
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

EMPTY_ACCOUNT = "acme-b2b"
AS_OF = DEMO_AS_OF.isoformat()
__all__ = ["AS_OF", "DEMO_ACCOUNT", "EMPTY_ACCOUNT"]


@pytest.fixture(scope="package")
def web_db(tmp_path_factory):
    db = demo_db(tmp_path_factory.mktemp("web"))
    with Store.open(db) as store:
        store.set_account(AccountSettings(EMPTY_ACCOUNT, program="business"))
    return db


@pytest.fixture(scope="package")
def client(web_db):
    with TestClient(create_app(str(web_db))) as test_client:
        yield test_client
