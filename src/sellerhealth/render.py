"""The report for a person: the JSON document's content as Rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

STATUS_STYLE = {"GOOD": "green", "BAD": "bold red", "NONE": "dim"}

# (label, key in the marketplace block, numerator key, denominator key)
RATE_ROWS = (
    ("Late shipment rate ({days} days)", "lateShipmentRateList", "lateShipmentCount", "orderCount"),
    (
        "Pre-fulfillment cancel rate",
        "preFulfillmentCancellationRate",
        "cancellationCount",
        "orderCount",
    ),
    ("Valid tracking rate", "validTrackingRate", "validTrackingCount", "shipmentCount"),
    (
        "On-time delivery rate (units)",
        "unitOnTimeDeliveryRate",
        "unitOnTimeDeliveryCount",
        "totalUnitCount",
    ),
)


def _window(block: dict[str, Any]) -> str:
    rng = block.get("reportingDateRange", {})
    return f"{rng.get('reportingDateFrom', '')[:10]} .. {rng.get('reportingDateTo', '')[:10]}"


def _status(status: str, covered: bool = True) -> Text:
    if not covered:
        return Text("NOT COVERED", style="yellow")
    return Text(status, style=STATUS_STYLE.get(status, ""))


def _gaps(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(marketplace, metric, scope) of every metric whose window the data does not reach."""
    found = (document.get("sellerhealth", {}).get("freshness") or {}).get("notCovered", [])
    return {(g["marketplaceId"], g["metric"], g["scope"]) for g in found}


def freshness_line(freshness: dict[str, Any] | None) -> Text | None:
    """How fresh the data is, for a person: the message and the last day of each kind."""
    if not freshness:
        return None
    kinds = ", ".join(
        f"{kind} {day}" for kind, day in freshness["dataThrough"].items() if day is not None
    )
    style = "bold yellow" if freshness["stale"] else "dim"
    return Text.assemble((f"Data: {freshness['message']}", style), (f" (last: {kinds})", "dim"))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _target(block: dict[str, Any]) -> str:
    sign = {"LESS_THAN": "<", "GREATER_THAN": ">=", "EQUALS": "="}.get(block["targetCondition"], "")
    value = block["targetValue"]
    return f"{sign} {value}" if block["targetCondition"] == "EQUALS" else f"{sign} {_pct(value)}"


def _metric_table(block: dict[str, Any], gaps: set[tuple[str, str, str]]) -> Table:
    market = block["marketplaceId"]
    table = Table(title=f"Marketplace {block['marketplaceId']}", title_justify="left", expand=False)
    for name in ("Metric", "Window (UTC days)", "Count", "Rate", "Target", "Status"):
        table.add_column(name, justify="right" if name in ("Count", "Rate") else "left")
    for channel, label in (("afn", "Order defect rate, FBA"), ("mfn", "Order defect rate, seller")):
        odr = block["orderDefectRate"][channel]
        detail = (
            f"{odr['orderWithDefects']['count']} / {odr['orderCount']}  "
            f"(feedback {odr['negativeFeedback']['count']}, claims {odr['claims']['count']}, "
            f"chargebacks {odr['chargebacks']['count']})"
        )
        table.add_row(
            label,
            _window(odr),
            detail,
            _pct(odr["rate"]),
            _target(odr),
            _status(odr["status"], (market, "orderDefectRate", channel) not in gaps),
        )
    for label, key, numerator, denominator in RATE_ROWS:
        blocks = block[key] if isinstance(block[key], list) else [block[key]]
        for item in blocks:
            days = item["reportingDateRange"] and _days(item)
            scope = f"{days}d" if key == "lateShipmentRateList" else ""
            metric = key.removesuffix("List")
            table.add_row(
                label.format(days=days),
                _window(item),
                f"{item[numerator]} / {item[denominator]}",
                _pct(item["rate"]),
                _target(item),
                _status(item["status"], (market, metric, scope) not in gaps),
            )
    ahr = block["accountHealthRating"]
    table.add_row(
        "Account Health Rating (estimate)",
        _window(ahr),
        str(ahr.get("ahrScore", "-")),
        "",
        ">= 200",
        Text(ahr["ahrStatus"], style="green" if ahr["ahrStatus"] == "GOOD" else "yellow"),
    )
    for key, value in block.items():
        if isinstance(value, dict) and "defectsCount" in value:
            table.add_row(
                f"Policy: {key}",
                _window(value),
                str(value["defectsCount"]),
                "",
                "= 0",
                _status(value["status"]),
            )
    return table


