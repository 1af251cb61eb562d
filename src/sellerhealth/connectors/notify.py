"""Delivering alerts: e-mail over SMTP and JSON webhooks, retried with backoff.

A channel's `send(alert)` makes one attempt and raises `DeliveryError` saying whether another
attempt may succeed; `deliver(alert, channel)` makes the attempts and never raises for a delivery
problem, so the caller keeps an undelivered alert for the next run instead of losing it.

Secrets (SMTP password, webhook secret, and the webhook URL itself, which is the credential for
Slack-style hooks) never appear in a repr, an error message or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from fractions import Fraction
from typing import Any, Protocol
from urllib.parse import urlsplit

from sellerhealth import __version__
from sellerhealth.domain.alerts import Alert
from sellerhealth.errors import SellerhealthError

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sellerhealth-Signature"
TIMESTAMP_HEADER = "X-Sellerhealth-Timestamp"
USER_AGENT = f"sellerhealth/{__version__}"


class DeliveryError(SellerhealthError):
    """One attempt to send an alert failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class ChannelConfigError(SellerhealthError):
    """The channel configuration has problems; every problem is listed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(problems)
        super().__init__(f"{listed}\nfix the channel configuration; no alert was sent")


class Channel(Protocol):
    def send(self, alert: Alert) -> None: ...


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    delivered: bool
    attempts: int
    error: str | None = None


def deliver(
    alert: Alert,
    channel: Channel,
    *,
    attempts: int = 5,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    max_backoff: float = 60.0,
) -> DeliveryResult:
    """Send `alert` through `channel`, retrying connection errors, timeouts, 5xx and 429 after
    `backoff`, `2*backoff`, `4*backoff`, ... seconds (at most `max_backoff`). A permanent
    failure (another 4xx, refused login) is not retried."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    what = f"alert {alert.cause_key} via {channel!r}"
    for attempt in range(1, attempts + 1):
        try:
            channel.send(alert)
        except DeliveryError as exc:
            if not exc.retryable or attempt == attempts:
                why = "attempts exhausted" if exc.retryable else "permanent failure"
                log.warning(
                    "%s not delivered after %d attempt(s) (%s): %s", what, attempt, why, exc
                )
                return DeliveryResult(delivered=False, attempts=attempt, error=str(exc))
            delay = min(backoff * 2 ** (attempt - 1), max_backoff)
            log.info(
                "%s failed (attempt %d of %d): %s; retry in %.2fs",
                what,
                attempt,
                attempts,
                exc,
                delay,
            )
            sleep(delay)
        else:
            log.info("%s delivered (attempt %d)", what, attempt)
            return DeliveryResult(delivered=True, attempts=attempt)
    raise AssertionError("unreachable")  # pragma: no cover


# --- e-mail -----------------------------------------------------------------------------------


