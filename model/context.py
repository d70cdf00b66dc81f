"""One request's world, handed to every use case instead of a train of parameters."""

from dataclasses import dataclass
from datetime import date, datetime

from model.catalog import Catalog
from model.store import User
from model.store.db import Database


@dataclass(frozen=True)
class Context:
    """Who asks and when: the database, the catalog as this user sees it (their own routines, devices
    and plans merged in), the user, their local day, the clock's moment, and the idempotency key of a
    replayed offline request."""

    db: Database
    catalog: Catalog
    user: User
    today: date
    now: datetime
    client_id: str | None = None
