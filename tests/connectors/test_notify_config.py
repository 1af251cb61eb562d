"""Alert channels from the configuration: secrets from the environment or inline, defaults, and
every problem of a bad configuration reported without showing a secret.
Receivers: tests/connectors/conftest.py."""

from __future__ import annotations

import pytest
from tests.connectors.notify_cases import (
    ALERT,
    RECIPIENTS,
    SENDER,
    SMTP_LOGIN,
    SMTP_PASSWORD,
    WEBHOOK_SECRET,
    no_secrets_in,
)

from sellerhealth.connectors.notify import ChannelConfigError, deliver
from sellerhealth.connectors.notify_config import channels_from_config
from sellerhealth.connectors.notify_email import SmtpChannel
from sellerhealth.connectors.notify_webhook import WebhookChannel


def config(*channels):
    return {"channels": list(channels)}


def test_channels_from_config_with_secrets_from_the_environment(
    tls_smtp_server, receiver, certificate
):
    sink, port, _, _ = tls_smtp_server
    r = receiver(200, secret=WEBHOOK_SECRET)
    env = {
        "SELLERHEALTH_SMTP_PASSWORD": SMTP_PASSWORD,
        "SELLERHEALTH_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    cfg = config(
        {
            "type": "email",
            "host": "127.0.0.1",
            "port": port,
            "sender": SENDER,
            "to": RECIPIENTS,
            "username": SMTP_LOGIN,
            "password_env": "SELLERHEALTH_SMTP_PASSWORD",
            "starttls": True,
            "cafile": str(certificate[0]),
            "timeout": 2,
        },
        {"type": "webhook", "url": r.url, "secret_env": "SELLERHEALTH_WEBHOOK_SECRET"},
    )

    smtp, hook = channels_from_config(cfg, env)

    assert isinstance(smtp, SmtpChannel)
    assert isinstance(hook, WebhookChannel)
    assert no_secrets_in(repr(smtp), repr(hook))
    assert deliver(ALERT, smtp, sleep=pytest.fail).delivered
    assert deliver(ALERT, hook, sleep=pytest.fail).delivered
    assert len(sink.envelopes) == 1
    assert len(r.requests) == 1


def test_inline_secrets_and_defaults():
    email_table = {"type": "email", "host": "h", "sender": SENDER, "to": "ops@example.com"}
    [smtp, hook, slack] = channels_from_config(
        config(
            {**email_table, "username": "u", "password": SMTP_PASSWORD, "starttls": True},
            {"type": "webhook", "url": "https://example.com/h", "secret": WEBHOOK_SECRET},
            {"type": "webhook", "url_env": "HOOK", "slack": True},
        ),
        {"HOOK": "https://hooks.slack.com/services/T/B/token"},
    )

    assert (smtp.port, smtp.recipients, smtp.starttls, smtp.timeout) == (
        587,
        ("ops@example.com",),
        True,
        10.0,
    )
    assert hook.timeout == 5.0
    assert slack.slack
    assert "token" not in repr(slack)
    assert channels_from_config({}, {}) == []


def test_a_missing_environment_variable_is_named():
    cfg = config(
        {
            "type": "webhook",
            "url": "https://example.com/h",
            "secret_env": "SELLERHEALTH_WEBHOOK_SECRET",
        }
    )

    with pytest.raises(ChannelConfigError, match="SELLERHEALTH_WEBHOOK_SECRET") as failure:
        channels_from_config(cfg, {"SELLERHEALTH_WEBHOOK_SECRET": ""})

    assert "channels[0] (webhook)" in str(failure.value)


def test_every_problem_is_reported_and_no_secret_is_shown():
    cfg = config(
        {
            "type": "email",
            "sender": SENDER,
            "to": [],
            "password": SMTP_PASSWORD,
            "pasword_env": "X",
        },
        {"type": "webhook", "url": "ftp://example.com/x", "secret": WEBHOOK_SECRET, "slack": "yes"},
        {"type": "webhook", "url": "https://e.com", "secret": "a", "secret_env": "B"},
        {"type": "sms"},
    )

    with pytest.raises(ChannelConfigError) as failure:
        channels_from_config(cfg, {})

    message = str(failure.value)
    for problem in [
        "channels[0] (email): missing key 'host'",
        "channels[0] (email): to must be",
        "channels[0] (email): unknown key 'pasword_env'",
        "channels[0] (email): username and password",
        "channels[1] (webhook): slack must be true or false",
        "channels[2] (webhook): give secret_env or secret, not both",
        "channels[3]: type must be 'email' or 'webhook'",
    ]:
        assert problem in message
    assert no_secrets_in(message)


def test_a_bad_url_is_reported_without_its_path():
    with pytest.raises(ChannelConfigError, match="http") as failure:
        channels_from_config(
            config({"type": "webhook", "url": "ftp://example.com/secret-path"}), {}
        )
    assert "secret-path" not in str(failure.value)
