"""The alert and the credentials the notification tests send, and the check that no secret of
them shows in what a person could read (errors, logs, reprs)."""

from __future__ import annotations

from datetime import date

from sellerhealth.domain.alerts import Alert

SMTP_LOGIN = "alerts@sellerhealth.test"
SMTP_PASSWORD = "s3cr3t-smtp-pw-7781"
WEBHOOK_SECRET = "whsec-9f2c-do-not-log"
SENDER = "sellerhealth@sellerhealth.test"
RECIPIENTS = ["ops@example.com", "owner@example.com"]

ALERT = Alert(
    account="acme",
    rule="odr",
    cause_key="acme|odr|MFN|2026-03-01",
    severity="critical",
    title="MFN order defect rate 1.2% is over the 1% target",
    body="12 of 1000 MFN orders have a defect: 9 negative feedback, 3 A-to-z claims.",
    evidence={"rate": 0.012, "orders": 1000, "window_end": date(2026, 2, 15)},
    created_on=date(2026, 3, 1),
)


def no_secrets_in(*texts: str) -> bool:
    return not any(s in text for text in texts for s in (SMTP_PASSWORD, WEBHOOK_SECRET))
