"""The alerts config file: its `[[rules]]` (each `type` one of `RULE_TYPES`) and `[watch]`.

`parse_alert_config` reports every problem of the rules and `[watch]` at once; the
`[[channels]]` are read by `connectors.notify_config.channels_from_config`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sellerhealth.domain.alert_account_rules import (
    AmazonStatusRule,
    AtRiskShipmentRule,
    StateChangeRule,
)
from sellerhealth.domain.alert_rules import (
    ForecastBreachRule,
    HeadroomRule,
    NewNegativeFeedbackRule,
    Rule,
    TriageDeadlineRule,
    one_of,
)
from sellerhealth.domain.alerts import SEVERITIES

RULE_TYPES: dict[str, type[Rule]] = {
    cls.TYPE: cls
    for cls in (
        NewNegativeFeedbackRule,
        TriageDeadlineRule,
        HeadroomRule,
        ForecastBreachRule,
        StateChangeRule,
        AmazonStatusRule,
        AtRiskShipmentRule,
    )
}


# --- the config file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertConfig:
    """The parsed `[[rules]]` and `[watch]` of an alerts config (channels are read apart)."""

    rules: tuple[Rule, ...]
    interval: float = 3600.0  # seconds between runs of `watch`
    digest: bool = False  # one message per day and channel instead of one per alert
    attempts: int = 4  # delivery attempts per alert and channel in one run
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    accounts: tuple[str, ...] = ()  # default: every account in the store
    deadline: float = 60.0  # seconds every delivery of one run may take together


class AlertConfigError(ValueError):
    """The alerts config has problems; every one is listed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


WATCH_KEYS = {
    "interval": float,
    "digest": bool,
    "attempts": int,
    "backoff": float,
    "deadline": float,
}
TOP_KEYS = ("watch", "rules", "channels")


def parse_alert_config(raw: Mapping[str, Any]) -> AlertConfig:
    """Read a parsed TOML document; raise AlertConfigError listing every problem."""
    problems = [
        f"unknown table {key!r} (known: {', '.join(TOP_KEYS)})"
        for key in raw
        if key not in TOP_KEYS
    ]
    watch = raw.get("watch", {})
    settings: dict[str, Any] = {}
    if not isinstance(watch, Mapping):
        problems.append("watch: must be a table ([watch])")
        watch = {}
    for key, value in watch.items():
        if key == "accounts":
            settings[key] = _value(f"watch.{key}", value, tuple[str, ...], problems)
        elif key in WATCH_KEYS:
            settings[key] = _value(f"watch.{key}", value, WATCH_KEYS[key], problems)
        else:
            known = ", ".join([*WATCH_KEYS, "accounts"])
            problems.append(f"watch: unknown key {key!r} (known: {known})")
    if settings.get("attempts") is not None and settings["attempts"] < 1:
        problems.append("watch.attempts: must be 1 or more")
    for key in ("interval", "backoff", "deadline"):
        if settings.get(key) is not None and settings[key] < 0:
            problems.append(f"watch.{key}: must be 0 or more seconds")
    entries = raw.get("rules", [])
    if not isinstance(entries, list):
        problems.append("rules: must be an array of tables ([[rules]])")
        entries = []
    rules = [_rule(i, table, problems) for i, table in enumerate(entries)]
    names = [rule.name for rule in rules if rule is not None]
    problems += [
        f"rules: the name {name!r} is used twice; names must differ"
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    if problems:
        raise AlertConfigError(problems)
    return AlertConfig(
        rules=tuple(rule for rule in rules if rule is not None),
        **{k: v for k, v in settings.items() if v is not None},
    )


def _rule(index: int, table: Any, problems: list[str]) -> Rule | None:
    where = f"rules[{index}]"
    if not isinstance(table, Mapping):
        problems.append(f"{where}: must be a table")
        return None
    kind = table.get("type")
    if kind not in RULE_TYPES:
        problems.append(f"{where}: type must be one of {', '.join(RULE_TYPES)}, not {kind!r}")
        return None
    cls = RULE_TYPES[kind]
    where = f"{where} ({kind})"
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    before = len(problems)
    for key, value in table.items():
        if key == "type":
            continue
        if key not in known:
            problems.append(f"{where}: unknown key {key!r} (known: type, {', '.join(known)})")
            continue
        values[key] = _value(f"{where}.{key}", value, hints[key], problems)
    for name, f in known.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in table:
            problems.append(f"{where}: missing key {name!r}")
    if len(problems) > before:
        return None
    values.setdefault("name", kind)
    rule = cls(**values)
    own = one_of("severity", rule.severity, SEVERITIES)
    if not rule.name:
        own.append("name: must not be empty")
    problems += [f"{where}.{p}" for p in own + rule.check()]
    return rule


_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _value(where: str, value: Any, kind: Any, problems: list[str]) -> Any:
    """`value` as `kind` (str, int, float, bool or tuple[str, ...]), else a problem and None."""
    if kind == tuple[str, ...]:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        problems.append(f"{where}: must be a list of strings")
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        problems.append(f"{where}: must be {_TYPE_NAMES[kind]}, not {value!r}")
        return None
    return value
