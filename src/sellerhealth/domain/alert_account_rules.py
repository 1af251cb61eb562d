"""The alert rules on the account as a whole: its state changed, Amazon's status differs from ours,
a shipment is at risk (see `alert_rules` for what each one says and its cause key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from sellerhealth.domain.alert_facts import (
    Facts,
)
from sellerhealth.domain.alert_rules import STATES, Rule, at_least, each_one_of, state_name
from sellerhealth.domain.alerts import Alert
from sellerhealth.domain.radar_flags import RiskKind


@dataclass(frozen=True, kw_only=True)
class StateChangeRule(Rule):
    TYPE: ClassVar[str] = "state_change"
    severity: str = "critical"
    lookback_days: int = 7
    to_states: tuple[str, ...] = ()  # empty: any state

    def check(self) -> list[str]:
        return at_least("lookback_days", self.lookback_days, 1) + each_one_of(
            "to_states", self.to_states, STATES
        )

    def alerts(self, facts: Facts) -> list[Alert]:
        change = facts.state.last_change if facts.state else None
        if change is None:
            return []
        first = facts.as_of - timedelta(days=self.lookback_days - 1)
        if not first <= change.day <= facts.as_of:
            return []
        if self.to_states and state_name(change.to_state) not in self.to_states:
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
        problems = each_one_of("kinds", self.kinds, tuple(k.value for k in RiskKind))
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
