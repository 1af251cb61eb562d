"""Alert channels never show their secrets: not in reprs, failures or logs.
Receivers: tests/connectors/conftest.py."""

from __future__ import annotations

import logging

from tests.connectors.notify_cases import (
    ALERT,
    RECIPIENTS,
    SENDER,
    SMTP_PASSWORD,
    WEBHOOK_SECRET,
    no_secrets_in,
)

from sellerhealth.connectors.notify import deliver
from sellerhealth.connectors.notify_email import SmtpChannel
from sellerhealth.connectors.notify_webhook import WebhookChannel


def test_reprs_hide_secrets():
    smtp = SmtpChannel(
        "mail.example.com", 587, SENDER, RECIPIENTS, username="u", password=SMTP_PASSWORD
    )
    hook = WebhookChannel("https://hooks.example.com/x", secret=WEBHOOK_SECRET)

    assert "password='***'" in repr(smtp)
    assert "secret='***'" in repr(hook)
    assert no_secrets_in(repr(smtp), str(smtp), repr(hook), str(hook), repr([smtp, hook]))
    assert "password=None" in repr(SmtpChannel("h", 25, SENDER, RECIPIENTS))


def test_failures_and_logs_never_show_secrets(smtp_server, receiver, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    _, port = smtp_server()  # no AUTH offered: login fails
    r = receiver(503)
    smtp = SmtpChannel(
        "127.0.0.1", port, SENDER, RECIPIENTS, username="u", password=SMTP_PASSWORD, timeout=2
    )
    hook = WebhookChannel(r.url, secret=WEBHOOK_SECRET, timeout=2)

    results = [deliver(ALERT, c, attempts=2, sleep=lambda _: None) for c in (smtp, hook)]

    assert [res.delivered for res in results] == [False, False]
    out, err = capsys.readouterr()
    assert no_secrets_in(caplog.text, out, err, *(res.error or "" for res in results))
