"""Reading and checking an export file whole: its size, its shape (the schema), its values (time zone,
dates, ids against the catalog and the file's own routines and plans, options against the device, the
device rules) and its photos (re-encoded like uploads). A refused file says which field and why."""

import base64
import binascii

from model import photos
from model.refusals import TOO_LARGE
from model.rules import device_rules
from model.transfer.format import (
    MAX_IMPORT_PIXELS,
    ImportRefused,
)
from model.transfer.shape import Unreadable, read_shape
from model.transfer.values import (
    check_values,
)


def reencoded_photos(data, quota_bytes) -> list:
    """Every photo of the file re-encoded like an upload: (jpeg, width, height), or None for a photo whose
    file was already missing when it was exported (its jpeg_base64 is empty: it is left out)."""
    images: list[tuple | None] = []
    pixels = total = 0
    for index, photo in enumerate(data["photos"]):
        where = f"photos[{index}].jpeg_base64"
        if not photo["jpeg_base64"]:
            images.append(None)
            continue
        try:
            raw = base64.b64decode(photo["jpeg_base64"], validate=True)
            width, height = photos.dimensions(raw)
            pixels += width * height
            if pixels > MAX_IMPORT_PIXELS:
                raise Unreadable(
                    "photos",
                    f"hold more than {MAX_IMPORT_PIXELS // 1_000_000} megapixels in all, the most "
                    "one import re-encodes",
                )
            image = photos.reencode(raw, max_bytes=photos.MAX_BYTES, max_side=photos.LONGEST_SIDE)
        except (binascii.Error, ValueError, photos.PhotoError) as error:
            if isinstance(error, photos.PhotoError):
                raise Unreadable(where, str(error)) from None
            raise Unreadable(where, "is not base64 (a photo's bytes)") from None
        total += len(image[0])
        if quota_bytes is not None and total > quota_bytes:
            raise ImportRefused(
                f"The photos in that file take more than {quota_bytes / (1024 * 1024):.3g} MB, the most "
                "FaceReps keeps for one account; nothing was imported.",
                TOO_LARGE,
            )
        images.append(image)
    return images


def read_checked(catalog, raw):
    """An export file's data once its shape, its values and its sessions' device rules are checked."""
    data, checked = read_shape(raw)
    try:
        check_values(catalog, data, checked)
    except Unreadable as refused:
        raise ImportRefused(f"That export is incomplete or damaged: {refused}; nothing was imported.") from None
    broken = device_rules.history_problem(catalog, data["sessions"])
    if broken:
        raise ImportRefused(f"That export breaks a device's safety rules ({broken}); nothing was imported.")
    return data
