"""The kept counters: `rebuild` recounts them, `verify` checks them against a recount."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sellerhealth.cli.common import app, err, open_store, out
from sellerhealth.service import counters

Accounts = Annotated[
    list[str] | None,
    typer.Option("--account", help="An account (repeat for several); every account if none."),
]


@contextmanager
def _progress(what: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr (shown on a terminal only), advanced once per account."""
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda _account: bar.advance(task)


@app.command()
def rebuild(account: Accounts = None) -> None:
    """Recount the kept counters from the records with the full engine, replacing them."""
    with open_store() as store:
        chosen = counters.chosen_accounts(store, account or ())
        with _progress("recounting", len(chosen)) as done:
            count = counters.rebuild(store, chosen, done)
    out.print(f"recounted the counters of {count} account(s)")


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
