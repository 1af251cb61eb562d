"""Benchmark: every metric for K accounts on each of the last 30 days, three ways.

    python bench/metrics.py --orders 10000000 --accounts 1000 --days 30

1. generates synthetic data (bench/synthetic.py) as Parquet, with defects of every kind,
   late-arriving defects and removals, plus three extra days of events;
2. times the engine (a child process): load, counters for every metric, the values for every
   account and day; then (another child) applies the extra days incrementally, one day at a
   time, and checks that the counters it maintained equal a full recompute. incremental_ms is
   the median of the three days' updates (one update is a few tens of milliseconds, where a
   single sample on a shared 2-core machine can be off by half);
3. times the pandas baseline (another child process) on the same data and checks it gives the
   same figures, row for row;
4. prints, last: engine_s=... pandas_s=... ratio_vs_pandas=... incremental_ms=... peak_mb=...
   rebuild_s=... (the counters of the whole year for every account as the store keeps them:
   what `sellerhealth rebuild` computes, less the writing)

peak_mb is the engine process's peak resident memory. Each side runs in its own process so
neither's memory or caches flatter the other.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

NEXT_DAYS = 3  # days of events applied one at a time; incremental_ms is one day's (the median)


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def engine_phase(data: Path, days: int, memory_limit: str) -> dict:
    """The full computation, straight from the Parquet files: counters, then daily values."""
    import duckdb

    from sellerhealth.engine import dense
    from sellerhealth.engine.incremental import account_slices
    from sellerhealth.engine.intervals import values_sql
    from sellerhealth.engine.series import build_counters
    from sellerhealth.policy_files import load_policy
    from sellerhealth.store.counters import ENGINE_TABLES

    policy = load_policy()
    first, last = synthetic.END - timedelta(days=days - 1), synthetic.END
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    for spec in ENGINE_TABLES:
        con.execute(
            f"CREATE VIEW {spec.name} AS SELECT * FROM read_parquet('{data}/base/{spec.name}/*')"
        )
    # One slice of the accounts per 10M orders keeps memory under the limit at any size.
    orders = con.sql("SELECT count(*) FROM orders").fetchall()[0][0]
    build_counters(con, policy, parts=account_slices(orders))
    counted = time.perf_counter()
    values = con.sql(values_sql("SELECT * FROM counters", first, last)).to_arrow_table()
    engine_s = time.perf_counter() - started
    pq.write_table(values, data / "engine_values.parquet")
    # What `sellerhealth rebuild` computes: every key's daily series over the whole year, for
    # every account (the counters above, as the store keeps them), less writing them.
    packing = time.perf_counter()
    series = dense.series_of(con.sql("SELECT * FROM counters").to_arrow_table())
    rebuild_s = (counted - started) + (time.perf_counter() - packing)
    return {
        "engine_s": engine_s,
        "rebuild_s": rebuild_s,
        "series": len(series),
        "rows": values.num_rows,
        "peak_mb": peak_mb(),
    }


def incremental_phase(data: Path, days: int, memory_limit: str) -> dict:
    return _incremental(data, memory_limit, on_disk=False)


def incremental_file_phase(data: Path, days: int, memory_limit: str) -> dict:
    return _incremental(data, memory_limit, on_disk=True)


def _incremental(data: Path, memory_limit: str, on_disk: bool) -> dict:
    """Counters maintained by the incremental engine: apply the extra days, check against a
    recount."""
    from sellerhealth.engine.incremental import IncrementalEngine
    from sellerhealth.engine.intervals import values_sql
    from sellerhealth.policy_files import load_policy
    from sellerhealth.store.counters import ENGINE_TABLES

    policy = load_policy()
    folder = data / "incremental"
    shutil.rmtree(folder, ignore_errors=True)
    # Large data sets live in memory-mapped files under a memory limit; smaller ones in memory.
    engine = IncrementalEngine(policy, folder if on_disk else None)
    engine.con.execute("SET threads = 2")
    if on_disk:  # in memory, DuckDB's own default limit: 1 GB would squeeze the counters table
        engine.con.execute(f"SET memory_limit = '{memory_limit}'")
    started = time.perf_counter()
    engine.build_from_parquet(data / "base")
    build_s = time.perf_counter() - started
    applied_ms, batch_rows = [], []
    for offset in range(1, NEXT_DAYS + 1):
        folder = data / "next" / str(offset)
        batch = {
            spec.name: pq.read_table(folder / spec.name)
            for spec in ENGINE_TABLES
            if (folder / spec.name).is_dir()
        }
        started = time.perf_counter()
        engine.apply(batch)
        applied_ms.append((time.perf_counter() - started) * 1000)
        batch_rows.append(sum(t.num_rows for t in batch.values()))
    next_day = synthetic.END + timedelta(days=NEXT_DAYS)
    started = time.perf_counter()
    engine.con.sql(values_sql("SELECT * FROM counters", next_day, next_day)).to_arrow_table()
    next_day_read_ms = (time.perf_counter() - started) * 1000
    engine.compact()
    engine.recount(into="recounted")
    mismatched = engine.con.sql(
        "SELECT count(*) FROM ((SELECT * FROM counters EXCEPT ALL SELECT * FROM recounted) "
        "UNION ALL (SELECT * FROM recounted EXCEPT ALL SELECT * FROM counters))"
    ).fetchall()[0][0]
    return {
        "build_s": build_s, "incremental_ms": statistics.median(applied_ms),
        "each_day_ms": [round(ms, 1) for ms in applied_ms], "batch_rows": batch_rows,
        "next_day_read_ms": next_day_read_ms, "incremental_mismatches": mismatched,
        "peak_mb": peak_mb(),
    }  # fmt: skip


def pandas_phase(data: Path, days: int, _memory_limit: str) -> dict:
    import pandas_baseline

    first, last = synthetic.END - timedelta(days=days - 1), synthetic.END
    started = time.perf_counter()
    frame = pandas_baseline.compute(data / "base", first, last)
    pandas_s = time.perf_counter() - started
    frame.to_parquet(data / "pandas_values.parquet")
    return {"pandas_s": pandas_s, "rows": len(frame), "peak_mb": peak_mb()}


def same_figures(data: Path) -> tuple[int, int]:
    """(rows only one side has, rows compared): both sides' figures as sets of tuples."""

    def rows(name: str) -> set[tuple]:
        table = pq.read_table(data / name).cast(pa.schema([
            ("account", pa.string()), ("marketplace_id", pa.string()), ("scope", pa.string()),
            ("metric", pa.string()), ("part", pa.string()), ("day", pa.date32()),
            ("value", pa.int64()),
        ]))  # fmt: skip
        return set(zip(*(table[c].to_pylist() for c in table.column_names), strict=True))

    engine, pandas = rows("engine_values.parquet"), rows("pandas_values.parquet")
    return len(engine ^ pandas), len(engine)


