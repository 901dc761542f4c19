"""A real SMTP server for the tests: aiosmtpd on a free local port, Django's SMTP backend pointed at it.

`smtp_server` starts the server, sets EMAIL_BACKEND, EMAIL_HOST and EMAIL_PORT for the test (the live server's
threads, in the same process, send to it too) and collects every message it receives; `link_in` reads the first
address of the site out of a message, as a person would click it.
"""

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the SMTP server received it: the envelope's sender and recipients, and the message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        """The decoded subject line."""
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        """The decoded plain-text body."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class MailCollector:
    """An aiosmtpd handler keeping every message it accepts."""

    messages: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        """Keep the message (aiosmtpd calls this once a message is received whole)."""
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least `count` have arrived (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} message(s) arrived, {count} expected")
                self.arrived.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[Received]:
        """The messages addressed to `address` (envelope recipients)."""
        return [m for m in self.messages if address in m.rcpt_tos]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server for the test, and Django's SMTP backend sending to it; yields its `MailCollector`."""
    collector = MailCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield collector
    finally:
        controller.stop()


LINK = re.compile(r"https?://[^\s<>\"']+")


def links_in(received: Received) -> list[str]:
    """Every web address in the message's body."""
    return LINK.findall(received.body)


def link_in(received: Received, contains: str = "/accounts/") -> str:
    """The first address in the message's body whose text contains `contains`."""
    found = [link for link in links_in(received) if contains in link]
    assert found, f"no link with {contains!r} in:\n{received.body}"
    return found[0]
