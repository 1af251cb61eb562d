"""Connecting to Amazon: `connect`, `sync`, and the emulator run of `demo --sync`."""

from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from sellerhealth.cli.common import app, err, open_store, option_day, out
from sellerhealth.connectors.spapi import Credentials, Endpoint, Retry
from sellerhealth.connectors.spapi_secrets import new_key
from sellerhealth.errors import UsageError
from sellerhealth.service import sync as sync_service
from sellerhealth.service.sync_plan import connect as connect_account
from sellerhealth.service.sync_plan import due
from sellerhealth.store.connections import Schedule
from sellerhealth.store.store import Store

# Where each secret may come from, besides a prompt (never an option: options land in
# shell history and `ps`).
SECRET_VARIABLES = {
    "client_id": "SELLERHEALTH_LWA_CLIENT_ID",
    "client_secret": "SELLERHEALTH_LWA_CLIENT_SECRET",
    "refresh_token": "SELLERHEALTH_REFRESH_TOKEN",
}


def _secret(name: str, label: str) -> str:
    value = os.environ.get(SECRET_VARIABLES[name], "").strip()
    if value:
        return value
    if not os.isatty(0):
        raise UsageError(f"{label}: set {SECRET_VARIABLES[name]} (no terminal to prompt on)")
    return str(typer.prompt(label, hide_input=True)).strip()


@app.command()
def connect(
    account: Annotated[str | None, typer.Option(help="Account name in the store.")] = None,
    region: Annotated[str, typer.Option(help="Selling Partner API region: na, eu or fe.")] = "na",
    selling_partner_id: Annotated[
        str | None, typer.Option(help="The seller's id, from the authorisation redirect.")
    ] = None,
    orders_every: Annotated[
        float, typer.Option(help="Hours between orders and claims syncs (watch).")
    ] = 4.0,
    reports_every: Annotated[
        float, typer.Option(help="Hours between feedback and performance reports (watch).")
    ] = 24.0,
    jitter: Annotated[float, typer.Option(help="Minutes of random delay per sync.")] = 15.0,
    endpoint: Annotated[
        str | None,
        typer.Option(help="Another API base URL (the local emulator, a proxy).", hidden=True),
    ] = None,
    token_url: Annotated[
        str | None, typer.Option(help="Another LWA token URL (with --endpoint).", hidden=True)
    ] = None,
    new_key_: Annotated[
        bool, typer.Option("--new-key", help="Print a new SELLERHEALTH_SECRET_KEY and exit.")
    ] = False,
) -> None:
    """Record a Selling Partner connection: credentials from the environment
    (SELLERHEALTH_LWA_CLIENT_ID, SELLERHEALTH_LWA_CLIENT_SECRET, SELLERHEALTH_REFRESH_TOKEN) or a
    prompt, sealed with SELLERHEALTH_SECRET_KEY; marketplaces from getMarketplaceParticipations."""
    if new_key_:
        out.print(new_key(), markup=False, highlight=False)
        return
    if account is None:
        raise UsageError("--account: which account to connect")
    credentials = Credentials(
        _secret("client_id", "LWA client id"),
        _secret("client_secret", "LWA client secret"),
        _secret("refresh_token", "refresh token"),
    )
    where = Endpoint(region, endpoint, token_url) if endpoint else None
    schedule = Schedule(orders_every, reports_every, jitter)
    with open_store(create=True) as store:  # connecting is how a synced account begins
        c = connect_account(
            store, account, region, credentials, selling_partner_id, where, schedule
        )
    out.print(
        f"{account}: connected ({region}; marketplaces {', '.join(c.marketplaces)}); "
        "credentials stored encrypted",
        markup=False,
        highlight=False,
    )


