"""Sync time of the sample seller from the local Selling Partner API emulator.

    python bench/sync.py [--speed 20000]

Times, in this process, with the real python-amazon-sp-api client over HTTP on 127.0.0.1:

- a full first sync (orders a year back, financial events, feedback reports in 90-day ranges,
  the performance report) into a fresh embedded store, as of 2026-11-20;
- a daily incremental sync: a store synced as of 2026-11-19, synced again as of 2026-11-20;
- the baseline: importing the same data from the sample's files (orders.tsv, the newer
  feedback report, performance.json, claims.csv, chargebacks.csv) into a fresh store.

The emulator states its rates multiplied by `--speed` (x-amzn-RateLimit-Limit), and the sync
paces itself by them; at Amazon's published rates getOrders allows a burst of 20 pages, then
one a minute, so the last line also gives what pacing alone would take against Amazon.

Last line: `first_s=<float> daily_s=<float> files_s=<float> first_vs_files=<float>
orders_pages=<int> amazon_pacing_first_min=<float>`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sellerhealth.connectors.spapi import Credentials, Endpoint, Retry
from sellerhealth.connectors.spapi_models import USAGE_PLANS
from sellerhealth.connectors.spapi_secrets import new_key
from sellerhealth.emulator import Emulator, LwaApp, SampleSeller, Server
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.sample.generate import DEMO_AS_OF, write_sample
from sellerhealth.service import imports, sync, sync_plan
from sellerhealth.store.store import Store

FILES = ("orders.tsv", "feedback-2.tsv", "performance.json", "claims.csv", "chargebacks.csv")


def _store(folder: Path, name: str, emulator: Emulator, server: Server, env: dict) -> Store:
    store = Store.open(folder / name)
    app = emulator.app
    credentials = Credentials(app.client_id, app.client_secret, app.refresh_token)
    endpoint = Endpoint("na", server.url, f"{server.url}/auth/o2/token")
    sync_plan.connect(store, "bench", "na", credentials, None, endpoint, env=env)
    return store


def _sync(store: Store, emulator: Emulator, day: datetime, env: dict) -> float:
    emulator.now = day
    started = time.perf_counter()
    result = sync.sync_account(store, "bench", day, retry=Retry(backoff=0.05, poll=0.05), env=env)
    elapsed = time.perf_counter() - started
    if result.failed:
        raise SystemExit("\n".join(sync.describe(result)))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=20000.0)
    args = parser.parse_args()
    seller = SampleSeller.build()
    app = LwaApp("bench-client", "bench-secret", "bench-refresh")
    end = datetime.combine(DEMO_AS_OF, datetime.max.time(), UTC).replace(microsecond=0)
    emulator = Emulator(seller, app, end, speed=args.speed)
    env = {"SELLERHEALTH_SECRET_KEY": new_key()}
    with tempfile.TemporaryDirectory() as name, Server(emulator) as server:
        folder = Path(name)
        with _store(folder, "first.db", emulator, server, env) as store:
            before = emulator.calls_to("getOrders")
            first = _sync(store, emulator, end, env)
            pages = emulator.calls_to("getOrders") - before
        with _store(folder, "daily.db", emulator, server, env) as store:
            _sync(store, emulator, end - timedelta(days=1), env)
            daily = _sync(store, emulator, end, env)
        paths = write_sample(folder / "data", DEMO_AS_OF)
        started = time.perf_counter()
        with Store.open(folder / "files.db") as store:
            for path in paths:
                if path.name in FILES:
                    imports.import_files(store, [path], ReadOptions("bench"))
        files = time.perf_counter() - started
    plan = USAGE_PLANS["getOrders"]
    pacing = max(pages - plan.burst, 0) / plan.rate / 60
    print(f"first sync of the sample ({pages} getOrders pages): {first:.2f} s")
    print(f"daily incremental sync: {daily:.2f} s")
    print(f"the same data from files: {files:.2f} s")
    print(
        f"first_s={first:.2f} daily_s={daily:.2f} files_s={files:.2f} "
        f"first_vs_files={first / files:.2f} orders_pages={pages} "
        f"amazon_pacing_first_min={pacing:.1f}"
    )


if __name__ == "__main__":
    main()
