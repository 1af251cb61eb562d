"""What comes next: `forecast` (with `--backtest`) and `simulate` (what-if)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sellerhealth.cli.common import (
    AccountOption,
    account_of,
    app,
    choose_format,
    open_store,
    option_day,
    out,
    today,
)
from sellerhealth.cli.states import (
    AsOfOption,
    FormatOption,
    json_out,
    pct,
    state_text,
    status_text,
)
from sellerhealth.domain.records import Channel
from sellerhealth.errors import UsageError
from sellerhealth.service import forecast_views, forecasts, whatif

MarketplaceOption = Annotated[
    str | None,
    typer.Option(help="Marketplace id (default: the account's marketplace with most orders)."),
]


# --- forecast --------------------------------------------------------------------------------


@app.command()
def forecast(
    account: AccountOption = None,
    as_of: AsOfOption = None,
    days: Annotated[int, typer.Option(help="Days to forecast.")] = 30,
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest", help="Forecast past weeks and report how often the real ODR fell inside."
        ),
    ] = False,
    marketplace: MarketplaceOption = None,
    fmt: FormatOption = None,
) -> None:
    """Expected ODR for the next days with an interval, breach warning, headroom, age-out."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    with open_store() as store:
        account = account_of(store, account)
        if backtest:
            result = forecasts.forecast_backtest(store, account, day, marketplace)
            document = forecast_views.backtest_dict(result)
        else:
            view = forecasts.odr_forecast(store, account, day, days, marketplace)
    if backtest:
        if chosen == "json":
            json_out({"account": account, "asOf": day.isoformat(), "backtest": document})
        else:
            print_backtest(document)
        return
    if chosen == "json":
        json_out(view.to_dict())
        return
    out.print(
        f"[bold]ODR forecast for {account}[/bold] as of {day}, marketplace {view.marketplace_id} "
        f"({int(view.level * 100)}% interval)"
    )
    print_forecast_summary(view)
    table = Table(title="Expected ODR by day", title_justify="left")
    table.add_column("Day")
    for channel in Channel:
        table.add_column(f"{channel} expected (interval)", justify="right")
        table.add_column(f"{channel} P(BAD)", justify="right")
    by_day: dict[date, dict[Channel, Any]] = {}
    for c in view.channels.values():
        for f in c.days:
            by_day.setdefault(f.day, {})[c.channel] = f
    for when, found in sorted(by_day.items()):
        cells: list[Any] = [str(when)]
        for channel in Channel:
            day_of = found.get(channel)
            if day_of is None:
                cells += ["-", "-"]
                continue
            style = "red" if day_of.p_breach >= 0.5 else ""
            cells.append(
                Text(f"{pct(day_of.expected_rate)} [{pct(day_of.low)}-{pct(day_of.high)}]", style)
            )
            cells.append(Text(f"{day_of.p_breach:.0%}", style))
        table.add_row(*cells)
    out.print(table)
    _print_headroom(view)
    _print_age_out(view)


def print_forecast_summary(view: forecast_views.ForecastView) -> None:
    """Per channel: today's ODR, the expected one in 7/14/30 days, the breach warning."""
    for name, c in view.channels.items():
        now = Text.assemble(
            f"{c.channel} ODR now {pct(c.current.rate)} ({c.current.defective_orders}/"
            f"{c.current.order_count}) ",
            status_text(str(c.current.status)),
        )
        out.print(now)
        for n in (7, 14, 30):
            f = c.day(n, view.as_of)
            if f is not None:
                out.print(
                    f"  in {n} days ({f.day}): {pct(f.expected_rate)} expected, "
                    f"{pct(f.low)} .. {pct(f.high)}, P(BAD) {f.p_breach:.0%}"
                )
        w = view.warnings[name]
        if w is not None:
            out.print(
                Text(
                    f"  breach warning: {w.channel} ODR likely at or above {pct(w.target)} from "
                    f"{w.day} (probability {w.probability:.0%}, expected {pct(w.expected_rate)})",
                    style="bold red",
                )
            )
        else:
            out.print(Text(f"  no breach expected in {view.horizon} days", style="green"))


def _print_headroom(view: forecast_views.ForecastView) -> None:
    table = Table(title=f"Headroom as of {view.as_of}", title_justify="left")
    for name in (
        "Metric",
        "Count",
        "Rate",
        "Status",
        "More defects before BAD",
        "Clean items to recover",
    ):
        table.add_column(name, justify="left" if name in ("Metric", "Status") else "right")
    for m in view.headroom:
        h = m.headroom
        label = f"{m.metric} {m.scope}".strip()
        recover = "-" if h.clean_orders_to_recover is None else str(h.clean_orders_to_recover)
        table.add_row(
            label,
            f"{h.numerator} / {h.denominator} {m.items}",
            pct(h.rate),
            status_text(str(h.status)),
            str(h.extra_defects_before_bad),
            recover,
        )
    out.print(table)


def _print_age_out(view: forecast_views.ForecastView) -> None:
    table = Table(title="Counted defects and the day each leaves the window", title_justify="left")
    for name in ("Order", "Channel", "Defect", "Purchased", "Leaves window on"):
        table.add_column(name)
    for c in view.channels.values():
        for a in c.age_out:
            table.add_row(
                a.order_id, str(a.channel), ", ".join(a.kinds), str(a.purchase_date),
                str(a.leaves_window_on),
            )  # fmt: skip
    out.print(table)
    for c in view.channels.values():
        out.print(f"{c.channel}: {age_out_sentence(c, view.as_of)}")


