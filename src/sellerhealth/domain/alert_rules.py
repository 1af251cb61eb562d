"""Alert rules: when to tell a seller something, read from a config file's `[[rules]]`.

Pure: `evaluate(rules, facts)` turns one account's facts on one day (a plain bundle the service
gathers) into alerts. Every alert carries a stable cause key (`make_cause_key`), so a cause found
again on a later run is recognised and never sent twice:

- `new_negative_feedback`: a feedback rated `max_rating` or lower, left in the last
  `lookback_days` days and still standing. Cause: order, feedback date.
- `triage_deadline`: a removable or strike-through eligible feedback whose `deadline`
  (`request_by` or `act_by`) is at most `within_days` days away. Cause: order, feedback date,
  deadline kind and day.
- `headroom`: a metric that can take `at_most` more defects or fewer before it turns BAD (a BAD
  metric has none left). Cause: marketplace, metric, headroom (or `bad`).
- `forecast_breach`: the ODR forecast of a channel reaches the target with `min_probability` or
  more (within `within_days` days when set). Cause: channel, breach day.
- `state_change`: the account changed state in the last `lookback_days` days (to one of
  `to_states` when set). Cause: day, from state, to state.
- `amazon_status`: Amazon's own status differs from the computed one. Cause: report date, both
  statuses.
- `at_risk_shipment`: a radar flag with a priority of `min_priority` or more (of `kinds` when
  set). Cause: order, tracking id, flag kind.

So a metric whose headroom shrinks from 3 to 2 alerts again; one that stays at 2 does not.
Every rule has `name` (default: its type; part of the cause key, so two rules of one type are
independent), `severity` (`info`, `warning`, `critical`) and `accounts` (default: all).

The config file also holds `[watch]` (interval, digest, retries, accounts) and `[[channels]]`
(read by `connectors.notify.channels_from_config`). `parse_alert_config` reports every problem
of the rules and `[watch]` at once.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from sellerhealth.domain.alert_facts import (
    AmazonStatusFact,
    Facts,
    FeedbackFact,
    HeadroomFact,
    StateChangeFact,
    StateFact,
)
from sellerhealth.domain.alerts import SEVERITIES, Alert, make_cause_key, severity_rank
from sellerhealth.domain.radar_flags import RiskKind
from sellerhealth.vocabulary import pct, plural

VERDICTS = ("removable", "strike_through", "neither")
DEADLINES = ("request_by", "act_by")
CHANNELS = ("afn", "mfn")
STATES = ("HEALTHY", "UNDER_REVIEW", "SUSPENDED", "DEACTIVATED")
__all__ = [  # the facts are re-exported: rules and facts are used together
    "RULE_TYPES",
    "AlertConfig",
    "AlertConfigError",
    "AmazonStatusFact",
    "AmazonStatusRule",
    "AtRiskShipmentRule",
    "Facts",
    "FeedbackFact",
    "ForecastBreachRule",
    "HeadroomFact",
    "HeadroomRule",
    "NewNegativeFeedbackRule",
    "Rule",
    "StateChangeFact",
    "StateChangeRule",
    "StateFact",
    "TriageDeadlineRule",
    "evaluate",
    "parse_alert_config",
]


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What every rule has. Subclasses add their own settings (config keys = field names)."""

    TYPE: ClassVar[str] = ""
    name: str = ""
    severity: str = "warning"
    accounts: tuple[str, ...] = ()

    def applies_to(self, account: str) -> bool:
        return not self.accounts or account in self.accounts

    def check(self) -> list[str]:
        """Problems beyond the types of the values."""
        return []

    def alerts(self, facts: Facts) -> list[Alert]:  # pragma: no cover - every rule overrides
        raise NotImplementedError

    def alert(
        self, facts: Facts, parts: Iterable[object], title: str, body: str, evidence: dict
    ) -> Alert:
        return Alert(
            account=facts.account,
            rule=self.name,
            cause_key=make_cause_key(facts.account, self.name, *parts),
            severity=self.severity,
            title=title,
            body=body,
            evidence=evidence,
            created_on=facts.as_of,
        )


