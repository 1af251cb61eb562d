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


# --- two tenants (issue 13) -------------------------------------------------------------------

NORTH, SOUTH = "north", "south"
SOUTH_ACCOUNT = "south-shop"
ROLES = ("viewer", "analyst", "admin")
PASSWORD = "a long password"
SOUTH_ORDERS = (
    "order_id,purchase_date,fulfillment_channel\nsouth-o1,2026-10-01,MFN\nsouth-o2,2026-10-02,MFN\n"
)


class Tenants:
    """A store with two tenants: north owns the demo seller, south a small shop; each has a
    user of every role (`north-viewer` ...) with a token (`tokens[(tenant, role)]`)."""

    def __init__(self, db, client, tokens):
        self.db, self.client, self.tokens = db, client, tokens

    def headers(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(tenant, role)]}"}


def build_tenants(folder):
    from sellerhealth.ingest.base import ReadOptions
    from sellerhealth.service import access
    from sellerhealth.service.imports import import_files

    db = demo_db(folder)
    orders = folder / "south-orders.csv"
    orders.write_text(SOUTH_ORDERS)
    tokens = {}
    with Store.open(db) as store:
        import_files(store, [orders], ReadOptions(account=SOUTH_ACCOUNT))
        access.add_tenant(store, NORTH, [DEMO_ACCOUNT])
        access.add_tenant(store, SOUTH, [SOUTH_ACCOUNT])
        for tenant in (NORTH, SOUTH):
            for role in ROLES:
                access.add_user(store, f"{tenant}-{role}", tenant, role, PASSWORD)
                tokens[(tenant, role)] = access.create_token(store, f"{tenant}-{role}")[0]
    return db, tokens


@pytest.fixture(scope="package")
def tenants(tmp_path_factory):
    db, tokens = build_tenants(tmp_path_factory.mktemp("tenants"))
    with TestClient(create_app(str(db))) as test_client:
        yield Tenants(db, test_client, tokens)