@app.command()
def sync(
    account: Annotated[
        list[str] | None, typer.Option(help="Account to sync (repeat; default: every one).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="First sync: from this UTC day (default a year back).")
    ] = None,
    now: Annotated[
        str | None, typer.Option(help="Sync as of this instant (replays).", hidden=True)
    ] = None,
) -> None:
    """Pull orders, feedback, Amazon's performance report and A-to-z claims and chargebacks
    from the Selling Partner API and import them; each data kind resumes from its checkpoint.
    Exit status 1 when any account or data kind failed (the others are still synced)."""
    moment = _instant(now) if now else datetime.now(UTC)
    first = option_day(since, "--since")
    with open_store() as store:
        accounts = list(account or _connected(store))
        if not accounts:
            raise UsageError("no connected account: run `sellerhealth connect --account A` first")
        failed = _sync_and_print(store, accounts, moment, first)
    if failed:
        raise typer.Exit(1)


def _connected(store: Store) -> list[str]:
    from sellerhealth.store.connections import Connections

    return [c.account for c in Connections(store.backend).all()]


def _sync_and_print(
    store: Store,
    accounts: list[str],
    moment: datetime,
    since: date | None = None,
    retry: Retry | None = None,
    to_stderr: bool = False,
) -> bool:
    failed = False
    for name in accounts:
        try:
            result = sync_service.sync_account(store, name, moment, since, retry=retry)
        except UsageError as problem:
            _line(f"{name}: FAILED: {problem}", to_stderr)
            failed = True
            continue
        for line in sync_service.describe(result):
            _line(line, to_stderr)
        failed = failed or bool(result.failed)
    return failed


def _line(text: str, to_stderr: bool = False) -> None:
    """One result line, never wrapped (a log reader greps it whole); failures on stderr."""
    console = err if to_stderr or ": FAILED: " in text else out
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def sync_due(store: Store, accounts: list[str] | None = None) -> bool:
    """What `watch` and `serve --sync` run before the checks: the syncs due now."""
    moment = datetime.now(UTC)
    plan = due(store, moment, accounts)
    failed = False
    for result in sync_service.sync_accounts(store, plan, moment):
        for line in sync_service.describe(result):
            _line(line)
        failed = failed or bool(result.failed)
    return failed


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now: {text!r} is not an ISO 8601 instant") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def demo_sync(folder: Path, db: Path) -> None:
    """`demo --sync`: the sample seller on a local emulator, connected and synced twice (a
    month apart, so removed feedback is found missing), then the files the API has no call for."""
    from datetime import timedelta

    from sellerhealth.emulator import Emulator, LwaApp, SampleSeller, Server
    from sellerhealth.ingest.base import ReadOptions
    from sellerhealth.sample.generate import DEMO_AS_OF, FEEDBACK_1_LAG_DAYS, write_sample
    from sellerhealth.service import imports

    key = new_key()  # this run's own key: the demo store's secrets open with nothing else
    os.environ["SELLERHEALTH_SECRET_KEY"] = key
    lwa = LwaApp(*(f"demo-{n}-{os.urandom(8).hex()}" for n in ("client", "secret", "refresh")))
    err.print("starting the Selling Partner API emulator on 127.0.0.1 ...")
    emulator = Emulator(SampleSeller.build(), lwa, datetime.now(UTC), speed=20000)
    fast = Retry(backoff=0.05, poll=0.05)
    with Server(emulator) as server, Store.open(db) as store:
        err.print(f"emulator at {server.url}; connecting demo-seller")
        credentials = Credentials(lwa.client_id, lwa.client_secret, lwa.refresh_token)
        endpoint = Endpoint("na", server.url, f"{server.url}/auth/o2/token")
        connect_account(store, "demo-seller", "na", credentials, "A2SAMPLESELLER1", endpoint)
        for day in (DEMO_AS_OF - timedelta(days=FEEDBACK_1_LAG_DAYS), DEMO_AS_OF):
            emulator.set_day(day)
            err.print(f"\nsync as of {day}:")
            # stdout is the report's alone (`--format json` prints one document)
            _sync_and_print(store, ["demo-seller"], emulator.now, None, fast, to_stderr=True)
        err.print("\nimporting what the API has no call for (ship dates, shipments, claims' ...):")
        files = write_sample(folder / "data", DEMO_AS_OF)
        for path in files:
            if path.name in FILES_THE_API_LACKS:
                outcome = imports.import_files(store, [path], ReadOptions("demo-seller"))[0]
                err.print(f"imported {path.name}: {outcome.kind}, {outcome.summary.records}")


# The sample files whose content no SP-API call gives (see the README's Amazon section).
FILES_THE_API_LACKS = frozenset(
    {
        "orders-extra.csv",
        "claims.csv",
        "chargebacks.csv",
        "shipments.csv",
        "tracking-events.csv",
        "cancellations.csv",
        "violations.csv",
        "messages.csv",
    }
)


def start_sync_thread(db: str, every: float = 60.0) -> threading.Event:
    """`serve --sync`: check the schedule each `every` seconds, beside the server, on the
    server's store (its own connection: the web requests open theirs). Set the returned event
    to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                with Store.open(db) as store:
                    sync_due(store)
            except Exception as problem:  # keep serving; say why it stopped
                err.print(f"sync: {type(problem).__name__}: {problem}", markup=False)
            stop.wait(every)

    threading.Thread(target=loop, name="sellerhealth-sync", daemon=True).start()
    return stop
