"""The kept counters: `rebuild` recounts them, `verify` checks them against a recount."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sellerhealth.cli.common import app, err, open_store, out
from sellerhealth.engine.spark_session import LOCAL, SparkEngine, conf_pairs
from sellerhealth.errors import UsageError
from sellerhealth.service import counters

Accounts = Annotated[
    list[str] | None,
    typer.Option("--account", help="An account (repeat for several); every account if none."),
]

EngineName = Annotated[
    str, typer.Option("--engine", help="duckdb (embedded, this machine) or spark (a cluster).")
]
Master = Annotated[
    str | None,
    typer.Option(help=f"Spark master: {LOCAL} (this machine, the default) or spark://HOST:7077."),
]
Data = Annotated[
    str | None,
    typer.Option(
        help="Parquet to count from instead of the store's records: a folder or URI with one "
        "subfolder per table (orders/, feedback/, ...), partitioned by account=."
    ),
]
Export = Annotated[
    Path | None,
    typer.Option(
        help="Where to export the store's tables for Spark (default: a temporary folder; a "
        "cluster needs a folder every executor can read)."
    ),
]
Conf = Annotated[
    list[str] | None,
    typer.Option(
        "--conf", help="A Spark setting key=value (repeat), e.g. spark.executor.memory=4g."
    ),
]


def spark_engine(
    engine: str, master: str | None, data: str | None, export: Path | None, conf: list[str] | None
) -> SparkEngine | None:
    """The Spark engine the options describe, or None for the embedded one."""
    if engine not in ("duckdb", "spark"):
        raise UsageError(f"--engine {engine!r}: expected duckdb or spark")
    if engine == "duckdb":
        given = [name for name, v in (("--master", master), ("--data", data), ("--export", export),
                                      ("--conf", conf)) if v]  # fmt: skip
        if given:
            raise UsageError(f"{', '.join(given)}: only with --engine spark")
        return None
    chosen = SparkEngine(master or LOCAL, data, export, conf_pairs(conf))
    if not chosen.local and data is None and export is None:
        raise UsageError(
            f"--master {chosen.master}: the executors cannot read this machine's temporary "
            "folder; give --export DIR on storage they all see, or --data"
        )
    return chosen


@contextmanager
def _progress(what: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr (shown on a terminal only), advanced once per account."""
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda _account: bar.advance(task)


@app.command()
def rebuild(
    account: Accounts = None,
    engine: EngineName = "duckdb",
    master: Master = None,
    data: Data = None,
    export: Export = None,
    conf: Conf = None,
) -> None:
    """Recount the kept counters from the records with the full engine, replacing them."""
    spark = spark_engine(engine, master, data, export, conf)
    with open_store() as store:
        chosen = counters.chosen_accounts(store, account or ())
        if spark is not None:
            err.print(f"counting {len(chosen)} account(s) on Spark ({spark.master})")
        with _progress("recounting", len(chosen)) as done:
            count = counters.rebuild(store, chosen, done, spark)
    where = f" on Spark ({spark.master})" if spark else ""
    out.print(f"recounted the counters of {count} account(s){where}")


@app.command()
def verify(account: Accounts = None) -> None:
    """Recount in memory and compare with the kept counters; exit 1 on any difference."""
    with open_store() as store:
        chosen = counters.chosen_accounts(store, account or ())
        with _progress("verifying", len(chosen)) as done:
            found = counters.verify(store, chosen, done)
    for difference in found:
        err.print(str(difference), markup=False, highlight=False, soft_wrap=True)
    if found:
        err.print(f"{len(found)} difference(s) in {len({d.account for d in found})} account(s)")
        raise typer.Exit(1)
    out.print(f"the kept counters of {len(chosen)} account(s) equal a recount")
