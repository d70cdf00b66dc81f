"""A user's own routines (with the versions sessions ran) and own plans."""

import json
from dataclasses import dataclass

from model.store.db import immediate
from model.store.sessions import add_version


@dataclass(frozen=True)
class OwnRoutine:
    id: str
    device_id: str | None
    device_name: str
    based_on: str | None
    name: str
    version: int
    steps: list  # step dicts of the current version


@dataclass(frozen=True)
class OwnPlan:
    id: str
    routine_id: str
    name: str
    phases: list  # PhaseRule dicts


def _stamp(now):
    return now.isoformat(timespec="seconds")


def own_routines(db, user_id) -> list:
    """The user's routines with their current steps, in the order they were made."""
    return [
        OwnRoutine(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]))
        for row in db.execute(
            "SELECT r.id, r.device_id, r.device_name, r.based_on, r.name, r.version, v.steps FROM routines r "
            "JOIN routine_versions v ON v.user_id = r.user_id AND v.routine_id = r.id AND v.version = r.version "
            "WHERE r.user_id = ? ORDER BY r.created_at, r.id",
            [user_id],
        )
    ]


def own_plans(db, user_id) -> list:
    return [
        OwnPlan(row[0], row[1], row[2], json.loads(row[3]))
        for row in db.execute(
            "SELECT id, routine_id, name, phases FROM plans WHERE user_id = ? ORDER BY created_at, id", [user_id]
        )
    ]


def plan_exists(db, user_id, plan_id) -> bool:
    return db.execute("SELECT 1 FROM plans WHERE user_id = ? AND id = ?", [user_id, plan_id]).fetchone() is not None


def has_own(db, user_id) -> bool:
    """True when the user made a routine or a plan (most users have none: one cheap query)."""
    return (
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM routines WHERE user_id = ?) "
            "OR EXISTS (SELECT 1 FROM plans WHERE user_id = ?)",
            [user_id, user_id],
        ).fetchone()[0]
        == 1
    )


def create_routine(db, user_id, routine: OwnRoutine, now):
    with immediate(db):
        db.execute(
            "INSERT INTO routines (user_id, id, device_id, device_name, based_on, name, version, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [
                user_id,
                routine.id,
                routine.device_id,
                routine.device_name,
                routine.based_on,
                routine.name,
                _stamp(now),
                _stamp(now),
            ],
        )
        db.execute(
            "INSERT INTO routine_versions (user_id, routine_id, version, steps, created_at) VALUES (?, ?, 1, ?, ?)",
            [user_id, routine.id, json.dumps(routine.steps), _stamp(now)],
        )


def save_routine(db, user_id, routine: OwnRoutine, now, expected_steps=None) -> int | None:
    """Store a routine's name and steps; return its version.

    A version some session ran is kept as it is and the steps become a new version; a version no
    session ran yet is simply replaced, so a burst of edits makes one version. Nothing is written
    (None) when the routine is gone, or its steps are no longer `expected_steps` (another window
    changed them since the edit began): a stale edit never undoes a newer one.
    """
    with immediate(db):
        current = db.execute(
            "SELECT r.version, v.steps FROM routines r JOIN routine_versions v ON v.user_id = r.user_id "
            "AND v.routine_id = r.id AND v.version = r.version WHERE r.user_id = ? AND r.id = ?",
            [user_id, routine.id],
        ).fetchone()
        if current is None or (expected_steps is not None and json.loads(current[1]) != expected_steps):
            return None
        version = current[0]
        used = db.execute(
            "SELECT 1 FROM sessions WHERE user_id = ? AND routine_id = ? AND routine_version = ? LIMIT 1",
            [user_id, routine.id, version],
        ).fetchone()
        if used:
            version += 1
        db.execute(
            "INSERT INTO routine_versions (user_id, routine_id, version, steps, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id, routine_id, version) DO UPDATE SET steps = excluded.steps",
            [user_id, routine.id, version, json.dumps(routine.steps), _stamp(now)],
        )
        db.execute(
            "UPDATE routines SET name = ?, device_name = ?, version = ?, updated_at = ? WHERE user_id = ? AND id = ?",
            [routine.name, routine.device_name, version, _stamp(now), user_id, routine.id],
        )
    return version


def rename_routine(db, user_id, routine_id, name, device_name, now):
    with immediate(db):
        db.execute(
            "UPDATE routines SET name = ?, device_name = ?, updated_at = ? WHERE user_id = ? AND id = ?",
            [name, device_name, _stamp(now), user_id, routine_id],
        )


def routine_version_steps(db, user_id, routine_id, version) -> list | None:
    """The steps of one version of a routine (None when there is no such version)."""
    row = db.execute(
        "SELECT steps FROM routine_versions WHERE user_id = ? AND routine_id = ? AND version = ?",
        [user_id, routine_id, version],
    ).fetchone()
    return json.loads(row[0]) if row else None


def routine_in_use(db, user_id, plan_ids) -> bool:
    """True when an active program follows one of these plans."""
    if not plan_ids:
        return False
    marks = ",".join("?" * len(plan_ids))
    return (
        db.execute(
            f"SELECT 1 FROM enrollments WHERE user_id = ? AND status = 'active' AND program_id IN ({marks}) LIMIT 1",
            [user_id, *plan_ids],
        ).fetchone()
        is not None
    )


def delete_routine(db, user_id, routine_id, plan_ids):
    """Remove a routine, its versions and its plans with their stopped programs; logged sessions stay."""
    marks = ",".join("?" * len(plan_ids))
    with immediate(db):
        if plan_ids:
            db.execute(f"DELETE FROM enrollments WHERE user_id = ? AND program_id IN ({marks})", [user_id, *plan_ids])
            db.execute(f"DELETE FROM plans WHERE user_id = ? AND id IN ({marks})", [user_id, *plan_ids])
        db.execute("DELETE FROM routine_versions WHERE user_id = ? AND routine_id = ?", [user_id, routine_id])
        db.execute("DELETE FROM routines WHERE user_id = ? AND id = ?", [user_id, routine_id])


def create_plan(db, user_id, plan: OwnPlan, now):
    with immediate(db):
        db.execute(
            "INSERT INTO plans (user_id, id, routine_id, name, phases, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, plan.id, plan.routine_id, plan.name, json.dumps(plan.phases), _stamp(now)],
        )


def change_plan(db, user_id, plan: OwnPlan, followed=None, now=None):
    """Store a plan's new name and phases; `followed` is (enrollment, effective_day): the program that
    follows the plan gets them as a new version from that day, so earlier days keep their rules."""
    with immediate(db):
        db.execute(
            "UPDATE plans SET name = ?, phases = ? WHERE user_id = ? AND id = ?",
            [plan.name, json.dumps(plan.phases), user_id, plan.id],
        )
        if followed:
            enrollment, day = followed
            add_version(db, user_id, enrollment.id, day, plan.phases, enrollment.options, now)
