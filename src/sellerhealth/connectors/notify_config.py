"""The `[[channels]]` of an alerts config: e-mail and webhook channels, every problem listed at
once, secrets taken from the environment or the file but never echoed in a message.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

from sellerhealth.connectors.notify import Channel, ChannelConfigError, os_reason
from sellerhealth.connectors.notify_email import SmtpChannel
from sellerhealth.connectors.notify_webhook import WebhookChannel

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
            entry.problem(f"cafile {cafile!r} cannot be used: {os_reason(exc)}")
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
