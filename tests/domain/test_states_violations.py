"""Account states (SPEC section 5), reviews and suspensions from policy violations, the Account
Health Rating and the share of negative feedback.
Each test is a hand-computed case of one rule of the transition table, evaluated day by day
(builders: tests/domain/state_builders.py)."""

from __future__ import annotations

from tests.domain.state_builders import IP, D, K, S, compliance_facts, healthy, plus, violation

from sellerhealth.domain import records as r
from sellerhealth.domain.compliance import account_health_rating
from sellerhealth.domain.state_facts import DayFacts, negative_feedback_share
from sellerhealth.domain.state_machine import evaluate_day
from sellerhealth.domain.states import StateSnapshot


def test_an_open_ip_complaint_starts_a_risk_review(policy):
    complaints = [violation("v1", plus(D, -10))]
    t = evaluate_day(healthy(D), compliance_facts(D, complaints, policy), policy)
    assert t is not None
    assert (t.to_state, t.kind, t.rule) == (S.UNDER_REVIEW, K.RISK, "ip_complaint")
    assert t.evidence["violation_ids"] == ["v1"]
    assert t.evidence["categories"] == {IP: 1}


def test_a_resolved_ip_complaint_does_not(policy):
    resolved = [violation("v1", plus(D, -10), status=r.ViolationStatus.RESOLVED, status_date=D)]
    assert evaluate_day(healthy(D), compliance_facts(D, resolved, policy), policy) is None


def test_five_open_ip_complaints_suspend_the_account(policy):
    # Repeat-infringement limit 5 in 180 days (amazon-policy.md 3.3); 4 only start a review.
    four = [violation(f"v{i}", plus(D, -20 - i)) for i in range(4)]
    fifth = violation("v9", D, "suspectedIntellectualPropertyViolations")
    review = StateSnapshot(S.UNDER_REVIEW, K.RISK, plus(D, -20))
    assert evaluate_day(review, compliance_facts(D, four, policy), policy) is None
    t = evaluate_day(review, compliance_facts(D, [*four, fifth], policy), policy)
    assert t is not None
    assert (t.from_state, t.to_state, t.rule) == (S.UNDER_REVIEW, S.SUSPENDED, "ip_repeat")
    assert t.evidence["count"] == 5
    assert t.evidence["violation_ids"] == ["v0", "v1", "v2", "v3", "v9"]


def test_a_critical_violation_zeroes_the_ahr_and_suspends(policy):
    critical = [violation("c1", D, "productSafetyCustomerComplaints", severity=r.Severity.CRITICAL)]
    facts = DayFacts(day=D, ahr=account_health_rating([], critical, D, policy))
    t = evaluate_day(healthy(D), facts, policy)
    assert t is not None
    assert (t.to_state, t.rule, t.evidence["score"]) == (S.SUSPENDED, "ahr_unhealthy", 0)
    assert t.evidence["violation_ids"] == ["c1"]


def test_a_high_share_of_negative_feedback_starts_a_risk_review(policy):
    # 90-day window; 1 negative of 10 ratings = 10% fires; 1 of 9 is too few ratings to judge.
    def left(n: int) -> list[r.Feedback]:
        return [r.Feedback("a", f"f{i}", plus(D, -i), 1 if i == 0 else 5) for i in range(n)]

    ten = DayFacts(day=D, feedback=negative_feedback_share(left(10), D, policy))
    nine = DayFacts(day=D, feedback=negative_feedback_share(left(9), D, policy))
    assert evaluate_day(healthy(D), nine, policy) is None
    t = evaluate_day(healthy(D), ten, policy)
    assert t is not None
    assert t.rule == "negative_feedback"
    assert (t.evidence["share"], t.evidence["order_ids"]) == (0.1, ["f0"])
