"""Forgot password: reset links by email through a real SMTP server, and recovery codes without one."""

import hashlib
from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.identity import mail
from tests.conftest import Auth, text_of
from tests.smtp import smtp_server  # noqa: F401 (the fixture)
from tests.support.identity import NEW_PASSWORD, make_codes, read_link, use_code

# The Account page with its security sections (until views/account.py passes `security=`; then "/account").
ACCOUNT = "/account"
SENDER = "FaceReps <no-reply@facereps.test>"


@pytest.fixture
def mail_app(make_app, smtp_server):  # noqa: F811
    return make_app(SMTP_URL=smtp_server.url, MAIL_FROM=SENDER)


def ask_for_link(client, email="ana@example.com"):
    return client.post("/password/forgot", data={"email": email})


def test_login_page_offers_forgot_password(client):
    page = client.get("/login")
    assert "Forgot password?" in text_of(page)
    assert 'href="/password/forgot"' in page.get_data(as_text=True)


def test_reset_by_email_end_to_end_signs_out_every_other_login(mail_app, smtp_server, clock):  # noqa: F811
    owner = mail_app.test_client()
    Auth(owner).register()
    phone = mail_app.test_client()
    Auth(phone).login(remember=True)
    remembered = phone.get_cookie("remember_token").value
    visitor = mail_app.test_client()

    asked = ask_for_link(visitor)
    assert asked.status_code == 303 and asked.headers["Location"] == "/password/forgot/sent"
    assert "If an account uses that email, a link" in text_of(visitor.get("/password/forgot/sent"))

    recipients, message, link, path, _token = read_link(smtp_server)
    assert recipients == ["ana@example.com"] and message["To"] == "ana@example.com"
    assert message["From"] == SENDER and message["Subject"] == "Reset your FaceReps password"
    assert "within 30 minutes" in message.get_content()
    assert link.startswith("http://localhost/password/reset/")
    assert smtp_server.logins == [b"facereps"]  # the SMTP URL's user and password were used

    form = visitor.get(path)
    assert form.status_code == 200 and "Set a new password" in text_of(form)
    done = visitor.post(path, data={"password": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert "Your new password is set, and every device is signed out" in text_of(visitor.get("/login"))

    for signed_in in (owner, phone):
        assert signed_in.get("/today").status_code == 303
    fresh = mail_app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/today").status_code == 303
    assert Auth(visitor).login().status_code == 401
    assert Auth(visitor).login(password=NEW_PASSWORD).status_code == 303

    again = mail_app.test_client().get(path)
    assert again.status_code == 410 and "This link has expired or was used already" in text_of(again)
    reused = mail_app.test_client().post(path, data={"password": "yet another passphrase"})
    assert reused.status_code == 410
    assert Auth(mail_app.test_client()).login(password=NEW_PASSWORD).status_code == 303


def test_reset_link_is_stored_only_as_its_sha256(mail_app, smtp_server, db):  # noqa: F811
    Auth(mail_app.test_client()).register()
    ask_for_link(mail_app.test_client())
    token = read_link(smtp_server)[4]
    rows = db.execute("SELECT token_hash FROM password_resets").fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(),)]
    dump = "\n".join(db.conn.iterdump())
    assert token not in dump


def test_reset_link_expires_after_30_minutes(mail_app, smtp_server, clock):  # noqa: F811
    Auth(mail_app.test_client()).register()
    asked_at = clock()
    ask_for_link(mail_app.test_client())
    path = read_link(smtp_server)[3]
    visitor = mail_app.test_client()
    clock.moment = asked_at + timedelta(minutes=29, seconds=59)
    assert visitor.get(path).status_code == 200
    clock.moment = asked_at + timedelta(minutes=30)
    expired = visitor.get(path)
    assert expired.status_code == 410 and "expired" in text_of(expired)
    assert visitor.post(path, data={"password": NEW_PASSWORD}).status_code == 410
    assert Auth(visitor).login().status_code == 303  # the old password still works


