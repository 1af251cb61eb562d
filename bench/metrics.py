"""Benchmark: every metric for K accounts on each of the last 30 days, three ways.

    python bench/metrics.py --orders 10000000 --accounts 1000 --days 30

1. generates synthetic data (bench/synthetic.py) as Parquet, with defects of every kind,
   late-arriving defects and removals, plus three extra days of events;
2. times the engine (a child process): the counters of the 30 days for every metric and the
   values for every account and day; then the whole year's series (rebuild_s); then (another
   child) keeps the series current through the extra days, one day at a time, as an import
   does (`engine.kept`: the touched entities' change counted and added to the kept series),
   and checks them equal to a recount. kept_ms is the median of the three days' updates;
3. times the pandas baseline (another child process) on the same data and checks it gives the
   same figures, row for row;
4. prints, last: engine_s=... pandas_s=... ratio_vs_pandas=... kept_ms=... peak_mb=...
   rebuild_s=... (the series of the whole year for every account as the store keeps them:
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

NEXT_DAYS = 3  # days of events applied one at a time; kept_ms is one day's upkeep (the median)


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _connected(folders: list[Path], memory_limit: str):
    """DuckDB over the Parquet tables of `folders` (the base data, then any extra days)."""
    import duckdb

    from sellerhealth.store.counters import ENGINE_TABLES

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    for spec in ENGINE_TABLES:
        found = [f"'{f}/{spec.name}/*'" for f in folders if (f / spec.name).is_dir()]
        con.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM read_parquet([{', '.join(found)}])")
    return con


def engine_phase(data: Path, days: int, memory_limit: str) -> dict:
    """The 30 days' figures straight from the Parquet files (`engine.count` of those days),
    and, separately, what `sellerhealth rebuild` counts: every key's daily series over the
    whole year for every account (less writing them)."""
    from sellerhealth.engine.count import account_slices, count
    from sellerhealth.engine.intervals import Days
    from sellerhealth.policy_files import load_policy

    policy = load_policy()
    asked = Days.last_n(synthetic.END, days)
    started = time.perf_counter()
    con = _connected([data / "base"], memory_limit)
    # One slice of the accounts per 10M orders keeps memory under the limit at any size.
    slices = account_slices(con.sql("SELECT count(*) FROM orders").fetchall()[0][0])
    values = count(con, policy, asked, slices).values_table(asked.first, asked.last)
    engine_s = time.perf_counter() - started
    pq.write_table(values, data / "engine_values.parquet")
    started = time.perf_counter()
    series = count(con, policy, slices=slices).series()
    rebuild_s = time.perf_counter() - started
    return {
        "engine_s": engine_s,
        "rebuild_s": rebuild_s,
        "series": len(series),
        "rows": values.num_rows,
        "peak_mb": peak_mb(),
    }


def kept_phase(data: Path, days: int, memory_limit: str) -> dict:
    """The product's kept-counter upkeep (what `engine.kept.Upkeep.finish` runs for an
    import): each extra day's change counted by `engine.change.counted_change` from the
    touched entities' rows before and after it, added to the kept series (`dense.apply`);
    at the end the kept series are checked equal to a recount of all the data."""
    from sellerhealth.engine import dense
    from sellerhealth.engine.change import counted_change
    from sellerhealth.engine.count import account_slices, count
    from sellerhealth.policy_files import load_policy
    from sellerhealth.store.counters import ENGINE_SCHEMAS, ENGINE_TABLES, entity_column

    policy = load_policy()
    con = _connected([data / "base"], memory_limit)
    slices = account_slices(con.sql("SELECT count(*) FROM orders").fetchall()[0][0])
    kept = count(con, policy, slices=slices).series()
    for spec in ENGINE_TABLES:  # the stored rows, as tables an import changes
        con.execute(f"CREATE TABLE stored_{spec.name} AS SELECT * FROM {spec.name}")
    applied_ms, batch_rows = [], []
    for offset in range(1, NEXT_DAYS + 1):
        folder = data / "next" / str(offset)
        batch = {
            spec.name: pq.read_table(folder / spec.name)
            for spec in ENGINE_TABLES
            if (folder / spec.name).is_dir()
        }
        touched = {  # entity column -> the (account, id) pairs the day touches
            column: pa.concat_tables(
                [t.select(["account", column]).rename_columns(["account", "id"])
                 for name, t in batch.items() if entity_column(_spec(name)) == column]
            )
            for column in {entity_column(_spec(name)) for name in batch}
        }  # fmt: skip

        before = {spec.name: _rows(con, touched, spec) for spec in ENGINE_TABLES}
        for name, table in batch.items():  # the import: newer rows replace same-key ones
            key = " AND ".join(f"s.{k} IS NOT DISTINCT FROM b.{k}" for k in _spec(name).key)
            con.register("incoming", table)
            con.execute(f"DELETE FROM stored_{name} s WHERE EXISTS "
                        f"(SELECT 1 FROM incoming b WHERE {key})")  # fmt: skip
            con.execute(f"INSERT INTO stored_{name} BY NAME SELECT * FROM incoming")
        after = {spec.name: _rows(con, touched, spec) for spec in ENGINE_TABLES}
        started = time.perf_counter()
        change = counted_change(policy, after, before, ENGINE_SCHEMAS)
        changed, emptied = dense.apply(kept, change.changes())
        applied_ms.append((time.perf_counter() - started) * 1000)
        kept.update(changed)
        for key in emptied:
            del kept[key]
        batch_rows.append(sum(t.num_rows for t in batch.values()))
    for spec in ENGINE_TABLES:
        con.execute(f"CREATE OR REPLACE VIEW {spec.name} AS SELECT * FROM stored_{spec.name}")
    recounted = count(con, policy, slices=slices).series()
    differing = len(dense_differences(kept, recounted))
    return {
        "kept_ms": statistics.median(applied_ms),
        "each_day_ms": [round(ms, 1) for ms in applied_ms], "batch_rows": batch_rows,
        "kept_mismatches": differing, "peak_mb": peak_mb(),
    }  # fmt: skip


def _rows(con, touched: dict[str, pa.Table], spec) -> pa.Table:
    """The stored rows of the touched entities (as the store's `entity_rows` reads them)."""
    from sellerhealth.store.counters import ENGINE_SCHEMAS, entity_column

    column = entity_column(spec)
    if column not in touched:
        return ENGINE_SCHEMAS[spec.name].empty_table()
    con.register("touched", touched[column])
    return con.sql(
        f"SELECT * FROM stored_{spec.name} s WHERE EXISTS (SELECT 1 FROM touched t "
        f"WHERE t.account = s.account AND t.id = s.{column})"
    ).to_arrow_table()


def _spec(name: str):
    from sellerhealth.store.counters import ENGINE_TABLES

    return next(spec for spec in ENGINE_TABLES if spec.name == name)


def dense_differences(kept: dict, counted: dict) -> list:
    from sellerhealth.engine.kept import differences

    return differences(kept, counted)


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
        kept = child("kept", data, args.days, args.memory_limit)
        print(f"kept: {kept}", flush=True)
        if kept["kept_mismatches"]:
            sys.exit("the kept counters differ from a recount")
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
            f"kept_ms={kept['kept_ms']:.1f} peak_mb={engine['peak_mb']} "
            f"rebuild_s={engine['rebuild_s']:.3f}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


PHASES = {"engine": engine_phase, "kept": kept_phase, "pandas": pandas_phase}

if __name__ == "__main__":
    main()
