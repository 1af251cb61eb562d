"""Helpers for the feedback triage tests: classify one comment with the bundled rules (the
`rules` fixture of tests/domain/conftest.py) and read the reasons given."""

from __future__ import annotations

from sellerhealth.domain.records import Channel
from sellerhealth.domain.triage import Classification, classify

AFN, MFN = Channel.AFN, Channel.MFN


def triage(rules, comment, channel=MFN, on_time=False, rating=1):
    return classify(comment, rating, channel, on_time, rules)


def said(classification: Classification) -> str:
    return "\n".join(classification.reasons)
