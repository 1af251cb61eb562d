"""Alerts go through a real SMTP server (aiosmtpd) and a real HTTP receiver on 127.0.0.1."""

import email
import email.policy
import hashlib
import hmac
import json
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sellerhealth.connectors.notify import ChannelConfigError, DeliveryError, deliver
from sellerhealth.connectors.notify_config import channels_from_config
from sellerhealth.connectors.notify_email import SmtpChannel
from sellerhealth.connectors.notify_webhook import WebhookChannel
from sellerhealth.domain.alerts import Alert

SMTP_LOGIN = "alerts@sellerhealth.test"
SMTP_PASSWORD = "s3cr3t-smtp-pw-7781"
WEBHOOK_SECRET = "whsec-9f2c-do-not-log"
SENDER = "sellerhealth@sellerhealth.test"
RECIPIENTS = ["ops@example.com", "owner@example.com"]

ALERT = Alert(
    account="acme",
    rule="odr",
    cause_key="acme|odr|MFN|2026-03-01",
    severity="critical",
    title="MFN order defect rate 1.2% is over the 1% target",
    body="12 of 1000 MFN orders have a defect: 9 negative feedback, 3 A-to-z claims.",
    evidence={"rate": 0.012, "orders": 1000, "window_end": date(2026, 2, 15)},
    created_on=date(2026, 3, 1),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def no_secrets_in(*texts: str) -> bool:
    return not any(s in text for text in texts for s in (SMTP_PASSWORD, WEBHOOK_SECRET))


# --- SMTP ---------------------------------------------------------------------------------------


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


# --- webhooks -----------------------------------------------------------------------------------


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


# --- secrets --------------------------------------------------------------------------------------


def test_reprs_hide_secrets():
    smtp = SmtpChannel(
        "mail.example.com", 587, SENDER, RECIPIENTS, username="u", password=SMTP_PASSWORD
    )
    hook = WebhookChannel("https://hooks.example.com/x", secret=WEBHOOK_SECRET)

    assert "password='***'" in repr(smtp)
    assert "secret='***'" in repr(hook)
    assert no_secrets_in(repr(smtp), str(smtp), repr(hook), str(hook), repr([smtp, hook]))
    assert "password=None" in repr(SmtpChannel("h", 25, SENDER, RECIPIENTS))


def test_failures_and_logs_never_show_secrets(smtp_server, receiver, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    _, port = smtp_server()  # no AUTH offered: login fails
    r = receiver(503)
    smtp = SmtpChannel(
        "127.0.0.1", port, SENDER, RECIPIENTS, username="u", password=SMTP_PASSWORD, timeout=2
    )
    hook = WebhookChannel(r.url, secret=WEBHOOK_SECRET, timeout=2)

    results = [deliver(ALERT, c, attempts=2, sleep=lambda _: None) for c in (smtp, hook)]

    assert [res.delivered for res in results] == [False, False]
    out, err = capsys.readouterr()
    assert no_secrets_in(caplog.text, out, err, *(res.error or "" for res in results))


# --- configuration ------------------------------------------------------------------------------


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
