"""The triggers of the state transition rules: each returns the evidence when it fires on the day
(the figures and the order or violation ids, JSON-ready), else None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sellerhealth.domain.appeals import AppealOutcome
from sellerhealth.domain.metrics import OdrMetric, RateMetric, Status
from sellerhealth.domain.policy import Policy, TransitionRule
from sellerhealth.domain.state_facts import DayFacts
from sellerhealth.domain.states import AccountState, ReviewKind, StateSnapshot
from sellerhealth.domain.windows import Window

# Triggers that fire only because nothing was recorded in time (no Plan of Action, a review
# left open): on a projected day they do not fire, since what the seller will do is unknown.
INACTION_TRIGGERS = frozenset({"plan_overdue", "review_elapsed"})


Evidence = dict[str, Any] | None
Trigger = Callable[[StateSnapshot, DayFacts, TransitionRule, Policy], Evidence]


def rule_applies(rule: TransitionRule, current: StateSnapshot) -> bool:
    """Whether the rule's `from` matches the current state (plain, or state:kind)."""
    here = (str(current.state), f"{current.state}:{current.kind}")
    return any(entry in here for entry in rule.from_states)


def _window(window: Window) -> list[str]:
    return [window.first.isoformat(), window.last.isoformat()]


def _odr_evidence(m: OdrMetric) -> dict[str, Any]:
    return {
        "metric": "odr",
        "channel": str(m.channel),
        "rate": m.rate,
        "target": m.target,
        "defective_orders": m.defective_orders,
        "order_count": m.order_count,
        "negative_feedback": m.negative_feedback,
        "claims": m.claims,
        "chargebacks": m.chargebacks,
        "window": _window(m.window),
        "order_ids": list(m.defective_order_ids),
    }


def _rate_evidence(m: RateMetric) -> dict[str, Any]:
    return {
        "metric": m.name,
        "scope": m.scope,
        "rate": m.rate,
        "target": m.target,
        "numerator": m.numerator,
        "denominator": m.denominator,
        "window": _window(m.window),
    }


