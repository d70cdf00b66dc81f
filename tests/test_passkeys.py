"""Passkeys through the Flask client, answered by a small software authenticator (ES256, 'none'
attestation) so every check of the server can be tried; the browser journey uses Chromium's."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webauthn.helpers import base64url_to_bytes

from model import store
from model.identity import passkeys
from tests.conftest import PASSWORD, Auth, text_of
from tests.support.identity import Authenticator, add_passkey, sign_in

ACCOUNT = "/account"


@pytest.fixture
def phone():
    return Authenticator()


def test_ways_to_sign_in_always_leave_one():
    assert passkeys.may_remove(has_password=True, passkeys=1)
    assert passkeys.may_remove(has_password=False, passkeys=2)
    assert not passkeys.may_remove(has_password=False, passkeys=1)
    assert passkeys.ways_to_sign_in(True, 2) == 3


def test_options_ask_for_a_discoverable_verified_passkey_of_this_host(user, client):
    options = client.post("/account/passkeys/options", json={"password": PASSWORD}).get_json()
    assert options["rp"] == {"id": "localhost", "name": "FaceReps"}
    assert options["user"]["name"] == "ana@example.com"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert len(base64url_to_bytes(options["challenge"])) >= 32


def test_adding_a_passkey_needs_the_password(user, client, phone, db):
    refused = client.post("/account/passkeys/options", json={"password": "not it"})
    assert refused.status_code == 422 and refused.get_json() == {"error": "That is not your password."}
    assert client.post("/account/passkeys", json={"credential": {}}).status_code == 422
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 0


def test_add_list_sign_in_and_remove_a_passkey(user, app, client, phone, db):
    added = add_passkey(client, phone)
    assert added.status_code == 200 and added.get_json() == {"redirect": "/account#passkeys-title"}
    row = db.execute("SELECT credential_id, sign_count, transports, created_at, last_used_at FROM passkeys").fetchone()
    assert row[0] == next(iter(phone.keys)) and row[1] == 1 and json.loads(row[2]) == ["internal"]
    assert row[3] == "2026-11-24T12:00:00+00:00" and row[4] is None
    page = text_of(client.get(ACCOUNT))
    assert "Passkey added" in page and "Added 24 Nov 2026, 13:00" in page  # Paris time

    other = app.test_client()
    signed_in = sign_in(other, phone)
    assert signed_in.status_code == 200 and signed_in.get_json() == {"redirect": "/progress"}
    assert other.get("/today").status_code == 200
    assert db.execute("SELECT sign_count, last_used_at FROM passkeys").fetchone() == (2, "2026-11-24T12:00:00+00:00")
    assert "last used 24 Nov 2026, 13:00" in text_of(client.get(ACCOUNT))

    passkey_id = db.execute("SELECT id FROM passkeys").fetchone()[0]
    removed = client.post(f"/account/passkeys/{passkey_id}/delete")
    assert removed.status_code == 303 and removed.headers["Location"] == "/account#passkeys-title"
    assert "No passkeys yet" in text_of(client.get(ACCOUNT))
    assert sign_in(app.test_client(), phone).status_code == 401


def test_the_last_way_to_sign_in_cannot_be_removed(user, client, phone, db):
    add_passkey(client, phone)
    db.execute("UPDATE users SET password_hash = '' WHERE email = 'ana@example.com'")  # a passkey-only account
    assert "Remove" not in text_of(client.get(ACCOUNT)).split("Recovery codes")[0]
    passkey_id = db.execute("SELECT id FROM passkeys").fetchone()[0]
    refused = client.post(f"/account/passkeys/{passkey_id}/delete")
    assert refused.status_code == 409
    assert "That passkey is your last way to sign in, so it stays." in text_of(refused)
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 1
    add_passkey_without_password(client, phone, db)
    assert client.post(f"/account/passkeys/{passkey_id}/delete").status_code == 303  # one remains


def add_passkey_without_password(client, phone, db):
    """For the passkey-only account: put a second passkey straight in the store."""
    user_id, handle = db.execute("SELECT user_id, user_handle FROM passkeys").fetchone()
    store.add_passkey(
        db, user_id, "second-key", b"not used", 0, [], handle, "Second", client.application.config["CLOCK"]()
    )


def test_another_users_passkey_is_404(user, app, client, phone, db):
    add_passkey(client, phone)
    passkey_id = db.execute("SELECT id FROM passkeys").fetchone()[0]
    intruder = app.test_client()
    Auth(intruder).register(email="intruder@example.com")
    assert intruder.post(f"/account/passkeys/{passkey_id}/delete").status_code == 404
    assert db.execute("SELECT count(*) FROM passkeys").fetchone()[0] == 1


def test_passkey_answers_that_do_not_check_out_are_refused(user, app, client, phone, db):
    add_passkey(client, phone)
    stranger = app.test_client()
    for answer in [{"origin": "https://evil.test"}, {"verified": False}]:
        refused = sign_in(stranger, phone, **answer)
        assert refused.status_code == 401 and "could not be checked" in refused.get_json()["error"]
    options = stranger.post("/passkeys/sign-in/options", json={}).get_json()
    credential = phone.get(options)
    assert stranger.post("/passkeys/sign-in", json={"credential": credential}).status_code == 200
    replayed = app.test_client()
    replayed.post("/passkeys/sign-in/options", json={})
    assert replayed.post("/passkeys/sign-in", json={"credential": credential}).status_code == 401  # another challenge
    phone.count = 0  # a cloned authenticator: its counter goes back
    assert sign_in(app.test_client(), phone).status_code == 401
    assert app.test_client().get("/today").status_code == 303


def test_a_passkey_made_for_another_site_is_refused(user, client):
    foreign = Authenticator(origin="https://evil.test", rp_id="evil.test")
    options = client.post("/account/passkeys/options", json={"password": PASSWORD}).get_json()
    refused = client.post("/account/passkeys", json={"credential": foreign.create(options)})
    assert refused.status_code == 422 and "could not be checked" in refused.get_json()["error"]


def test_an_unknown_passkey_is_refused(client, phone):
    phone.keys["unknown"] = (ec.generate_private_key(ec.SECP256R1()), "aGFuZGxl")
    refused = sign_in(client, phone)
    assert refused.status_code == 401 and "not one of this site's accounts" in refused.get_json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        None,
        "not json",
        [],
        {"credential": None},
        {"credential": "x"},
        {
            "credential": {
                "id": "x" * 5000,
                "rawId": "x",
                "type": "public-key",
                "response": {"clientDataJSON": "!", "authenticatorData": "?", "signature": ""},
            }
        },
    ],
)
def test_malformed_sign_in_answers_get_a_4xx(client, body):
    client.post("/passkeys/sign-in/options", json={})
    response = client.post(
        "/passkeys/sign-in", data=body if isinstance(body, str) else json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 401 and "error" in response.get_json()
    assert client.post("/passkeys/sign-in", json={}).status_code == 401  # no ceremony under way


def test_a_ceremony_older_than_five_minutes_is_refused(user, app, client, phone, clock):
    add_passkey(client, phone)
    other = app.test_client()
    options = other.post("/passkeys/sign-in/options", json={}).get_json()
    clock.set(2026, 11, 24, 12, 6)
    late = other.post("/passkeys/sign-in", json={"credential": phone.get(options)})
    assert late.status_code == 401 and "took too long" in late.get_json()["error"]


def test_passkey_ceremonies_refuse_cross_site_posts(client):
    assert (
        client.post("/passkeys/sign-in/options", json={}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    )
    assert client.post("/passkeys/sign-in", json={}, headers={"Origin": "https://evil.test"}).status_code == 403


def test_login_page_offers_a_passkey_only_where_the_browser_can(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Sign in with a passkey" in html
    assert "data-passkey-sign-in" in html and "data-passkey-only hidden" in html
    assert '<script src="/static/js/passkeys.js' in html


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=40),
        st.sampled_from(["public-key", "AAAA", "x" * 2000]),
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "rawId",
                    "type",
                    "response",
                    "clientDataJSON",
                    "authenticatorData",
                    "signature",
                    "userHandle",
                    "attestationObject",
                    "transports",
                    "credential",
                    "password",
                    "next",
                    "remember",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)
JSON_ENDPOINTS = ["/passkeys/sign-in/options", "/passkeys/sign-in", "/account/passkeys/options", "/account/passkeys"]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.sampled_from(JSON_ENDPOINTS), json_values)
def test_hostile_json_to_the_passkey_ceremonies_never_gives_a_5xx(app, endpoint, body):
    if not hasattr(app, "fuzzer"):  # the fixtures live for the whole test: one signed-in user
        app.fuzzer = app.test_client()
        Auth(app.fuzzer).register(email="fuzz@example.com")
    if endpoint.endswith("sign-in") or endpoint == "/account/passkeys":
        app.fuzzer.post(
            endpoint.replace("sign-in", "sign-in/options")
            if endpoint.endswith("sign-in")
            else "/account/passkeys/options",
            json={"password": PASSWORD},
        )
    response = app.fuzzer.post(endpoint, json={"credential": body, "password": body, "next": body, "remember": body})
    assert response.status_code < 500, (endpoint, body, response.status_code)
    assert app.fuzzer.post(endpoint, json=body).status_code < 500
