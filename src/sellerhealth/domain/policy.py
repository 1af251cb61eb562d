"""The policy: every window, lag, target and rule switch, as typed data.

A policy file is TOML in which every setting is a small table naming its value and the section
of reference/amazon-policy.md it comes from:

    [odr.window_days]
    value = 60
    source = "1.6"

The typed `Policy` below is the schema: each dataclass is a TOML table, each field one setting.
`domain.policy_read.policy_from_dict` reads a parsed file against it and reports every problem
at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OdrPolicy:
    window_days: int
    lag_days: int
    target: float
    target_business: float
    count_cancelled_orders: bool  # a cancelled order stays in the denominator


@dataclass(frozen=True)
class FeedbackPolicy:
    negative_max_rating: int
    neutral_rating: int
    removal_request_days: int
    act_now_days: int


@dataclass(frozen=True)
class ClaimsPolicy:
    counted_statuses: tuple[str, ...]
    count_pending: bool
    buy_shipping_protection: bool
    delivery_reason_keywords: tuple[str, ...]


@dataclass(frozen=True)
class ChargebacksPolicy:
    counted_reasons: tuple[str, ...]
    count_won: bool


@dataclass(frozen=True)
class LateShipmentPolicy:
    windows_days: tuple[int, ...]
    target: float
    target_business: float


@dataclass(frozen=True)
class CancellationPolicy:
    window_days: int
    target: float
    target_business: float
    counted_initiators: tuple[str, ...]
    # An order cancelled with no record of who cancelled it (the orders report's status alone):
    # counted as the seller's, or left out of the rate and reported as unattributed.
    count_unknown_initiator: bool


@dataclass(frozen=True)
class ValidTrackingPolicy:
    window_days: int
    lag_days: int
    target: float


@dataclass(frozen=True)
class OnTimeDeliveryPolicy:
    window_days: int
    lag_days: int
    target: float


@dataclass(frozen=True)
class ContactResponsePolicy:
    window_days: int
    response_hours: int
    target: float


@dataclass(frozen=True)
class PolicyCompliancePolicy:
    window_days: int
    target: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class AhrPolicy:
    window_days: int
    start: int
    maximum: int
    points_per_order_block: int
    order_block: int
    points_low: int
    points_medium: int
    points_high: int
    healthy_min: int
    at_risk_min: int


@dataclass(frozen=True)
class RadarPolicy:
    """At-risk shipment radar (domain/radar.py): warning hours, claim odds, seasonal profile."""

    ship_warning_hours: float
    no_first_scan_hours: float
    stalled_scan_days: float
    default_transit_days: float
    min_transit_samples: int
    claim_after_days: int
    watch_days: int
    urgency_hours: float
    claim_probability_not_shipped_due: float
    claim_probability_not_shipped_late: float
    claim_probability_no_first_scan: float
    claim_probability_stalled_in_transit: float
    claim_probability_carrier_exception: float
    claim_probability_returned_to_sender: float
    claim_probability_predicted_late: float
    claim_probability_delivered_late: float
    seasonal_months: tuple[int, ...]
    seasonal_factor: float


# --- Account states (SPEC section 5, amazon-policy.md 4) ---------------------------------------
# The vocabulary of the transition table. `domain.states` implements each trigger; listing the
# names here lets a typo in a policy file be reported when the file is loaded.
STATE_NAMES = ("HEALTHY", "UNDER_REVIEW", "SUSPENDED", "DEACTIVATED")
REVIEW_KINDS = ("growth", "risk", "none")
FROM_STATES = (*STATE_NAMES, "UNDER_REVIEW:growth", "UNDER_REVIEW:risk")
TRIGGER_PARAMS: dict[str, tuple[str, ...]] = {
    "metric_breach": ("metrics",),
    "ahr_band": ("bands",),
    "violations": ("categories", "at_least"),
    "negative_feedback_share": (),
    "growth": (),
    "review_elapsed": (),
    "all_clear": (),
    "appeal_granted": (),
    "appeal_denied": (),
    "appeals_exhausted": (),
    "plan_overdue": (),
}
PARAM_CHOICES: dict[str, tuple[str, ...]] = {
    "metrics": ("odr", "late_shipment", "cancellation"),
    "bands": ("HEALTHY", "AT_RISK", "UNHEALTHY"),
}


@dataclass(frozen=True)
class TransitionRule:
    """One row of the transition table: in a `from` state, when `trigger` fires, go `to`.

    `from` entries are state names; `UNDER_REVIEW:growth` / `UNDER_REVIEW:risk` name one kind
    of review. `kind` is the review kind entered (`none` unless `to` is UNDER_REVIEW).
    """

    name: str
    from_states: tuple[str, ...] = dataclasses.field(
        metadata={"key": "from", "choices": FROM_STATES}
    )
    to: str = dataclasses.field(metadata={"choices": STATE_NAMES})
    kind: str = dataclasses.field(metadata={"choices": REVIEW_KINDS})
    trigger: str = dataclasses.field(metadata={"choices": tuple(TRIGGER_PARAMS)})
    source: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    choice: str = ""
    note: str = ""

    def check(self) -> list[str]:
        problems = []
        if (self.to == "UNDER_REVIEW") != (self.kind in ("growth", "risk")):
            problems.append(f"kind {self.kind!r} does not fit `to` {self.to!r}")
        if "DEACTIVATED" in self.from_states:
            problems.append("DEACTIVATED is final: no rule leaves it")
        wanted = TRIGGER_PARAMS.get(self.trigger, ())
        problems += [
            f"params.{p}: missing for {self.trigger}" for p in wanted if p not in self.params
        ]
        problems += [
            f"params.{p}: unknown for {self.trigger}" for p in self.params if p not in wanted
        ]
        at_least = self.params.get("at_least", 1)
        if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
            problems.append(f"params.at_least: expected a whole number >= 1, got {at_least!r}")
        for param, allowed in PARAM_CHOICES.items():
            values = self.params.get(param, ())
            bad = [v for v in values if v not in allowed] if isinstance(values, tuple) else [values]
            if bad:
                problems.append(f"params.{param}: {bad[0]!r} is not one of {', '.join(allowed)}")
        return problems

    def __str__(self) -> str:
        to = f"{self.to}:{self.kind}" if self.to == "UNDER_REVIEW" else self.to
        return f"{self.name}: {'|'.join(self.from_states)} -> {to} on {self.trigger}"


@dataclass(frozen=True)
class StatesPolicy:
    capabilities_healthy: tuple[str, ...]
    capabilities_under_review_growth: tuple[str, ...]
    capabilities_under_review_risk: tuple[str, ...]
    capabilities_suspended: tuple[str, ...]
    capabilities_deactivated: tuple[str, ...]
    growth_window_days: int
    growth_review_orders: int
    review_max_days: int
    negative_feedback_window_days: int
    negative_feedback_share: float
    negative_feedback_min_ratings: int
    plan_of_action_days: int
    max_unsuccessful_appeals: int
    plan_min_words: int
    transitions: tuple[TransitionRule, ...]


@dataclass(frozen=True)
class ReconcilePolicy:
    rate_tolerance: float
    ahr_tolerance: int


@dataclass(frozen=True)
class Meta:
    name: str
    version: str
    marketplace: str
    description: str


@dataclass(frozen=True)
class Policy:
    meta: Meta
    odr: OdrPolicy
    feedback: FeedbackPolicy
    claims: ClaimsPolicy
    chargebacks: ChargebacksPolicy
    late_shipment: LateShipmentPolicy
    cancellation: CancellationPolicy
    valid_tracking: ValidTrackingPolicy
    on_time_delivery: OnTimeDeliveryPolicy
    contact_response: ContactResponsePolicy
    policy_compliance: PolicyCompliancePolicy
    ahr: AhrPolicy
    reconcile: ReconcilePolicy
    radar: RadarPolicy
    states: StatesPolicy
    sources: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)

    def odr_target(self, is_business: bool) -> float:
        return self.odr.target_business if is_business else self.odr.target
