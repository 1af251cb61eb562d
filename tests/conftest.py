"""Shared fixtures: the shipped policy and builders for small hand-made cases."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from sellerhealth.domain.policy import Policy
from sellerhealth.policy_files import load_policy

# The CLI's tables are as wide as COLUMNS says (160 when unset, see cli.common); test workers
# may inherit a narrower one, which wraps the lines the tests look for.
os.environ["COLUMNS"] = "160"


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


def day(text: str) -> date:
    return date.fromisoformat(text)


def days_before(as_of: date, n: int) -> date:
    return as_of - timedelta(days=n)
