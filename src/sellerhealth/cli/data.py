"""Getting data in: `import` and `demo`."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from sellerhealth.cli.common import (
    app,
    choose_format,
    err,
    open_store,
    option_account,
    option_day,
    out,
    print_document,
    say,
)
from sellerhealth.domain.marketplaces import find_marketplace
from sellerhealth.domain.records import DEFAULT_ACCOUNT, AccountSettings
from sellerhealth.errors import UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.ingest.text import encoding_label
from sellerhealth.service import forecasts, imports, report
from sellerhealth.store.store import Store


def option_marketplace(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return find_marketplace(text).marketplace_id
    except ValueError as problem:
        raise UsageError(f"--marketplace: {problem}") from None


@app.command("import")
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Files or folders to import (kind detected from each header)."),
    ],
    account: Annotated[
        str, typer.Option(help="Account the rows belong to (unless they have an account column).")
    ] = DEFAULT_ACCOUNT,
    kind: Annotated[str | None, typer.Option(help="Override the detected kind.")] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Import the good rows; write the rejected ones beside the input.",
        ),
    ] = False,
    report_from: Annotated[
        str | None, typer.Option("--from", help="Feedback report: first day it covers.")
    ] = None,
    report_to: Annotated[
        str | None, typer.Option("--to", help="Feedback report: last day it covers.")
    ] = None,
    report_date: Annotated[
        str | None, typer.Option("--report-date", help="Day the report was taken.")
    ] = None,
    marketplace: Annotated[
        str | None,
        typer.Option(
            help="Marketplace the files are from (amazon.co.uk, DE or an id): it decides the "
            "date format of a feedback report."
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="The files' text encoding (default: UTF-8, else Windows-1252)."),
    ] = None,
) -> None:
    """Import seller data: Amazon's report files, Orders API JSON or canonical CSV.

    All the files of one command land together, in one transaction, or none does."""
    files = [f for given in files for f in in_folder(given)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    options = ReadOptions(
        account=option_account(account),
        report_from=option_day(report_from, "--from"),
        report_to=option_day(report_to, "--to"),
        report_date=option_day(report_date, "--report-date"),
        marketplace=option_marketplace(marketplace),
        encoding=_codec(encoding),
    )
    with open_store(create=True) as store:
        outcomes = imports.import_files(store, files, options, kind, skip_bad_rows)
    for o in outcomes:
        s = o.summary
        line = (
            f"{o.path}: {o.kind}, {o.rows} rows, {s.records} records: {s.new} new, "
            f"{s.updated} updated, {s.unchanged} unchanged"
        )
        if o.summary.removed_feedback:
            line += f", {o.summary.removed_feedback} feedback marked removed"
        if o.outside_amazon:
            line += (
                f", {o.outside_amazon} orders placed outside Amazon (Non-Amazon or Multi-Channel"
                " Fulfillment) left out of the metrics"
            )
        if o.encoding not in ("utf-8-sig", "utf-8"):
            line += f" (read as {encoding_label(o.encoding)})"
        say(line)
        if o.rejects_file:
            say(f"{o.path}: {o.rejected} bad rows skipped; see {o.rejects_file}", error=True)


def _codec(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding {name!r}; e.g. utf-8, cp1252") from None


def in_folder(path: Path) -> list[Path]:
    """A folder's files (not hidden, not the rejects an earlier import wrote), by name; any
    other path as it is."""
    if not path.is_dir():
        return [path]
    found = sorted(
        f
        for f in path.iterdir()
        if f.is_file() and not f.name.startswith(".") and not f.name.endswith(".rejects.csv")
    )
    if not found:
        raise UsageError(f"{path}: a folder with no file to import")
    return found


@app.command()
def demo(
    fmt: Annotated[str | None, typer.Option("--format", help="table or json.")] = None,
    keep: Annotated[
        Path | None, typer.Option(help="Keep the sample files and store in this folder.")
    ] = None,
    sync: Annotated[
        bool,
        typer.Option("--sync", help="Get the data through a local Selling Partner API emulator."),
    ] = False,
) -> None:
    """Import the bundled sample seller into a fresh embedded store and print its report."""
    from sellerhealth.sample.generate import DEMO_AS_OF, write_sample

    chosen = choose_format(fmt or "table")
    folder = keep or Path(tempfile.mkdtemp(prefix="sellerhealth-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "demo.db"
    for stale in folder.glob("demo.db*"):
        stale.unlink()
    if sync:
        from sellerhealth.cli.sync import demo_sync

        demo_sync(folder, db)
    with Store.open(db) as store:
        if not sync:
            store.set_account(AccountSettings("demo-seller"))
            for path in write_sample(folder / "data", DEMO_AS_OF):
                options = ReadOptions(account="demo-seller")
                outcome = imports.import_files(store, [path], options)[0]
                err.print(
                    f"imported {path.name}: {outcome.kind}, {outcome.summary.records} records"
                )
        forecast = forecasts.odr_forecast(store, "demo-seller", DEMO_AS_OF)
        document = report.report(store, "demo-seller", DEMO_AS_OF, forecast)
    err.print(f"\nstore: {db}\n")
    print_document(document, chosen)
    if chosen == "table":
        from sellerhealth.cli.forecasts import print_forecast_summary
        from sellerhealth.cli.states import print_timeline

        state = document["sellerhealth"]["state"]
        out.print(f"\n[bold]State history[/bold] (now {state['label']} since {state['since']})")
        print_timeline(state["timeline"], f"demo-seller: state changes up to {DEMO_AS_OF}")
        out.print(f"\n[bold]ODR forecast[/bold] ({int(forecast.level * 100)}% interval)")
        print_forecast_summary(forecast)
