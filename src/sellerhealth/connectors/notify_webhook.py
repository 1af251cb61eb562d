"""Alerts by webhook: a signed JSON POST, or a Slack-style message; the URL (the credential of
Slack-style hooks) and the secret never appear in a repr, an error message or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import fields
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlsplit

from sellerhealth.connectors.notify import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_AGENT,
    DeliveryError,
    cut,
    json_default,
    masked,
    mrkdwn,
    one_line,
    os_reason,
    plain,
)
from sellerhealth.domain.alerts import Alert


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET without its body: fail instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class WebhookChannel:
    """A JSON POST of the alert (or a Slack message), signed with HMAC-SHA256 when a secret is
    set: `X-Sellerhealth-Signature: sha256=<hex of HMAC(secret, raw body)>`."""

    def __init__(
        self, url: str, secret: str | None = None, slack: bool = False, timeout: float = 5
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"a webhook URL must be http(s)://host/...: {redact_url(url)}")
        if any(c.isspace() or not c.isprintable() for c in url):
            raise ValueError(f"a webhook URL must not contain spaces: {redact_url(url)}")
        self._url = url
        self._secret = secret
        self.slack = slack
        self.timeout = timeout

    def __repr__(self) -> str:
        return (
            f"WebhookChannel(url={redact_url(self._url)!r}, secret={masked(self._secret)}, "
            f"slack={self.slack!r}, timeout={self.timeout!r})"
        )

    def send(self, alert: Alert) -> None:
        body = slack_body(alert) if self.slack else alert_json(alert)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: str(int(time.time())),
        }
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = signature(body, self._secret)
        request = urllib.request.Request(self._url, data=body, headers=headers, method="POST")
        where = f"webhook {redact_url(self._url)}"
        try:
            _OPENER.open(request, timeout=self.timeout).close()
            return
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, _answer(exc)
        except (OSError, http.client.HTTPException) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            trusted = not isinstance(reason, ssl.SSLCertVerificationError)
            text = os_reason(reason).replace(self._url, redact_url(self._url))
            # `from None`: the chained urllib error would carry the full URL.
            raise DeliveryError(f"{where}: {text}", retryable=trusted) from None
        if 300 <= status < 400:
            reason = f"redirected ({status}); configure the final URL"
            raise DeliveryError(f"{where}: {reason}", retryable=False)
        retryable = status == 429 or status >= 500
        raise DeliveryError(f"{where}: HTTP {status}{answer}", retryable=retryable)


def signature(body: bytes, secret: str) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def alert_json(alert: Alert) -> bytes:
    """The alert as a JSON object, its fields by name, dates as ISO 8601."""
    data = {f.name: getattr(alert, f.name) for f in fields(alert)}
    return json.dumps(data, default=json_default, ensure_ascii=False).encode()


def slack_body(alert: Alert) -> bytes:
    """A Slack incoming-webhook message: `text` for notifications, `blocks` for the layout."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(alert.title, 150)}},
    ]
    if alert.body.strip():
        section = {"type": "mrkdwn", "text": cut(mrkdwn(alert.body), 3000)}
        blocks.append({"type": "section", "text": section})
    facts = [
        {"type": "mrkdwn", "text": cut(f"*{mrkdwn(str(key))}*\n{mrkdwn(plain(value))}", 2000)}
        for key, value in alert.evidence.items()
        if isinstance(value, str | int | float | Decimal | Fraction | date)
    ][:10]
    if facts:
        blocks.append({"type": "section", "fields": facts})
    context = f"{alert.severity} · {alert.account} · {alert.rule} · {alert.created_on.isoformat()}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(context)}]})
    text = f"[{alert.severity.upper()}] {alert.account}: {alert.title}"
    return json.dumps({"text": mrkdwn(text), "blocks": blocks}, ensure_ascii=False).encode()


def redact_url(url: str) -> str:
    """`scheme://host[:port]/***`: the path and query of a hook URL are often its credential."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    rest = "/***" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def _answer(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(300).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        text = ""
    finally:
        exc.close()
    text = one_line(text).strip()
    return f": {text}" if text else ""
