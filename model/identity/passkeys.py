"""Passkeys (WebAuthn, through py_webauthn): adding one, signing in with one, removing one.

The relying party is the site's host name and the origin its URL, both from the request. Passkeys
are discoverable (the phone offers the account, no email typed) and must verify the person (a PIN,
a fingerprint or a face). A password and the passkeys are the ways to sign in: one always remains.
"""

import secrets
from datetime import datetime, timedelta

from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from model import store
from model.identity import accounts, logins, security_log

RP_NAME = "FaceReps"
CEREMONY_VALID = timedelta(minutes=5)
TIMEOUT_MS = 120_000
CREDENTIAL_ID_MAX = 1400  # base64url of the 1,023 bytes WebAuthn allows at most


class PasskeyRefused(Exception):
    """The passkey could not be added or used; the message says so to the person."""


def ways_to_sign_in(has_password: bool, passkeys: int) -> int:
    """How many ways a user has to sign in: the password, if any, and each passkey."""
    return int(has_password) + passkeys


def may_remove(has_password: bool, passkeys: int) -> bool:
    """Removing one passkey must leave at least one way to sign in."""
    return ways_to_sign_in(has_password, passkeys) - 1 >= 1


def _ceremony(purpose, challenge, now, **extra) -> dict:
    """What the session keeps between the options and the answer (nothing secret: a challenge)."""
    return {"purpose": purpose, "challenge": bytes_to_base64url(challenge), "at": now.isoformat(), **extra}


def _challenge(ceremony, purpose, now) -> bytes:
    if not isinstance(ceremony, dict) or ceremony.get("purpose") != purpose:
        raise PasskeyRefused("That took too long or was started elsewhere. Try again.")
    if datetime.fromisoformat(ceremony["at"]) < now - CEREMONY_VALID:
        raise PasskeyRefused("That took too long. Try again.")
    return base64url_to_bytes(ceremony["challenge"])


def add_options(db, user, password, rp_id, now):
    """After the password is checked: (options JSON for navigator.credentials.create, ceremony)."""
    if not isinstance(password, str) or not accounts.password_matches(user.password_hash, password):
        raise PasskeyRefused("That is not your password.")
    existing = store.passkeys_of(db, user.id)
    handle = existing[0].user_handle if existing else bytes_to_base64url(secrets.token_bytes(32))
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=base64url_to_bytes(handle),
        timeout=TIMEOUT_MS,
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED
        ),
    )
    return options_to_json(options), _ceremony("add", options.challenge, now, handle=handle)


def add(db, user, credential, ceremony, rp_id, origin, user_agent, now, address):
    """Check the new passkey the browser made and keep it; its name says which browser made it."""
    challenge = _challenge(ceremony, "add", now)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused("This passkey could not be checked, so it was not added. Try again.") from error
    name = logins.browser_label(user_agent)
    try:
        store.add_passkey(
            db,
            user.id,
            bytes_to_base64url(verified.credential_id),
            verified.credential_public_key,
            verified.sign_count,
            [t.value for t in parsed.response.transports or []],
            ceremony["handle"],
            name,
            now,
        )
    except store.PasskeyKnown as error:
        raise PasskeyRefused("This passkey is added already.") from error
    security_log.record(db, "passkey_added", user.id, address, now, name=name)


def sign_in_options(rp_id, now):
    """(options JSON for navigator.credentials.get, ceremony): any passkey of this site may answer."""
    options = generate_authentication_options(
        rp_id=rp_id, timeout=TIMEOUT_MS, user_verification=UserVerificationRequirement.REQUIRED
    )
    return options_to_json(options), _ceremony("sign_in", options.challenge, now)


def sign_in(db, credential, ceremony, rp_id, origin, now, address) -> int:
    """The id of the user whose passkey answered; PasskeyRefused (and a logged failure) otherwise."""
    challenge = _challenge(ceremony, "sign_in", now)
    passkey = None
    try:
        parsed = parse_authentication_credential_json(credential)
        if len(parsed.id) <= CREDENTIAL_ID_MAX:
            passkey = store.passkey_by_credential(db, parsed.id)
        if passkey is None:
            raise PasskeyRefused("This passkey is not one of this site's accounts. Log in with your password.")
        handle = parsed.response.user_handle
        if handle is not None and bytes_to_base64url(handle) != passkey.user_handle:
            raise PasskeyRefused("This passkey does not belong to that account.")
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (PasskeyRefused, WebAuthnException, ValueError, TypeError, KeyError) as error:
        security_log.record(db, "sign_in_failed", passkey.user_id if passkey else None, address, now, method="passkey")
        if isinstance(error, PasskeyRefused):
            raise
        raise PasskeyRefused("This passkey could not be checked. Try again, or log in with your password.") from error
    store.passkey_used(db, passkey.id, verified.new_sign_count, now)
    security_log.record(db, "sign_in", passkey.user_id, address, now, method="passkey")
    return passkey.user_id


def remove(db, user, passkey_id, now, address) -> str:
    """'removed', 'refused' (it is the last way to sign in) or 'missing' (not one of the user's)."""
    passkey = next((p for p in store.passkeys_of(db, user.id) if p.id == passkey_id), None)
    outcome = store.delete_passkey_if(db, user.id, passkey_id, may_remove)
    if outcome == "removed":
        security_log.record(db, "passkey_removed", user.id, address, now, name=passkey.name if passkey else "")
    return outcome


def of(db, user_id) -> list:
    """The user's passkeys, oldest first."""
    return store.passkeys_of(db, user_id)
