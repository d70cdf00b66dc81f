"""Importing a checked export into a new, empty account: everything, or on any problem nothing."""

import secrets
import sqlite3

from model import photos, store
from model.refusals import NO_SPACE
from model.store.db import immediate
from model.transfer.format import ImportRefused
from model.transfer.reading import Unreadable, read_checked, reencoded_photos


def import_json(db, catalog, user, raw: bytes, photo_folder, quota_bytes=None):
    """Import an export into this (empty) account: everything or, on any problem, nothing."""
    data = read_checked(catalog, raw)
    empty_only = ImportRefused("Import into a new, empty account: this one already has programs or history.")
    if store.has_history(db, user.id):  # early, to spare the photos' work; checked again when writing
        raise empty_only
    try:
        images = reencoded_photos(data, quota_bytes)
    except Unreadable as refused:
        raise ImportRefused(f"That export is incomplete or damaged: {refused}; nothing was imported.") from None
    kept = []
    for photo, image in zip(data["photos"], images, strict=True):
        if image is not None:
            photo.pop("jpeg_base64")
            photo.update(filename=f"{secrets.token_hex(16)}.jpg", width=image[1], height=image[2])
            kept.append((photo, image[0]))
    data["photos"] = [photo for photo, _jpeg in kept]
    written = []
    try:
        # One transaction: of two imports racing into one account exactly one finds it empty and
        # writes; the photo files are written before the commit, so a failure keeps neither.
        with immediate(db):
            if store.has_history(db, user.id):
                raise store.AccountNotEmpty()
            store.import_rows(db, user.id, data)
            photo_folder.mkdir(parents=True, exist_ok=True)
            for photo, jpeg in kept:
                written.append(photo_folder / photo["filename"])
                photos.write_file(written[-1], jpeg)
    except Exception as error:
        for path in written:  # nothing was committed: no file stays either
            path.unlink(missing_ok=True)
        if isinstance(error, store.AccountNotEmpty):
            raise empty_only from None
        if isinstance(error, (KeyError, TypeError, ValueError, sqlite3.Error)):
            raise ImportRefused("That export is incomplete or damaged; nothing was imported.") from error
        if isinstance(error, OSError):
            raise ImportRefused(
                "The photos could not be saved (the server is short of space); nothing was imported. Try again later.",
                NO_SPACE,
            ) from error
        raise
