"""Alerts by e-mail: one SMTP conversation per attempt, STARTTLS and login when configured; the
password never appears in a repr, an error message or a log line.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sellerhealth.connectors.notify import (
    DeliveryError,
    as_text,
    log,
    masked,
    one_line,
    os_reason,
    plain,
)
from sellerhealth.domain.alerts import Alert


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
            f"password={masked(self._password)}, starttls={self.starttls!r}, "
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
        reply = f"server replied {exc.smtp_code} {as_text(exc.smtp_error)}"
        return DeliveryError(f"{where}: {reply}", retryable=400 <= exc.smtp_code < 500)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryError(f"{where}: connection lost: {exc}", retryable=True)
    if isinstance(exc, smtplib.SMTPException):  # no STARTTLS, no usable AUTH mechanism
        return DeliveryError(f"{where}: {exc}", retryable=False)
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = f"the server's TLS certificate is not trusted: {exc.verify_message}"
        return DeliveryError(f"{where}: {reason}", retryable=False)
    if isinstance(exc, OSError):  # refused, reset, timed out, name lookup
        return DeliveryError(f"{where}: {os_reason(exc)}", retryable=True)
    return exc


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{rcpt} ({code} {as_text(msg)})" for rcpt, (code, msg) in refused.items())


def email_message(alert: Alert, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail for an alert. Its Message-ID derives from the cause key, so a copy sent twice
    (a retry after a lost reply) is recognisable as the same message."""
    message = EmailMessage()
    subject = f"[sellerhealth] {alert.severity.upper()} {alert.account}: {alert.title}"
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sellerhealth"
    digest = hashlib.sha256(alert.cause_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}.sellerhealth@{one_line(domain)}>"
    message["X-Sellerhealth-Cause"] = one_line(alert.cause_key)
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
        lines += [f"  {key}: {plain(value)}" for key, value in alert.evidence.items()]
    message.set_content("\n".join(lines) + "\n")
    return message
