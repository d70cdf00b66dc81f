"""Progress photos: re-encoded with Pillow (orientation kept, EXIF, XMP, comments and location dropped),
size-limited, within a per-user quota."""

import secrets
import sqlite3
import warnings
from contextlib import contextmanager, suppress
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from model import store
from model.refusals import INVALID, NO_SPACE, TOO_LARGE, NotFound, Refused

ANGLES = ("front", "left", "right")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is refused as a possible decompression bomb
LONGEST_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
QUOTA_BYTES = 100 * 1024 * 1024  # per user: about two years of weekly photos at three angles


class PhotoError(Refused):
    """The upload is not a photo we keep (field "photo"); the message says why."""

    def __init__(self, message: str, kind: str = INVALID):
        super().__init__(message, "photo", kind=kind)


def _megabytes(size) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


@contextmanager
def _readable():
    """Any failure to read an image (not one, a decompression bomb, a broken file) as one PhotoError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise PhotoError("That file is not a photo we can read (JPEG, PNG or WebP).") from error


def _probe(data: bytes):
    """The image opened lazily (its header only), refused unless JPEG, PNG or WebP."""
    probe = Image.open(BytesIO(data))
    if probe.format not in FORMATS:
        probe.close()
        raise PhotoError("Upload a JPEG, PNG or WebP photo.")
    return probe


def dimensions(data: bytes) -> tuple:
    """(width, height) from the image's header alone (cheap: no pixel is decoded)."""
    with _readable(), _probe(data) as probe:
        return probe.width, probe.height


def reencode(data: bytes, max_bytes: int = MAX_BYTES, max_side: int | None = None) -> tuple:
    """(jpeg bytes, width, height) of a clean copy: no metadata survives, only pixels.

    `max_side` refuses an image with a longer side (imports: the app stores nothing larger)."""
    if len(data) > max_bytes:
        raise PhotoError(f"That photo is larger than {max_bytes / (1024 * 1024):.2g} MB.")
    if not data:
        raise PhotoError("Choose a photo to upload.")
    with _readable():
        with _probe(data) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("That image has too many pixels.")
            if max_side and max(probe.width, probe.height) > max_side:
                raise PhotoError(f"That image is larger than {max_side} pixels on a side.")
            probe.verify()
        with Image.open(BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            image.info.clear()  # Pillow would carry a comment, XMP (which can hold a location) over
            out = BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue(), image.width, image.height


def write_file(path: Path, data: bytes):
    """Write a file whole or not at all: through `<name>.part`, removed if writing fails (a full disk)."""
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(data)
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def used_bytes(db, folder: Path, user_id) -> int:
    """The bytes the user's photo files take."""
    total = 0
    for name in store.photo_files_of(db, user_id):
        with suppress(OSError):
            total += (folder / name).stat().st_size
    return total


def _check_quota(db, folder, user_id, week, angle, new_size, quota):
    replaced = next((p.filename for p in store.photos_of_week(db, user_id, week) if p.angle == angle), None)
    used = used_bytes(db, folder, user_id)
    if replaced:
        with suppress(OSError):
            used -= (folder / replaced).stat().st_size
    if used + new_size > quota:
        raise PhotoError(
            f"Your photos take {_megabytes(used)} of the {_megabytes(quota)} FaceReps keeps for one "
            "account, so this one was not saved. You can still replace a week's photo at an angle "
            "you already have.",
            TOO_LARGE,
        )


def save(db, folder: Path, user_id, week, angle, data: bytes, now, max_bytes: int = MAX_BYTES, quota=QUOTA_BYTES):
    """Re-encode and store a week's photo at an angle (replacing an earlier one)."""
    if angle not in ANGLES:
        raise PhotoError("Choose front, left or right.")
    jpeg, width, height = reencode(data, max_bytes)
    if quota is not None:
        _check_quota(db, folder, user_id, week, angle, len(jpeg), quota)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    try:
        write_file(folder / name, jpeg)
    except OSError as error:
        raise PhotoError(
            "The photo could not be saved (the server is short of space). Try again later.", NO_SPACE
        ) from error
    try:
        replaced = store.save_photo(db, user_id, week, angle, name, width, height, now)
    except Exception as error:
        (folder / name).unlink(missing_ok=True)
        if isinstance(error, sqlite3.IntegrityError):  # the account was deleted meanwhile (its only reference)
            raise NotFound("This account was deleted.") from None
        raise
    if replaced:
        (folder / replaced).unlink(missing_ok=True)


def remove_files(folder: Path, filenames):
    """Delete the named photo files from the folder (one already gone is no error)."""
    for name in filenames:
        (folder / name).unlink(missing_ok=True)
