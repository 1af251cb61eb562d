"""Account states: `status` and `timeline` (the appeals of a suspension are in `cli.appeals`)."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
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
    open_store,
    option_day,
    out,
    today,
)
from sellerhealth.domain.states import AccountState
from sellerhealth.render import STATUS_STYLE, amazon_status_line, assessment_line, freshness_line
from sellerhealth.service import states
from sellerhealth.service.freshness import freshness, status_document
from sellerhealth.vocabulary import held

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
        print_deadlines(view.deadlines)


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


def print_deadlines(d: dict[str, Any]) -> None:
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