def child(phase: str, data: Path, days: int, memory_limit: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--data", str(data), "--days", str(days),
         "--memory-limit", memory_limit],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def generate(data: Path, orders: int, accounts: int) -> None:
    """The base data and the extra days, unless the folder has them already (`--keep`)."""
    if not (data / "base" / "orders").is_dir():
        synthetic.generate(data / "base", orders, accounts)
    for offset in range(1, NEXT_DAYS + 1):
        if not (data / "next" / str(offset)).is_dir():
            synthetic.next_day_batch(data / "next" / str(offset), orders, accounts, offset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--skip-pandas", action="store_true", help="engine only (e.g. 100M)")
    parser.add_argument(
        "--incremental-on-disk",
        action="store_true",
        help="keep the incremental engine's tables in a database file under the memory limit",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated data in this folder")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit (engine)")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.data, args.orders, args.accounts)
        return
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.data, args.days, args.memory_limit)))
        return

    data = args.keep or Path(tempfile.mkdtemp(prefix="sellerhealth-bench-"))
    try:
        started = time.perf_counter()
        # In a child too: the generator's memory is gone before anything is timed.
        subprocess.run(
            [sys.executable, __file__, "--generate", "--data", str(data),
             "--orders", str(args.orders), "--accounts", str(args.accounts)],
            check=True,
        )  # fmt: skip
        os.sync()  # the files written out now, not by the OS during a timed phase
        print(f"generated {args.orders:,} orders for {args.accounts:,} accounts "
              f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        engine = child("engine", data, args.days, args.memory_limit)
        print(f"engine: {engine}", flush=True)
        phase = "incremental-file" if args.incremental_on_disk else "incremental"
        incremental = child(phase, data, args.days, args.memory_limit)
        print(f"incremental: {incremental}", flush=True)
        if incremental["incremental_mismatches"]:
            sys.exit("incremental counters differ from a full recompute")
        if args.skip_pandas:
            pandas_s = float("nan")
        else:
            baseline = child("pandas", data, args.days, args.memory_limit)
            print(f"pandas: {baseline}", flush=True)
            differing, compared = same_figures(data)
            print(f"engine and pandas: {compared:,} figures compared, {differing} differ")
            if differing:
                sys.exit("the engine and the pandas baseline disagree")
            pandas_s = baseline["pandas_s"]
        print(
            f"engine_s={engine['engine_s']:.3f} pandas_s={pandas_s:.3f} "
            f"ratio_vs_pandas={pandas_s / engine['engine_s']:.2f} "
            f"incremental_ms={incremental['incremental_ms']:.1f} peak_mb={engine['peak_mb']} "
            f"rebuild_s={engine['rebuild_s']:.3f}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


PHASES = {
    "engine": engine_phase,
    "incremental": incremental_phase,
    "incremental-file": incremental_file_phase,
    "pandas": pandas_phase,
}

if __name__ == "__main__":
    main()
