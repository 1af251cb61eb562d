"""Alerts by e-mail through a real SMTP server (aiosmtpd) on 127.0.0.1: the message, AUTH LOGIN
over STARTTLS, and which failures are retried.
Receivers: tests/connectors/conftest.py."""

from __future__ import annotations

import email
import email.policy
import logging

import pytest
from tests.connectors.notify_cases import (
    ALERT,
    RECIPIENTS,
    SENDER,
    SMTP_LOGIN,
    SMTP_PASSWORD,
    no_secrets_in,
)
from tests.serving import free_port

from sellerhealth.connectors.notify import DeliveryError, deliver
from sellerhealth.connectors.notify_email import SmtpChannel


def test_email_reaches_the_smtp_server_with_subject_body_and_recipients(smtp_server):
    sink, port = smtp_server()

    SmtpChannel("127.0.0.1", port, SENDER, RECIPIENTS, timeout=2).send(ALERT)

    [envelope] = sink.envelopes
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == RECIPIENTS
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == f"[sellerhealth] CRITICAL acme: {ALERT.title}"
    assert message["To"] == ", ".join(RECIPIENTS)
    assert message["X-Sellerhealth-Cause"] == ALERT.cause_key
    assert message["Message-ID"].endswith("@sellerhealth.test>")
    text = message.get_content()
    assert ALERT.body in text
    assert "rate: 0.012" in text
    assert "window_end: 2026-02-15" in text


def test_the_same_alert_keeps_its_message_id_so_a_retried_copy_is_recognisable(smtp_server):
    sink, port = smtp_server()
    channel = SmtpChannel("127.0.0.1", port, SENDER, RECIPIENTS[:1], timeout=2)

    channel.send(ALERT)
    channel.send(ALERT)

    ids = [
        email.message_from_bytes(e.original_content, policy=email.policy.default)["Message-ID"]
        for e in sink.envelopes
    ]
    assert ids[0] == ids[1]


def test_auth_login_over_starttls(tls_smtp_server):
    sink, port, accounts, client_context = tls_smtp_server
    channel = SmtpChannel(
        "127.0.0.1",
        port,
        SENDER,
        RECIPIENTS,
        username=SMTP_LOGIN,
        password=SMTP_PASSWORD,
        starttls=True,
        timeout=2,
        ssl_context=client_context,
    )

    result = deliver(ALERT, channel, sleep=pytest.fail)

    assert result.delivered
    assert result.attempts == 1
    assert accounts.mechanisms == ["LOGIN"]
    [envelope] = sink.envelopes
    assert envelope.rcpt_tos == RECIPIENTS


def test_a_wrong_password_is_not_retried_and_not_shown(tls_smtp_server, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    sink, port, _, client_context = tls_smtp_server
    wrong = SMTP_PASSWORD + "-wrong"
    channel = SmtpChannel(
        "127.0.0.1",
        port,
        SENDER,
        RECIPIENTS,
        username=SMTP_LOGIN,
        password=wrong,
        starttls=True,
        timeout=2,
        ssl_context=client_context,
    )

    with pytest.raises(DeliveryError) as failure:
        channel.send(ALERT)
    result = deliver(ALERT, channel, attempts=3, sleep=pytest.fail)

    assert not failure.value.retryable
    assert "535" in str(failure.value)
    assert (result.delivered, result.attempts) == (False, 1)
    assert sink.envelopes == []
    out, err = capsys.readouterr()
    assert no_secrets_in(str(failure.value), result.error or "", caplog.text, out, err)
    assert wrong not in caplog.text


def test_an_untrusted_certificate_is_a_permanent_failure(tls_smtp_server):
    _, port, _, _ = tls_smtp_server
    channel = SmtpChannel(
        "127.0.0.1",
        port,
        SENDER,
        RECIPIENTS,
        username=SMTP_LOGIN,
        password=SMTP_PASSWORD,
        starttls=True,
        timeout=2,
    )  # the system's CAs do not know the test certificate

    with pytest.raises(DeliveryError, match="certificate is not trusted") as failure:
        channel.send(ALERT)

    assert not failure.value.retryable


def test_starttls_asked_of_a_server_without_it_is_a_permanent_failure(smtp_server):
    _, port = smtp_server()
    channel = SmtpChannel("127.0.0.1", port, SENDER, RECIPIENTS, starttls=True, timeout=2)

    with pytest.raises(DeliveryError, match="STARTTLS") as failure:
        channel.send(ALERT)

    assert not failure.value.retryable


def test_smtp_server_down_is_retried_with_backoff_and_reported_not_raised():
    sleeps = []
    channel = SmtpChannel("127.0.0.1", free_port(), SENDER, RECIPIENTS, timeout=1)

    result = deliver(ALERT, channel, attempts=3, backoff=0.5, sleep=sleeps.append)

    assert (result.delivered, result.attempts) == (False, 3)
    assert sleeps == [0.5, 1.0]
    assert "refused" in (result.error or "")
