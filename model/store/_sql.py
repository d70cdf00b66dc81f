"""What every store module shares: rows read by column name, one way to write a moment, lists bound as one value.

Rows are `sqlite3.Row`s: read by name (`row["id"]`, an `AS` name where the query gives one), or made a dict with
`dict(row)`. They are built in C, so a read of a thousand rows costs little more than tuples did; a dict per row
took twice as long (the Progress page reads two years of sessions). Reads run through the connection's own
`execute`: sqlite-utils' `db.query` gives dicts too, but wraps every read in a SAVEPOINT and its RELEASE.
"""

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

__all__ = ["json_array", "one", "rows", "stamp", "value"]

Params = Sequence[Any] | dict[str, Any]


def stamp(moment: datetime) -> str:
    """A moment as the store keeps it: ISO 8601 to the second, with the moment's UTC offset."""
    return moment.isoformat(timespec="seconds")


def _by_name(db, sql: str, params: Params) -> sqlite3.Cursor:
    cursor = db.execute(sql, params)
    cursor.row_factory = sqlite3.Row  # applies to every row fetched from here on
    return cursor


def rows(db, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Every row of the query, each read by column name."""
    return _by_name(db, sql, params).fetchall()


def one(db, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """The query's first row, read by column name, or None when there is none."""
    return _by_name(db, sql, params).fetchone()


def value(db, sql: str, params: Params = ()) -> Any:
    """The one column of a one-column query's first row, or None when there is no row."""
    row = one(db, sql, params)
    if row is None:
        return None
    (only,) = row.keys()  # a query naming more columns is a mistake, not a choice of the first
    return row[only]


def json_array(values: Iterable) -> str:
    """Values bound as one parameter, for `IN (SELECT value FROM json_each(?))`: no placeholder per value."""
    return json.dumps(list(values))