def _metric_breach(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    breaches = []
    for metric in rule.params["metrics"]:
        if metric == "odr":
            breaches += [
                _odr_evidence(m) for _, m in sorted(facts.odr.items()) if m.status is Status.BAD
            ]
        elif metric == "late_shipment":
            breaches += [_rate_evidence(m) for m in facts.late_shipment if m.status is Status.BAD]
        elif facts.cancellation is not None and facts.cancellation.status is Status.BAD:
            breaches.append(_rate_evidence(facts.cancellation))
    return {"breaches": breaches} if breaches else None


def _ahr_band(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    ahr = facts.ahr
    if ahr is None or ahr.band not in rule.params["bands"]:
        return None
    return {
        "score": ahr.score,
        "band": str(ahr.band),
        "critical": ahr.critical,
        "order_count": ahr.order_count,
        "violation_points": ahr.violation_points,
        "window": _window(ahr.window),
        "violation_ids": list(ahr.violations_counted),
    }


def _violations(_: StateSnapshot, facts: DayFacts, rule: TransitionRule, __: Policy) -> Evidence:
    counted = [facts.compliance[c] for c in rule.params["categories"] if c in facts.compliance]
    total = sum(c.count for c in counted)
    if total < rule.params["at_least"]:
        return None
    return {
        "count": total,
        "at_least": rule.params["at_least"],
        "categories": {c.category: c.count for c in counted if c.count},
        "window": _window(counted[0].window),
        "violation_ids": sorted(v for c in counted for v in c.violation_ids),
    }


def _negative_feedback(
    _: StateSnapshot, facts: DayFacts, __: TransitionRule, p: Policy
) -> Evidence:
    share = facts.feedback
    rules = p.states
    if share is None or share.share is None or share.total < rules.negative_feedback_min_ratings:
        return None
    if share.share < rules.negative_feedback_share:
        return None
    return {
        "share": share.share,
        "negative": share.negative,
        "total": share.total,
        "threshold": rules.negative_feedback_share,
        "min_ratings": rules.negative_feedback_min_ratings,
        "window": _window(share.window),
        "order_ids": list(share.order_ids),
    }


def _growth(_: StateSnapshot, facts: DayFacts, __: TransitionRule, policy: Policy) -> Evidence:
    first = facts.first_order_date
    if first is None:
        return None
    last = first + timedelta(days=policy.states.growth_window_days - 1)
    if facts.day > last or facts.early_orders < policy.states.growth_review_orders:
        return None
    return {
        "first_order_date": first.isoformat(),
        "window": [first.isoformat(), last.isoformat()],
        "orders": facts.early_orders,
        "threshold": policy.states.growth_review_orders,
    }


def _review_elapsed(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, policy: Policy
) -> Evidence:
    days = (facts.day - current.since).days
    if days < policy.states.review_max_days:
        return None
    return {
        "since": current.since.isoformat(),
        "days": days,
        "max_days": policy.states.review_max_days,
    }


CONDITIONS = ("metric_breach", "ahr_band", "violations", "negative_feedback_share")


def _all_clear(current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy) -> Evidence:
    """None of the rules that take a HEALTHY account into a risk review or a suspension on a
    condition (a breach, a band, violations, negative feedback) would fire today."""
    healthy = StateSnapshot(AccountState.HEALTHY, ReviewKind.NONE, current.since)
    checked = [
        r
        for r in p.states.transitions
        if r.trigger in CONDITIONS and r.kind != ReviewKind.GROWTH and rule_applies(r, healthy)
    ]
    if any(TRIGGERS[r.trigger](healthy, facts, r, p) is not None for r in checked):
        return None
    return {"checked": [r.name for r in checked], "figures": _figures(facts)}


def _figures(facts: DayFacts) -> dict[str, Any]:
    figures: dict[str, Any] = {"odr": {str(ch): m.rate for ch, m in sorted(facts.odr.items())}}
    figures["late_shipment"] = {m.scope or m.name: m.rate for m in facts.late_shipment}
    if facts.cancellation is not None:
        figures["cancellation"] = facts.cancellation.rate
    if facts.ahr is not None:
        figures["ahr"] = facts.ahr.score
    if facts.feedback is not None:
        figures["negative_feedback_share"] = facts.feedback.share
    figures["open_violations"] = {c: v.count for c, v in facts.compliance.items() if v.count}
    return figures


def _decided(facts: DayFacts, outcome: AppealOutcome) -> list[str]:
    return [
        e.appeal_id for e in facts.appeal_events if e.action == "decided" and e.outcome == outcome
    ]


def _appeal_granted(_: StateSnapshot, facts: DayFacts, __: TransitionRule, ___: Policy) -> Evidence:
    granted = _decided(facts, AppealOutcome.GRANTED)
    return {"appeal_ids": granted, "decided_on": facts.day.isoformat()} if granted else None


def _appeal_denied(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    denied = _decided(facts, AppealOutcome.DENIED)
    if not denied:
        return None
    return {
        "appeal_ids": denied,
        "decided_on": facts.day.isoformat(),
        "unsuccessful_appeals": current.unsuccessful_appeals,
        "max_unsuccessful_appeals": p.states.max_unsuccessful_appeals,
    }


def _appeals_exhausted(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    if current.unsuccessful_appeals < p.states.max_unsuccessful_appeals:
        return None
    return {
        "appeal_ids": _decided(facts, AppealOutcome.DENIED),
        "unsuccessful_appeals": current.unsuccessful_appeals,
        "max_unsuccessful_appeals": p.states.max_unsuccessful_appeals,
    }


def _plan_overdue(
    current: StateSnapshot, facts: DayFacts, _: TransitionRule, p: Policy
) -> Evidence:
    """No plan sent by the suspension day + plan_of_action_days: fires the day after."""
    due = current.since + timedelta(days=p.states.plan_of_action_days)
    sent = current.plan_submitted_on
    if facts.day <= due or (sent is not None and sent <= due):
        return None
    return {
        "suspended_on": current.since.isoformat(),
        "plan_due": due.isoformat(),
        "plan_of_action_days": p.states.plan_of_action_days,
        "plan_submitted_on": sent.isoformat() if sent else None,
    }


TRIGGERS: dict[str, Trigger] = {
    "metric_breach": _metric_breach,
    "ahr_band": _ahr_band,
    "violations": _violations,
    "negative_feedback_share": _negative_feedback,
    "growth": _growth,
    "review_elapsed": _review_elapsed,
    "all_clear": _all_clear,
    "appeal_granted": _appeal_granted,
    "appeal_denied": _appeal_denied,
    "appeals_exhausted": _appeals_exhausted,
    "plan_overdue": _plan_overdue,
}