def age_out_sentence(c: forecast_views.ChannelForecast, as_of: date) -> str:
    """When the known defects alone take the channel BAD, and when it is back on target."""
    back = f"back on target from {c.back_on_target}" if c.back_on_target else "not back on target"
    if c.projected_bad_from is None:
        text = "on target" if c.back_on_target == as_of else back
    elif c.projected_bad_from == as_of:
        text = f"BAD now; {back} as its defects age out"
    else:
        text = (
            f"defects already known take it BAD from {c.projected_bad_from} (on orders that "
            f"enter the window); {back} as they age out"
        )
    return text + " (if no new defect comes, at the trailing 30-day volume)"


def print_backtest(document: dict[str, Any]) -> None:
    if not document["cases"]:
        out.print("Backtest: not enough history (the ODR window must be full, plus 30 days)")
        return
    out.print(
        f"Backtest: {document['covered']} of {document['cases']} cases "
        f"({document['coverage']:.1%}) inside the {document['level']:.0%} interval; forecasts "
        f"made weekly from {document['start']} to {document['end']}"
    )
    table = Table(title="Coverage by horizon", title_justify="left")
    for name in ("Days ahead", "Cases", "Inside", "Coverage", "Mean abs. error"):
        table.add_column(name, justify="right")
    for horizon, s in document["perHorizon"].items():
        table.add_row(
            horizon,
            str(s["cases"]),
            str(s["covered"]),
            "-" if s["coverage"] is None else f"{s['coverage']:.1%}",
            pct(s["meanAbsError"]),
        )
    out.print(table)


# --- simulate --------------------------------------------------------------------------------


def _ids(values: list[str] | None) -> tuple[str, ...]:
    """Repeated options, each possibly a comma-separated list."""
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


@app.command()
def simulate(
    account: AccountOption = None,
    as_of: AsOfOption = None,
    days: Annotated[int, typer.Option(help="Days to compare, from the as-of day.")] = 30,
    remove_feedback: Annotated[
        list[str] | None, typer.Option(help="This order's feedback is removed; repeat.")
    ] = None,
    deny_claim: Annotated[
        list[str] | None, typer.Option(help="This order's A-to-z claim is denied; repeat.")
    ] = None,
    extra_orders: Annotated[
        int, typer.Option(help="More clean orders a day, from --on, in --channel.")
    ] = 0,
    channel: Annotated[str, typer.Option(help="MFN or AFN, for --extra-orders.")] = "MFN",
    sku_to_fba: Annotated[
        list[str] | None,
        typer.Option(help="This SKU's orders become FBA (from --on, else all of them); repeat."),
    ] = None,
    claims_from: Annotated[
        list[str] | None,
        typer.Option(help="This order's shipment turns into an A-to-z claim; repeat."),
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="Day the changes happen (default the as-of day).")
    ] = None,
    marketplace: MarketplaceOption = None,
    fmt: FormatOption = None,
) -> None:
    """What-if: the metrics and the state before and after some changes, day by day."""
    chosen = choose_format(fmt)
    day = option_day(as_of, "--as-of") or today()
    try:
        picked = Channel(channel.strip().upper())
    except ValueError:
        raise UsageError(f"--channel: {channel!r} is not one of: MFN, AFN") from None
    request = whatif.WhatIfRequest(
        remove_feedback=_ids(remove_feedback),
        deny_claims=_ids(deny_claim),
        extra_orders=extra_orders,
        channel=picked,
        sku_to_fba=_ids(sku_to_fba),
        claims_from=_ids(claims_from),
        on=option_day(on, "--on"),
    )
    with open_store() as store:
        account = account_of(store, account)
        view = whatif.simulate(store, account, day, request, days, marketplace)
    if chosen == "json":
        json_out(view.to_dict())
        return
    print_simulation(view)


def _rate_change(c: Any) -> Text:
    before = _rate_text(pct(c.before_value), str(c.before_status))
    if not c.changed:
        return before
    return Text.assemble(before, " -> ", _rate_text(pct(c.after_value), str(c.after_status)))


def _rate_text(text: str, status: str) -> Text:
    return Text(text, style={"BAD": "bold red", "GOOD": "green"}.get(status, "dim"))


def print_simulation(view: whatif.WhatIfView) -> None:
    out.print(
        f"[bold]What-if for {view.account}[/bold] as of {view.as_of}, marketplace "
        f"{view.marketplace_id}"
    )
    for change in view.changes:
        out.print(f"  - {change}")
    if view.assumed_daily_orders:
        volume = ", ".join(f"{ch} {n}" for ch, n in view.assumed_daily_orders.items())
        out.print(
            f"[dim]Days after {view.as_of} assume clean orders at the trailing 30-day volume "
            f"({volume} a day), before and after alike.[/dim]"
        )
    per_day = view.by_day()
    columns = [(c.metric, c.scope) for c in per_day[view.days[0]]]
    labels = {
        "orderDefectRate": "ODR",
        "lateShipmentRate": "LSR",
        "preFulfillmentCancellationRate": "Cancel",
    }
    table = Table(title="Before -> after", title_justify="left")
    table.add_column("Day")
    table.add_column("State")
    for metric, scope in columns:
        table.add_column(f"{labels.get(metric, metric)} {scope}".strip(), justify="right")
    for day, rows in per_day.items():
        before, after = view.states_before[day].label, view.states_after[day].label
        state = (
            state_text(before)
            if before == after
            else Text.assemble(state_text(before), " -> ", state_text(after))
        )
        cells: list[Any] = [str(day), state]
        cells += [_rate_change(c) for c in rows]
        table.add_row(*cells)
    out.print(table)