def test_unknown_email_gets_the_same_answer_and_no_mail(mail_app, smtp_server):  # noqa: F811
    Auth(mail_app.test_client()).register()
    unknown, known = mail_app.test_client(), mail_app.test_client()
    answers = [ask_for_link(unknown, "nobody@example.com"), ask_for_link(known, "ana@example.com")]
    assert [(a.status_code, a.headers["Location"]) for a in answers] == [(303, "/password/forgot/sent")] * 2
    assert answers[0].get_data() == answers[1].get_data()
    assert text_of(unknown.get("/password/forgot/sent")) == text_of(known.get("/password/forgot/sent"))
    assert smtp_server.next()[0] == ["ana@example.com"]
    assert smtp_server.nothing_more()


def test_a_weak_new_password_is_refused_and_the_link_still_works(mail_app, smtp_server):  # noqa: F811
    Auth(mail_app.test_client()).register()
    ask_for_link(mail_app.test_client())
    path = read_link(smtp_server)[3]
    visitor = mail_app.test_client()
    weak = visitor.post(path, data={"password": "short"})
    assert weak.status_code == 422 and "at least 8 characters" in text_of(weak)
    assert visitor.post(path, data={"password": NEW_PASSWORD}).status_code == 303


def test_a_made_up_link_does_not_work(mail_app):
    page = mail_app.test_client().get("/password/reset/" + "x" * 43)
    assert page.status_code == 410 and "Ask for a new one" in text_of(page)
    assert mail_app.test_client().get("/password/reset/" + "x" * 5000).status_code == 410


def test_the_link_names_base_url_not_the_host_the_request_claims(make_app, smtp_server):  # noqa: F811
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=SENDER, BASE_URL="https://facereps.example")
    Auth(app.test_client()).register()
    app.test_client().post("/password/forgot", data={"email": "ana@example.com"}, headers={"Host": "evil.test"})
    assert read_link(smtp_server)[2].startswith("https://facereps.example/password/reset/")


