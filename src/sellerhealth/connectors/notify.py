"""Delivering alerts: e-mail over SMTP and JSON webhooks, retried with backoff.

A channel's `send(alert)` makes one attempt and raises `DeliveryError` saying whether another
attempt may succeed; `deliver(alert, channel)` makes the attempts and never raises for a delivery
problem, so the caller keeps an undelivered alert for the next run instead of losing it.

The channels are in `notify_email` and `notify_webhook`, read from a config file by
`notify_config`; this module holds what they share.

Secrets (SMTP password, webhook secret, and the webhook URL itself, which is the credential for
Slack-style hooks) never appear in a repr, an error message or a log line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

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


# --- small helpers ----------------------------------------------------------------------------


def masked(secret: str | None) -> str:
    return "None" if secret is None else "'***'"


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


def as_text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def os_reason(exc: BaseException | str) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return json.dumps(value, default=json_default, ensure_ascii=False)


def json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return float(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)
