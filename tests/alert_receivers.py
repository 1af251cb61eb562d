"""Real receivers for alert tests: an SMTP server (aiosmtpd) and an HTTP receiver, both on
127.0.0.1 on free ports. The HTTP receiver checks the HMAC signature of every POST."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.serving import free_port

SMTP_LOGIN = "watch@sellerhealth.test"
SMTP_PASSWORD = "smtp-pw-Qz81-never-shown"
WEBHOOK_SECRET = "whsec-4d1e-never-shown"

logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's own deprecation chatter


class SmtpReceiver:
    """aiosmtpd on a free port, with AUTH (one login) allowed without TLS for the test."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[bytes] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                receiver.messages.append(
                    email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                )
                return "250 Message accepted for delivery"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login == SMTP_LOGIN.encode()
                and auth_data.password == SMTP_PASSWORD.encode()
            )
            if ok:
                receiver.logins.append(auth_data.login)
            return AuthResult(success=ok, handled=False)

        self.port = free_port()
        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            authenticator=authenticate,
            auth_require_tls=False,
        )

    def start(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]).strip() for m in self.messages]


class HttpReceiver:
    """Answers every POST with `status` (after `delay` seconds); records the verified bodies.
    A POST with a bad or missing signature is answered 401 and counted in `bad_signatures`."""

    def __init__(self, port: int | None = None, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.bodies: list[dict] = []
        self.bad_signatures = 0
        self.posts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts += 1
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                mac = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
                given = self.headers.get("X-Sellerhealth-Signature", "")
                status = receiver.status
                if not hmac.compare_digest(given, f"sha256={mac}"):
                    receiver.bad_signatures += 1
                    status = 401
                elif 200 <= status < 300:
                    receiver.bodies.append(json.loads(body))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.port = port or free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/sellerhealth"

    def start(self) -> HttpReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def config_text(
    smtp_port: int,
    webhook_url: str,
    *,
    digest: bool = False,
    rules: str = "",
    hook_timeout: float = 0.5,
) -> str:
    """An alerts config with both channels (secrets from the environment) and the rules."""
    return f"""
[watch]
digest = {"true" if digest else "false"}
attempts = 3
backoff = 0.01

{rules}

[[channels]]
name = "mail"
type = "email"
host = "127.0.0.1"
port = {smtp_port}
username = "{SMTP_LOGIN}"
password_env = "TEST_SMTP_PASSWORD"
sender = "alerts@sellerhealth.test"
to = ["ops@example.com"]
timeout = 2

[[channels]]
name = "hook"
type = "webhook"
url = "{webhook_url}"
secret_env = "TEST_WEBHOOK_SECRET"
timeout = {hook_timeout}
"""


SECRET_ENV = {"TEST_SMTP_PASSWORD": SMTP_PASSWORD, "TEST_WEBHOOK_SECRET": WEBHOOK_SECRET}
