"""Figures out: `report`, `history`, `portfolio`, `reconcile`."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated, Any

import typer

from sellerhealth.cli.common import (
    ROW_FORMATS,
    AccountOption,
    account_of,
    app,
    choose_format,
    open_store,
    option_day,
    out,
    print_document,
    print_rows,
    today,
)
from sellerhealth.cli.counters import Conf, Data, EngineName, Export, Master, spark_engine
from sellerhealth.service import metrics
from sellerhealth.service import report as report_service
from sellerhealth.service.freshness import mark_rows
from sellerhealth.service.portfolio import portfolio as portfolio_lines
from sellerhealth.vocabulary import CONDITION_SIGNS, metric_label


@app.command()
def report(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="UTC day to compute for (default today).")
    ] = None,
    account: AccountOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="table or json (default: table on a terminal).")
    ] = None,
) -> None:
    """Every metric as of a day, in the shape of Amazon's seller performance report."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        document = report_service.report(store, account, day)
    print_document(document, chosen)


@app.command()
def history(
    account: AccountOption = None,
    first: Annotated[
        str | None, typer.Option("--from", help="First UTC day (default: 30 days ago).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last UTC day (default: today).")] = None,
    metric: Annotated[
        str | None,
        typer.Option(help="Only this metric: odr, lsr, pfcr, vtr, otdr, contact, compliance, ahr."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Every metric for every day of a range, each computed as of that day."""
    fmt = choose_format(fmt, ROW_FORMATS)
    to_day = option_day(last, "--to") or today()
    from_day = option_day(first, "--from") or to_day - timedelta(days=29)
    with open_store() as store:
        account = account_of(store, account)
        rows = mark_rows(store, account, metrics.history(store, account, from_day, to_day, metric))
    if fmt == "json":  # exact fractions and the machine names
        print_rows(rows, fmt, title="")
        return
    print_rows([history_line(row) for row in rows], fmt, title=f"{account}: {from_day} .. {to_day}")


def history_line(row: dict[str, Any]) -> dict[str, Any]:
    """A history row for a person (table, CSV): named columns, rates as percentages."""
    denominator = row["denominator"]
    rate, target = row["rate"], row["target"]
    sign = CONDITION_SIGNS.get(row["targetCondition"], row["targetCondition"])
    return {
        "Day": row["date"],
        "Marketplace": row["marketplaceId"],
        "Metric": metric_label(row["metric"], row["scope"]),
        "Count": row["numerator"] if denominator is None else f"{row['numerator']} / {denominator}",
        "Rate": "" if rate is None else f"{rate * 100:.2f}%",
        "Target": f"{sign} {target:g}" if denominator is None else f"{sign} {target * 100:.2f}%",
        "Status": row["status"].replace("_", " "),
        "Window": f"{row['windowFrom']} .. {row['windowTo']}",
    }


@app.command()
def portfolio(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="UTC day to compute for (default today).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    engine: EngineName = "duckdb",
    master: Master = None,
    data: Data = None,
    export: Export = None,
    conf: Conf = None,
) -> None:
    """Every account on one day, failing ones first, with the figures that fail (one pass)."""
    fmt = choose_format(fmt, ROW_FORMATS)
    day = option_day(as_of, "--as-of") or today()
    spark = spark_engine(engine, master, data, export, conf)
    with open_store() as store:
        lines = portfolio_lines(store, day, spark)
    if fmt == "json":  # the failing figures whole, exact
        sys.stdout.write(json.dumps([line.as_dict() for line in lines], indent=2) + "\n")
        return
    print_rows([line.summary() for line in lines], fmt, title=f"Every account as of {day}")


@app.command()
def reconcile(
    account: AccountOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Days where Amazon's imported figures and the computed ones differ, with likely reasons."""
    with open_store() as store:
        account = account_of(store, account)
        found = metrics.reconcile_account(store, account)
        snapshots = len(store.snapshots(account))
    if fmt == "json":  # the full structure, exact figures
        sys.stdout.write(json.dumps([item.as_dict() for item in found], indent=2) + "\n")
        return
    rows = [
        {
            "date": d["date"],
            "marketplaceId": d["marketplaceId"],
            "metric": d["metric"],
            "scope": d["scope"],
            "amazon": _rounded(d["amazon"]["value"]),
            "computed": _rounded(d["computed"]["value"]),
            "amazonCounts": f"{d['amazon']['numerator']}/{d['amazon']['denominator']}",
            "computedCounts": f"{d['computed']['numerator']}/{d['computed']['denominator']}",
            "reasons": "; ".join(d["reasons"]),
        }
        for d in (item.as_dict() for item in found)
    ]
    if fmt == "table" and not rows:
        out.print(f"{account}: {snapshots} Amazon snapshot(s); every figure within tolerance")
        return
    print_rows(rows, fmt, title=f"{account}: differences from Amazon's reports")


def _rounded(value: float | None) -> float | None:
    """Rates to 6 decimals for a table or CSV; the JSON keeps them exact."""
    return None if value is None else round(value, 6)
