"""The command line: parse arguments, call `service`, print. Nothing else lives here."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sellerhealth import service
from sellerhealth.domain.records import DEFAULT_ACCOUNT, AccountSettings
from sellerhealth.errors import SellerhealthError, UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.ingest.values import parse_day
from sellerhealth.policy_files import load_policy, policy_path
from sellerhealth.render import render_report
from sellerhealth.store.store import Store

DEFAULT_DB = Path.home() / ".sellerhealth" / "sellerhealth.db"

app = typer.Typer(
    help="Account health for Amazon sellers: exact metrics, states and evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Show and check policy files.", no_args_is_help=True)
account_app = typer.Typer(
    help="Per-account settings: policy and seller program.", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")
app.add_typer(account_app, name="account")

out = Console()
err = Console(stderr=True)
_state: dict[str, str] = {}


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="SELLERHEALTH_DB",
            help="Store: a file path (embedded) or a postgresql:// URL.",
            show_default=str(DEFAULT_DB),
        ),
    ] = None,
) -> None:
    _state["db"] = db or str(DEFAULT_DB)


def _store() -> Store:
    return Store.open(_state.get("db", str(DEFAULT_DB)))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as problem:
        raise UsageError(f"{option}: {problem}") from None


def _today() -> date:
    return datetime.now(UTC).date()


def _format(value: str | None) -> str:
    chosen = value or ("table" if sys.stdout.isatty() else "json")
    if chosen not in ("table", "json"):
        raise UsageError(f"--format: {chosen!r} is not one of: table, json")
    return chosen


@app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="Files to import (kind detected from the header).")
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
) -> None:
    """Import seller data: Amazon's report files, Orders API JSON or canonical CSV."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    options = ReadOptions(
        account=account,
        report_from=_day(report_from, "--from"),
        report_to=_day(report_to, "--to"),
        report_date=_day(report_date, "--report-date"),
    )
    with _store() as store:
        outcomes = service.import_files(store, files, options, kind, skip_bad_rows)
    for o in outcomes:
        line = f"{o.path}: {o.kind}, {o.rows} rows, {o.summary.records} records stored"
        if o.summary.removed_feedback:
            line += f", {o.summary.removed_feedback} feedback marked removed"
        out.print(line)
        if o.rejects_file:
            err.print(f"{o.path}: {o.rejected} bad rows skipped; see {o.rejects_file}")


@app.command()
def report(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="UTC day to compute for (default today).")
    ] = None,
    account: Annotated[str, typer.Option(help="Account.")] = DEFAULT_ACCOUNT,
    fmt: Annotated[
        str | None, typer.Option("--format", help="table or json (default: table on a terminal).")
    ] = None,
) -> None:
    """Every metric as of a day, in the shape of Amazon's seller performance report."""
    chosen = _format(fmt)
    day = _day(as_of, "--as-of") or _today()
    with _store() as store:
        document = service.report(store, account, day)
    _print_document(document, chosen)


