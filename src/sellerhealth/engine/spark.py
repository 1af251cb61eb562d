"""The full recount on Apache Spark: the embedded engine's own SQL, run on a cluster.

The counters query is `engine.count.all_counters_sql` (the interval SQL of `engine.odr`,
`engine.shipping`, `engine.account`, encoded to integer keys and summed by
`engine.intervals`), translated to Spark SQL by `engine.dialect`: one definition of each
rule for both engines. Spark reads the engine tables as Parquet, one folder per table,
partitioned by account: exported from the store, or a data lake's copy (`SparkEngine.data`).
The counters come back to the driver as Arrow (they grow with accounts x counter keys x
days, not with orders) and become the same dense series the embedded engine keeps
(`engine.dense.series_of`).

Accounts under different policy files are counted by one query per policy, each over its own
accounts only (Spark prunes the other accounts' partitions).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sellerhealth.domain.policy import Policy
from sellerhealth.engine import dense
from sellerhealth.engine.count import all_counters_sql
from sellerhealth.engine.dialect import spark_sql
from sellerhealth.engine.intervals import KEYS, values_sql
from sellerhealth.engine.spark_session import SparkEngine, SparkError, faults, running
from sellerhealth.store.counters import ENGINE_SCHEMAS, ENGINE_TABLES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

    from sellerhealth.engine.kept import Identity
    from sellerhealth.store.store import Store

# Spark's escaping of partition values in paths (ExternalCatalogUtils.escapePathName): the
# same characters, so Spark reads back exactly the account names written.
_ESCAPED = set("\"#%'*/:=?\\\x7f{[]^")
# An account's counted series, with the policy identity they were counted under.
Counted = dict[str, tuple["Identity", dict[dense.Key, dense.Series]]]


def partition_name(account: str) -> str:
    escaped = "".join(f"%{ord(ch):02X}" if ch in _ESCAPED or ord(ch) < 32 else ch for ch in account)
    return f"account={escaped}"


def export_tables(store: Store, accounts: Sequence[str], folder: Path) -> None:
    """The accounts' engine tables as Parquet under `folder`: `<table>/account=<name>/`."""
    for account in accounts:
        for spec in ENGINE_TABLES:
            rows = store.arrow(spec, account)
            if rows.num_rows:
                target = folder / spec.name / partition_name(account)
                target.mkdir(parents=True, exist_ok=True)
                pq.write_table(rows.drop_columns(["account"]), target / "part-0.parquet")
        store.forget_cached()  # one account's rows in memory at a time


def _spark_schema(schema: pa.Schema) -> StructType:
    from pyspark.sql.types import ByteType, DoubleType, LongType, StringType, StructField
    from pyspark.sql.types import StructType as Struct

    types = {pa.string(): StringType(), pa.int64(): LongType(), pa.float64(): DoubleType()}
    types[pa.int8()] = ByteType()
    return Struct([StructField(f.name, types[f.type]) for f in schema])


def register_tables(spark: SparkSession, data: str, accounts: Sequence[str]) -> None:
    """Each engine table as a temporary view of the Parquet under `data`, holding only
    `accounts`' rows; a table with no folder is empty (an account without claims...)."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    base = data.rstrip("/")
    for spec in ENGINE_TABLES:
        path = f"{base}/{spec.name}"
        try:
            frame = spark.read.option("basePath", path).parquet(path)
        except AnalysisException as problem:
            if "PATH_NOT_FOUND" not in str(problem) and "UNABLE_TO_INFER" not in str(problem):
                raise
            frame = spark.createDataFrame([], _spark_schema(ENGINE_SCHEMAS[spec.name]))
        missing = [f.name for f in ENGINE_SCHEMAS[spec.name] if f.name not in frame.columns]
        if missing:
            raise SparkError(
                f"{path}: no column {', '.join(missing)}: each table's Parquet needs the "
                f"columns of the store's {spec.name} table"
            )
        frame.where(F.col("account").isin(list(accounts))).createOrReplaceTempView(spec.name)


def counters(spark: SparkSession, policy: Policy) -> pa.Table:
    """The counters (KEYS, day, delta) of the registered tables, summed per key and day."""
    with faults("counting on Spark"):
        return spark.sql(spark_sql(all_counters_sql(policy))).toArrow()


def values_on(spark: SparkSession, policy: Policy, day: date) -> pa.Table:
    """Every key's nonzero value on `day` (KEYS, day, value), summed inside Spark: only the
    day's values come back, not the counters."""
    sql = values_sql(f"SELECT * FROM ({all_counters_sql(policy)})", day, day)
    with faults("counting on Spark"):
        return spark.sql(spark_sql(sql)).toArrow()


@contextmanager
def tables_for(spark: SparkSession, engine: SparkEngine, store: Store, accounts: Sequence[str]
               ) -> Iterator[str]:  # fmt: skip
    """Where Spark reads the tables: `engine.data`, or the store's export (a temporary
    folder, removed afterwards, unless `engine.export` names one)."""
    if engine.data is not None:
        yield engine.data
        return
    if engine.export is not None:
        export_tables(store, accounts, engine.export)
        yield str(engine.export.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="sellerhealth-export-") as folder:
        export_tables(store, accounts, Path(folder))
        yield folder


def by_policy(store: Store, accounts: Sequence[str]) -> dict[Identity, list[str]]:
    from sellerhealth.engine.kept import Identity

    groups: dict[Identity, list[str]] = defaultdict(list)
    for account in accounts:
        groups[Identity.of(store, account)].append(account)
    return dict(groups)


def counted_series(store: Store, accounts: Sequence[str], engine: SparkEngine) -> Counted:
    """Every account's series counted on Spark (accounts without any counter get none)."""
    from sellerhealth.policy_files import load_policy

    out: Counted = {}
    with running(engine) as spark, tables_for(spark, engine, store, accounts) as data:
        for identity, members in by_policy(store, accounts).items():
            register_tables(spark, data, members)
            found = split_by_account(dense.series_of(counters(spark, load_policy(identity.policy))))
            for account in members:
                out[account] = (identity, found.get(account, {}))
    return out


def day_values(store: Store, accounts: Sequence[str], day: date, engine: SparkEngine
               ) -> dense.Values:  # fmt: skip
    """Every account's counter values on `day`, counted on Spark (for the portfolio)."""
    from sellerhealth.policy_files import load_policy

    values: dense.Values = defaultdict(lambda: defaultdict(dict))
    with running(engine) as spark, tables_for(spark, engine, store, accounts) as data:
        for identity, members in by_policy(store, accounts).items():
            register_tables(spark, data, members)
            found = values_on(spark, load_policy(identity.policy), day)
            keys = zip(*(found.column(k).to_pylist() for k in KEYS), strict=True)
            for (account, market, scope, metric, part), value in zip(
                keys, pc.cast(found.column("value"), pa.int64()).to_pylist(), strict=True
            ):
                values[(account, market, scope, metric)][day][part] = value
    return values


def split_by_account(
    series: dict[dense.Key, dense.Series],
) -> dict[str, dict[dense.Key, dense.Series]]:
    out: dict[str, dict[dense.Key, dense.Series]] = defaultdict(dict)
    for key, found in series.items():
        out[key[0]][key] = found
    return dict(out)
