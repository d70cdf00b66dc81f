"""The export format: its name, versions and limits, and how an import is refused."""

from datetime import date

from model.catalog import (
    own_device_id,
)
from model.refusals import INVALID, Refused

FORMAT = "facereps-export"
VERSION = 2  # 2 added own routines, their versions and plans
READABLE = (1, 2)
MAX_IMPORT_BYTES = 12 * 1024 * 1024  # the request limit (MAX_CONTENT_LENGTH): a larger file never arrives
TOO_LARGE_FILE = f"That file is larger than {MAX_IMPORT_BYTES / (1024 * 1024):.3g} MB, the most FaceReps imports."
MAX_IMPORT_PIXELS = 200_000_000  # re-encoding them all takes a few seconds of CPU at most
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)  # dates any schedule arithmetic can take
MAX_INTEGER = 2**63 - 1  # SQLite's INTEGER
OWN_DEVICE_PREFIX = own_device_id("my-")  # 'my-device-': a device the catalog does not know, named by a user
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet (OWASP)


class ImportRefused(Refused):
    """The file cannot be imported (field "file"); the message says why, and nothing was written."""

    def __init__(self, message: str, kind: str = INVALID):
        super().__init__(message, "file", kind=kind)
