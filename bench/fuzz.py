"""The long fuzz run, on demand (the suite runs a few hundred cases of the same fuzzer).

    python bench/fuzz.py --cases 100000 --workers 2
    python bench/fuzz.py --cases 2000 --pg postgresql://postgres@127.0.0.1:55432/postgres

Mutates the sample seller's files (tests/fuzz/harness.py says how and what must hold) and
imports each through the real command line, in process; some cases also run a reading command
or query the API. Workers split the cases, each with its own random seed and scratch store.
With `--pg`, every store is a fresh database on that server (dropped at the end).

Last line: `cases=… accepted=… refused=… equivalent=… commands=… api=…
crashes_or_corruptions=… seconds=…`; the first failures are printed above it.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package

from tests.fuzz.harness import Tally  # after the path is set
from tests.fuzz.runner import fuzz


def _postgres(url: str, made: list[str]) -> Callable[[int], str]:
    import psycopg

    def fresh(_n: int) -> str:
        name = f"fuzz_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return url.rsplit("/", 1)[0] + f"/{name}"

    return fresh


def _worker(cases: int, seed: int, pg: str | None) -> Tally:
    made: list[str] = []
    try:
        return fuzz(cases, seed, _postgres(pg, made) if pg else None)
    finally:
        if pg and made:
            import psycopg

            with psycopg.connect(pg, autocommit=True) as admin:
                for name in made:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pg", help="a postgresql:// URL: fuzz PostgreSQL stores instead")
    args = parser.parse_args()
    started = time.perf_counter()
    shares = [
        args.cases // args.workers + (i < args.cases % args.workers) for i in range(args.workers)
    ]
    with ProcessPoolExecutor(args.workers) as pool:
        tallies = list(
            pool.map(
                _worker,
                shares,
                [args.seed * 1000 + i for i in range(args.workers)],
                [args.pg] * args.workers,
            )
        )
    total = Tally()
    for tally in tallies:
        for name in ("cases", "imports_accepted", "imports_refused", "equivalence_checks"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        total.commands += tally.commands
        total.api_queries += tally.api_queries
        total.failures += tally.failures
    for failure in total.failures[:10]:
        print(f"--- {failure[:3000]}")
    print(f"{total.line()} seconds={time.perf_counter() - started:.0f}")
    raise SystemExit(1 if total.failures else 0)


if __name__ == "__main__":
    main()
