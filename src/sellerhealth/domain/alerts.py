"""Alerts: what is told to a seller, once per cause, with the evidence behind it.

Deciding *when* to alert belongs to the rules; this module only holds the alert value, drops the
ones already sent for the same cause, and folds many alerts into one daily digest. No clock: the
day is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Known severities, least to most severe; an unknown severity ranks below all of them.
SEVERITIES = ("info", "warning", "critical")


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert. `cause_key` names the cause (account included) so that it is sent only once:
    the same metric breach on the same window, the same feedback, the same claim; build it with
    `make_cause_key`."""

    account: str
    rule: str
    cause_key: str
    severity: str
    title: str
    body: str
    evidence: dict[str, Any] = field(hash=False)
    created_on: date


def make_cause_key(account: str, rule: str, *parts: object) -> str:
    """A stable cause key: `account|rule|part|...` (dates as ISO)."""
    return "|".join([account, rule, *(_key_part(p) for p in parts)])


def _key_part(part: object) -> str:
    return part.isoformat() if isinstance(part, date) else str(part)


def dedupe(new_alerts: Iterable[Alert], already_sent_keys: Iterable[str]) -> list[Alert]:
    """The alerts whose cause was not sent before, each cause once (the first one wins), in the
    order given."""
    seen = set(already_sent_keys)
    fresh: list[Alert] = []
    for alert in new_alerts:
        if alert.cause_key not in seen:
            seen.add(alert.cause_key)
            fresh.append(alert)
    return fresh


def severity_rank(severity: str) -> int:
    """Position in `SEVERITIES`; -1 for an unknown severity."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def digest(alerts: Iterable[Alert], day: date) -> Alert:
    """One alert that summarises `alerts` for `day`: most severe first, with the cause keys it
    covers in its evidence (`cause_keys`), so they can be marked as sent once it is delivered.
    The digest's own cause key is per account set and day, so a day's digest is sent once."""
    items = sorted(alerts, key=lambda a: (-severity_rank(a.severity), a.account, a.rule))
    if not items:
        raise ValueError("a digest needs at least one alert")
    accounts = sorted({a.account for a in items})
    account = accounts[0] if len(accounts) == 1 else "*"
    severity = max((a.severity for a in items), key=severity_rank)
    count = len(items)
    noun = "alert" if count == 1 else "alerts"
    where = account if account != "*" else f"{len(accounts)} accounts"
    lines = [f"- [{a.severity}] {a.account}: {a.title}" for a in items]
    return Alert(
        account=account,
        rule="digest",
        cause_key=make_cause_key(",".join(accounts), "digest", day),
        severity=severity,
        title=f"Daily digest {day.isoformat()}: {count} {noun} for {where}",
        body="\n".join(lines),
        evidence={
            "day": day.isoformat(),
            "count": count,
            "accounts": accounts,
            "cause_keys": [a.cause_key for a in items],
            "alerts": [
                {"account": a.account, "rule": a.rule, "severity": a.severity, "title": a.title}
                for a in items
            ],
        },
        created_on=day,
    )


STALE_DATA_RULE = "no_data"


def stale_data_alert(account: str, as_of: date, last_order: date) -> Alert:
    """ "No data for N days": raised instead of alerts on metrics the data does not reach. Its
    cause is the last order's day, so it is sent once until new data arrives."""
    days = (as_of - last_order).days
    return Alert(
        account=account,
        rule=STALE_DATA_RULE,
        cause_key=make_cause_key(account, STALE_DATA_RULE, last_order),
        severity="warning",
        title=f"no data for {days} day{'' if days == 1 else 's'} (latest order {last_order})",
        body=(
            f"The newest order imported for {account} is of {last_order}, {days} day"
            f"{'' if days == 1 else 's'} before {as_of}. Figures whose window goes past it are "
            "not covered, so no alert is raised on them: import the newer reports."
        ),
        evidence={"last_order": last_order.isoformat(), "days": days, "as_of": as_of.isoformat()},
        created_on=as_of,
    )
