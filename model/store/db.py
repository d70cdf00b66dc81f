"""SQLite connections: kept per worker thread, WAL, foreign keys, busy timeout, writes queued at a gate;
storage that cannot take a write (disk full, locked past the bounded wait, read-only) as StorageUnavailable."""

import contextlib
import errno
import fcntl
import itertools
import os
import sqlite3
import threading
import time
from pathlib import Path

import sqlite_utils

# A write waits at most this long for the write gate, then at most BUSY_TIMEOUT_MS for SQLite's own lock
# (a writer that skipped the gate): 10 s in all, well inside a request's 30 s (deploy/gunicorn.conf.py).
# Past that it gives up with StorageUnavailable(LOCKED), answered 503: a stuck writer elsewhere never
# holds a request, or its worker thread, for good.
GATE_WAIT_SECONDS = 5.0
BUSY_TIMEOUT_MS = 5_000

# Why storage refused a write (StorageUnavailable.reason).
FULL = "full"  # the disk (or the database's size limit) is full
LOCKED = "locked"  # another writer held the database past the bounded wait
READ_ONLY = "read_only"  # the file, its folder or its disk is read-only
IO_ERROR = "io_error"  # the disk failed to read or write


class StorageUnavailable(sqlite3.OperationalError):
    """The database cannot take a write now; `reason` says why (FULL, LOCKED, READ_ONLY, IO_ERROR).

    Raised by the store in place of SQLite's own error, after the transaction was rolled back: nothing
    of the write was kept. A subclass of sqlite3.OperationalError, so code that tolerates a failed
    write (`except sqlite3.Error`) still does.
    """

    def __init__(self, reason: str, cause: str = ""):
        self.reason = reason
        self.cause = cause
        super().__init__(f"storage unavailable ({reason}): {cause}" if cause else f"storage unavailable ({reason})")


# SQLite's primary result codes (the low byte of an extended code) that mean the storage, not the query.
_SQLITE_REASONS = {
    sqlite3.SQLITE_FULL: FULL,
    sqlite3.SQLITE_BUSY: LOCKED,
    sqlite3.SQLITE_LOCKED: LOCKED,
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_IOERR: IO_ERROR,
}
_OS_REASONS = {
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY,
    errno.EIO: IO_ERROR,
}


def storage_error(error: BaseException) -> StorageUnavailable | None:
    """`error` as a StorageUnavailable when it means the storage cannot take a write, else None."""
    if isinstance(error, StorageUnavailable):
        return error
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        reason = _SQLITE_REASONS.get(code & 0xFF) if isinstance(code, int) else None
        if reason is None:  # an error raised without a code: go by SQLite's words
            text = str(error)
            reason = next((r for words, r in _SQLITE_WORDS if words in text), None)
        return StorageUnavailable(reason, str(error)) if reason else None
    if isinstance(error, OSError) and error.errno in _OS_REASONS:
        return StorageUnavailable(_OS_REASONS[error.errno], str(error))
    return None


_SQLITE_WORDS = [
    ("database or disk is full", FULL),
    ("database is locked", LOCKED),
    ("readonly database", READ_ONLY),
    ("disk I/O error", IO_ERROR),
]


def write_problem(path) -> StorageUnavailable | None:
    """Why the database at `path` cannot take writes, as far as the file system tells (None: it can).

    Read-only: the file or its folder is not writable by this process, or its disk is mounted read-only.
    Full: its disk has less than FULL_BELOW_BYTES left for this user. Cheap (two system calls): the health
    check asks on every call.
    """
    path = Path(path)
    disk = next((folder for folder in path.parents if folder.exists()), path.parent)  # the folder may be made later
    try:
        status = os.statvfs(disk)
    except OSError as error:
        return storage_error(error) or StorageUnavailable(IO_ERROR, str(error))
    if status.f_flag & os.ST_RDONLY:
        return StorageUnavailable(READ_ONLY, f"{disk} is on a read-only file system")
    for each in (path, path.parent):
        if each.exists() and not os.access(each, os.W_OK):
            return StorageUnavailable(READ_ONLY, f"{each} is not writable")
    if status.f_bavail * status.f_frsize < FULL_BELOW_BYTES:
        return StorageUnavailable(FULL, f"{status.f_bavail * status.f_frsize} bytes left on its disk")
    return None


FULL_BELOW_BYTES = 1024 * 1024  # less free space than this on the database's disk: a write may not fit


def connect(path):
    """Open the database at `path` with the pragmas every connection needs.

    A database that cannot be written (read-only file, folder or disk) is opened read-only: reads work,
    and a write raises StorageUnavailable(READ_ONLY).
    """
    _private_file(path)
    # isolation_level=None: the driver never opens a transaction behind our back;
    # every write runs in an explicit one (see `immediate`).
    target, uri = _read_only_uri(path) or (path, False)
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False, uri=uri
    )
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    # busy_timeout is set by sqlite3.connect's timeout; WAL is a property of the file, set once by
    # `migrations.upgrade` (use_wal). NORMAL is durable against a crashed or killed process in WAL mode.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    db.write_gate = WriteGate(path)
    return db