def test_reset_requests_are_rate_limited_per_email(make_app, smtp_server):  # noqa: F811
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=SENDER, RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [ask_for_link(client, "nobody@example.com").status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    assert ask_for_link(client, "someone.else@example.com").status_code == 303


def test_smtp_urls():
    server = mail.server_from("smtps://me%40host:p%3Ass@mail.example", "FaceReps <a@b.example>")
    assert (server.scheme, server.host, server.port, server.username, server.password) == (
        "smtps",
        "mail.example",
        465,
        "me@host",
        "p:ss",
    )
    assert mail.server_from("smtp://mail.example").port == 587
    assert mail.server_from("") is None and mail.server_from(None) is None
    assert "p:ss" not in repr(server)
    with pytest.raises(mail.MailError):
        mail.server_from("http://mail.example")


def test_a_remote_server_without_starttls_gets_no_reset_link(smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setattr(mail, "_loopback", lambda host: False)  # as if 127.0.0.1 were another machine
    server = mail.server_from(smtp_server.url)
    with pytest.raises(mail.MailError, match="STARTTLS"):
        mail.send(server, mail.message(server.sender, "ana@example.com", "Reset", "a secret link"))
    assert smtp_server.nothing_more(0.2)


# --- recovery codes (no SMTP configured) ------------------------------------------------------


def test_without_smtp_forgot_password_offers_recovery_codes(user, client):
    user.logout()
    page = client.get("/password/forgot")
    assert "sends no email" in text_of(page) and "Use a recovery code" in text_of(page)
    assert 'name="email"' not in page.get_data(as_text=True)


def test_account_offers_recovery_codes_only_without_smtp(user, client, make_app, smtp_server):  # noqa: F811
    assert "You have no recovery codes yet" in text_of(client.get(ACCOUNT))
    with_mail = make_app(SMTP_URL=smtp_server.url).test_client()
    Auth(with_mail).login()
    page = text_of(with_mail.get(ACCOUNT))
    assert "emails you a link" in page and "Make recovery codes" not in page


def test_recovery_codes_are_shown_once_and_stored_hashed(user, client, db):
    page, codes = make_codes(client)
    assert page.status_code == 200 and len(codes) == len(set(codes)) == 10
    assert "this is the only time they are shown" in text_of(page)
    account = client.get(ACCOUNT).get_data(as_text=True)
    assert not any(code in account for code in codes)
    assert "10 of 10" in text_of(client.get(ACCOUNT))
    stored = {row[0] for row in db.execute("SELECT code_hash FROM recovery_codes")}
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    dump = "\n".join(db.conn.iterdump())
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)


def test_making_recovery_codes_needs_the_password(user, client, db):
    page, codes = make_codes(client, password="not my password")
    assert page.status_code == 422 and "That is not your password" in text_of(page) and codes == []
    assert db.execute("SELECT count(*) FROM recovery_codes").fetchone()[0] == 0


def test_each_recovery_code_works_once_and_sets_the_password(user, client, app):
    _, codes = make_codes(client)
    phone = app.test_client()
    Auth(phone).login()
    user.logout()
    done = use_code(client, codes[0])
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert "You have 9 recovery codes left" in text_of(client.get("/login"))
    assert phone.get("/today").status_code == 303  # every other login is signed out
    assert user.login().status_code == 401
    assert user.login(password=NEW_PASSWORD).status_code == 303
    user.logout()

    used = use_code(client, codes[0], password="a third good passphrase")
    assert used.status_code == 422 and "do not match, or the code was used already" in text_of(used)
    assert use_code(client, "abcde-fghjk").status_code == 422
    assert user.login(password=NEW_PASSWORD).status_code == 303
    user.logout()
    # Typed as read off paper: capitals and spaces are fine.
    assert (
        use_code(client, " " + codes[1].upper().replace("-", " "), password="a third good passphrase").status_code
        == 303
    )
    assert user.login(password="a third good passphrase").status_code == 303
    assert "8 of 10" in text_of(client.get(ACCOUNT))


def test_new_recovery_codes_end_the_old_ones(user, client):
    _, old = make_codes(client)
    _, new = make_codes(client)
    user.logout()
    assert use_code(client, old[0]).status_code == 422
    assert use_code(client, new[0]).status_code == 303


def test_recovery_code_answer_is_the_same_for_an_unknown_email(user, client):
    make_codes(client)
    user.logout()
    client.get("/login")  # shows (and so clears) the "logged out" notice
    unknown = use_code(client, "abcde-fghjk", email="nobody@example.com")
    wrong = use_code(client, "abcde-fghjk")
    assert unknown.status_code == wrong.status_code == 422
    assert text_of(unknown).replace("nobody@example.com", "") == text_of(wrong).replace("ana@example.com", "")


def test_recovery_form_problems_are_on_their_fields(user, client):
    user.logout()
    page = use_code(client, "", password="short")
    assert page.status_code == 422
    assert "Enter one of your recovery codes" in text_of(page) and "at least 8 characters" in text_of(page)


def test_recovery_code_guesses_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    Auth(client).register()
    client.post("/logout")
    statuses = [use_code(client, f"wrong-guess{n}").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]


hostile = st.one_of(
    st.none(),
    st.text(max_size=50),
    st.text(min_size=3000, max_size=4000),
    st.sampled_from(["", "\x00", "💆", "abcde-fghjk", "ana@example.com", "-1", "%00"]),
)
FORMS = [
    ("/password/forgot", ["email"]),
    ("/password/recover", ["email", "code", "password"]),
    ("/password/reset/{token}", ["password"]),
    ("/account/recovery-codes", ["codes_password"]),
    ("/account/devices/{token}/sign-out", []),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.sampled_from(FORMS), st.data())
def test_hostile_values_in_the_recovery_forms_never_give_a_5xx(mail_app, form, data):
    if not hasattr(mail_app, "fuzzer"):  # the fixtures live for the whole test: one signed-in user
        mail_app.fuzzer = mail_app.test_client()
        Auth(mail_app.fuzzer).register(email="fuzz@example.com")
    path, names = form
    token = data.draw(st.text(min_size=1, max_size=300), label="token")
    values = {name: value for name in names if (value := data.draw(hostile, label=name)) is not None}
    response = mail_app.fuzzer.post(path.format(token=quote(token, safe="")), data=values)
    assert response.status_code < 500, (path, values, response.status_code)
    assert mail_app.fuzzer.get("/today").status_code == 200  # still signed in: nothing reset the account
