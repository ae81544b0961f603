"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) that keeps
what it receives, and an SMS gateway (http.server) that may fail the first requests.

Fixtures are imported by their function names (`smtp_server_fixture`) and used by their fixture
names (`smtp_server`)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
SMS_TOKEN = "test-gateway-token"  # noqa: S105 (the test gateway's own)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on a free port of 127.0.0.1; `messages` are the parsed e-mails received."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._received = threading.Condition()
        self.port = _free_port()
        self.controller = Controller(self, hostname=HOST, port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._received:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[email.message.EmailMessage]:
        """The messages once at least `count` have arrived (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} of {count} e-mails arrived"
                self._received.wait(left)
        return list(self.messages)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def header(message: email.message.EmailMessage, name: str) -> str:
    """A header's value as a mail program shows it (a long one comes folded)."""
    return str(message[name]).strip()


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    server = SmtpServer()
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield server
    server.controller.stop()


class SmsReceiver:
    """An SMS gateway on loopback: answers 503 to the first `failures` requests (or to all
    of them with failures=-1), then 200; keeps every request's headers and JSON."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.requests: list[tuple[dict[str, str], dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook)
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                receiver.requests.append((dict(self.headers), payload))
                failing = receiver.failures < 0 or len(receiver.requests) <= receiver.failures
                self.send_response(503 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": "busy"}' if failing else b'{"id": "1"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def delivered(self) -> list[dict]:
        """The messages the gateway took (answered 200)."""
        if self.failures < 0:
            return []
        return [payload for _, payload in self.requests[self.failures:]]


@pytest.fixture(name="sms_gateway")
def sms_gateway_fixture(settings):
    """Makes SMS gateways on loopback and points the settings at the last one made."""
    made: list[SmsReceiver] = []

    def start(failures: int = 0) -> SmsReceiver:
        receiver = SmsReceiver(failures)
        receiver.thread.start()
        made.append(receiver)
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = receiver.url, SMS_TOKEN
        return receiver

    yield start
    for receiver in made:
        receiver.server.shutdown()
        receiver.server.server_close()