class SmtpChannel:
    """E-mail through an SMTP server, optionally upgraded with STARTTLS and logged in."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if isinstance(recipients, str):
            recipients = [recipients]
        if not recipients:
            raise ValueError("an e-mail channel needs at least one recipient")
        if (username is None) != (password is None):
            raise ValueError("an SMTP username and password go together: give both or neither")
        self.host = host
        self.port = port
        self.sender = sender
        self.recipients = tuple(recipients)
        self.username = username
        self._password = password
        self.starttls = starttls
        self.timeout = timeout
        self._ssl_context = ssl_context

    def __repr__(self) -> str:
        return (
            f"SmtpChannel(host={self.host!r}, port={self.port!r}, sender={self.sender!r}, "
            f"recipients={list(self.recipients)!r}, username={self.username!r}, "
            f"password={_masked(self._password)}, starttls={self.starttls!r}, "
            f"timeout={self.timeout!r})"
        )

    def send(self, alert: Alert) -> None:
        message = email_message(alert, self.sender, self.recipients)
        where = f"e-mail via {self.host}:{self.port}"
        smtp: smtplib.SMTP | None = None
        refused: dict[str, tuple[int, bytes]] | None = None
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=self._ssl_context or ssl.create_default_context())
            if self.username is not None and self._password is not None:
                smtp.login(self.username, self._password)
            refused = smtp.send_message(message)
        except Exception as exc:
            failure = _smtp_failure(where, exc)
            if failure is exc:
                raise
            raise failure from exc
        finally:
            if smtp is not None:
                _hang_up(smtp, polite=refused is not None)
        if refused:
            log.warning("%s: some recipients were refused: %s", where, _refusals(refused))


def _hang_up(smtp: smtplib.SMTP, polite: bool) -> None:
    """QUIT after a sent message, but a failing QUIT must not turn a delivered message into a
    retried duplicate; after a failure, just close."""
    if polite:
        try:
            smtp.quit()
            return
        except (smtplib.SMTPException, OSError):
            pass
    smtp.close()


def _smtp_failure(where: str, exc: Exception) -> Exception:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        reason = f"every recipient was refused: {_refusals(exc.recipients)}"
        return DeliveryError(f"{where}: {reason}", retryable=transient)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = f"server replied {exc.smtp_code} {_text(exc.smtp_error)}"
        return DeliveryError(f"{where}: {reply}", retryable=400 <= exc.smtp_code < 500)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryError(f"{where}: connection lost: {exc}", retryable=True)
    if isinstance(exc, smtplib.SMTPException):  # no STARTTLS, no usable AUTH mechanism
        return DeliveryError(f"{where}: {exc}", retryable=False)
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = f"the server's TLS certificate is not trusted: {exc.verify_message}"
        return DeliveryError(f"{where}: {reason}", retryable=False)
    if isinstance(exc, OSError):  # refused, reset, timed out, name lookup
        return DeliveryError(f"{where}: {_os_reason(exc)}", retryable=True)
    return exc


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{rcpt} ({code} {_text(msg)})" for rcpt, (code, msg) in refused.items())


def email_message(alert: Alert, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail for an alert. Its Message-ID derives from the cause key, so a copy sent twice
    (a retry after a lost reply) is recognisable as the same message."""
    message = EmailMessage()
    subject = f"[sellerhealth] {alert.severity.upper()} {alert.account}: {alert.title}"
    message["Subject"] = _one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sellerhealth"
    digest = hashlib.sha256(alert.cause_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}.sellerhealth@{_one_line(domain)}>"
    message["X-Sellerhealth-Cause"] = _one_line(alert.cause_key)
    lines = [
        alert.body,
        "",
        f"Account:  {alert.account}",
        f"Rule:     {alert.rule}",
        f"Severity: {alert.severity}",
        f"Date:     {alert.created_on.isoformat()}",
    ]
    if alert.evidence:
        lines += ["", "Evidence:"]
        lines += [f"  {key}: {_plain(value)}" for key, value in alert.evidence.items()]
    message.set_content("\n".join(lines) + "\n")
    return message


# --- webhooks ---------------------------------------------------------------------------------


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
            f"WebhookChannel(url={redact_url(self._url)!r}, secret={_masked(self._secret)}, "
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
            text = _os_reason(reason).replace(self._url, redact_url(self._url))
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
    return json.dumps(data, default=_json_default, ensure_ascii=False).encode()


