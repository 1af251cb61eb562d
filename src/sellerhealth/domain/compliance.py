"""Policy compliance counts and the Account Health Rating estimate (SPEC section 4).

amazon-policy.md 3.2-3.5. Amazon publishes no point table: the policy file's point values are
the project's estimate, and so is every score computed here.

A violation counts on the as-of day D while it is open on D: dated on or before D (inside
the window) and not resolved by D. A resolved violation is resolved from its `status_date`,
or from its own date when the record has none; a resolution dated after D did not exist yet
on D, so the violation was still open then. Resolving a violation gives its points back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sellerhealth.domain.metrics import Condition, Status, judge
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Order, Severity, Violation, ViolationStatus
from sellerhealth.domain.windows import Window


def is_open_on(violation: Violation, day: date) -> bool:
    """Detected on or before `day` and not resolved by then."""
    if violation.date > day:
        return False
    if violation.status != ViolationStatus.RESOLVED:
        return True
    resolved_on = violation.status_date or violation.date
    return resolved_on > day


@dataclass(frozen=True, slots=True)
class ViolationCount:
    """Open violations of one policy category in the window; the target is a count (0).

    There is no denominator, so the status is never NONE: no violations is GOOD.
    """

    category: str
    window: Window
    count: int
    target: int = 0
    violation_ids: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        return judge(self.count, self.target, Condition.EQUALS)


def policy_compliance(
    violations: Iterable[Violation], as_of: date, policy: Policy
) -> dict[str, ViolationCount]:
    """Open violations per category dated in the 180 days ending on D.

    Every category of `policy.policy_compliance.categories` has an entry (count 0 if none),
    in the policy's order, followed by any other category with a violation dated in the
    window (open or resolved), sorted.
    """
    rules = policy.policy_compliance
    window = Window.ending(as_of, rules.window_days)
    open_ids: dict[str, list[str]] = {category: [] for category in rules.categories}
    for v in violations:
        if v.date not in window:
            continue
        open_ids.setdefault(v.category, [])
        if is_open_on(v, as_of):
            open_ids[v.category].append(v.violation_id)
    ordered = list(rules.categories) + sorted(set(open_ids) - set(rules.categories))
    return {
        category: ViolationCount(
            category=category,
            window=window,
            count=len(open_ids[category]),
            target=rules.target,
            violation_ids=tuple(sorted(open_ids[category])),
        )
        for category in ordered
    }


class AhrBand(StrEnum):
    HEALTHY = "HEALTHY"
    AT_RISK = "AT_RISK"
    UNHEALTHY = "UNHEALTHY"


# Amazon's `accountHealthRating.ahrStatus` for each band (amazon-policy.md 3.1: an open enum).
AHR_STATUS = {
    AhrBand.HEALTHY: "GOOD",
    AhrBand.AT_RISK: "AT_RISK",
    AhrBand.UNHEALTHY: "AT_RISK_OF_DEACTIVATION",
}


def ahr_band(score: int, policy: Policy) -> AhrBand:
    """Healthy from `healthy_min` (200), At Risk from `at_risk_min` (100), else Unhealthy."""
    if score >= policy.ahr.healthy_min:
        return AhrBand.HEALTHY
    if score >= policy.ahr.at_risk_min:
        return AhrBand.AT_RISK
    return AhrBand.UNHEALTHY


@dataclass(frozen=True, slots=True)
class AhrEstimate:
    """The estimated Account Health Rating and how it was reached."""

    score: int
    band: AhrBand
    window: Window
    order_count: int
    order_points: int
    violation_points: int
    critical: bool
    violations_counted: tuple[str, ...] = ()

    @property
    def ahr_status(self) -> str:
        return AHR_STATUS[self.band]


def violation_points(severity: str, policy: Policy) -> int:
    """Points a non-critical violation takes off (critical violations zero the score)."""
    return {
        Severity.LOW: policy.ahr.points_low,
        Severity.MEDIUM: policy.ahr.points_medium,
        Severity.HIGH: policy.ahr.points_high,
    }[Severity(severity)]


def account_health_rating(
    orders: Iterable[Order], violations: Iterable[Violation], as_of: date, policy: Policy
) -> AhrEstimate:
    """Estimated AHR as of D over the 180 days ending on D.

    score = min(maximum, start + order_points) - violation_points, at least 0, where
    - order_points = points_per_order_block for each full `order_block` of distinct orders
      purchased in the window, any channel (1,000 orders -> 5 blocks -> +20). It is never
      negative, so without violations the score never falls below `start` (200), however
      far the volume drops;
    - violation_points sums the low/medium/high points of the violations dated in the window
      and open on D (`is_open_on`); a resolved one gives its points back;
    - the volume term is capped at `maximum` before violations are taken off, so a violation
      always costs its points, even at the top of the scale;
    - any open critical violation in the window sets the score to 0.
    """
    rules = policy.ahr
    window = Window.ending(as_of, rules.window_days)
    order_count = len({o.order_id for o in orders if o.purchase_date in window})
    order_points = rules.points_per_order_block * (order_count // rules.order_block)
    counted = sorted(
        (v for v in violations if v.date in window and is_open_on(v, as_of)),
        key=lambda v: v.violation_id,
    )
    critical = any(v.severity == Severity.CRITICAL for v in counted)
    lost = sum(
        violation_points(v.severity, policy) for v in counted if v.severity != Severity.CRITICAL
    )
    score = 0 if critical else max(0, min(rules.maximum, rules.start + order_points) - lost)
    return AhrEstimate(
        score=score,
        band=ahr_band(score, policy),
        window=window,
        order_count=order_count,
        order_points=order_points,
        violation_points=lost,
        critical=critical,
        violations_counted=tuple(v.violation_id for v in counted),
    )
