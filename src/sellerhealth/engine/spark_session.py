"""A Spark session for the recount, and Spark's own faults as errors that say what to do.

Everything that can be checked before the JVM starts is (pyspark installed, Java present, the
master's port open): those failures otherwise surface as a Java stack trace or a driver that
waits forever for a master. Faults during a job (an executor lost, the driver's JVM gone) are
translated by `faults()`; the callers write nothing to the store until every Spark job has
finished, so a failed one leaves the store as it was.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sellerhealth.errors import SellerhealthError, UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL = "local[2]"
NOTHING_WRITTEN = "nothing was written to the store"
_CONNECT_SECONDS = 5.0


class SparkError(SellerhealthError):
    """Spark could not be started or a Spark job failed (exit status 1)."""


@dataclass(frozen=True, slots=True)
class SparkEngine:
    """Where and how to run the recount on Spark.

    `data`: a folder (or any URI Spark reads) of Parquet, one subfolder per engine table
    (`orders/`, `feedback/`, ...; hive-partitioned by `account=` or with an account column);
    None exports the store's tables to `export` (a temporary folder when None: fine in local
    mode; a cluster's executors need a folder they all see)."""

    master: str = LOCAL
    data: str | None = None
    export: Path | None = None
    conf: tuple[tuple[str, str], ...] = ()

    @property
    def local(self) -> bool:
        return self.master.startswith("local")


def java_missing() -> str | None:
    """Why Java cannot be found, or None when it can."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return (
            None if (Path(home) / "bin" / "java").exists() else f"JAVA_HOME={home} has no bin/java"
        )
    return None if shutil.which("java") else "no java on PATH and JAVA_HOME is not set"


def unreachable_master(master: str) -> str | None:
    """Why no master of a spark://host:port[,host:port] URL accepts connections, or None."""
    if not master.startswith("spark://"):
        return None  # local mode needs no master; yarn / k8s are reached by their own clients
    problems = []
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=_CONNECT_SECONDS):
                return None
        except (OSError, ValueError) as problem:
            problems.append(f"{address}: {problem}")
    return "; ".join(problems)


def _checked(engine: SparkEngine) -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkError(
            "--engine spark needs pyspark: pip install 'sellerhealth[spark]'"
        ) from None
    why = java_missing()
    if why:
        raise SparkError(
            f"Spark needs Java 17 and none was found ({why}): install it "
            "(apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME"
        )
    why = unreachable_master(engine.master)
    if why:
        raise SparkError(
            f"cannot reach the Spark master {engine.master} ({why}): start it "
            "(sbin/start-master.sh), check the host and port (7077 unless changed), or use "
            f"--master {LOCAL} to run on this machine; {NOTHING_WRITTEN}"
        )


def start(engine: SparkEngine) -> SparkSession:
    """A new (or the running) Spark session for `engine`, after the checks above."""
    _checked(engine)
    if engine.local:  # keep a local driver on loopback (else Spark binds the eth0 address)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="sellerhealth-spark-")
    builder = (
        SparkSession.builder.master(engine.master)
        .appName("sellerhealth-recount")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", warehouse)  # never ./spark-warehouse
        # Dates and instants are cast as UTC, as the embedded engine does.
        .config("spark.sql.session.timeZone", "UTC")
        # account=0042 is the account "0042", not the number 42
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    )
    if engine.local:  # a few cores: Spark's 200 shuffle partitions would be mostly overhead
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    for key, value in engine.conf:
        builder = builder.config(key, value)
    with faults("starting Spark"):
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def running(engine: SparkEngine) -> Iterator[SparkSession]:
    """A session for the duration of the block: the active one when it runs on the same
    master (a test session, a notebook), else a new one, stopped afterwards."""
    _checked(engine)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and active.sparkContext.master == engine.master:
        yield active
        return
    session = start(engine)
    try:
        yield session
    finally:
        session.stop()


def explain(problem: BaseException, doing: str) -> str:
    """What a Spark failure means, for a person: the cause in one line and what to do."""
    text = str(problem)
    first = next(
        (line.strip() for line in text.splitlines() if line.strip()), type(problem).__name__
    )
    if "ExecutorLostFailure" in text or "Lost executor" in text or "executor lost" in text.lower():
        return (
            f"{doing}: a Spark executor was lost ({first[:300]}); {NOTHING_WRITTEN}. Give the "
            "executors more memory (--conf spark.executor.memory=4g) or more shuffle "
            "partitions (--conf spark.sql.shuffle.partitions=400), check the worker's log, "
            "and run the command again"
        )
    if "All masters are unresponsive" in text or "Master removed our application" in text:
        return (
            f"{doing}: the Spark master stopped answering ({first[:300]}); {NOTHING_WRITTEN}. "
            "Check that the master and its workers are up, then run the command again"
        )
    if "JAVA_GATEWAY_EXITED" in text or "Java gateway process exited" in text:
        return (
            f"{doing}: the Java process of Spark exited at start ({first[:300]}): check "
            "`java -version` (Java 17) and JAVA_HOME"
        )
    if isinstance(problem, ConnectionError) or "Py4JNetworkError" in type(problem).__name__:
        return (
            f"{doing}: the Spark driver's Java process went away ({first[:300]}), most often "
            f"out of memory; {NOTHING_WRITTEN}. Try --conf spark.driver.memory=4g"
        )
    return f"{doing}: the Spark job failed: {first[:500]}; {NOTHING_WRITTEN}"


@contextmanager
def faults(doing: str) -> Iterator[None]:
    """Spark's exceptions inside the block as a `SparkError` saying what to do."""
    try:
        yield
    except SellerhealthError:
        raise
    except Exception as problem:
        if not _from_spark(problem):
            raise
        raise SparkError(explain(problem, doing)) from problem


def _from_spark(problem: BaseException) -> bool:
    module = type(problem).__module__ or ""
    return module.startswith(("py4j", "pyspark")) or isinstance(problem, ConnectionError)


def conf_pairs(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    """`--conf key=value` options as pairs (a clear error for one without `=`)."""
    pairs: list[tuple[str, str]] = []
    for value in values or ():
        key, sep, setting = value.partition("=")
        if not sep or not key:
            raise UsageError(f"--conf {value!r}: expected key=value, e.g. spark.executor.memory=4g")
        pairs.append((key.strip(), setting.strip()))
    return tuple(pairs)
