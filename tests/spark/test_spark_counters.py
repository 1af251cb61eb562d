"""Spark's counters equal DuckDB's (held equal to the plain rules by tests/engine);
`rebuild --engine spark` then `verify`, and `portfolio --engine spark` equal to the embedded one.

All in one xdist group: one Spark session (one JVM) for the module, on one worker."""

from __future__ import annotations

import json
import sys

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings

from sellerhealth.cli import main
from sellerhealth.engine import dense
from sellerhealth.engine.count import all_counters_sql
from sellerhealth.engine.spark import counters, register_tables
from sellerhealth.engine.spark_session import explain, unreachable_master
from sellerhealth.sample.generate import DEMO_AS_OF
from tests.demo_store import demo_db
from tests.engine.strategies import POLICY, seller_data, tables

pytestmark = pytest.mark.xdist_group("spark")


def duckdb_counters(rows):
    con = duckdb.connect()
    for name, table in rows.items():
        con.register(name, table)
    return con.sql(all_counters_sql(POLICY)).to_arrow_table()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seller_data())
def test_spark_counters_equal_duckdb(spark, tmp_path_factory, records):
    rows = tables(records)
    folder = tmp_path_factory.mktemp("lake")
    for name, table in rows.items():
        if table.num_rows:
            import pyarrow.parquet as pq

            (folder / name).mkdir()
            pq.write_table(table, folder / name / "part-0.parquet")
    register_tables(spark, str(folder), ["a"])
    assert dense.series_of(counters(spark, POLICY)) == dense.series_of(duckdb_counters(rows))


def test_unreachable_master_is_a_clear_error():
    assert unreachable_master("spark://127.0.0.1:1")
    assert unreachable_master("local[2]") is None


def test_executor_lost_says_what_to_do():
    text = explain(RuntimeError("Job aborted: ExecutorLostFailure (executor 1 exited)"), "counting")
    assert "executor was lost" in text and "spark.executor.memory" in text


def test_cli_rebuild_on_spark_then_verify_and_portfolio(spark, tmp_path, monkeypatch, capsys):
    """The commands a user runs, in process (the test session's Spark is reused)."""
    db = str(demo_db(tmp_path))

    def cli(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["sellerhealth", "--db", db, *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 0
        out, err = capsys.readouterr()
        return code, out + err

    code, text = cli("rebuild", "--engine", "spark")
    assert code == 0, text
    assert "on Spark (local[2])" in text
    code, text = cli("verify")
    assert code == 0, text
    day = DEMO_AS_OF.isoformat()
    code, spark_json = cli("portfolio", "--engine", "spark", "--as-of", day, "--format", "json")
    assert code == 0, spark_json
    code, duckdb_json = cli("portfolio", "--as-of", day, "--format", "json")
    assert code == 0
    assert json.loads(spark_json) == json.loads(duckdb_json)
