"""Benchmark: the full recount (every metric's counters, every account) on Spark local[2]
against the embedded DuckDB engine, in the same run, on the same Parquet.

    python bench/spark.py --orders 10000000 --accounts 1000

Generates synthetic data (bench/synthetic.py), counts it with DuckDB (`engine.count`, one
slice of accounts per 10M orders, 2 threads) and with Spark local[2] (the same SQL translated
by sqlglot, `engine.spark`), checks both give the same series, and prints, last:
duckdb_s=... spark_s=... spark_session_s=... ratio_spark_vs_duckdb=... series=...
(spark_s excludes the session start, given apart.)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument(
        "--keep", type=Path, help="Keep the generated data in this folder (reused when there)."
    )
    args = parser.parse_args()

    import duckdb

    from sellerhealth.engine import dense
    from sellerhealth.engine.count import account_slices, count
    from sellerhealth.engine.spark import counters, register_tables
    from sellerhealth.engine.spark_session import SparkEngine, start
    from sellerhealth.policy_files import load_policy
    from sellerhealth.store.counters import ENGINE_TABLES

    policy = load_policy()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as scratch:
        data = (args.keep or Path(scratch)) / "base"
        if not (data / "orders").is_dir():
            synthetic.generate(data, args.orders, args.accounts)
        present = [s for s in ENGINE_TABLES if (data / s.name).is_dir()]

        started = time.perf_counter()
        con = duckdb.connect()
        con.execute("SET threads = 2")
        con.execute("SET preserve_insertion_order = false")
        for spec in ENGINE_TABLES:
            source = f"read_parquet('{data}/{spec.name}/*')" if spec in present else None
            if source is None:
                empty = ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in spec.names)
                source = f"(SELECT {empty} LIMIT 0)"
            con.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM {source}")
        orders = con.sql("SELECT count(*) FROM orders").fetchall()[0][0]
        duck = count(con, policy, slices=account_slices(orders)).series()
        duckdb_s = time.perf_counter() - started
        accounts = [row[0] for row in con.sql("SELECT DISTINCT account FROM orders").fetchall()]
        con.close()

        session_started = time.perf_counter()
        engine = SparkEngine(args.master, conf=(("spark.driver.memory", args.driver_memory),))
        spark = start(engine)
        session_s = time.perf_counter() - session_started
        started = time.perf_counter()
        register_tables(spark, str(data), accounts)
        found = counters(spark, policy)
        spark_s = time.perf_counter() - started
        spark.stop()

        same = dense.series_of(found) == duck
        print(f"counter rows: spark {found.num_rows}; same series: {same}")
        print(
            f"duckdb_s={duckdb_s:.2f} spark_s={spark_s:.2f} spark_session_s={session_s:.2f} "
            f"ratio_spark_vs_duckdb={spark_s / duckdb_s:.2f} series={len(duck)}"
        )
        if not same:
            raise SystemExit("Spark and DuckDB counters differ")


if __name__ == "__main__":
    main()