def _print_document(document: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        render_report(document, out)


@app.command()
def demo(
    fmt: Annotated[str | None, typer.Option("--format", help="table or json.")] = None,
    keep: Annotated[
        Path | None, typer.Option(help="Keep the sample files and store in this folder.")
    ] = None,
) -> None:
    """Import the bundled sample seller into a fresh embedded store and print its report."""
    from sellerhealth.sample.generate import DEMO_AS_OF, write_sample

    chosen = _format(fmt or "table")
    folder = keep or Path(tempfile.mkdtemp(prefix="sellerhealth-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "demo.db"
    for stale in folder.glob("demo.db*"):
        stale.unlink()
    files = write_sample(folder / "data", DEMO_AS_OF)
    with Store.open(db) as store:
        store.set_account(AccountSettings("demo-seller"))
        for path in files:
            outcome = service.import_files(store, [path], ReadOptions(account="demo-seller"))[0]
            out.print(f"imported {path.name}: {outcome.kind}, {outcome.summary.records} records")
        document = service.report(store, "demo-seller", DEMO_AS_OF)
    out.print(f"\nstore: {db}\n")
    _print_document(document, chosen)


@app.command()
def history(
    account: Annotated[str, typer.Option(help="Account.")] = DEFAULT_ACCOUNT,
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
    if fmt not in ("table", "json", "csv"):
        raise UsageError(f"--format: {fmt!r} is not one of: table, json, csv")
    to_day = _day(last, "--to") or _today()
    from_day = _day(first, "--from") or to_day - timedelta(days=29)
    with _store() as store:
        rows = [row.as_dict() for row in service.history(store, account, from_day, to_day, metric)]
    _print_rows(rows, fmt, title=f"{account}: {from_day} .. {to_day}")


@app.command()
def reconcile(
    account: Annotated[str, typer.Option(help="Account.")] = DEFAULT_ACCOUNT,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Days where Amazon's imported figures and the computed ones differ, with likely reasons."""
    with _store() as store:
        found = service.reconcile_account(store, account)
        snapshots = len(store.snapshots(account))
    rows = [
        {
            "date": d["date"],
            "marketplaceId": d["marketplaceId"],
            "metric": d["metric"],
            "scope": d["scope"],
            "amazon": d["amazon"]["value"],
            "computed": d["computed"]["value"],
            "amazonCounts": f"{d['amazon']['numerator']}/{d['amazon']['denominator']}",
            "computedCounts": f"{d['computed']['numerator']}/{d['computed']['denominator']}",
            "reasons": "; ".join(d["reasons"]),
        }
        for d in (item.as_dict() for item in found)
    ]
    if fmt == "table" and not rows:
        out.print(f"{account}: {snapshots} Amazon snapshot(s); every figure within tolerance")
        return
    _print_rows(rows, fmt, title=f"{account}: differences from Amazon's reports")


def _print_rows(rows: list[dict[str, Any]], fmt: str, title: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["date"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for name in rows[0] if rows else ["date"]:
            table.add_column(name)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row.values()))
        out.print(table)


@policy_app.command("show")
def policy_show(
    name: Annotated[
        str, typer.Argument(help="Policy name or path to a .toml file.")
    ] = "amazon-us-2026",
) -> None:
    """Print a policy: every setting, its value and its source section."""
    from rich.table import Table

    policy = load_policy(name)
    table = Table(title=f"{policy.meta.name} {policy.meta.version}: {policy.meta.description}")
    for column in ("Setting", "Value", "Source (amazon-policy.md)"):
        table.add_column(column)
    for section, value in vars(policy).items():
        if section in ("meta", "sources"):
            continue
        for key, setting in vars(value).items():
            path = f"{section}.{key}"
            shown = ", ".join(map(str, setting)) if isinstance(setting, tuple) else str(setting)
            table.add_row(path, shown, policy.sources.get(path, ""))
    out.print(table)
    out.print(f"[dim]{policy_path(name)}[/dim]")


@policy_app.command("check")
def policy_check(path: Annotated[Path, typer.Argument(help="Policy file to check.")]) -> None:
    """Check a policy file; list every problem."""
    policy = load_policy(str(path))
    out.print(f"{path}: ok ({policy.meta.name} {policy.meta.version})")


@account_app.command("set")
def account_set(
    account: Annotated[str, typer.Argument()],
    program: Annotated[
        str | None, typer.Option(help="standard or business (Amazon Business Seller program).")
    ] = None,
    policy: Annotated[str | None, typer.Option(help="Policy name.")] = None,
) -> None:
    """Choose an account's policy and seller program."""
    if program not in (None, "standard", "business"):
        raise UsageError(f"--program: {program!r} is not one of: standard, business")
    with _store() as store:
        current = store.account(account)
        if policy:
            load_policy(policy)  # refuse a policy that does not load
        settings = AccountSettings(account, policy or current.policy, program or current.program)
        store.set_account(settings)
    out.print(f"{account}: policy {settings.policy}, program {settings.program}")


@account_app.command("list")
def account_list() -> None:
    """List accounts with their settings."""
    with _store() as store:
        for name in store.accounts():
            settings = store.account(name)
            out.print(f"{name}\tpolicy {settings.policy}\tprogram {settings.program}")


def main() -> None:
    """Entry point: turn sellerhealth's errors into messages and exit statuses."""
    os.environ.setdefault("COLUMNS", "160")  # tables stay readable when piped
    try:
        app(standalone_mode=True)
    except SellerhealthError as problem:
        err.print(str(problem), markup=False, highlight=False)
        raise SystemExit(problem.exit_code) from None


if __name__ == "__main__":
    main()
