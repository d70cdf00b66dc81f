"""Check-then-write use cases race safely: two requests at once, one wins and the other loses cleanly.

Each test holds the first request inside its transaction, right after its check, long enough for the
second to run if it could; the second must wait for the first's commit and then see what it did.
"""

import threading
import time

from model import store
from model.store import db as database
from tests.conftest import Auth
from tests.support.photos import jpeg_with_gps, upload
from tests.support.routines import customise, plan, start

HOLD_SECONDS = 0.4  # time the second request gets to slip in (it never may)


def hold_after(monkeypatch, name):
    """Make store.<name> pause after it has answered, once, and say when it has; the event to wait on."""
    checked, original = threading.Event(), getattr(store, name)

    def held(*args, **kwargs):
        answer = original(*args, **kwargs)
        if not checked.is_set():
            checked.set()
            time.sleep(HOLD_SECONDS)
        return answer

    monkeypatch.setattr(store, name, held)
    return checked


def both(first, second, checked):
    """Run `first` in a thread; once it has checked, `second` here; both answers."""
    answers = {}
    thread = threading.Thread(target=lambda: answers.setdefault("first", first()))
    thread.start()
    assert checked.wait(10)
    answers["second"] = second()
    thread.join(10)
    return answers["first"], answers["second"]


def test_a_plan_started_while_its_routine_is_deleted_is_refused_not_lost(user, client, app, monkeypatch):
    mine = customise(client)
    start_page = plan(client, mine).headers["Location"]
    other_tab = app.test_client()
    Auth(other_tab).login()
    checked = hold_after(monkeypatch, "routine_in_use")
    deleted, started = both(
        lambda: client.post(f"{mine}/delete", data={"confirm": "yes"}),
        lambda: start(other_tab, app, start_page),
        checked,
    )
    assert deleted.status_code == 303
    assert started.status_code == 404  # the plan is gone by the time its start is written: nothing half-kept
    db = database.connect(app.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM plans").fetchone()[0] == 0
    db.close()


def test_a_photo_uploaded_while_the_account_is_deleted_leaves_no_file(user, client, app, monkeypatch, tmp_path):
    app.config["PHOTO_DIR"] = tmp_path / "photos"
    other_tab = app.test_client()
    Auth(other_tab).login()
    checked = hold_after(monkeypatch, "photo_files_of")
    password = "correct horse battery"
    deleted, uploaded = both(
        lambda: client.post("/account/delete", data={"confirm": "yes", "delete_password": password}),
        lambda: upload(other_tab, jpeg_with_gps()),
        checked,
    )
    assert deleted.status_code == 303
    assert uploaded.status_code == 404  # the account is gone by the time the photo is written: no row, no file
    files = list((tmp_path / "photos").glob("*")) if (tmp_path / "photos").exists() else []
    assert files == []


def test_a_nested_transaction_is_a_savepoint_the_outer_one_decides(app):
    db = database.connect(app.config["DATABASE"])
    write = "INSERT INTO security_log (event, address, created_at, detail) VALUES (?, '', '', '{}')"
    with database.immediate(db):
        db.execute(write, ["kept"])
        try:
            with database.immediate(db):
                db.execute(write, ["undone"])
                raise RuntimeError("the inner block fails")
        except RuntimeError:
            pass
        with database.immediate(db):
            db.execute(write, ["kept too"])
    try:
        with database.immediate(db):
            db.execute(write, ["outer fails"])
            with database.immediate(db):
                db.execute(write, ["inner done, outer rolled back"])
            raise RuntimeError("the outer block fails")
    except RuntimeError:
        pass
    assert [row[0] for row in db.execute("SELECT event FROM security_log ORDER BY id")] == ["kept", "kept too"]
    assert not db.conn.in_transaction
    db.close()
