"""Migrations build the schema once, keep data, and the connection pragmas hold."""

from model.store import db as database
from model.store import migrations


def test_upgrade_twice_is_a_no_op_and_keeps_rows(tmp_path):
    conn = database.connect(tmp_path / "m.db")
    migrations.upgrade(conn)
    conn.execute("INSERT INTO users (email, password_hash, created_at) VALUES ('a@b.co', 'h', 'now')")
    applied = [m.name for m in migrations.migrations.applied(conn)]
    migrations.upgrade(conn)
    assert [m.name for m in migrations.migrations.applied(conn)] == applied
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_connection_uses_wal_foreign_keys_and_busy_timeout(tmp_path):
    migrations.upgrade(database.connect(tmp_path / "m.db"))
    conn = database.connect(tmp_path / "m.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_deleting_a_user_cascades_to_their_logins(tmp_path):
    conn = database.connect(tmp_path / "m.db")
    migrations.upgrade(conn)
    conn.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.co', 'h', 'now')")
    conn.execute("INSERT INTO logins (token, user_id, created_at) VALUES ('t', 1, 'now')")
    conn.execute("DELETE FROM users WHERE id = 1")
    assert conn.execute("SELECT count(*) FROM logins").fetchone()[0] == 0


def test_a_failed_write_transaction_leaves_nothing(tmp_path):
    conn = database.connect(tmp_path / "m.db")
    migrations.upgrade(conn)
    try:
        with database.immediate(conn):
            conn.execute("INSERT INTO users (email, password_hash, created_at) VALUES ('a@b.co', 'h', 'now')")
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_a_thread_keeps_its_connection_and_a_failed_request_drops_it(tmp_path):
    from model.store import db as database

    first, second = tmp_path / "a.db", tmp_path / "b.db"
    kept = database.kept_connection(first)
    assert database.kept_connection(first) is kept
    kept.execute("BEGIN IMMEDIATE")
    database.release(kept)  # a transaction left open is rolled back, the connection stays
    assert not kept.conn.in_transaction and database.kept_connection(first) is kept
    database.release(kept, failed=True)
    fresh = database.kept_connection(first)
    assert fresh is not kept
    other = database.kept_connection(second)  # another database: the first one is closed
    assert other is not fresh and database.kept_connection(second) is other
    database.release(other, failed=True)


def test_a_writer_queues_at_the_gate_instead_of_timing_out(tmp_path, monkeypatch):
    """A second writer waits for the first in the kernel's queue, however short SQLite's own patience."""
    import threading
    import time

    migrations.upgrade(database.connect(tmp_path / "m.db"))
    first = database.connect(tmp_path / "m.db")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    second = database.connect(tmp_path / "m.db")
    holding, order = threading.Event(), []

    def slow_writer():
        with database.immediate(first):
            first.execute("INSERT INTO users (email, password_hash, created_at) VALUES ('a@b.co', 'h', 'now')")
            holding.set()
            time.sleep(0.4)  # eight times the second connection's busy timeout
            order.append("first")

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait(5)
    with database.immediate(second):  # without the gate: "database is locked" after 50 ms
        second.execute("INSERT INTO users (email, password_hash, created_at) VALUES ('b@b.co', 'h', 'now')")
        order.append("second")
    thread.join()
    assert order == ["first", "second"]
    assert second.execute("SELECT count(*) FROM users").fetchone()[0] == 2
    first.close()
    second.close()
    assert (tmp_path / "m.db.write-lock").exists()
