"""Export all of a user's data (JSON that re-imports, CSV to read) and import it into a new account.

An import is checked whole before anything is written (reading), against the file's schema (schema), then
written in one transaction (importing); format holds the names, versions and limits."""

from model.transfer.export import export_csv, export_json
from model.transfer.format import MAX_IMPORT_BYTES, TOO_LARGE_FILE, ImportRefused
from model.transfer.importing import import_json

__all__ = ["MAX_IMPORT_BYTES", "TOO_LARGE_FILE", "ImportRefused", "export_csv", "export_json", "import_json"]
