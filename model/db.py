"""SQLite connections: one per request, WAL, foreign keys, busy timeout, explicit transactions."""
import contextlib
import sqlite3
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


def connect(path):
    """Open the database at `path` with the pragmas every connection needs."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: the driver never opens a transaction behind our back;
    # every write runs in an explicit one (see `immediate`).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    # busy_timeout is set by sqlite3.connect's timeout; WAL is a property of the file, set once by
    # `migrations.upgrade` (use_wal). NORMAL is durable against a crashed or killed process in WAL mode.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def use_wal(db):
    """Switch the file to write-ahead logging (it stays so: readers never block the writer)."""
    db.execute("PRAGMA journal_mode = WAL")


@contextlib.contextmanager
def immediate(db):
    """A write transaction that takes the write lock up front.

    A deferred transaction that reads and then writes can fail with "database is locked"
    when another process wrote in between; BEGIN IMMEDIATE waits (busy timeout) instead.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def backup(source_path, target_path):
    """A consistent copy of a live database (SQLite's online backup), safe while the app writes."""
    target_path = Path(target_path)
    if target_path.exists():
        raise FileExistsError(f"{target_path} exists already; choose a new file.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_MS / 1000)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if ok != "ok":
        raise RuntimeError(f"the backup failed its integrity check: {ok}")
