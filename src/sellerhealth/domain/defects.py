"""Which feedback, claims and chargebacks count as order defects on a given day.

These predicates are the rules of SPEC section 4 in one place; the plain ODR computation uses
them directly and the columnar engine's SQL is tested against it.
"""

from __future__ import annotations

from datetime import date

from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Chargeback, ChargebackStatus, Claim, ClaimStatus, Feedback


def _gone_by(day_gone: date | None, day: date) -> bool:
    return day_gone is not None and day_gone <= day


def is_negative_feedback(feedback: Feedback, day: date, policy: Policy) -> bool:
    """1-2 stars, left on or before `day`, and neither removed nor struck through by then."""
    return (
        feedback.feedback_date <= day
        and feedback.rating <= policy.feedback.negative_max_rating
        and not _gone_by(feedback.removed_date, day)
        and not _gone_by(feedback.struck_through_date, day)
    )


def is_delivery_reason(reason: str | None, policy: Policy) -> bool:
    """A claim with no stated reason, or one naming delivery, is a delivery claim."""
    if not reason:
        return True
    text = reason.lower().replace("_", " ").replace("-", " ")
    keywords = (
        k.replace("_", " ").replace("-", " ") for k in policy.claims.delivery_reason_keywords
    )
    return any(keyword in text for keyword in keywords)


def is_buy_shipping_protected(claim: Claim, policy: Policy) -> bool:
    return (
        policy.claims.buy_shipping_protection
        and claim.buy_shipping_protected
        and is_delivery_reason(claim.reason, policy)
    )


def counted_claim_statuses(policy: Policy) -> frozenset[str]:
    pending = {ClaimStatus.PENDING.value} if policy.claims.count_pending else set()
    return frozenset(policy.claims.counted_statuses) | pending


def is_counted_claim(claim: Claim, day: date, policy: Policy) -> bool:
    """Filed on or before `day`, in a counted status as of `day`, and not Buy Shipping protected."""
    return (
        claim.claim_date <= day
        and not is_buy_shipping_protected(claim, policy)
        and claim.status_on(day) in counted_claim_statuses(policy)
    )


def is_counted_chargeback(chargeback: Chargeback, day: date, policy: Policy) -> bool:
    """A service chargeback filed by `day`, unless the seller had won it by then (policy)."""
    if chargeback.chargeback_date > day:
        return False
    if chargeback.reason not in policy.chargebacks.counted_reasons:
        return False
    return policy.chargebacks.count_won or chargeback.status_on(day) != ChargebackStatus.SELLER_WON
