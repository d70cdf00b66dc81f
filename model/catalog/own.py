"""The catalog as one user sees it: the shipped catalog plus their own routines, devices and plans.

Own ids start with "my-" (the catalog refuses such ids), so they never shadow a catalog entry.
"""

from model import store
from model.catalog import Cadence, Device, Phase, Program, Routine, Step
from model.catalog.types import own_device_id

UNKNOWN_DEVICE_NOTE = (
    "FaceReps has no safety facts for this device: follow its manual for how often, how long and where to use it."
)


def _own_device(user_id, routine_id, name) -> Device:
    return Device(
        own_device_id(routine_id),
        name,
        name,
        0,
        False,
        (),
        0,
        "",
        1,
        (),
        (),
        (),
        (UNKNOWN_DEVICE_NOTE,),
        "",
        owner=user_id,
    )


def _phase(rule: dict) -> Phase:
    return Phase(
        rule["name"],
        Cadence(rule["kind"], rule["count"], rule["days"], rule["weeks"]),
        rule["length_weeks"],
        rule["length_sessions"],
        "",
        False,
        "",
        rule.get("rollover", False),
    )


def with_own(db, catalog, user):
    """The catalog as this user sees it: with their own routines, devices and plans."""
    user_id = user.id
    if not (user.has_own if user.has_own is not None else store.has_own(db, user_id)):
        return catalog
    devices, routines, programs = {}, {}, {}
    for row in store.own_routines(db, user_id):
        device_id = row.device_id
        if device_id is None:
            device = _own_device(user_id, row.id, row.device_name)
            devices[device.id], device_id = device, device.id
        elif device_id not in catalog.devices:
            continue
        source = catalog.routines.get(row.based_on) if row.based_on else None
        device = devices.get(device_id) or catalog.devices[device_id]
        summary = f"Your version of “{source.name}”." if source else f"Your own routine for {device.name}."
        routines[row.id] = Routine(
            row.id,
            device_id,
            row.name,
            summary,
            "",
            tuple(Step(**s) for s in row.steps),
            owner=user_id,
            based_on=row.based_on,
            version=row.version,
        )
    merged = catalog.with_own(devices, routines, {})
    for plan in store.own_plans(db, user_id):
        routine = merged.routines.get(plan.routine_id)
        if routine is not None:
            programs[plan.id] = Program(
                plan.id,
                routine.device_id,
                plan.name,
                f"Your plan for {routine.name}",
                routine.id,
                "",
                tuple(_phase(rule) for rule in plan.phases),
                owner=user_id,
            )
    return catalog.with_own(devices, routines, programs)
