"""Guided sessions: the steps a session runs (a snapshot), where the player stands, its skips and finish."""

import json
from dataclasses import dataclass
from datetime import date

from model.store._sql import one, rows, stamp
from model.store.db import immediate
from model.store.sessions import first_time, refresh_session, write_tick

__all__ = ["Guided", "finish_guided", "guided_session", "move_guided", "record_step", "start_guided"]


@dataclass(frozen=True)
class Guided:
    """A session as the guided player sees it: its steps as they were when it started."""

    id: int
    user_id: int
    day: date
    routine_id: str
    device_id: str
    steps: tuple  # dicts: id, title, area, side, seconds, reps, cue_seconds, instruction
    current_step: str | None
    skipped: tuple
    done: frozenset
    started_at: str | None
    finished_at: str | None

    @property
    def step_ids(self) -> list:
        return [step["id"] for step in self.steps]


GUIDED_COLUMNS = "id, user_id, day, routine_id, device_id, steps, current_step, skipped, started_at, finished_at"


def guided_session(db, user_id, session_id):
    """The user's session with that id (None for someone else's or a checklist-only one)."""
    row = one(
        db,
        f"SELECT {GUIDED_COLUMNS} FROM sessions WHERE id = ? AND user_id = ? AND steps IS NOT NULL",
        [session_id, user_id],
    )
    if row is None:
        return None
    return Guided(
        id=row["id"],
        user_id=row["user_id"],
        day=date.fromisoformat(row["day"]),
        routine_id=row["routine_id"],
        device_id=row["device_id"],
        steps=tuple(json.loads(row["steps"])),
        current_step=row["current_step"],
        skipped=tuple(json.loads(row["skipped"])),
        done=frozenset(_ticked(db, [user_id, row["day"], row["routine_id"]])),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _ticked(db, key) -> list:
    """The step ids ticked in the session of `key` (user id, day, routine id)."""
    return [
        row["step_id"]
        for row in rows(db, "SELECT step_id FROM ticks WHERE user_id = ? AND day = ? AND routine_id = ?", key)
    ]


_ENDED_EMPTY = "(sessions.finished_at IS NOT NULL AND sessions.steps_done = 0)"


def start_guided(db, user_id, day: date, routine_id, device_id, steps, now, routine_version=None) -> int:
    """Start the day's guided session of a routine, or return the one already started."""
    key = [user_id, day.isoformat(), routine_id]
    with immediate(db):
        db.execute(
            "INSERT INTO sessions (user_id, day, routine_id, device_id, steps_total, steps_done, status, "
            "updated_at, started_at, steps, routine_version) VALUES (?, ?, ?, ?, ?, 0, 'open', ?, ?, ?, ?) "
            # A run ended before any step was done starts afresh; any other resumes where it stands.
            "ON CONFLICT (user_id, day, routine_id) DO UPDATE SET "
            f"started_at = CASE WHEN {_ENDED_EMPTY} THEN excluded.started_at "
            "ELSE coalesce(started_at, excluded.started_at) END, "
            f"finished_at = CASE WHEN {_ENDED_EMPTY} THEN NULL ELSE finished_at END, "
            f"current_step = CASE WHEN {_ENDED_EMPTY} THEN NULL ELSE current_step END, "
            f"skipped = CASE WHEN {_ENDED_EMPTY} THEN '[]' ELSE skipped END, "
            "steps = coalesce(steps, excluded.steps), "
            "routine_version = coalesce(sessions.routine_version, excluded.routine_version)",
            [*key, device_id, len(steps), stamp(now), stamp(now), json.dumps(list(steps)), routine_version],
        )
        (session,) = rows(db, "SELECT id, steps FROM sessions WHERE user_id = ? AND day = ? AND routine_id = ?", key)
        session_id = session["id"]
        counted = [step["id"] for step in json.loads(session["steps"])]
        refresh_session(db, key, device_id, counted, now)
        ticked = set(_ticked(db, key))
        db.execute(
            "UPDATE sessions SET current_step = ? WHERE id = ? AND current_step IS NULL AND finished_at IS NULL",
            [next((step for step in counted if step not in ticked), None), session_id],
        )
    return session_id


def record_step(db, session: Guided, step_id, outcome, next_step, now, client_id=None):
    """Record a step done (a tick, as on Today) or skipped, and move the player to `next_step`."""
    key = [session.user_id, session.day.isoformat(), session.routine_id]
    with immediate(db):
        if not first_time(db, session.user_id, client_id, now):
            return
        skipped = [s for s in session.skipped if s != step_id]
        if outcome == "done":
            write_tick(db, key, step_id, True, now)
        else:
            skipped.append(step_id)
        db.execute(
            "UPDATE sessions SET skipped = ?, current_step = ? WHERE id = ? AND finished_at IS NULL",
            [json.dumps(skipped), next_step, session.id],
        )
        refresh_session(db, key, session.device_id, session.step_ids, now)


def move_guided(db, session: Guided, step_id, now, client_id=None):
    """Move the session's guided player to `step_id`, unless it is finished or the request is a replay."""
    with immediate(db):
        if first_time(db, session.user_id, client_id, now):
            db.execute(
                "UPDATE sessions SET current_step = ? WHERE id = ? AND finished_at IS NULL", [step_id, session.id]
            )


def finish_guided(db, session: Guided, now):
    """Mark the session finished (once): it then counts as done."""
    key = [session.user_id, session.day.isoformat(), session.routine_id]
    with immediate(db):
        db.execute(
            "UPDATE sessions SET finished_at = ?, current_step = NULL WHERE id = ? AND finished_at IS NULL",
            [stamp(now), session.id],
        )
        refresh_session(db, key, session.device_id, session.step_ids, now)
