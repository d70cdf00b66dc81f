"""Progress photos: re-encoded with Pillow (orientation kept, EXIF and location dropped), size-limited."""
import secrets
import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from model import store

ANGLES = ("front", "left", "right")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000      # a 40-megapixel photo; more is refused as a possible decompression bomb
LONGEST_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


class PhotoError(ValueError):
    """The upload is not a photo we keep; the message says why."""


def reencode(data: bytes, max_bytes: int = MAX_BYTES) -> tuple:
    """(jpeg bytes, width, height) of a clean copy: no metadata survives, only pixels."""
    if len(data) > max_bytes:
        raise PhotoError(f"That photo is larger than {max_bytes / (1024 * 1024):.2g} MB.")
    if not data:
        raise PhotoError("Choose a photo to upload.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise PhotoError("Upload a JPEG, PNG or WebP photo.")
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoError("That image has too many pixels.")
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image).convert("RGB")
                image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
                out = BytesIO()
                image.save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue(), image.width, image.height
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as error:
        raise PhotoError("That file is not a photo we can read (JPEG, PNG or WebP).") from error


def save(db, folder: Path, user_id, week, angle, data: bytes, now, max_bytes: int = MAX_BYTES):
    """Re-encode and store a week's photo at an angle (replacing an earlier one)."""
    if angle not in ANGLES:
        raise PhotoError("Choose front, left or right.")
    jpeg, width, height = reencode(data, max_bytes)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    partial = folder / (name + ".part")
    partial.write_bytes(jpeg)
    partial.rename(folder / name)
    try:
        replaced = store.save_photo(db, user_id, week, angle, name, width, height, now)
    except Exception:
        (folder / name).unlink(missing_ok=True)
        raise
    if replaced:
        (folder / replaced).unlink(missing_ok=True)


def remove_files(folder: Path, filenames):
    for name in filenames:
        (folder / name).unlink(missing_ok=True)
