"""Identity: a software passkey authenticator, and password recovery by emailed link or recovery code."""

import hashlib
import json
import re
import secrets

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

from tests.conftest import PASSWORD

# --- passkeys ----------------------------------------------------------------------------------

ORIGIN = "http://localhost"  # the Flask test client's host


class Authenticator:
    """Makes passkeys and signs challenges like a phone would (user present and verified)."""

    def __init__(self, origin=ORIGIN, rp_id="localhost"):
        self.origin, self.rp_id = origin, rp_id
        self.keys = {}  # credential id -> (private key, user handle)
        self.count = 0

    def _auth_data(self, flags, extra=b""):
        self.count += 1
        return hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + self.count.to_bytes(4, "big") + extra

    def _client_data(self, kind, challenge, origin=None):
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options, origin=None):
        """The credential JSON for navigator.credentials.create's `options` (as the server sent them)."""
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        credential_id = secrets.token_bytes(16)
        attested = bytes(16) + len(credential_id).to_bytes(2, "big") + credential_id + cose
        auth_data = self._auth_data(0x01 | 0x04 | 0x40, attested)
        self.keys[bytes_to_base64url(credential_id)] = (key, options["user"]["id"])
        ident = bytes_to_base64url(credential_id)
        return {
            "id": ident,
            "rawId": ident,
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(
                    self._client_data("webauthn.create", options["challenge"], origin)
                ),
                "attestationObject": bytes_to_base64url(
                    cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
                ),
                "transports": ["internal"],
            },
        }

    def get(self, options, credential_id=None, origin=None, verified=True):
        """The credential JSON for navigator.credentials.get's `options`, from the first (or a named) passkey."""
        credential_id = credential_id or next(iter(self.keys))
        key, handle = self.keys[credential_id]
        auth_data = self._auth_data(0x01 | (0x04 if verified else 0))
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": handle,
            },
        }


def add_passkey(client, phone, password=PASSWORD):
    """Add a passkey as static/js/passkeys.js does; the JSON answer of the last request."""
    options = client.post("/account/passkeys/options", json={"password": password})
    assert options.status_code == 200, options.get_data(as_text=True)
    return client.post("/account/passkeys", json={"credential": phone.create(options.get_json())})


def sign_in(client, phone, **answer):
    """Sign in with a passkey of `phone` (`answer` passed to Authenticator.get); the response."""
    options = client.post("/passkeys/sign-in/options", json={}).get_json()
    return client.post("/passkeys/sign-in", json={"credential": phone.get(options, **answer), "next": "/progress"})


# --- password recovery ------------------------------------------------------------------------

NEW_PASSWORD = "a fresh spring passphrase"
LINK = re.compile(r"(https?://\S+/password/reset/(\S+))")


def read_link(smtp_server):
    """The next mail's reset link: (recipients, mail, full link, path, token)."""
    recipients, message = smtp_server.next()
    link, token = LINK.search(message.get_content()).groups()
    return recipients, message, link, link.split("localhost", 1)[-1], token


def make_codes(client, password=PASSWORD):
    """Ask for new recovery codes with the password; (the page, the codes it shows)."""
    page = client.post("/account/recovery-codes", data={"codes_password": password})
    return page, re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page.get_data(as_text=True))


def use_code(client, code, email="ana@example.com", password=NEW_PASSWORD):
    """Set a new password with a recovery code; the response."""
    return client.post("/password/recover", data={"email": email, "code": code, "password": password})
