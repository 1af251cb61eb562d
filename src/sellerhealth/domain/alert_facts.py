"""The facts the alert rules read: a plain bundle, per account and day, that the service
gathers from the store (`service.alerts.gather_facts`) and tests build by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sellerhealth.domain.forecast import BreachWarning
from sellerhealth.domain.radar_flags import RiskFlag


@dataclass(frozen=True, slots=True)
class FeedbackFact:
    """A negative or neutral feedback still standing, as triaged."""

    order_id: str
    feedback_date: date
    rating: int
    verdict: str
    request_by: date
    act_by: date
    expired: bool = False
    ground: str | None = None
    channel: str | None = None
    odr_impact: float = 0.0
    comment: str = ""


@dataclass(frozen=True, slots=True)
class HeadroomFact:
    """Room left in one metric: `extra_defects_before_bad` more defects keep it GOOD."""

    marketplace_id: str
    metric: str  # the report's name, e.g. orderDefectRate
    scope: str  # e.g. mfn, a window length, a category; "" for none
    numerator: int
    denominator: int
    target: float
    status: str  # GOOD / BAD / NONE
    extra_defects_before_bad: int
    condition: str = "LESS_THAN"  # the target's: LESS_THAN (a defect rate) or GREATER_THAN

    @property
    def name(self) -> str:
        return f"{self.metric}.{self.scope}" if self.scope else self.metric


@dataclass(frozen=True, slots=True)
class StateChangeFact:
    """The last change of state; the states are labels, as `StateFact.state`."""

    day: date
    from_state: str
    to_state: str
    rule: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class StateFact:
    """The computed state on the day and the last change that led to it (None: never changed)."""

    state: str  # a label: HEALTHY, UNDER_REVIEW (risk), ...
    since: date | None = None
    last_change: StateChangeFact | None = None


@dataclass(frozen=True, slots=True)
class AmazonStatusFact:
    """Amazon's status from its latest imported report beside the one computed for that day."""

    amazon: str
    computed: str
    report_date: date | None = None
    differs: bool = False


@dataclass(frozen=True)
class Facts:
    account: str
    as_of: date
    feedback: tuple[FeedbackFact, ...] = ()
    headroom: tuple[HeadroomFact, ...] = ()
    forecasts: Mapping[str, BreachWarning | None] = field(default_factory=dict)
    state: StateFact | None = None
    amazon_status: AmazonStatusFact | None = None
    risks: tuple[RiskFlag, ...] = ()
