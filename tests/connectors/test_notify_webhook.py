"""Alerts by webhook to a real HTTP receiver on 127.0.0.1: the signed JSON or Slack body, which
answers are retried with backoff, timeouts, and the hook URL's path kept secret.
Receivers: tests/connectors/conftest.py."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest
from tests.connectors.notify_cases import ALERT, WEBHOOK_SECRET, no_secrets_in
from tests.serving import free_port

from sellerhealth.connectors.notify import deliver
from sellerhealth.connectors.notify_webhook import WebhookChannel
from sellerhealth.domain.alerts import Alert


def test_webhook_posts_the_alert_as_json_signed_with_hmac(receiver):
    r = receiver(200, secret=WEBHOOK_SECRET)
    before = int(time.time())

    result = deliver(ALERT, WebhookChannel(r.url, secret=WEBHOOK_SECRET, timeout=2))

    assert (result.delivered, result.attempts) == (True, 1)
    [(path, headers, raw)] = r.requests
    assert path == "/hooks/T0001/B0002/xyzzy-token"
    names = [name for name, _ in headers.items()]  # as sent on the wire
    assert {"X-Sellerhealth-Signature", "X-Sellerhealth-Timestamp"} <= set(names)
    assert headers["Content-Type"] == "application/json"
    expected = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Sellerhealth-Signature"] == f"sha256={expected}"
    assert before <= int(headers["X-Sellerhealth-Timestamp"]) <= int(time.time())
    assert json.loads(raw) == {
        "account": "acme",
        "rule": "odr",
        "cause_key": "acme|odr|MFN|2026-03-01",
        "severity": "critical",
        "title": ALERT.title,
        "body": ALERT.body,
        "evidence": {"rate": 0.012, "orders": 1000, "window_end": "2026-02-15"},
        "created_on": "2026-03-01",
    }


def test_a_wrong_secret_fails_the_receivers_check(receiver):
    r = receiver(200, secret=WEBHOOK_SECRET)

    result = deliver(ALERT, WebhookChannel(r.url, secret="not-the-secret", timeout=2))

    assert (result.delivered, result.attempts) == (False, 1)
    assert "HTTP 401" in (result.error or "")


def test_no_signature_header_without_a_secret(receiver):
    r = receiver(200)

    WebhookChannel(r.url, timeout=2).send(ALERT)

    [(_, headers, _)] = r.requests
    assert "X-Sellerhealth-Signature" not in headers
    assert "X-Sellerhealth-Timestamp" in headers


def test_slack_body(receiver):
    r = receiver(200, secret=WEBHOOK_SECRET)
    alert = Alert(**{**vars_of(ALERT), "body": "rate <1.2%> & rising"})

    WebhookChannel(r.url, secret=WEBHOOK_SECRET, slack=True, timeout=2).send(alert)

    [body] = r.bodies()
    assert body["text"] == f"[CRITICAL] acme: {ALERT.title}"
    types = [block["type"] for block in body["blocks"]]
    assert types == ["header", "section", "section", "context"]
    assert body["blocks"][0]["text"] == {"type": "plain_text", "text": ALERT.title}
    assert body["blocks"][1]["text"]["text"] == "rate &lt;1.2%&gt; &amp; rising"
    facts = [field["text"] for field in body["blocks"][2]["fields"]]
    assert facts == ["*rate*\n0.012", "*orders*\n1000", "*window_end*\n2026-02-15"]


def vars_of(alert: Alert) -> dict:
    return {name: getattr(alert, name) for name in alert.__dataclass_fields__}


@pytest.mark.parametrize(
    ("script", "attempts", "sleeps"),
    [
        ((503, 503, 200), 3, [0.5, 1.0]),
        ((429, 200), 2, [0.5]),
        ((500, 502, 504, 200), 4, [0.5, 1.0, 2.0]),
    ],
)
def test_5xx_and_429_are_retried_with_exponential_backoff(receiver, script, attempts, sleeps):
    r = receiver(*script)
    slept = []

    result = deliver(ALERT, WebhookChannel(r.url, timeout=2), backoff=0.5, sleep=slept.append)

    assert (result.delivered, result.attempts) == (True, attempts)
    assert slept == sleeps
    bodies = r.bodies()
    assert len(bodies) == attempts
    assert all(body == bodies[0] for body in bodies)  # the same alert each time


def test_backoff_is_capped():
    slept = []
    channel = WebhookChannel(f"http://127.0.0.1:{free_port()}/hook", timeout=1)

    deliver(ALERT, channel, attempts=5, backoff=1, max_backoff=3, sleep=slept.append)

    assert slept == [1, 2, 3, 3]


def test_receiver_down_is_retried_then_reported_not_raised(caplog):
    caplog.set_level(logging.INFO)
    slept = []
    channel = WebhookChannel(f"http://127.0.0.1:{free_port()}/hook", WEBHOOK_SECRET, timeout=1)

    result = deliver(ALERT, channel, attempts=4, backoff=0.5, sleep=slept.append)

    assert (result.delivered, result.attempts) == (False, 4)
    assert slept == [0.5, 1.0, 2.0]
    assert "refused" in (result.error or "")
    assert "not delivered" in caplog.text
    assert no_secrets_in(caplog.text)


def test_slow_receiver_beyond_the_timeout_is_retried(receiver):
    r = receiver((200, 5.0), 200)  # first answer would take 5 s, the client waits 0.2 s
    slept = []
    started = time.monotonic()

    result = deliver(ALERT, WebhookChannel(r.url, timeout=0.2), sleep=slept.append)

    assert (result.delivered, result.attempts) == (True, 2)
    assert slept == [0.5]
    assert time.monotonic() - started < 2


def test_slow_receiver_every_time_is_not_delivered(receiver):
    r = receiver((200, 5.0))
    result = deliver(ALERT, WebhookChannel(r.url, timeout=0.2), attempts=2, sleep=lambda _: None)

    assert (result.delivered, result.attempts) == (False, 2)
    assert "timed out" in (result.error or "")


@pytest.mark.parametrize("status", [400, 403, 404, 410, 302])
def test_other_4xx_and_redirects_are_not_retried(receiver, status):
    r = receiver(status)

    result = deliver(ALERT, WebhookChannel(r.url, timeout=2), sleep=pytest.fail)

    assert (result.delivered, result.attempts) == (False, 1)
    assert len(r.requests) == 1
    if status == 400:
        assert result.error is not None
        assert result.error.endswith("HTTP 400: invalid_payload")


def test_hook_url_path_is_treated_as_a_secret(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    r = receiver(400)
    channel = WebhookChannel(r.url, timeout=2)

    result = deliver(ALERT, channel)

    assert "xyzzy-token" not in repr(channel)
    assert "xyzzy-token" not in (result.error or "")
    assert "xyzzy-token" not in caplog.text
    assert "/***" in repr(channel)
