"""Shared pieces of the command line: the app, the store option, output helpers."""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sellerhealth.domain.windows import check_day
from sellerhealth.errors import SellerhealthError, UsageError
from sellerhealth.ingest.values import parse_account, parse_day
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


def _version(value: bool) -> None:
    if value:
        from sellerhealth import __version__

        out.print(f"sellerhealth {__version__}", highlight=False)
        raise typer.Exit()


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
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    _state["db"] = db or str(DEFAULT_DB)


def open_store(*, create: bool = False) -> Store:
    """The `--db` store. Only the commands that write data (`import`, `account set --create`)
    pass `create`: for every other command a path that does not exist is a mistake (a typo
    would otherwise give a new, empty store and a clean report)."""
    target = _state.get("db", str(DEFAULT_DB))
    if not create and not is_url(target) and not Path(target).expanduser().exists():
        raise UsageError(
            f"no such store: {target} (create it with `sellerhealth import FILE --account NAME`, "
            "or give --db / SELLERHEALTH_DB)"
        )
    return Store.open(target)


def is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def account_of(store: Store, account: str | None) -> str:
    """The account a reading command is about: see `service.accounts.require_account`."""
    from sellerhealth.service.accounts import require_account

    return require_account(store, account)


AccountOption = Annotated[
    str | None,
    typer.Option(help="Account (default: the store's only account)."),
]


def option_account(value: str, option: str = "--account") -> str:
    """An account name given on the command line, or a usage error saying what one may be."""
    try:
        return parse_account(value)
    except ValueError as problem:
        raise UsageError(f"{option}: {problem}") from None


def say(line: str, error: bool = False) -> None:
    """One line as it is: never wrapped (scripts parse `file:line: column: problem`), never
    read as Rich markup (a path may hold brackets)."""
    stream = sys.stderr if error else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def option_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return check_day(parse_day(value))
    except ValueError as problem:
        raise UsageError(f"{option}: {problem}") from None


def today() -> date:
    return datetime.now(UTC).date()


def choose_format(value: str | None, allowed: tuple[str, ...] = ("table", "json")) -> str:
    """`--format` as given (table on a terminal, else json, when not), one of `allowed`."""
    chosen = value or ("table" if sys.stdout.isatty() else "json")
    if chosen not in allowed:
        raise UsageError(f"--format: {chosen!r} is not one of: {', '.join(allowed)}")
    return chosen


ROW_FORMATS = ("table", "json", "csv")  # what `print_rows` prints


def print_rows(rows: list[dict[str, Any]], fmt: str, title: str) -> None:
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


def print_document(document: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        render_report(document, out)


def store_option_first(args: list[str]) -> list[str]:
    """`--db` belongs before the command (`sellerhealth --db X report`); accept it after the
    command too, as people type it, by moving it to the front."""
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--db" and position + 1 < len(args):
            front += args[position : position + 2]
            position += 2
            continue
        (front if arg.startswith("--db=") else rest).append(arg)
        position += 1
    return front + rest


@functools.cache
def _command() -> Any:  # typer's own click Command
    """The click command Typer builds from `app`: once per process, not per call (building it
    takes longer than most commands run, and the fuzzer calls `main` thousands of times)."""
    return typer.main.get_command(app)


def main() -> None:
    """Entry point: turn sellerhealth's errors into messages and exit statuses."""
    os.environ.setdefault("COLUMNS", "160")  # tables stay readable when piped
    try:
        _command().main(args=store_option_first(sys.argv[1:]), standalone_mode=True)
    except SellerhealthError as problem:
        say(str(problem), error=True)
        raise SystemExit(problem.exit_code) from None
