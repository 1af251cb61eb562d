"""`appeal open`, `appeal update`, `appeal show`: the appeal of a suspension, its Plan of Action,
evidence and deadlines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sellerhealth.cli.common import (
    AccountOption,
    account_of,
    app,
    choose_format,
    err,
    open_store,
    option_day,
    out,
    today,
)
from sellerhealth.cli.states import AsOfOption, FormatOption, json_out, print_deadlines, state_text
from sellerhealth.domain.appeals import Appeal
from sellerhealth.errors import InputError, UsageError
from sellerhealth.service import appeal_records, states

appeal_app = typer.Typer(
    help="Appeals of a suspension: the Plan of Action, its evidence, its deadlines.",
    no_args_is_help=True,
)
app.add_typer(appeal_app, name="appeal")


@appeal_app.command("open")
def appeal_open(
    account: AccountOption = None,
    appeal_id: Annotated[
        str | None, typer.Option("--id", help="Appeal id (default: ACCOUNT-appeal-N).")
    ] = None,
    on: Annotated[str | None, typer.Option(help="Day it is opened (default today).")] = None,
) -> None:
    """Open an appeal (a draft Plan of Action) for the account's suspension."""
    day = option_day(on, "--on") or today()
    with open_store() as store:
        account = account_of(store, account)
        chosen = appeal_records.open_appeal(store, account, day, appeal_id).appeal_id
        view = _status_or_none(store, account, day)
    out.print(f"opened appeal {chosen} for account {account} on {day}")
    if view is not None and view.deadlines is not None:
        print_deadlines(view.deadlines)
    elif view is not None:
        err.print(
            f"note: account {account} is {view.label} on {day}, not SUSPENDED: the appeal is "
            "recorded, but its decision changes the state only of a suspended account"
        )
    out.print(
        f"next: `sellerhealth appeal update {chosen} --root-cause ... --actions-taken ... "
        "--prevention ... --evidence FILE`, then `--submit DAY`"
    )


def _status_or_none(store: Any, account: str, day: date) -> states.StatusView | None:
    """The state on `day` for the appeal commands (the stored history is left as it is), or
    None when the account has no order yet."""
    try:
        return states.account_status(store, account, day, save=False)
    except InputError:
        return None


@appeal_app.command("update")
def appeal_update(
    appeal_id: Annotated[str, typer.Argument(help="The appeal's id.")],
    root_cause: Annotated[
        str | None, typer.Option(help="Plan of Action: what caused the problem.")
    ] = None,
    actions_taken: Annotated[
        str | None, typer.Option(help="Plan of Action: what was done to resolve it.")
    ] = None,
    prevention: Annotated[
        str | None, typer.Option(help="Plan of Action: what stops it happening again.")
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option(help="A document attached: a file (its path is kept) or a link; repeat."),
    ] = None,
    submit: Annotated[
        str | None, typer.Option(help="Day the plan was sent to Amazon (needs all three parts).")
    ] = None,
    decide: Annotated[str | None, typer.Option(help="Day Amazon decided (with --outcome).")] = None,
    outcome: Annotated[str | None, typer.Option(help="granted or denied (with --decide).")] = None,
) -> None:
    """Write the Plan of Action, attach evidence, record the submission and the decision."""
    changes: dict[str, Any] = {
        name: value
        for name, value in (
            ("root_cause", root_cause),
            ("actions_taken", actions_taken),
            ("prevention", prevention),
        )
        if value is not None
    }
    if submit is not None:
        changes["submitted_on"] = option_day(submit, "--submit")
    if (decide is None) != (outcome is None):
        raise UsageError("--decide and --outcome go together: give both (the day and the result)")
    if decide is not None:
        changes["decided_on"] = option_day(decide, "--decide")
        changes["outcome"] = (outcome or "").strip().lower()
    with open_store() as store:
        appeal = store.appeal(appeal_id)
        if appeal is None:
            raise UsageError(
                f"no appeal {appeal_id}: open one with `sellerhealth appeal open --account A`"
            )
        if evidence:
            changes["evidence"] = (*appeal.evidence, *(_evidence_item(e) for e in evidence))
        updated = appeal_records.update_appeal(store, appeal, changes)
    out.print(f"appeal {appeal_id}: {updated.status}")
    _print_appeals([updated])


def _evidence_item(value: str) -> str:
    path = Path(value).expanduser()
    return str(path.resolve()) if path.is_file() else value


@appeal_app.command("show")
def appeal_show(
    account: AccountOption = None, as_of: AsOfOption = None, fmt: FormatOption = None
) -> None:
    """The account's appeals and the deadlines of its suspension (plan due, appeals left)."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        appeals = [a for a in store.appeals(account) if a.opened_on <= day]
        view = _status_or_none(store, account, day)
    if chosen == "json":
        json_out(
            {
                "account": account,
                "asOf": day.isoformat(),
                "state": view.label if view is not None else None,
                "since": view.since.isoformat() if view is not None else None,
                "deadlines": states.json_ready(view.deadlines) if view is not None else None,
                "appeals": [states.appeal_dict(a) for a in appeals],
            }
        )
        return
    if view is not None:
        out.print(
            Text.assemble(
                f"Account {account} as of {day}: ", state_text(view.label), f" since {view.since}"
            )
        )
        if view.deadlines is not None:
            print_deadlines(view.deadlines)
        else:
            out.print("Not suspended: no Plan of Action deadline runs.")
    if appeals:
        _print_appeals(appeals)
    else:
        out.print(f"No appeal for account {account}.")


def _print_appeals(appeals: list[Appeal]) -> None:
    table = Table(title="Appeals", title_justify="left")
    for name in ("Id", "Status", "Opened", "Submitted", "Decided", "Plan of Action", "Evidence"):
        table.add_column(name, overflow="fold")
    for a in appeals:
        parts = "\n".join(
            f"{label}: {getattr(a, name) or '(missing)'}"
            for name, label in (
                ("root_cause", "root cause"),
                ("actions_taken", "actions taken"),
                ("prevention", "prevention"),
            )
        )
        table.add_row(
            a.appeal_id,
            a.status,
            str(a.opened_on),
            str(a.submitted_on or "-"),
            str(a.decided_on or "-"),
            parts,
            "\n".join(a.evidence) or "-",
        )
    out.print(table)