@dataclass(frozen=True, kw_only=True)
class NewNegativeFeedbackRule(Rule):
    TYPE: ClassVar[str] = "new_negative_feedback"
    max_rating: int = 2
    lookback_days: int = 7

    def check(self) -> list[str]:
        return _at_least("lookback_days", self.lookback_days, 1) + _between(
            "max_rating", self.max_rating, 1, 5
        )

    def alerts(self, facts: Facts) -> list[Alert]:
        first = facts.as_of - timedelta(days=self.lookback_days - 1)
        out = []
        for f in facts.feedback:
            if f.rating > self.max_rating or not first <= f.feedback_date <= facts.as_of:
                continue
            title = f"New {f.rating}-star feedback on order {f.order_id} ({f.feedback_date})"
            body = "\n".join(
                [
                    f'"{f.comment}"' if f.comment else "(no comment)",
                    f"Triage: {f.verdict}"
                    + (f" ({f.ground})" if f.ground else "")
                    + f"; request removal by {f.request_by}, act by {f.act_by}.",
                ]
            )
            out.append(self.alert(facts, (f.order_id, f.feedback_date), title, body, _feedback(f)))
        return out


@dataclass(frozen=True, kw_only=True)
class TriageDeadlineRule(Rule):
    TYPE: ClassVar[str] = "triage_deadline"
    within_days: int
    deadline: str = "request_by"
    verdicts: tuple[str, ...] = ("removable", "strike_through")

    def check(self) -> list[str]:
        return (
            _at_least("within_days", self.within_days, 0)
            + _choice("deadline", self.deadline, DEADLINES)
            + _choices("verdicts", self.verdicts, VERDICTS)
        )

    def alerts(self, facts: Facts) -> list[Alert]:
        out = []
        for f in facts.feedback:
            due = f.request_by if self.deadline == "request_by" else f.act_by
            left = (due - facts.as_of).days
            if f.expired or f.verdict not in self.verdicts or not 0 <= left <= self.within_days:
                continue
            when = _in_days(left)
            what = "removal" if f.verdict == "removable" else "strike-through"
            if self.deadline == "act_by":
                title = f"Feedback on order {f.order_id}: act now, {what} target {due} ({when})"
            else:
                title = f"Feedback on order {f.order_id}: request {what} by {due} ({when})"
            body = (
                f"{f.rating}-star feedback of {f.feedback_date} is {f.verdict}"
                + (f" ({f.ground})" if f.ground else "")
                + f"; the {self.deadline.replace('_', ' ')} deadline is {due}."
                + (f' Comment: "{f.comment}"' if f.comment else "")
            )
            evidence = _feedback(f) | {"deadline": self.deadline, "days_left": left}
            parts = (f.order_id, f.feedback_date, self.deadline, due)
            out.append(self.alert(facts, parts, title, body, evidence))
        return out


@dataclass(frozen=True, kw_only=True)
class HeadroomRule(Rule):
    TYPE: ClassVar[str] = "headroom"
    severity: str = "critical"
    at_most: int
    metrics: tuple[str, ...] = ()  # metric names or metric.scope; empty: every metric

    def check(self) -> list[str]:
        return _at_least("at_most", self.at_most, 0)

    def wanted(self, h: HeadroomFact) -> bool:
        return not self.metrics or h.metric in self.metrics or h.name in self.metrics

    def alerts(self, facts: Facts) -> list[Alert]:
        out = []
        for h in facts.headroom:
            if h.status == "NONE" or not self.wanted(h):
                continue
            bad = h.status == "BAD"
            if not bad and h.extra_defects_before_bad > self.at_most:
                continue
            sign = "below" if h.condition == "LESS_THAN" else "at least"
            counts = f"{h.numerator}/{h.denominator}, target {sign} {pct(h.target)}"
            if bad:
                title = f"{h.name} is BAD ({counts})"
            else:
                n = h.extra_defects_before_bad
                title = f"{h.name}: {n} more defect{'s' if n != 1 else ''} before BAD ({counts})"
            body = (
                f"Marketplace {h.marketplace_id}: {h.name} is {h.status} at "
                f"{h.numerator}/{h.denominator}; headroom {h.extra_defects_before_bad} "
                f"defect(s), alert at {self.at_most} or fewer."
            )
            evidence = dataclasses.asdict(h) | {"name": h.name, "at_most": self.at_most}
            level = "bad" if bad else h.extra_defects_before_bad
            out.append(self.alert(facts, (h.marketplace_id, h.name, level), title, body, evidence))
        return out


