"""Acting on account health: `triage`, `shipments --at-risk`, `watch`."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

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
from sellerhealth.cli.sync import sync_due
from sellerhealth.errors import UsageError
from sellerhealth.service import shipments as shipments_service
from sellerhealth.service.alerts import RunResult, load_watch_config, run_once
from sellerhealth.service.triage import TriageItem, triage_queue

VERDICT_STYLE = {"removable": "bold green", "strike_through": "green", "neither": "dim"}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _json(document: object) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _plain(text: str) -> None:
    out.print(text, markup=False, highlight=False, soft_wrap=True)


# --- triage ----------------------------------------------------------------------------------


@app.command()
def triage(
    account: AccountOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="UTC day to triage on (default today).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="table or json (default: table on a terminal).")
    ] = None,
    drafts: Annotated[
        bool,
        typer.Option("--drafts", help="Table: also print the removal requests and buyer messages."),
    ] = False,
) -> None:
    """Negative and neutral feedback: removable, strike-through eligible or neither, with the
    deadline to ask by and the ODR before and after a removal. JSON always has the drafts."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        items = triage_queue(store, account, day)
    if chosen == "json":
        _json([item.as_dict() for item in items])
        return
    if not items:
        _plain(f"{account}: no negative or neutral feedback standing on {day}")
        return
    out.print(_triage_table(items, account, day))
    actionable = sum(item.actionable for item in items)
    _plain(
        f"{actionable} of {len(items)} can still be sent to Amazon (removal window "
        f"{(items[0].request_by - items[0].feedback_date).days} days after the feedback)."
    )
    if drafts:
        for n, item in enumerate(items, 1):
            _print_drafts(n, item)


def _triage_table(items: list[TriageItem], account: str, day: date) -> Table:
    table = Table(title=f"{account}: feedback triage as of {day}", title_justify="left")
    for name in ("#", "order", "feedback", "★", "ch", "verdict", "request by", "act by", "ODR"):
        table.add_column(name, overflow="fold")
    table.add_column("reasons", ratio=1, overflow="fold")
    for n, item in enumerate(items, 1):
        left = item.days_left(day)
        due = f"{item.request_by} ({'expired' if item.expired else f'{left}d'})"
        odr = "-"
        if item.odr_before is not None:
            odr = f"{_pct(item.odr_before)} -> {_pct(item.odr_after)}"
            odr += f"\n{item.odr_defects_before}->{item.odr_defects_after}/{item.odr_orders}"
        verdict = item.verdict.value
        ground = item.classification.ground
        table.add_row(
            str(n),
            item.order_id,
            item.feedback_date.isoformat(),
            str(item.rating),
            item.channel.value if item.channel else "?",
            Text(verdict + (f"\n{ground.value}" if ground else ""), VERDICT_STYLE[verdict]),
            Text(due, "dim" if item.expired else ""),
            item.act_by.isoformat(),
            odr,
            Text("; ".join(item.classification.reasons)),
        )
    return table


def _print_drafts(n: int, item: TriageItem) -> None:
    _plain(f"\n--- #{n} {item.order_id} ({item.verdict.value}) ---")
    if item.removal_request:
        _plain(f"Removal request (send by {item.request_by}):\n{item.removal_request}")
    _plain(f"Buyer message:\n{item.buyer_message}")


# --- shipments --at-risk ---------------------------------------------------------------------


def _moment(value: str | None) -> datetime:
    """`--now`: an ISO timestamp (a bare date means the end of that UTC day)."""
    if value is None:
        return datetime.now(UTC)
    try:
        if len(value) == 10:
            return shipments_service.end_of_day(date.fromisoformat(value))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--now: {value!r} is not an ISO timestamp such as 2026-11-20T12:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@app.command()
