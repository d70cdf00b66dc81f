"""A user's own routines (with the versions sessions ran) and own plans."""

import json
from dataclasses import dataclass

from model.store._sql import json_array, one, rows, stamp, value
from model.store.db import immediate
from model.store.sessions import add_version

__all__ = [
    "OwnPlan",
    "OwnRoutine",
    "change_plan",
    "create_plan",
    "create_routine",
    "delete_routine",
    "has_own",
    "own_plans",
    "own_routines",
    "plan_exists",
    "rename_routine",
    "routine_in_use",
    "routine_version_steps",
    "save_routine",
]


@dataclass(frozen=True)
class OwnRoutine:
    """A routine the user made, with the steps of its current version."""

    id: str
    device_id: str | None
    device_name: str
    based_on: str | None
    name: str
    version: int
    steps: list  # step dicts of the current version


@dataclass(frozen=True)
class OwnPlan:
    """A plan the user made for one of their routines, with its phases."""

    id: str
    routine_id: str
    name: str
    phases: list  # PhaseRule dicts


def own_routines(db, user_id) -> list:
    """The user's routines with their current steps, in the order they were made."""
    return [
        OwnRoutine(
            id=row["id"],
            device_id=row["device_id"],
            device_name=row["device_name"],
            based_on=row["based_on"],
            name=row["name"],
            version=row["version"],
            steps=json.loads(row["steps"]),
        )
        for row in rows(
            db,
            "SELECT r.id, r.device_id, r.device_name, r.based_on, r.name, r.version, v.steps FROM routines r "
            "JOIN routine_versions v ON v.user_id = r.user_id AND v.routine_id = r.id AND v.version = r.version "
            "WHERE r.user_id = ? ORDER BY r.created_at, r.id",
            [user_id],
        )
    ]


def own_plans(db, user_id) -> list:
    """The user's plans, in the order they were made."""
    return [
        OwnPlan(id=row["id"], routine_id=row["routine_id"], name=row["name"], phases=json.loads(row["phases"]))
        for row in rows(
            db, "SELECT id, routine_id, name, phases FROM plans WHERE user_id = ? ORDER BY created_at, id", [user_id]
        )
    ]


def plan_exists(db, user_id, plan_id) -> bool:
    """True when the user has a plan with that id."""
    return one(db, "SELECT 1 AS found FROM plans WHERE user_id = ? AND id = ?", [user_id, plan_id]) is not None


def has_own(db, user_id) -> bool:
    """True when the user made a routine or a plan (most users have none: one cheap query)."""
    return (
        value(
            db,
            "SELECT EXISTS (SELECT 1 FROM routines WHERE user_id = ?) "
            "OR EXISTS (SELECT 1 FROM plans WHERE user_id = ?) AS has_own",
            [user_id, user_id],
        )
        == 1
    )


def create_routine(db, user_id, routine: OwnRoutine, now):
    """Store a new routine of the user with its steps as version 1."""
    with immediate(db):
        db.table("routines").insert(
            {
                "user_id": user_id,
                "id": routine.id,
                "device_id": routine.device_id,
                "device_name": routine.device_name,
                "based_on": routine.based_on,
                "name": routine.name,
                "version": 1,
                "created_at": stamp(now),
                "updated_at": stamp(now),
            }
        )
        db.table("routine_versions").insert(
            {
                "user_id": user_id,
                "routine_id": routine.id,
                "version": 1,
                "steps": json.dumps(routine.steps),
                "created_at": stamp(now),
            }
        )


def save_routine(db, user_id, routine: OwnRoutine, now, expected_steps=None) -> int | None:
    """Store a routine's name and steps; return its version.

    A version some session ran is kept as it is and the steps become a new version; a version no
    session ran yet is simply replaced, so a burst of edits makes one version. Nothing is written
    (None) when the routine is gone, or its steps are no longer `expected_steps` (another window
    changed them since the edit began): a stale edit never undoes a newer one.
    """
    with immediate(db):
        current = one(
            db,
            "SELECT r.version, v.steps FROM routines r JOIN routine_versions v ON v.user_id = r.user_id "
            "AND v.routine_id = r.id AND v.version = r.version WHERE r.user_id = ? AND r.id = ?",
            [user_id, routine.id],
        )
        if current is None or (expected_steps is not None and json.loads(current["steps"]) != expected_steps):
            return None
        version = current["version"]
        used = one(
            db,
            "SELECT 1 AS used FROM sessions WHERE user_id = ? AND routine_id = ? AND routine_version = ? LIMIT 1",
            [user_id, routine.id, version],
        )
        if used:
            version += 1
        db.execute(
            "INSERT INTO routine_versions (user_id, routine_id, version, steps, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id, routine_id, version) DO UPDATE SET steps = excluded.steps",
            [user_id, routine.id, version, json.dumps(routine.steps), stamp(now)],
        )
        db.execute(
            "UPDATE routines SET name = ?, device_name = ?, version = ?, updated_at = ? WHERE user_id = ? AND id = ?",
            [routine.name, routine.device_name, version, stamp(now), user_id, routine.id],
        )
    return version


def rename_routine(db, user_id, routine_id, name, device_name, now):
    """Store a routine's new name and device name; its steps and version stay."""
    with immediate(db):
        db.execute(
            "UPDATE routines SET name = ?, device_name = ?, updated_at = ? WHERE user_id = ? AND id = ?",
            [name, device_name, stamp(now), user_id, routine_id],
        )


def routine_version_steps(db, user_id, routine_id, version) -> list | None:
    """The steps of one version of a routine (None when there is no such version)."""
    steps = value(
        db,
        "SELECT steps FROM routine_versions WHERE user_id = ? AND routine_id = ? AND version = ?",
        [user_id, routine_id, version],
    )
    return json.loads(steps) if steps is not None else None


def routine_in_use(db, user_id, plan_ids) -> bool:
    """True when an active program follows one of these plans."""
    if not plan_ids:
        return False
    return (
        one(
            db,
            "SELECT 1 AS in_use FROM enrollments WHERE user_id = ? AND status = 'active' "
            "AND program_id IN (SELECT value FROM json_each(?)) LIMIT 1",
            [user_id, json_array(plan_ids)],
        )
        is not None
    )


def delete_routine(db, user_id, routine_id, plan_ids):
    """Remove a routine, its versions and its plans with their stopped programs; logged sessions stay."""
    with immediate(db):
        if plan_ids:
            plans = json_array(plan_ids)
            db.execute(
                "DELETE FROM enrollments WHERE user_id = ? AND program_id IN (SELECT value FROM json_each(?))",
                [user_id, plans],
            )
            db.execute(
                "DELETE FROM plans WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))", [user_id, plans]
            )
        db.execute("DELETE FROM routine_versions WHERE user_id = ? AND routine_id = ?", [user_id, routine_id])
        db.execute("DELETE FROM routines WHERE user_id = ? AND id = ?", [user_id, routine_id])


def create_plan(db, user_id, plan: OwnPlan, now):
    """Store a new plan of the user."""
    with immediate(db):
        db.table("plans").insert(
            {
                "user_id": user_id,
                "id": plan.id,
                "routine_id": plan.routine_id,
                "name": plan.name,
                "phases": json.dumps(plan.phases),
                "created_at": stamp(now),
            }
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
