"""Spark's counters equal DuckDB's equal the plain rules; `rebuild --engine spark` then verify."""

from __future__ import annotations

import duckdb
from hypothesis import HealthCheck, given, settings

from sellerhealth.engine import dense
from sellerhealth.engine.series import all_counters_sql
from sellerhealth.engine.spark import counted_series, counters, register_tables
from sellerhealth.engine.spark_session import SparkEngine, explain, unreachable_master
from sellerhealth.service import counters as service
from sellerhealth.store.store import Store
from tests.demo_store import demo_db
from tests.engine.test_incremental import POLICY, seller_data, tables


def duckdb_counters(rows):
    con = duckdb.connect()
    for name, table in rows.items():
        con.register(name, table)
    return con.sql(all_counters_sql(POLICY)).to_arrow_table()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow,
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


def test_rebuild_on_spark_then_verify(spark, tmp_path):
    with Store.open(demo_db(tmp_path)) as store:
        accounts = service.chosen_accounts(store)
        assert service.rebuild(store, accounts, spark=SparkEngine()) == len(accounts)
        assert service.verify(store, accounts) == []
        counted = counted_series(store, accounts, SparkEngine())
        assert all(series for _identity, series in counted.values())


def test_unreachable_master_is_a_clear_error():
    assert unreachable_master("spark://127.0.0.1:1")
    assert unreachable_master("local[2]") is None


def test_executor_lost_says_what_to_do():
    text = explain(RuntimeError("Job aborted: ExecutorLostFailure (executor 1 exited)"), "counting")
    assert "executor was lost" in text and "spark.executor.memory" in text