def shipments(
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="Self-fulfilled orders going wrong (the radar).")
    ] = False,
    account: AccountOption = None,
    now: Annotated[
        str | None,
        typer.Option(help="The moment to look from, ISO (default: now, UTC)."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="table or json (default: table on a terminal).")
    ] = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Table: also print the buyer message drafts.")
    ] = False,
) -> None:
    """At-risk shipments, highest priority first: hours left, the metrics threatened and by how
    much, the action to take and a buyer message draft (JSON always has the drafts)."""
    if not at_risk:
        raise UsageError("shipments: give --at-risk (the at-risk radar is the shipments view)")
    chosen = choose_format(fmt)
    moment = _moment(now)
    with open_store() as store:
        account = account_of(store, account)
        flags = shipments_service.at_risk(store, account, moment)
    if chosen == "json":
        _json([shipments_service.flag_row(f) for f in flags])
        return
    stamp = moment.strftime("%Y-%m-%d %H:%M UTC")
    if not flags:
        _plain(f"{account}: no self-fulfilled order at risk at {stamp}")
        return
    table = Table(title=f"{account}: at-risk shipments at {stamp}", title_justify="left")
    table.add_column("#", no_wrap=True)
    table.add_column("priority", no_wrap=True)
    table.add_column("order", overflow="fold")
    table.add_column("risk, hours left")
    table.add_column("threatens")
    table.add_column("action", ratio=1)
    for n, f in enumerate(flags, 1):
        risk = Text(f.kind.value + "\n")
        hours = f"{f.hours_left:+.0f} h ({f.deadline_reason.replace('_', ' ')})"
        risk.append(hours, "bold red" if f.hours_left < 0 else "")
        impact = "\n".join(f"{m} {v:+.2%}" for m, v in f.impact.items())
        order = f.order_id + (f"\n{f.carrier or ''} {f.tracking_id}" if f.tracking_id else "")
        table.add_row(str(n), f"{f.priority:.3f}", order, risk, impact, Text(f.action))
    out.print(table)
    if drafts:
        for n, f in enumerate(flags, 1):
            _plain(f"\n--- #{n} {f.order_id} ({f.kind.value}): message to the buyer ---")
            _plain(f.buyer_message)


# --- watch -----------------------------------------------------------------------------------


@app.command()
def watch(
    config: Annotated[
        Path,
        typer.Option("--config", help="Alerts config (TOML: rules, channels, watch settings)."),
    ],
    account: Annotated[
        list[str] | None,
        typer.Option(
            help="Account to watch (repeat; default: the config's watch.accounts, else all)."
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run the checks once and exit.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            help="Seconds between runs (default: the config's watch.interval, else 3600)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="UTC day to check (default: today, each run).")
    ] = None,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", help="Stop after this many runs.")
    ] = None,
) -> None:
    """Run the alert checks on a schedule (or once, for cron) and print what was sent.
    Accounts connected to Amazon (`sellerhealth connect`) are synced first when due. Each
    account's rules are the config file's and those kept on it (edited on the dashboard).

    Exit status 1 when a channel still failed after its retries (the alert stays pending and
    is retried on the next run)."""
    if interval is not None and interval < 0:
        raise UsageError("--interval: must be 0 or more seconds")
    if max_runs is not None and max_runs < 1:
        raise UsageError("--max-runs: must be 1 or more")
    fixed_day = option_day(as_of, "--as-of")
    settings = load_watch_config(config)
    runs = 1 if once else max_runs
    pause = interval if interval is not None else settings.alerts.interval
    count, last = 0, None
    with open_store() as store:
        given = account or settings.alerts.accounts or store.accounts()
        names: list[str | None] = [*given] or [None]  # None: the store's only account
        accounts = [account_of(store, name) for name in names]
        try:
            while True:
                day = fixed_day or today()
                moment = shipments_service.moment_for(fixed_day, datetime.now(UTC))
                sync_due(store, accounts)  # connected accounts' due syncs, then the checks
                last = run_once(store, settings, accounts, day, moment)
                _print_run(last, accounts)
                count += 1
                if runs is not None and count >= runs:
                    break
                time.sleep(pause)
        except KeyboardInterrupt:
            err.print("stopped", highlight=False)
    if last is not None and last.failed:
        raise typer.Exit(1)


def _print_run(result: RunResult, accounts: list[str]) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    _plain(
        f"{stamp} watch {', '.join(accounts)} as of {result.day}: {len(result.raised)} new alert(s)"
    )
    for d in result.deliveries:
        a = d.alert
        tries = f"{d.attempts} attempt{'s' if d.attempts != 1 else ''}"
        if d.delivered:
            _plain(f"  sent    [{a.severity}] {a.account}: {a.title} -> {d.channel} ({tries})")
        elif d.attempts == 0:
            _plain(
                f"  SKIPPED [{a.severity}] {a.account}: {a.title} -> {d.channel}: {d.error}; "
                "kept pending for the next run"
            )
        else:
            _plain(
                f"  FAILED  [{a.severity}] {a.account}: {a.title} -> {d.channel} after {tries}: "
                f"{d.error}; kept pending for the next run"
            )
    if not result.deliveries:
        _plain("  nothing to send")
    if result.pending:
        _plain(f"  {result.pending} alert(s) pending")
