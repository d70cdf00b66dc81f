"""SQLite connections: kept per worker thread, WAL, foreign keys, busy timeout, writes queued at a gate."""

import contextlib
import fcntl
import itertools
import os
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


def connect(path):
    """Open the database at `path` with the pragmas every connection needs."""
    _private_file(path)
    # isolation_level=None: the driver never opens a transaction behind our back;
    # every write runs in an explicit one (see `immediate`).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    # busy_timeout is set by sqlite3.connect's timeout; WAL is a property of the file, set once by
    # `migrations.upgrade` (use_wal). NORMAL is durable against a crashed or killed process in WAL mode.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    db.write_gate = WriteGate(path)
    return db


def _private_file(path):
    """Create the file (and its folder) readable by this user only, whatever the umask; SQLite gives
    the -wal and -shm files the database file's mode."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # an existing file keeps its mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))


class Database(sqlite_utils.Database):
    """sqlite-utils' Database with the write gate its writes pass (see `immediate`)."""

    write_gate: "WriteGate"

    def close(self):
        super().close()
        self.write_gate.close()


class WriteGate:
    """Writers queue in the kernel for a lock file beside the database before they ask SQLite.

    SQLite lets one writer in at a time; the others retry from its busy handler, which sleeps 1, 2,
    5, 10, 15... ms between tries, so under load a write waited tens of milliseconds for a lock
    held for a fraction of one. An exclusive `flock` on `<database>.write-lock` wakes the next
    writer the moment the last one lets go. Each connection opens the file itself (a flock belongs
    to an open file, so threads and processes exclude each other alike); the kernel drops it when
    a process dies, so a killed worker never leaves it held. Writers that skip the gate (another
    tool on the file) are still safe: SQLite's own lock and busy timeout remain underneath.
    """

    def __init__(self, path):
        self.path = f"{path}.write-lock"
        self.fd: int | None = None

    def __enter__(self):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


_kept = threading.local()


def kept_connection(path):
    """A connection to `path` kept open by this thread across requests.

    Opening one per request cost more than a tick's own queries: the schema is read again each
    time, and closing the last connection of a WAL file checkpoints it. Each thread keeps one (a
    connection is never shared between threads, nor across a fork: the process id is part of the
    key); a thread that ends takes its connection with it.
    """
    key = (os.getpid(), str(path))
    kept = getattr(_kept, "slot", None)
    if kept and kept[0] == key:
        return kept[1]
    if kept and kept[0][0] == key[0]:
        kept[1].close()  # another database (tests use one per app): keep only the newest
    db = connect(path)
    _kept.slot = (key, db)
    return db


def release(db, failed=False):
    """After a request: roll back whatever it left open; after a failure, close the connection so the
    next request starts from a fresh one."""
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    if failed:
        kept = getattr(_kept, "slot", None)
        if kept and kept[1] is db:
            _kept.slot = None
        db.close()


def use_wal(db):
    """Switch the file to write-ahead logging (it stays so: readers never block the writer)."""
    db.execute("PRAGMA journal_mode = WAL")


@contextlib.contextmanager
def immediate(db):
    """A write transaction that takes the write lock up front; inside another one, a SAVEPOINT.

    A deferred transaction that reads and then writes can fail with "database is locked"
    when another process wrote in between; BEGIN IMMEDIATE waits (busy timeout) instead, and
    the write gate in front of it makes that wait a queue rather than SQLite's sleeps.

    Nested (like sqlite-utils' own `atomic`): a use case opens the transaction, so its checks and
    every store write it calls share it; a failure inside the inner block undoes only that block,
    and the outermost block commits or rolls back the whole.
    """
    if db.conn.in_transaction:
        name = f"nested_{next(_savepoints)}"
        db.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            db.execute(f"ROLLBACK TO {name}")
            db.execute(f"RELEASE {name}")
            raise
        db.execute(f"RELEASE {name}")
        return
    with db.write_gate:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


_savepoints = itertools.count(1)


def backup(source_path, target_path):
    """A consistent copy of a live database (SQLite's online backup), safe while the app writes."""
    target_path = Path(target_path)
    if target_path.exists():
        raise FileExistsError(f"{target_path} exists already; choose a new file.")
    _private_file(target_path)
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
