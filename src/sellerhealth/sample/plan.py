"""Which defects the generator places, and where: the plan behind the demo's ODR."""

from __future__ import annotations

import math

MFN_ODR_RANGE = (0.0085, 0.0099)  # "GOOD but close to the line"
AFN_ODR_AIM = 0.004

# The planned defects inside the ODR window, most important first; the first k are used.
# (action, detail, fresh): a fresh event is dated after end-14, known only late.
Plan = tuple[tuple[str, str, bool], ...]
MFN_PLAN: Plan = (
    ("feedback", "seller_service", False),
    ("feedback", "late_mfn", True),
    ("feedback", "personal_info", False),
    ("feedback+claim", "mixed", False),
    ("claim", "pending", True),
    ("claim", "refunded", False),
    ("claim", "order_cancelled", False),
    ("chargeback", "seller_lost", False),
    ("chargeback", "pending", True),
    ("feedback", "profanity", True),
    ("feedback", "personal_info", False),
    ("feedback", "product", False),
    ("feedback", "late_mfn", False),
    ("feedback", "product", True),
    ("feedback", "seller_service", False),
)
AFN_PLAN: Plan = (
    ("feedback", "fba_delivery", False),
    ("feedback", "product", False),
    ("feedback", "amazon_service", True),
    ("feedback+chargeback", "mixed_afn", False),
    ("claim", "granted", False),
    ("feedback", "profanity", False),
    ("feedback", "fba_delivery", True),
    ("feedback", "product", False),
    ("chargeback", "pending", True),
    ("feedback", "product", False),
)
# Events in the window that do not count as of `end` (SPEC section 4).
NOT_COUNTED: tuple[tuple[str, str, str], ...] = (
    ("MFN", "claim", "denied"),
    ("MFN", "claim", "withdrawn"),
    ("MFN", "claim", "reversed"),
    ("MFN", "claim", "protected"),
    ("MFN", "chargeback", "fraud"),
    ("MFN", "chargeback", "seller_won"),
    ("MFN", "neutral", ""),
    ("MFN", "neutral", ""),
    ("AFN", "neutral", ""),
    ("AFN", "neutral", ""),
    ("AFN", "chargeback", "fraud"),
    ("AFN", "removed", "fba_delivery"),
    ("AFN", "removed", "fba_delivery"),
)
# Defects per order outside the window: negative feedback, neutral, claim, chargeback.
BACKGROUND = {"MFN": (0.0035, 0.003, 0.0015, 0.0007), "AFN": (0.0024, 0.0025, 0.0003, 0.0006)}
FEEDBACK_KINDS = {
    "MFN": (("product", 4), ("seller_service", 2), ("mixed", 2), ("profanity", 1)),
    "AFN": (("product", 4), ("fba_delivery", 2), ("amazon_service", 1), ("mixed_afn", 1)),
}
FEEDBACK_LAG = (3, 40)
CLAIM_LAG = (10, 60)
CHARGEBACK_LAG = (20, 80)


def take(plan: Plan, count: int) -> Plan:
    padding = (("feedback", "product", False),) * max(0, count - len(plan))
    return (plan + padding)[:count]


def mfn_defects(orders: int) -> int:
    """How many MFN orders in the window get a counted defect: ODR within MFN_ODR_RANGE,
    preferring a count that stays under 1% with one defect more (Amazon's figure)."""
    low, high = math.ceil(MFN_ODR_RANGE[0] * orders), math.floor(MFN_ODR_RANGE[1] * orders)
    candidates = list(range(low, high + 1))
    if not candidates:
        return max(1, round(0.0092 * orders))
    under = [k for k in candidates if (k + 1) / orders < 0.01]
    return under[-1] if under else candidates[len(candidates) // 2]
