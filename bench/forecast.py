"""Forecast calibration: how often the ODR forecast's 80% interval holds the ODR that followed,
per horizon (7, 14, 30 days), on the demo seller and on synthetic accounts with known truth.

Goal: every horizon's 80% interval holds 75-85% of the cases. A case is one (as-of day,
horizon, channel) of `domain.forecast_backtest.backtest`: the forecast made from what was
known on the as-of day, against compute_odr on the full data as of the day it forecast.

The synthetic accounts know their truth: each order's chance of a defect and when it arrives
are drawn from stated distributions. Three kinds of account, several seeds each:
- stationary: a fixed defect rate (1.5% MFN, 0.8% AFN), orders a day uniform in 30-50;
- trending: the defect rate moves by half its value over the 200 days (up or down);
- bursty volume: orders a day vary by week (x0.5 to x1.5), the defect rate fixed.

    .venv/bin/python bench/forecast.py [--seeds N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sellerhealth.domain import records as r
from sellerhealth.domain.forecast_backtest import Backtest, backtest
from sellerhealth.policy_files import load_policy

END = date(2026, 11, 20)
HORIZONS = (7, 14, 30)
GOAL = (0.75, 0.85)
Account = tuple[list[r.Order], list[r.Feedback], list[r.Claim], list[r.Chargeback]]


def synthetic(
    seed: int,
    rate: Callable[[int, r.Channel], float],
    volume: Callable[[int, random.Random], int],
    days: int = 200,
) -> Account:
    """Orders over `days` days ending on END; a defect with chance rate(day, channel):
    negative feedback 3-30 days after purchase (60%), an A-to-z claim 10-85 days after (30%,
    a tenth denied 10 days later), a service chargeback 30-80 days after (10%); plus noise that
    never counts (3-star feedback, fraud chargebacks)."""
    rng = random.Random(seed)
    first = END - timedelta(days=days - 1)
    orders: list[r.Order] = []
    feedback: list[r.Feedback] = []
    claims: list[r.Claim] = []
    chargebacks: list[r.Chargeback] = []
    for k in range(days):
        day = first + timedelta(days=k)
        for i in range(volume(k, rng)):
            oid = f"{k}-{i}"
            channel = r.Channel.MFN if rng.random() < 0.7 else r.Channel.AFN
            orders.append(r.Order("a", oid, day, channel))
            if rng.random() < rate(k, channel):
                kind = rng.random()
                if kind < 0.6:
                    on = day + timedelta(days=rng.randint(3, 30))
                    feedback.append(r.Feedback("a", oid, on, 1, "bad"))
                elif kind < 0.9:
                    filed = day + timedelta(days=min(85, 10 + int(rng.expovariate(1 / 15))))
                    if rng.random() < 0.1:
                        later = filed + timedelta(days=10)
                        claims.append(
                            r.Claim("a", oid, filed, r.ClaimStatus.DENIED, status_date=later)
                        )
                    else:
                        claims.append(r.Claim("a", oid, filed, r.ClaimStatus.PENDING))
                else:
                    on = day + timedelta(days=rng.randint(30, 80))
                    chargebacks.append(r.Chargeback("a", oid, on, r.ChargebackReason.SERVICE))
            elif rng.random() < 0.01:
                feedback.append(r.Feedback("a", oid, day + timedelta(days=5), 3))
            elif rng.random() < 0.002:
                on = day + timedelta(days=40)
                chargebacks.append(r.Chargeback("a", oid, on, r.ChargebackReason.FRAUD))
    return orders, feedback, claims, chargebacks


def base_rate(channel: r.Channel) -> float:
    return 0.015 if channel is r.Channel.MFN else 0.008


def steady_volume(_: int, rng: random.Random) -> int:
    return rng.randint(30, 50)


KINDS: dict[str, Callable[[int], Account]] = {
    "stationary": lambda seed: synthetic(seed, lambda k, ch: base_rate(ch), steady_volume),
    "trending": lambda seed: synthetic(
        seed,
        # half the rate up over the 200 days for even seeds, down for odd ones
        lambda k, ch: base_rate(ch) * (1 + (0.5 if seed % 2 == 0 else -0.5) * (k / 200 - 0.5)),
        steady_volume,
    ),
    "bursty volume": lambda seed: synthetic(
        seed,
        lambda k, ch: base_rate(ch),
        lambda k, rng: int(rng.randint(30, 50) * (0.5 + ((k // 7) * 7919 % 11) / 10)),
    ),
}


def demo() -> Account:
    from sellerhealth.ingest.base import ReadOptions
    from sellerhealth.sample.generate import DEMO_AS_OF, write_sample
    from sellerhealth.service.imports import import_files
    from sellerhealth.store.store import Store

    folder = Path(tempfile.mkdtemp(prefix="sellerhealth-bench-forecast-"))
    with Store.open(folder / "demo.db") as store:
        for path in write_sample(folder / "data", DEMO_AS_OF):
            import_files(store, [path], ReadOptions(account="demo-seller"))
        a = "demo-seller"
        return (
            store.records(r.Order, a),
            store.records(r.Feedback, a),
            store.records(r.Claim, a),
            store.records(r.Chargeback, a),
        )


def pooled(results: list[Backtest]) -> dict[int, tuple[int, int]]:
    """horizon -> (covered, cases) over the accounts."""
    found = {h: [0, 0] for h in HORIZONS}
    for result in results:
        for h, stats in result.per_horizon.items():
            found[h][0] += stats.covered
            found[h][1] += stats.cases
    return {h: (c, n) for h, (c, n) in found.items()}


def line(name: str, figures: dict[int, tuple[int, int]], seconds: float) -> str:
    cells = []
    for h in HORIZONS:
        covered, cases = figures[h]
        share = covered / cases if cases else float("nan")
        mark = "" if GOAL[0] <= share <= GOAL[1] else " *"
        cells.append(f"{h:>2} d {share:6.1%} of {cases:4d}{mark}")
    return f"{name:<15} " + "   ".join(cells) + f"   ({seconds:.1f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=8, help="synthetic accounts of each kind")
    args = parser.parse_args()
    policy = load_policy()
    print(f"80% interval coverage per horizon (goal {GOAL[0]:.0%}-{GOAL[1]:.0%}; * = outside)")
    began = time.perf_counter()
    result = backtest(*demo(), policy)
    print(line("demo seller", pooled([result]), time.perf_counter() - began))
    everything: list[Backtest] = []
    for name, make in KINDS.items():
        began = time.perf_counter()
        results = [backtest(*make(seed), policy) for seed in range(args.seeds)]
        everything += results
        print(line(f"{name} x{args.seeds}", pooled(results), time.perf_counter() - began))
    print(line("all synthetic", pooled(everything), 0.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