@dataclass(frozen=True, kw_only=True)
class ForecastBreachRule(Rule):
    TYPE: ClassVar[str] = "forecast_breach"
    severity: str = "critical"
    channels: tuple[str, ...] = CHANNELS
    min_probability: float = 0.5
    within_days: int = 0  # 0: any day of the forecast

    def check(self) -> list[str]:
        problems = _choices("channels", self.channels, CHANNELS)
        if not 0 <= self.min_probability <= 1:
            problems.append("min_probability: must be between 0 and 1")
        return problems + _at_least("within_days", self.within_days, 0)

    def alerts(self, facts: Facts) -> list[Alert]:
        out = []
        for channel in self.channels:
            w = facts.forecasts.get(channel)
            if w is None or w.probability < self.min_probability:
                continue
            days = (w.day - facts.as_of).days
            if self.within_days and days > self.within_days:
                continue
            title = (
                f"ODR {channel.upper()} forecast to reach {w.target:.2%} on {w.day} "
                f"({_in_days(days)}, probability {w.probability:.0%})"
            )
            body = (
                f"Expected ODR {w.expected_rate:.3%} (range {w.low:.3%} to {w.high:.3%}) on "
                f"{w.day} against a target below {w.target:.2%}."
            )
            evidence = {
                "channel": channel,
                "day": w.day.isoformat(),
                "days_ahead": days,
                "probability": w.probability,
                "expected_rate": w.expected_rate,
                "low": w.low,
                "high": w.high,
                "target": w.target,
            }
            out.append(self.alert(facts, (channel, w.day), title, body, evidence))
        return out


@dataclass(frozen=True, kw_only=True)
class StateChangeRule(Rule):
    TYPE: ClassVar[str] = "state_change"
    severity: str = "critical"
    lookback_days: int = 7
    to_states: tuple[str, ...] = ()  # empty: any state

    def check(self) -> list[str]:
        return _at_least("lookback_days", self.lookback_days, 1) + _choices(
            "to_states", self.to_states, STATES
        )

    def alerts(self, facts: Facts) -> list[Alert]:
        change = facts.state.last_change if facts.state else None
        if change is None:
            return []
        first = facts.as_of - timedelta(days=self.lookback_days - 1)
        if not first <= change.day <= facts.as_of:
            return []
        if self.to_states and _state_name(change.to_state) not in self.to_states:
            return []
        title = f"Account state changed: {change.from_state} -> {change.to_state} on {change.day}"
        body = f"Rule {change.rule!r} fired." if change.rule else "The account changed state."
        evidence = {
            "day": change.day.isoformat(),
            "from_state": change.from_state,
            "to_state": change.to_state,
            "rule": change.rule,
            "evidence": change.evidence,
        }
        parts = (change.day, change.from_state, change.to_state)
        return [self.alert(facts, parts, title, body, evidence)]


@dataclass(frozen=True, kw_only=True)
class AmazonStatusRule(Rule):
    TYPE: ClassVar[str] = "amazon_status"

    def alerts(self, facts: Facts) -> list[Alert]:
        s = facts.amazon_status
        if s is None or not s.differs:
            return []
        when = f" (report of {s.report_date})" if s.report_date else ""
        title = f"Amazon's status {s.amazon} differs from the computed {s.computed}{when}"
        body = (
            "Amazon's own account status and the one computed from your data disagree: compare "
            "the imported performance report with `sellerhealth reconcile`."
        )
        evidence = {
            "amazon": s.amazon,
            "computed": s.computed,
            "report_date": s.report_date.isoformat() if s.report_date else None,
        }
        return [
            self.alert(facts, (s.report_date or "", s.amazon, s.computed), title, body, evidence)
        ]


