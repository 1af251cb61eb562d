"""Connecting an account to the Selling Partner API, and which syncs are due when.

The schedule is per connection (store/connections.py `Schedule`): orders and financial events
every `orders_hours`, the feedback and performance reports every `reports_hours`, each moved
later by a jitter of up to `jitter_minutes`, drawn from the account and its last sync so it is
the same at every check (a watch that checks each minute does not re-draw it).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from contextlib import closing
from datetime import UTC, datetime, timedelta

from sellerhealth.connectors import spapi_calls as calls
from sellerhealth.connectors.spapi import Credentials, Endpoint, Retry, SpApi, SyncError
from sellerhealth.connectors.spapi_models import REGION_MARKETPLACE
from sellerhealth.connectors.spapi_secrets import seal
from sellerhealth.domain.records import AccountSettings
from sellerhealth.errors import UsageError
from sellerhealth.store.connections import Checkpoint, Connection, Connections, Schedule
from sellerhealth.store.store import Store

FREQUENT = ("orders", "finances")  # every orders_hours
DAILY = ("feedback", "performance")  # every reports_hours


def connect(
    store: Store,
    account: str,
    region: str,
    credentials: Credentials,
    selling_partner_id: str | None = None,
    endpoint: Endpoint | None = None,
    schedule: Schedule | None = None,
    env: Mapping[str, str] | None = None,
    retry: Retry | None = None,
) -> Connection:
    """Check the credentials with getMarketplaceParticipations, then store them sealed."""
    if region not in REGION_MARKETPLACE:
        raise UsageError(f"--region: {region!r} is not one of: {', '.join(REGION_MARKETPLACE)}")
    where = endpoint or Endpoint(region)
    sealed = seal(credentials, env)  # fail on a missing key before calling Amazon
    with closing(SpApi(account, credentials, where, retry=retry)) as api:
        found = calls.marketplaces(api)
    ids = tuple(p["marketplace"]["id"] for p in found if p.get("marketplace"))
    if not ids:
        raise SyncError(
            f"account {account}: getMarketplaceParticipations: the seller takes part in no "
            "marketplace of this region; check --region"
        )
    connection = Connection(
        account=account,
        region=region,
        selling_partner_id=selling_partner_id,
        marketplaces=ids,
        sealed_credentials=sealed,
        api_url=where.api_url,
        token_url=where.token_url,
        schedule=schedule or Schedule(),
        connected_at=datetime.now(UTC),
    )
    Connections(store.backend).save(connection)
    if account not in store.accounts():  # keep the settings of an account that has them
        store.set_account(AccountSettings(account))
    return connection


def _due(c: Connection, checkpoint: Checkpoint, hours: float, now: datetime) -> bool:
    if checkpoint.synced_at is None:
        return True
    draw = random.Random(f"{c.account}:{checkpoint.data_kind}:{checkpoint.synced_at}")
    jitter = timedelta(minutes=draw.uniform(0, c.schedule.jitter_minutes))
    return now >= checkpoint.synced_at + timedelta(hours=hours) + jitter


def due(store: Store, now: datetime, accounts: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Connected account -> the data kinds whose next sync is due at `now`."""
    connections = Connections(store.backend)
    wanted = set(accounts) if accounts is not None else None
    plan: dict[str, list[str]] = {}
    for c in connections.all():
        if wanted is not None and c.account not in wanted:
            continue
        kinds = [
            kind
            for kinds, hours in (
                (FREQUENT, c.schedule.orders_hours),
                (DAILY, c.schedule.reports_hours),
            )
            for kind in kinds
            if _due(c, connections.checkpoint(c.account, kind), hours, now)
        ]
        if kinds:
            plan[c.account] = kinds
    return plan
