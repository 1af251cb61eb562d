"""Shared fixtures: the shipped policy and builders for small hand-made cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerhealth.domain.policy import Policy
from sellerhealth.policy_files import load_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


def day(text: str) -> date:
    return date.fromisoformat(text)


def days_before(as_of: date, n: int) -> date:
    return as_of - timedelta(days=n)