@dataclass(frozen=True, kw_only=True)
class AtRiskShipmentRule(Rule):
    TYPE: ClassVar[str] = "at_risk_shipment"
    min_priority: float
    kinds: tuple[str, ...] = ()  # empty: every kind of flag

    def check(self) -> list[str]:
        problems = _choices("kinds", self.kinds, tuple(k.value for k in RiskKind))
        if self.min_priority < 0:
            problems.append("min_priority: must be 0 or more")
        return problems

    def alerts(self, facts: Facts) -> list[Alert]:
        out = []
        for f in facts.risks:
            if f.priority < self.min_priority or (self.kinds and f.kind.value not in self.kinds):
                continue
            hours = (
                f"{f.hours_left:.0f} h left"
                if f.hours_left >= 0
                else f"{-f.hours_left:.0f} h overdue"
            )
            title = (
                f"At-risk shipment {f.order_id}: {f.kind.value.replace('_', ' ')} "
                f"({hours}, priority {f.priority:.2f})"
            )
            impact = ", ".join(f"{m} {v:+.3%}" for m, v in f.impact.items())
            body = f"{f.action}\nThreatens: {impact}\n\nDraft to the buyer:\n{f.buyer_message}"
            evidence = {
                "order_id": f.order_id,
                "kind": f.kind.value,
                "priority": f.priority,
                "hours_left": f.hours_left,
                "deadline": f.deadline.isoformat(),
                "deadline_reason": f.deadline_reason,
                "impact": dict(f.impact),
                "tracking_id": f.tracking_id,
                "carrier": f.carrier,
                "flag": f.evidence,
            }
            parts = (f.order_id, f.tracking_id or "-", f.kind.value)
            out.append(self.alert(facts, parts, title, body, evidence))
        return out


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


def evaluate(rules: Iterable[Rule], facts: Facts) -> list[Alert]:
    """Every alert the rules raise on the facts of one account, most severe first, each cause
    once (the first rule to find it wins)."""
    found: dict[str, Alert] = {}
    for rule in rules:
        if rule.applies_to(facts.account):
            for alert in rule.alerts(facts):
                found.setdefault(alert.cause_key, alert)
    return sorted(found.values(), key=lambda a: -severity_rank(a.severity))


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
    own = _choice("severity", rule.severity, SEVERITIES)
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


def _at_least(key: str, value: int, low: int) -> list[str]:
    return [f"{key}: must be {low} or more"] if value < low else []


def _between(key: str, value: int, low: int, high: int) -> list[str]:
    return [] if low <= value <= high else [f"{key}: must be between {low} and {high}"]


def _choice(key: str, value: str, allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [] if value in allowed else [f"{key}: {value!r} is not one of {', '.join(allowed)}"]


def _choices(key: str, values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [
        f"{key}: {value!r} is not one of {', '.join(allowed)}"
        for value in values
        if value not in allowed
    ]


def _in_days(days: int) -> str:
    """`today`, `in 1 day`, `in 3 days`."""
    return "today" if days == 0 else f"in {plural(days, 'day')}"


def _state_name(label: str) -> str:
    """The state of a label: `UNDER_REVIEW (risk)` -> `UNDER_REVIEW`."""
    return label.split(" ", 1)[0]


def _feedback(f: FeedbackFact) -> dict[str, Any]:
    return {
        "order_id": f.order_id,
        "feedback_date": f.feedback_date.isoformat(),
        "rating": f.rating,
        "channel": f.channel,
        "verdict": f.verdict,
        "ground": f.ground,
        "request_by": f.request_by.isoformat(),
        "act_by": f.act_by.isoformat(),
        "odr_impact": f.odr_impact,
    }
