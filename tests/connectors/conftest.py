"""Real receivers for the notification tests, on 127.0.0.1 on free ports: an SMTP server
(aiosmtpd, plain or STARTTLS with a self-signed certificate) and a scripted HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from tests.connectors.notify_cases import SMTP_LOGIN, SMTP_PASSWORD
from tests.serving import free_port


class Sink:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class Accounts:
    """aiosmtpd authenticator knowing one login; records the mechanisms used."""

    def __init__(self) -> None:
        self.mechanisms = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.mechanisms.append(mechanism)
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == SMTP_LOGIN.encode() and auth_data.password == SMTP_PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    controllers = []

    def start(**options):
        sink = Sink()
        controller = Controller(
            sink, hostname="127.0.0.1", port=free_port(), server_hostname="localhost", **options
        )
        controller.start()
        controllers.append(controller)
        return sink, controller.port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_smtp_server(smtp_server, certificate):
    """STARTTLS required, AUTH LOGIN only (PLAIN excluded), AUTH only after TLS."""
    cert, key = certificate
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    accounts = Accounts()
    sink, port = smtp_server(
        tls_context=server_context,
        require_starttls=True,
        authenticator=accounts,
        auth_require_tls=True,
        auth_exclude_mechanism=["PLAIN"],
    )
    return sink, port, accounts, ssl.create_default_context(cafile=str(cert))


class Receiver:
    """A scripted HTTP receiver: each POST gets the next (status, delay) of the script, then the
    last one again. Records headers and raw bodies; answers 401 to a bad signature."""

    def __init__(self, script, secret=None) -> None:
        self.script = list(script)
        self.secret = secret
        self.requests = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, self.headers, body))
                status, delay = receiver.next()
                if delay:
                    receiver.release.wait(delay)
                if receiver.secret is not None:
                    mac = hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                    given = self.headers.get("X-Sellerhealth-Signature", "")
                    if not hmac.compare_digest(given, f"sha256={mac}"):
                        status = 401
                answer = b"invalid_payload" if status == 400 else b"ok"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    if 300 <= status < 400:
                        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def next(self):
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return step if isinstance(step, tuple) else (step, 0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0001/B0002/xyzzy-token"

    def bodies(self):
        return [json.loads(body) for _, _, body in self.requests]


@pytest.fixture
def receiver():
    started = []

    def start(*script, secret=None):
        r = Receiver(script or [200], secret=secret)
        r.thread.start()
        started.append(r)
        return r

    yield start
    for r in started:
        r.release.set()
        r.server.shutdown()
        r.server.server_close()
