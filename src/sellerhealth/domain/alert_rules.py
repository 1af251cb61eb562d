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

The rules of the account as a whole are in `alert_account_rules`; the config file that names
them (`[[rules]]`, `[watch]`, `[[channels]]`) is read by `alert_config`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from sellerhealth.domain.alert_facts import (
    Facts,
    FeedbackFact,
    HeadroomFact,
)
from sellerhealth.domain.alerts import Alert, make_cause_key, severity_rank
from sellerhealth.vocabulary import pct, plural

VERDICTS = ("removable", "strike_through", "neither")
DEADLINES = ("request_by", "act_by")
CHANNELS = ("afn", "mfn")
STATES = ("HEALTHY", "UNDER_REVIEW", "SUSPENDED", "DEACTIVATED")


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
        return at_least("lookback_days", self.lookback_days, 1) + between(
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
            at_least("within_days", self.within_days, 0)
            + one_of("deadline", self.deadline, DEADLINES)
            + each_one_of("verdicts", self.verdicts, VERDICTS)
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
        return at_least("at_most", self.at_most, 0)

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
        problems = each_one_of("channels", self.channels, CHANNELS)
        if not 0 <= self.min_probability <= 1:
            problems.append("min_probability: must be between 0 and 1")
        return problems + at_least("within_days", self.within_days, 0)

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


def evaluate(rules: Iterable[Rule], facts: Facts) -> list[Alert]:
    """Every alert the rules raise on the facts of one account, most severe first, each cause
    once (the first rule to find it wins)."""
    found: dict[str, Alert] = {}
    for rule in rules:
        if rule.applies_to(facts.account):
            for alert in rule.alerts(facts):
                found.setdefault(alert.cause_key, alert)
    return sorted(found.values(), key=lambda a: -severity_rank(a.severity))


def at_least(key: str, value: int, low: int) -> list[str]:
    return [f"{key}: must be {low} or more"] if value < low else []


def between(key: str, value: int, low: int, high: int) -> list[str]:
    return [] if low <= value <= high else [f"{key}: must be between {low} and {high}"]


def one_of(key: str, value: str, allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [] if value in allowed else [f"{key}: {value!r} is not one of {', '.join(allowed)}"]


def each_one_of(key: str, values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [
        f"{key}: {value!r} is not one of {', '.join(allowed)}"
        for value in values
        if value not in allowed
    ]


def _in_days(days: int) -> str:
    """`today`, `in 1 day`, `in 3 days`."""
    return "today" if days == 0 else f"in {plural(days, 'day')}"


def state_name(label: str) -> str:
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
