"""Reading one catalog table: typed fields with their bounds and sources, each error naming file, entry and field."""

import re
from typing import NoReturn

from model.catalog.types import (
    OWN_PREFIX,
    CatalogError,
    Note,
)

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
# The app labels facts citing FaceReps' inference itself; a question's explanation never says so.
OWN_LABEL = re.compile(r"facereps[’']? own caution", re.IGNORECASE)


class Reader:
    """Reads one table of a TOML file, naming file, entry and field in every error."""

    def __init__(self, where, table):
        if not isinstance(table, dict):
            raise CatalogError(f"{where}: must be a table")
        self.where, self.table = where, table

    def path(self, name):
        # A file-level reader's place ends with ':' ("toy.toml:"), an entry's does not.
        return f"{self.where} {name}" if self.where.endswith(":") else f"{self.where}.{name}"

    def fail(self, name, message) -> NoReturn:
        raise CatalogError(f"{self.path(name)}: {message}")

    def text(self, name, default=None):
        value = self.table.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            self.fail(name, "is required text" if value is None else "must be non-empty text")
        return value.strip()

    def number(self, name, default=None, low=0, high=10_000):
        value = self.table.get(name, default)
        if value is None:
            self.fail(name, "is required")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}, not {value}")
        return value

    def bounded(self, name, limits):
        return self.number(name, low=limits[0], high=limits[1])

    def flag(self, name, default=False):
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, "must be true or false")
        return value

    def texts(self, name):
        value = self.table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "must be a list of text")
        return tuple(value)

    def tables(self, name, required=False):
        value = self.table.get(name, [])
        if not isinstance(value, list) or (required and not value):
            self.fail(name, "needs at least one entry" if required else "must be a list of tables")
        return value

    def id(self, own_prefix_allowed=False):
        """An id: lower-case letters, digits, '-' and '_' (it goes into URLs as it is)."""
        value = self.text("id")
        if not SLUG.fullmatch(value):
            self.fail("id", f"use lower-case letters, digits, '-' and '_' only, not {value!r}")
        if value.startswith(OWN_PREFIX) and not own_prefix_allowed:
            self.fail("id", f"must not start with {OWN_PREFIX!r}: such ids name a user's own routines")
        return value

    def entry(self, name, index, table):
        label = table.get("id", index) if isinstance(table, dict) else index
        return Reader(f"{self.path(name)}[{label}]", table)

    def source(self, sources, name="source"):
        """The one source of a field that names exactly one."""
        first, more = self.cited(sources, name)
        if more:
            self.fail(name, "names one source, not a list")
        return first

    def cited(self, sources, name="source"):
        """A fact's sources: `source = "key"` or `source = ["key", "other"]`, each in sources.toml.
        Returns the main key and a tuple of the others."""
        value = self.table.get(name)
        if value is None or value == "" or value == []:
            self.fail(name, "is required: name the source in sources.toml that says this")
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list) or not all(isinstance(key, str) and key.strip() for key in keys):
            self.fail(name, "must be a source key or a list of source keys")
        keys = [key.strip() for key in keys]
        for key in keys:
            if key not in sources:
                self.fail(name, f"names an unknown source {key!r}")
        if len(set(keys)) != len(keys):
            self.fail(name, "names a source twice")
        return keys[0], tuple(keys[1:])

    def note(self, sources, name, index=None, value=None):
        """A fact written as `{ text = "...", source = "..." }`."""
        value = self.table.get(name) if index is None else value
        where = self.path(name) if index is None else f"{self.path(name)}[{index}]"
        if isinstance(value, str):
            raise CatalogError(
                f'{where}: must be a table {{ text = "...", source = "..." }}: every note names its source'
            )
        n = Reader(where, value)
        source, more = n.cited(sources)
        return Note(n.text("text"), source, more)

    def notes(self, sources, name):
        value = self.table.get(name, [])
        if not isinstance(value, list):
            self.fail(name, "must be a list of notes")
        return tuple(self.note(sources, name, i, item) for i, item in enumerate(value))


def unique(items, where):
    """The items unchanged, once no two of them share an id (CatalogError naming where otherwise)."""
    seen = set()
    for item in items:
        if item.id in seen:
            raise CatalogError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
    return items
