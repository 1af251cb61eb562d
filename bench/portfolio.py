"""Benchmark: every account of a store on one day, one engine pass against one account at a time.

    python bench/portfolio.py --accounts 200 --orders 1000

Fills a fresh embedded store with K accounts of N orders each (half MFN, half FBA, purchased
over 120 days, 1% with a negative feedback),
then times `service.portfolio.portfolio` (one engine pass over every account) against the
per-account path the report uses (`service.metrics.marketplace_health`, timed on 20 accounts
and scaled to K). Last line: portfolio_s=... per_account_s=... ratio=...
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sellerhealth.domain import records as r
from sellerhealth.service.metrics import marketplace_health, policy_for
from sellerhealth.service.portfolio import portfolio
from sellerhealth.store.store import Store

AS_OF = date(2026, 3, 31)
SAMPLE = 20  # accounts timed one at a time


def fill(store: Store, accounts: int, orders: int) -> None:
    rng = random.Random(1)
    records: list[r.Record] = []
    for a in range(accounts):
        for i in range(orders):
            day = AS_OF - timedelta(days=rng.randint(0, 120))
            channel = rng.choice([r.Channel.MFN, r.Channel.AFN])
            records.append(r.Order(f"acct{a}", f"{a}-{i}", day, channel))
            if rng.random() < 0.01:
                records.append(r.Feedback(f"acct{a}", f"{a}-{i}", day + timedelta(days=5), 1))
    store.import_records(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--orders", type=int, default=1000, help="orders per account")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "s.db") as store:
        fill(store, args.accounts, args.orders)
        started = time.perf_counter()
        lines = portfolio(store, AS_OF)
        portfolio_s = time.perf_counter() - started
        bad = sum(line.status == "BAD" for line in lines)
        print(f"{len(lines)} accounts judged, {bad} BAD")
        sample = store.accounts()[:SAMPLE]
        started = time.perf_counter()
        for name in sample:
            settings, policy = policy_for(store, name, None)
            marketplace_health(store, settings, AS_OF, policy)
        per_account_s = (time.perf_counter() - started) / len(sample) * args.accounts
    print(
        f"portfolio_s={portfolio_s:.2f} per_account_s={per_account_s:.2f} "
        f"ratio={per_account_s / portfolio_s:.1f}"
    )


if __name__ == "__main__":
    main()
