"""Metric results: counts over a window, a target, and the status Amazon would show."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sellerhealth.domain.records import Channel
from sellerhealth.domain.windows import Window


class Status(StrEnum):
    GOOD = "GOOD"
    BAD = "BAD"
    NONE = "NONE"  # nothing to measure (the denominator is 0), or not knowable from the data


class Condition(StrEnum):
    """Amazon's `targetCondition`. GREATER_THAN targets are met at equality (VTR >= 95%)."""

    LESS_THAN = "LESS_THAN"
    GREATER_THAN = "GREATER_THAN"
    EQUALS = "EQUALS"


def judge(value: float | None, target: float, condition: Condition) -> Status:
    if value is None:
        return Status.NONE
    if condition is Condition.LESS_THAN:
        met = value < target
    elif condition is Condition.GREATER_THAN:
        met = value >= target
    else:
        met = value == target
    return Status.GOOD if met else Status.BAD


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class RateMetric:
    """A rate metric: `numerator` of `denominator` in `window`, judged against `target`."""

    name: str
    window: Window
    numerator: int
    denominator: int
    target: float
    condition: Condition
    scope: str = ""  # e.g. a category for per-category valid tracking
    # Cases that may or may not belong in the numerator (cancellations whose initiator is not
    # known). In the numerator when `unattributed_counted`; else left out of it, and the status
    # is NONE where counting them would change it.
    unattributed: int = 0
    unattributed_counted: bool = False

    @property
    def rate(self) -> float | None:
        return ratio(self.numerator, self.denominator)

    @property
    def status(self) -> Status:
        status = judge(self.rate, self.target, self.condition)
        if self.unattributed and not self.unattributed_counted:
            worst = ratio(self.numerator + self.unattributed, self.denominator)
            if judge(worst, self.target, self.condition) is not status:
                return Status.NONE  # undecided: not GOOD as if it knew, not BAD either
        return status


@dataclass(frozen=True, slots=True)
class OdrMetric:
    """Order Defect Rate for one fulfilment channel (SPEC section 4).

    Component counts count orders with that kind of defect, so they may add up to more than
    `defective_orders`, which counts each order once.
    """

    channel: Channel
    window: Window
    order_count: int
    defective_orders: int
    negative_feedback: int
    claims: int
    chargebacks: int
    target: float
    defective_order_ids: tuple[str, ...] = field(default=(), compare=False)

    @property
    def rate(self) -> float | None:
        return ratio(self.defective_orders, self.order_count)

    @property
    def status(self) -> Status:
        return judge(self.rate, self.target, Condition.LESS_THAN)
