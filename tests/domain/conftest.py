"""Fixtures of the domain tests: the bundled triage rules and message templates, compiled once
per module (the rules take a moment to compile; no test changes them)."""

from __future__ import annotations

import pytest

from sellerhealth.domain.messages import MessageTemplates
from sellerhealth.domain.triage_model import TriageRules
from sellerhealth.ingest.triage_rules import load_message_templates, load_triage_rules


@pytest.fixture(scope="module")
def rules() -> TriageRules:
    return load_triage_rules()


@pytest.fixture(scope="module")
def templates() -> MessageTemplates:
    return load_message_templates()
