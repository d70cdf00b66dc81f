"""A what-if view of one user's sessions, for looking ahead: "if each listed session is done, what next?"

Inside `assumed_done`, this connection reads `sessions` from a private TEMP copy of the user's rows (a
temp table shadows the main one for unqualified names, and only on this connection), to which
sessions assumed done are added; nothing is written to the database and no write lock is taken.
Leaving the block drops the copy, so the connection reads the real table again.
"""

import contextlib
from datetime import date

from model.store._sql import stamp

__all__ = ["assumed_done"]


@contextlib.contextmanager
def assumed_done(db, user_id, now):
    """Yield `assume(day, routine_id, device_id, steps)`: from then on, reads of the user's sessions on this
    connection see that routine done on that day."""
    if db.conn.in_transaction:
        raise RuntimeError("a what-if copy is made outside any transaction")
    db.execute("CREATE TEMP TABLE sessions AS SELECT * FROM main.sessions WHERE user_id = ?", [user_id])
    try:
        db.execute("CREATE INDEX temp.sessions_what_if ON sessions(user_id, routine_id, status, day)")

        def assume(day: date, routine_id: str, device_id: str, steps: int) -> None:
            db.execute(
                "INSERT INTO temp.sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'done', ?)",
                [user_id, day.isoformat(), routine_id, device_id, steps, steps, stamp(now)],
            )

        yield assume
    finally:
        db.execute("DROP TABLE temp.sessions")
