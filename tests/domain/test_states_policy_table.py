"""Account states (SPEC section 5), the transition table itself: every trigger implemented, every
setting sourced, broken tables refused with every problem, and the capabilities of each state."""

from __future__ import annotations

import tomllib

import pytest
from tests.domain.state_builders import K, S

from sellerhealth.domain.policy import TRIGGER_PARAMS
from sellerhealth.domain.policy_read import policy_from_dict
from sellerhealth.domain.state_triggers import TRIGGERS
from sellerhealth.domain.states import CAPABILITY_NAMES, capabilities
from sellerhealth.errors import PolicyError
from sellerhealth.policy_files import policy_path

# --- the policy table ------------------------------------------------------------------------


def test_every_trigger_in_the_policy_vocabulary_is_implemented(policy):
    assert set(TRIGGERS) == set(TRIGGER_PARAMS)
    assert {rule.trigger for rule in policy.states.transitions} <= set(TRIGGERS)


def test_state_settings_cite_a_source(policy):
    for name in vars(policy.states):
        assert policy.sources[f"states.{name}"], name
    assert all(rule.source for rule in policy.states.transitions)


def test_capability_names_in_the_policy_are_known(policy):
    for name, granted in vars(policy.states).items():
        if name.startswith("capabilities_"):
            assert set(granted) <= set(CAPABILITY_NAMES), name


def test_a_broken_transition_table_reports_every_problem():
    raw = tomllib.loads(policy_path("amazon-us-2026").read_text(encoding="utf-8"))
    rules = raw["states"]["transitions"]["value"]
    rules[0]["to"] = "HEALTY"
    rules[3]["trigger"] = "odr_over"
    rules[4]["kind"] = "none"  # to UNDER_REVIEW without a kind of review
    del rules[5]["source"]
    rules[6]["params"]["at_least"] = 0
    with pytest.raises(PolicyError) as raised:
        policy_from_dict(raw)
    (problem,) = [p for p in raised.value.problems if p.startswith("states.transitions")]
    assert "[0] ip_repeat: to: 'HEALTY' is not one of" in problem
    assert "[3] odr_breach: trigger: 'odr_over' is not one of" in problem
    assert "[4] late_shipment_breach: kind 'none' does not fit `to` 'UNDER_REVIEW'" in problem
    assert "[5] cancellation_breach: source: missing" in problem
    assert "[6] ip_complaint: params.at_least: expected a whole number >= 1, got 0" in problem


# --- capabilities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "kind", "sell", "disburse", "appeal", "log_in"),
    [
        (S.HEALTHY, K.NONE, True, True, False, True),
        (S.UNDER_REVIEW, K.GROWTH, True, False, False, True),  # selling goes on, money held
        (S.UNDER_REVIEW, K.RISK, False, False, False, True),  # both held
        (S.SUSPENDED, K.NONE, False, False, True, True),  # an appeal is open
        (S.DEACTIVATED, K.NONE, False, False, False, False),  # final: no login, no appeal
    ],
)
def test_capabilities_of_each_state(policy, state, kind, sell, disburse, appeal, log_in):
    c = capabilities(state, kind, policy)
    assert (c.can_sell, c.can_receive_disbursements, c.can_appeal, c.can_log_in) == (
        sell,
        disburse,
        appeal,
        log_in,
    )


def test_under_review_needs_a_kind(policy):
    with pytest.raises(ValueError, match="no such state"):
        capabilities(S.UNDER_REVIEW, K.NONE, policy)