def _days(block: dict[str, Any]) -> int:
    from datetime import date

    rng = block["reportingDateRange"]
    first = date.fromisoformat(rng["reportingDateFrom"][:10])
    last = date.fromisoformat(rng["reportingDateTo"][:10])
    return (last - first).days + 1


def _comparison_table(rows: list[dict[str, Any]]) -> Table | None:
    if not rows:
        return None
    table = Table(title="Amazon's figures beside the computed ones", title_justify="left")
    for name in ("Metric", "Amazon (snapshot)", "Computed", "Difference"):
        table.add_column(name)
    for row in rows:
        theirs, ours = row["amazon"], row["computed"]
        table.add_row(
            row["metric"],
            f"{_pct(theirs['rate'])} ({theirs['orderWithDefects']}/{theirs['orderCount']}) "
            f"on {row['snapshotDate']}",
            f"{_pct(ours['rate'])} ({ours['orderWithDefects']}/{ours['orderCount']})",
            Text("DIFFERS", style="bold yellow") if row["differs"] else Text("same", style="green"),
        )
    return table


def amazon_status_line(meta: dict[str, Any]) -> Text:
    """Amazon's own status first: it is the account's status; ours is an assessment."""
    theirs = meta.get("amazonAccountStatuses") or {}
    if not theirs:
        return Text("Account status (Amazon): unknown, no Amazon performance report imported")
    shown = ", ".join(f"{market} {status}" for market, status in theirs.items())
    return Text.assemble(
        f"Account status (Amazon, report of {meta['amazonSnapshotDate']}): ", (shown, "bold")
    )


def assessment_line(state: dict[str, Any]) -> Text:
    """Our risk assessment, worded as one, with its reason."""
    last = state.get("lastTransition") or {}
    reason = f": {last['reason']}" if last.get("reason") else ""
    style = "green" if state["state"] == "HEALTHY" else "yellow"
    projected = state.get("projection")
    return Text.assemble(
        "Risk assessment (ours): ",
        (state["assessment"], f"bold {style}"),
        f" since {state['since']}{reason}",
        (f" [{projected['note']}]" if projected else "", "bold yellow"),
    )


def render_report(document: dict[str, Any], console: Console) -> None:
    meta = document["sellerhealth"]
    statuses = ", ".join(f"{s['marketplaceId']} {s['status']}" for s in document["accountStatuses"])
    console.print(
        f"[bold]Account {meta['account']}[/bold] as of {meta['asOf']} "
        f"(policy {meta['policy']['name']} {meta['policy']['version']}, program {meta['program']})"
    )
    console.print(amazon_status_line(meta), highlight=False)
    state = meta.get("state")
    if state:
        console.print(assessment_line(state), highlight=False)
    else:
        console.print(f"Risk assessment (ours): none yet ({statuses} from the ODR alone)")
    fresh = freshness_line(meta.get("freshness"))
    if fresh is not None:
        console.print(fresh)
    gaps = _gaps(document)
    parts: list[Any] = [_metric_table(b, gaps) for b in document["performanceMetrics"]]
    comparison = _comparison_table(meta["amazonComparison"])
    if comparison is not None:
        parts.append(comparison)
    console.print(Group(*parts))
    for channel, figures in (meta.get("forecast") or {}).get("channels", {}).items():
        warning = figures.get("breachWarning")
        if warning:
            console.print(
                f"[bold red]Forecast: {channel.upper()} ODR likely at or above "
                f"{_pct(warning.get('target'))} from {warning.get('day')} "
                f"(probability {warning.get('probability', 0):.0%})[/bold red]"
            )
    for marketplace, unknown in (meta.get("cancellationsOfUnknownInitiator") or {}).items():
        how = "counted as the seller's" if unknown["countedAsSeller"] else "not in the rate"
        console.print(
            f"[yellow]{marketplace}: {unknown['count']} cancelled MFN orders with no record of "
            f"who cancelled them ({how}); import a cancellations file to attribute them[/yellow]"
        )
    console.print(f"[dim]{meta['ahrNote']}[/dim]")
