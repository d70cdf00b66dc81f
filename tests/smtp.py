"""A real SMTP server on a free loopback port (aiosmtpd) that keeps what it receives, as a fixture."""

import queue
import socket
from email import message_from_bytes, policy
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

SMTP_USER = "facereps"
SMTP_PASSWORD = "mail p@ss:word"  # characters that must be quoted in the URL


class Inbox:
    """aiosmtpd's handler: every message accepted goes into a queue the test reads."""

    def __init__(self):
        self.received = queue.Queue()
        self.logins = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.received.put((envelope.rcpt_tos, mail))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login)
        ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok)

    def next(self, timeout=10):
        """The next message: (recipients, email.message.EmailMessage)."""
        return self.received.get(timeout=timeout)

    def nothing_more(self, seconds=0.5) -> bool:
        try:
            self.received.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1 that checks a login; `.url` is the FACEREPS_SMTP_URL for it."""
    inbox = Inbox()
    port = _free_port()
    # AUTH is offered in the clear on loopback (aiosmtpd warns if it is also required: it is not,
    # and `logins` shows that the app logged in).
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    inbox.url = f"smtp://{quote(SMTP_USER)}:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{port}"
    yield inbox
    controller.stop()