def _read_only_uri(path):
    """For a file this process cannot write: a `file:` URI opening it read-only, else None.

    A WAL database needs its `-shm` file even to be read; on a read-only disk none can be made, so a
    database closed cleanly there (no `-wal` left to read) is opened as immutable, which needs none.
    """
    problem = write_problem(path)
    if problem is None or problem.reason != READ_ONLY:
        return None
    path = Path(path).resolve()
    wal = path.with_name(path.name + "-wal")
    immutable = not os.access(path.parent, os.W_OK) and not (wal.exists() and wal.stat().st_size)
    return f"{path.as_uri()}?mode=ro" + ("&immutable=1" if immutable else ""), True


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


_turns: dict = {}  # (process id, lock file) → the lock the process's writers queue for (WriteGate)
_turns_guard = threading.Lock()


class WriteGate:
    """Writers queue in the kernel for a lock file beside the database before they ask SQLite.

    SQLite lets one writer in at a time; the others retry from its busy handler, which sleeps 1, 2,
    5, 10, 15... ms between tries, so under load a write waited tens of milliseconds for a lock
    held for a fraction of one. An exclusive `flock` on `<database>.write-lock` wakes the next
    writer the moment the last one lets go. Each connection opens the file itself (a flock belongs
    to an open file, so threads and processes exclude each other alike); the kernel drops it when
    a process dies, so a killed worker never leaves it held. Writers that skip the gate (another
    tool on the file) are still safe: SQLite's own lock and busy timeout remain underneath.

    The threads of one process queue first for a lock of the process (`_turns`): a thread waits there
    without a helper thread, and only one writer per process at a time meets the others in flock
    (a helper thread per contended write cost a tick under load a fifth of its CPU, bench/load.py).
    """

    def __init__(self, path):
        self.path = f"{path}.write-lock"
        self.fd: int | None = None
        self.wait = GATE_WAIT_SECONDS
        with _turns_guard:
            # Re-entrant, as the flock is for its own file: a write begun again on the same connection (SQLite
            # rolled the outer one back itself) goes on rather than waiting for itself.
            self.turn = _turns.setdefault((os.getpid(), self.path), threading.RLock())

    def __enter__(self):
        began = time.monotonic()
        if not (self.turn.acquire(timeout=self.wait) if self.wait > 0 else self.turn.acquire(blocking=False)):
            raise StorageUnavailable(LOCKED, f"another write held the database for over {self.wait:g} s")
        try:
            self._lock_file(self.wait - (time.monotonic() - began))
        except BaseException:
            self.turn.release()
            raise

    def _lock_file(self, wait):
        if self.fd is None:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as error:  # a read-only or full disk: no write could go through anyway
                problem = storage_error(error)
                if problem is None:
                    raise
                raise problem from error
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.wait <= 0:
                raise StorageUnavailable(LOCKED, "another write holds the database") from None
            self._wait_in_queue(self.fd, max(wait, 0.001))

    def _wait_in_queue(self, fd, wait):
        """Queue for the lock in the kernel (a helper thread blocks in flock) for at most `wait`
        seconds; past that, give up with StorageUnavailable(LOCKED). The helper then keeps waiting on
        its own: it owns that open file from then on, and lets go of the lock (and closes the file) the
        moment it gets it, while this connection opens a new file for its next write."""
        taken, guard, state = threading.Event(), threading.Lock(), {"abandoned": False}

        def take():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                return
            with guard:
                if not state["abandoned"]:
                    taken.set()
                    return
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

        threading.Thread(target=take, name="write-gate", daemon=True).start()
        if taken.wait(wait):
            return
        with guard:
            if taken.is_set():
                return
            state["abandoned"] = True
        self.fd = None
        raise StorageUnavailable(LOCKED, f"another write held the database for over {self.wait:g} s")

    def __exit__(self, *exc):
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.turn.release()

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@contextlib.contextmanager
def no_wait(db):
    """Writes inside this block give up at once (StorageUnavailable(LOCKED)) rather than wait for
    another writer: for a write a page makes on the side (a login's "last seen"), which must never
    make that page wait."""
    gate, waited = db.write_gate, db.write_gate.wait
    gate.wait = 0
    db.execute("PRAGMA busy_timeout = 0")
    try:
        yield db
    finally:
        gate.wait = waited
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


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
    the write gate in front of it makes that wait a queue rather than SQLite's sleeps. Both waits
    are bounded; storage that cannot take the write (full, locked past the wait, read-only) raises
    StorageUnavailable once the transaction is rolled back.

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
            if db.conn.in_transaction:  # SQLite may have rolled the whole transaction back itself (disk full)
                db.execute(f"ROLLBACK TO {name}")
                db.execute(f"RELEASE {name}")
            raise
        db.execute(f"RELEASE {name}")
        return
    try:
        with db.write_gate:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                raise
    except sqlite3.Error as error:
        problem = storage_error(error)
        if problem is None or problem is error:
            raise
        raise problem from error


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
