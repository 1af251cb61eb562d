"""Headroom of rate metrics: hand-computed cases, then every small case checked by brute force
against `metrics.judge`, the rule that sets the status."""

from __future__ import annotations

from datetime import date

import pytest

from sellerhealth.domain.headroom import headroom, headroom_of
from sellerhealth.domain.metrics import Condition, OdrMetric, RateMetric, Status, judge, ratio
from sellerhealth.domain.records import Channel
from sellerhealth.domain.windows import Window

LT, GT = Condition.LESS_THAN, Condition.GREATER_THAN


def test_nine_in_a_thousand_has_no_room_left():
    # 10/1000 is exactly 1%, which is not below 1%: BAD. So not one more defect.
    h = headroom(9, 1000, 0.01, LT)
    assert h.status is Status.GOOD
    assert h.extra_defects_before_bad == 0
    # A defective *new* order: 10/1001 = 0.00999 < 1% is still GOOD; 11/1002 is not.
    assert h.extra_defective_new_items_before_bad == 1
    assert h.clean_orders_to_recover == 0
    assert h.defects_to_remove_to_recover == 0


def test_twelve_in_a_thousand_needs_201_clean_orders_or_3_removals():
    h = headroom(12, 1000, 0.01, LT)
    assert h.status is Status.BAD
    assert h.extra_defects_before_bad == 0
    assert h.extra_defective_new_items_before_bad == 0
    # 12/1200 = 1% is still BAD; 12/1201 = 0.00999 is GOOD.
    assert h.clean_orders_to_recover == 201
    # 10/1000 is BAD, 9/1000 GOOD: three defects must go.
    assert h.defects_to_remove_to_recover == 3


def test_room_with_a_fractional_edge():
    # 5 defects in 950 orders at < 1%: 9/950 = 0.947% is GOOD, 10/950 = 1.05% is BAD.
    h = headroom(5, 950, 0.01, LT)
    assert h.extra_defects_before_bad == 4
    # (5 + k) / (950 + k) < 1% <=> k < 4.5/0.99 = 4.55: k = 4 (9/954), not 5 (10/955).
    assert h.extra_defective_new_items_before_bad == 4


def test_business_target_half_a_percent():
    # 3 of 400 at < 0.5%: 2/400 = 0.5% is still BAD, 1/400 is GOOD; 3/601 < 0.5% (600 is not).
    h = headroom(3, 400, 0.005, LT)
    assert (h.status, h.defects_to_remove_to_recover, h.clean_orders_to_recover) == (
        Status.BAD,
        2,
        201,
    )


def test_valid_tracking_greater_than_target():
    # 190 of 200 tracked = 95%, met at equality (>= 95%).
    h = headroom(190, 200, 0.95, GT)
    assert h.status is Status.GOOD
    assert h.extra_defects_before_bad == 0  # 189/200 = 94.5%
    # New untracked shipments: 190/(200+k) >= 95% <=> k <= 0.
    assert h.extra_defective_new_items_before_bad == 0
    h = headroom(180, 200, 0.95, GT)
    assert h.status is Status.BAD
    # (180 + m)/(200 + m) >= 0.95 <=> 0.05 m >= 10: m = 200 tracked shipments.
    assert h.clean_orders_to_recover == 200
    # Correct 10 tracking numbers: 190/200.
    assert h.defects_to_remove_to_recover == 10
    h = headroom(300, 310, 0.95, GT)
    # 300/(310+k) >= 0.95 <=> k <= 315.79 - 310: 5 more untracked shipments.
    assert h.extra_defective_new_items_before_bad == 5
    # (300 - k)/310 >= 0.95 <=> k <= 300 - 294.5: 5 of them turn out untracked.
    assert h.extra_defects_before_bad == 5


def test_empty_window():
    h = headroom(0, 0, 0.01, LT)
    assert h.status is Status.NONE
    assert (h.extra_defects_before_bad, h.extra_defective_new_items_before_bad) == (0, 0)
    assert h.clean_orders_to_recover == 1
    assert h.defects_to_remove_to_recover is None


def test_unreachable_targets_are_none():
    assert headroom(1, 10, 0.0, LT).clean_orders_to_recover is None
    assert headroom(1, 10, 0.0, LT).defects_to_remove_to_recover is None
    assert headroom(9, 10, 1.0, GT).clean_orders_to_recover is None
    assert headroom(9, 10, 1.0, LT).extra_defective_new_items_before_bad is None


def test_equals_and_impossible_counts_are_refused():
    with pytest.raises(ValueError, match="LESS_THAN and GREATER_THAN"):
        headroom(0, 5, 0, Condition.EQUALS)
    with pytest.raises(ValueError, match="numerator"):
        headroom(6, 5, 0.01, LT)


def test_headroom_of_odr_and_rate_metrics():
    window = Window(date(2026, 4, 18), date(2026, 6, 16))
    odr = OdrMetric(Channel.MFN, window, 1000, 12, 12, 0, 0, 0.01)
    assert headroom_of(odr).clean_orders_to_recover == 201
    lsr = RateMetric("lateShipmentRate", window, 3, 100, 0.04, LT)
    assert headroom_of(lsr).extra_defects_before_bad == 0  # 4/100 = 4% is BAD
    # (3 + k)/(100 + k) < 0.04 <=> 0.96 k < 1: one more late new order (4/101 = 3.96%).
    assert headroom_of(lsr).extra_defective_new_items_before_bad == 1


def _largest(value, ok) -> bool:
    """`ok(value)` holds and `ok(value + 1)` does not: value is the last that is fine."""
    return ok(value) and not ok(value + 1)


def _smallest(value, ok) -> bool:
    """`ok(value)` holds and `ok(value - 1)` does not (or value is 0)."""
    return ok(value) and (value == 0 or not ok(value - 1))


def _check_edges(n: int, d: int, target: float, condition: Condition) -> None:
    def good(num, den):
        return judge(ratio(num, den), target, condition) is Status.GOOD

    h = headroom(n, d, target, condition)
    assert h.status is judge(ratio(n, d), target, condition)
    now = good(n, d)
    extra, new = h.extra_defects_before_bad, h.extra_defective_new_items_before_bad
    clean, remove = h.clean_orders_to_recover, h.defects_to_remove_to_recover
    assert clean is not None
    assert (remove is None) == (d == 0)
    if condition is LT:
        # An extra defect on an order in the window needs a clean one: at most d - n.
        if now:
            assert good(n + extra, d) and (extra == d - n or not good(n + extra + 1, d))
            assert _largest(new, lambda k: good(n + k, d + k))
        else:
            assert extra == 0 and new == 0
        assert _smallest(clean, lambda m: good(n, d + m))
        assert d == 0 or _smallest(remove, lambda r: good(n - r, d))
    else:
        if now:
            assert _largest(extra, lambda k: good(n - k, d))
            assert _largest(new, lambda k: good(n, d + k))
        else:
            assert extra == 0 and new == 0
        assert _smallest(clean, lambda m: good(n + m, d + m))
        assert d == 0 or _smallest(remove, lambda r: good(n + r, d))


@pytest.mark.parametrize("target", [0.01, 0.005, 0.04, 0.025, 0.1, 0.3333, 0.5, 0.95])
@pytest.mark.parametrize("condition", [LT, GT])
def test_every_small_case_agrees_with_judge(target, condition):
    """Each figure is the edge: GOOD at it, not GOOD one step further (or one step short)."""
    for d in range(150):
        for n in range(d + 1):
            _check_edges(n, d, target, condition)
