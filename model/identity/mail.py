"""Mail through the SMTP server named by a URL: smtp://[user:pass@]host[:port] (STARTTLS when the
server offers it; required past loopback unless ?tls=off) or smtps://... (TLS from the start)."""

import ipaddress
import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger("facereps.mail")
PORTS = {"smtp": 587, "smtps": 465}
TIMEOUT_SECONDS = 20


class MailError(Exception):
    """The SMTP URL is wrong, or the server cannot be used safely."""


@dataclass(frozen=True)
class Server:
    """An SMTP server to send through, as an SMTP URL names it, and the sender address."""

    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = ""
    sender: str = "FaceReps <no-reply@localhost>"
    tls_off: bool = False

    def __repr__(self):  # never print the password
        return f"Server({self.scheme}://{self.host}:{self.port}, sender={self.sender!r})"


def server_from(url, sender=None):
    """The server an SMTP URL names, or None when `url` is empty (no mail configured)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in PORTS or not parts.hostname:
        raise MailError("The SMTP URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port.")
    tls_off = parse_qs(parts.query).get("tls") == ["off"]
    return Server(
        parts.scheme,
        parts.hostname,
        parts.port or PORTS[parts.scheme],
        unquote(parts.username or ""),
        unquote(parts.password or ""),
        sender or Server.sender,
        tls_off,
    )


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def message(sender, to, subject, body) -> EmailMessage:
    """A plain-text email from `sender` to `to`, dated and with a Message-ID, marked auto-generated."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(body)
    return mail


def send(server: Server, mail: EmailMessage):
    """Send now; raise on any failure."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if server.scheme == "smtp":
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif not (_loopback(server.host) or server.tls_off):
                # A reset link is a secret: it does not cross a network in the clear.
                raise MailError(f"{server.host} does not offer STARTTLS; use smtps:// or add ?tls=off.")
        if server.username:
            smtp.login(server.username, server.password)
        smtp.send_message(mail)


def send_later(server: Server, mail: EmailMessage) -> threading.Thread:
    """Send in the background, so the answer to the request takes as long whether or not a mail
    goes out (it must not tell whether an email has an account). Failures are logged."""

    def run():
        try:
            send(server, mail)
        except Exception as error:  # nothing waits for this thread: log every failure, never crash it
            logger.error("mail to %s failed: %s", mail["To"], error)

    thread = threading.Thread(target=run, name="facereps-mail")
    thread.start()
    return thread
