"""A push service on loopback for the reminder tests: a real HTTP server that checks what a push service
checks (the VAPID JWT's signature and claims, RFC 8292), decrypts the aes128gcm message with the fake
browser's own keys (RFC 8291), records TTL and Urgency, and answers as a test tells it (404, 410, 429,
5xx, or slowly)."""

import base64
import contextlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A fake browser's push subscription: a real P-256 key pair and auth secret, as a browser makes them."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def json(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(point), "auth": b64(self.auth)},
        }


@dataclass
class Received:
    """A message the service took (or answered with an error), decrypted."""

    name: str
    status: int
    payload: dict | None
    ttl: str | None
    urgency: str | None
    claims: dict
    at: float


class PushService:
    """Start with `with PushService(vapid_public_key) as service:`; `service.browser(name)` makes a
    subscription whose endpoint is on this server."""

    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.browsers: dict[str, Browser] = {}
        self.answers: dict[str, list] = {}  # name → statuses to answer in turn (then 201)
        self.delays: dict[str, float] = {}  # name → seconds to wait before answering
        self.received: list[Received] = []
        self.problems: list[str] = []  # anything a real push service would have refused
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def browser(self, name: str) -> Browser:
        browser = Browser(name, f"{self.origin}/push/{name}")
        self.browsers[name] = browser
        return browser

    def delivered(self, name: str | None = None) -> list[dict]:
        """The payloads taken (status 201), of one browser or all."""
        return [r.payload for r in self.received if r.status == 201 and (name is None or r.name == name)]

    def _check_vapid(self, header: str) -> dict:
        """The JWT's claims, after checking the scheme, the key, the ES256 signature, aud, exp and sub."""
        scheme, _, params = header.partition(" ")
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        if scheme != "vapid":
            self.problems.append(f"scheme {scheme!r}, not vapid (RFC 8292)")
        if values.get("k") != self.vapid_public_key:
            self.problems.append("the k= key is not the app's VAPID public key")
        head, body, signature = values["t"].split(".")
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(values["k"]))
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            self.problems.append("the JWT signature does not verify")
        if json.loads(unb64(head)) != {"typ": "JWT", "alg": "ES256"}:
            self.problems.append(f"JWT header {unb64(head)!r}")
        claims = json.loads(unb64(body))
        if claims.get("aud") != self.origin:
            self.problems.append(f"aud {claims.get('aud')!r}, not {self.origin}")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            self.problems.append(f"exp {claims.get('exp')} not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            self.problems.append(f"sub {claims.get('sub')!r}")
        return claims

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with service.lock:
                    queue = service.answers.get(name) or []
                    status = queue.pop(0) if queue else 201
                delay = service.delays.get(name, 0)
                claims = service._check_vapid(self.headers.get("Authorization", ""))
                payload = None
                browser = service.browsers.get(name)
                if browser is None:
                    service.problems.append(f"a message for an unknown browser {name!r}")
                elif self.headers.get("Content-Encoding") != "aes128gcm":
                    service.problems.append(f"Content-Encoding {self.headers.get('Content-Encoding')!r}")
                else:
                    plain = http_ece.decrypt(
                        body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
                    )
                    payload = json.loads(plain)
                if delay:
                    time.sleep(delay)
                with service.lock:
                    service.received.append(
                        Received(
                            name,
                            status,
                            payload,
                            self.headers.get("TTL"),
                            self.headers.get("Urgency"),
                            claims,
                            time.monotonic(),
                        )
                    )
                try:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting (a timeout test)

        return Handler


@contextlib.contextmanager
def push_service(app):
    """A PushService that checks the tokens of `app`'s VAPID key; the test fails on any problem it saw."""
    from model import reminders

    public = reminders.load_keys(None, app.config["VAPID_KEY_FILE"]).public
    with PushService(public) as running:
        yield running
    assert running.problems == []