def slack_body(alert: Alert) -> bytes:
    """A Slack incoming-webhook message: `text` for notifications, `blocks` for the layout."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(alert.title, 150)}},
    ]
    if alert.body.strip():
        section = {"type": "mrkdwn", "text": _cut(_mrkdwn(alert.body), 3000)}
        blocks.append({"type": "section", "text": section})
    facts = [
        {"type": "mrkdwn", "text": _cut(f"*{_mrkdwn(str(key))}*\n{_mrkdwn(_plain(value))}", 2000)}
        for key, value in alert.evidence.items()
        if isinstance(value, str | int | float | Decimal | Fraction | date)
    ][:10]
    if facts:
        blocks.append({"type": "section", "fields": facts})
    context = f"{alert.severity} · {alert.account} · {alert.rule} · {alert.created_on.isoformat()}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(context)}]})
    text = f"[{alert.severity.upper()}] {alert.account}: {alert.title}"
    return json.dumps({"text": _mrkdwn(text), "blocks": blocks}, ensure_ascii=False).encode()


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
    text = _one_line(text).strip()
    return f": {text}" if text else ""


# --- configuration ----------------------------------------------------------------------------

_EMAIL_KEYS = frozenset(
    {"type", "host", "port", "sender", "to", "username", "password", "password_env"}
    | {"starttls", "timeout", "cafile"}
)
_WEBHOOK_KEYS = frozenset({"type", "url", "url_env", "secret", "secret_env", "slack", "timeout"})


def channels_from_config(config: Mapping[str, Any], env: Mapping[str, str]) -> list[Channel]:
    """The channels of a parsed TOML document's `[[channels]]` tables.

    Secrets come from the environment variable named by `password_env` / `secret_env` (or
    `url_env` for a webhook URL), or from an inline `password` / `secret` / `url` key. Every
    problem is reported together in a `ChannelConfigError`; no message carries a secret."""
    entries = config.get("channels", [])
    if not isinstance(entries, list):
        raise ChannelConfigError(["channels: must be an array of tables ([[channels]])"])
    channels: list[Channel] = []
    problems: list[str] = []
    for index, table in enumerate(entries):
        if not isinstance(table, Mapping):
            problems.append(f"channels[{index}]: must be a table")
            continue
        kind = table.get("type")
        if kind not in ("email", "webhook"):
            problems.append(f"channels[{index}]: type must be 'email' or 'webhook', not {kind!r}")
            continue
        entry = _Entry(f"channels[{index}] ({kind})", table, env)
        channel = _email(entry) if kind == "email" else _webhook(entry)
        problems += entry.problems
        if channel is not None and not entry.problems:
            channels.append(channel)
    if problems:
        raise ChannelConfigError(problems)
    return channels


def _email(entry: _Entry) -> Channel | None:
    entry.only(_EMAIL_KEYS)
    host = entry.value("host", str)
    sender = entry.value("sender", str)
    to = entry.value("to", (list, str))
    recipients = [to] if isinstance(to, str) else to
    if recipients is not None and (
        not recipients or not all(isinstance(r, str) and r for r in recipients)
    ):
        entry.problem("to must be an e-mail address or a non-empty list of them")
    starttls = entry.value("starttls", bool, default=False)
    port = entry.value("port", int, default=587 if starttls else 25)
    if isinstance(port, int) and not 0 < port < 65536:
        entry.problem("port must be between 1 and 65535")
    timeout = entry.timeout(default=10)
    username = entry.value("username", str, default=None)
    password = entry.secret("password", "password_env")
    has_password = "password" in entry.table or "password_env" in entry.table
    if ("username" in entry.table) != has_password:
        entry.problem("username and password (or password_env) go together")
    context = None
    cafile = entry.value("cafile", str, default=None)
    if cafile is not None:
        try:
            context = ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            entry.problem(f"cafile {cafile!r} cannot be used: {_os_reason(exc)}")
    if entry.problems or host is None or sender is None or recipients is None:
        return None
    return SmtpChannel(
        host,
        port,
        sender,
        recipients,
        username=username,
        password=password,
        starttls=starttls,
        timeout=timeout,
        ssl_context=context,
    )


def _webhook(entry: _Entry) -> Channel | None:
    entry.only(_WEBHOOK_KEYS)
    url = entry.secret("url", "url_env", required=True)
    secret = entry.secret("secret", "secret_env")
    slack = entry.value("slack", bool, default=False)
    timeout = entry.timeout(default=5)
    if entry.problems or url is None:
        return None
    try:
        return WebhookChannel(url, secret=secret, slack=slack, timeout=timeout)
    except ValueError as exc:  # the message shows the URL redacted
        entry.problem(str(exc))
        return None


class _Entry:
    """Reads one `[[channels]]` table, collecting problems. Messages name keys and environment
    variables, never a value that could be a secret."""

    def __init__(self, where: str, table: Mapping[str, Any], env: Mapping[str, str]) -> None:
        self.where = where
        self.table = table
        self.env = env
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.where}: {text}")

    def only(self, allowed: frozenset[str]) -> None:
        for key in self.table:
            if key not in allowed:
                self.problem(f"unknown key {key!r} (known: {', '.join(sorted(allowed))})")

    _REQUIRED: Any = object()

    def value(self, key: str, kind: type | tuple[type, ...], default: Any = _REQUIRED) -> Any:
        if key not in self.table:
            if default is _Entry._REQUIRED:
                self.problem(f"missing key {key!r}")
                return None
            return default
        value = self.table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = kind if isinstance(kind, tuple) else (kind,)
            wanted = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in names)
            self.problem(f"{key} must be {wanted}")
            return None if default is _Entry._REQUIRED else default
        return value

    def timeout(self, default: float) -> float:
        timeout = self.value("timeout", (int, float), default=default)
        if timeout <= 0:
            self.problem("timeout must be a positive number of seconds")
        return float(timeout)

    def secret(self, key: str, env_key: str, required: bool = False) -> str | None:
        inline, variable = self.table.get(key), self.table.get(env_key)
        if inline is not None and variable is not None:
            self.problem(f"give {env_key} or {key}, not both")
            return None
        if variable is not None:
            if not isinstance(variable, str) or not variable:
                self.problem(f"{env_key} must be the name of an environment variable")
                return None
            value = self.env.get(variable)
            if not value:
                self.problem(
                    f"environment variable {variable} (named by {env_key}) is not set or is "
                    f"empty; set it, or give {key} in the config file"
                )
                return None
            return value
        if inline is not None:
            if not isinstance(inline, str) or not inline:
                self.problem(f"{key} must be a non-empty string")
                return None
            return inline
        if required:
            self.problem(f"missing key {key!r} (or {env_key!r})")
        return None


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
}


# --- small helpers ----------------------------------------------------------------------------


def _masked(secret: str | None) -> str:
    return "None" if secret is None else "'***'"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _os_reason(exc: BaseException | str) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return float(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)
