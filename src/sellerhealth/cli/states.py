"""Account states: `status`, `timeline` and `appeal` (open, update, show)."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sellerhealth.cli.common import (
    ROW_FORMATS,
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
from sellerhealth.domain.appeals import Appeal
from sellerhealth.domain.states import AccountState
from sellerhealth.errors import InputError, UsageError
from sellerhealth.render import STATUS_STYLE, amazon_status_line, assessment_line, freshness_line
from sellerhealth.service import appeal_records, states
from sellerhealth.service.freshness import freshness, status_document
from sellerhealth.vocabulary import held

appeal_app = typer.Typer(
    help="Appeals of a suspension: the Plan of Action, its evidence, its deadlines.",
    no_args_is_help=True,
)
app.add_typer(appeal_app, name="appeal")

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="UTC day to compute for (default today).")
]
FormatOption = Annotated[
    str | None, typer.Option("--format", help="table or json (default: table on a terminal).")
]
STATE_STYLE = {
    "HEALTHY": "green",
    "UNDER_REVIEW": "yellow",
    "SUSPENDED": "bold red",
    "DEACTIVATED": "bold red",
}


def json_out(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def state_text(label: str) -> Text:
    return Text(label, style=STATE_STYLE.get(label.partition(" ")[0], ""))


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLE.get(status, ""))


# --- status and timeline ---------------------------------------------------------------------


@app.command()
def status(
    account: AccountOption = None, as_of: AsOfOption = None, fmt: FormatOption = None
) -> None:
    """The account's state as of a day, what it may do, why, and Amazon's own status."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        view = states.account_status(store, account, day)
        fresh = freshness(store, account, day)
    document = status_document(view, fresh)
    if chosen == "json":
        json_out(document)
        return
    out.print(f"Account {account} as of {day} (policy {view.policy})", highlight=False)
    out.print(amazon_status_line(document), highlight=False)
    out.print(assessment_line(document), highlight=False)
    line = freshness_line(document["freshness"])
    if line is not None:
        out.print(line, highlight=False)
    if view.state is not AccountState.HEALTHY:
        stopped = held(dataclasses.asdict(view.capabilities)) or "nothing"
        out.print(
            f"If Amazon acts on this risk, it typically stops: {stopped} "
            "(an assessment, not the account's status)",
            highlight=False,
        )
    last = view.last_transition
    if last is None:
        out.print("No risk found since the first order.")
    else:
        out.print(
            f"Evidence: {last.rule} [{last.source}] on {last.day}: {states.describe(last)}",
            markup=False,
            highlight=False,
        )
        out.print(_evidence_table(last.evidence))
    if view.deadlines is not None:
        _print_deadlines(view.deadlines)


def _evidence_table(evidence: dict[str, Any]) -> Table:
    table = Table(title="Evidence", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                add(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value, 1):
                add(f"{prefix}[{i}]", item)
        elif isinstance(value, list):
            table.add_row(prefix, ", ".join(map(str, value)) or "-")
        else:
            table.add_row(prefix, "-" if value is None else str(value))

    add("", evidence)
    return table


@app.command()
def timeline(
    account: AccountOption = None,
    as_of: AsOfOption = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table, json or csv.")] = None,
) -> None:
    """Every state change from the first order to a day, with the rule and its evidence."""
    chosen = choose_format(fmt, ROW_FORMATS)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        found = states.timeline(store, account, day)
    rows = [states.transition_row(t) for t in found]
    if chosen == "json":
        json_out(rows)
    elif chosen == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(TIMELINE_CSV))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(row[k]) for k in TIMELINE_CSV})
    else:
        print_timeline(rows, f"{account}: state changes up to {day}")


TIMELINE_CSV = (
    "day",
    "from_state",
    "from_kind",
    "to_state",
    "kind",
    "rule",
    "trigger",
    "source",
    "reason",
    "evidence",
)


def _csv_cell(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _label(state: str, kind: str) -> str:
    return f"{state} ({kind})" if kind != "none" else state


def print_timeline(rows: list[dict[str, Any]], title: str) -> None:
    if not rows:
        out.print(f"{title}: no state change (HEALTHY throughout)")
        return
    table = Table(title=title, title_justify="left")
    for name in ("Day", "From", "To", "Rule", "Source", "Reason"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(
            row["day"],
            state_text(_label(row["from_state"], row["from_kind"])),
            state_text(_label(row["to_state"], row["kind"])),
            row["rule"],
            row["source"],
            Text(row["reason"]),
        )
    out.print(table)


# --- appeals ---------------------------------------------------------------------------------


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
        _print_deadlines(view.deadlines)
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
            _print_deadlines(view.deadlines)
        else:
            out.print("Not suspended: no Plan of Action deadline runs.")
    if appeals:
        _print_appeals(appeals)
    else:
        out.print(f"No appeal for account {account}.")


def _print_deadlines(d: dict[str, Any]) -> None:
    if d["plan_submitted_on"] is not None:
        timing = "on time" if d["plan_on_time"] else "late"
        plan = f"plan sent on {d['plan_submitted_on']} ({timing}; due {d['plan_due']})"
    else:
        left = d["days_left"]
        when = f"{left} day(s) left" if left >= 0 else f"{-left} day(s) overdue"
        plan = (
            f"Plan of Action due {d['plan_due']} ({d['plan_of_action_days']} days from the "
            f"suspension on {d['suspended_on']}): {when}; deactivation on {d['deactivation_on']} "
            "without it"
        )
    style = "bold red" if d["overdue"] else "yellow"
    out.print(Text(f"Deadline: {plan}", style=style))
    out.print(
        f"Appeals remaining: {d['appeals_remaining']} of {d['max_unsuccessful_appeals']} "
        f"({d['unsuccessful_appeals']} denied) [docs/sources.md {d['sources']['plan_due']}]",
        markup=False,
        highlight=False,
    )


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
