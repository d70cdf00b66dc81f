"""The device rules on a user's day: the sessions around it, what they refuse, and the write guard.

`device_rules` holds the pure rules; this module feeds them from the store, for Today, the guided
player and the start page alike, so every enrollment on a device type shares its spacing,
exclusions and tool limit.
"""

from datetime import date, timedelta

from model import store, wording
from model.refusals import Refused
from model.rules import device_rules, schedule


def gap_for(device, options) -> int:
    """Minimum days between sessions, with a chosen needle length's own spacing."""
    override = None
    for option in device.options:
        chosen = next((c for c in option.choices if c.value == options.get(option.id)), None)
        if chosen:
            override = chosen.min_gap_days
    return schedule.gap_days(device.min_gap_hours, override)


def labels(catalog, enrollments) -> dict:
    """routine id → the name of the program or plan that follows it (the newest one)."""
    found = {}
    for enrollment in enrollments:
        program = catalog.programs.get(enrollment.program_id)
        if program:
            found[program.routine_id] = program.name
    return found


def uses_around(db, catalog, user_id, day: date, reach: int, names: dict) -> list:
    """Sessions under way or done within `reach` days either side of `day`, as device_rules.Use."""
    reach = max(reach, 1)
    rows = store.device_uses(db, user_id, day - timedelta(days=reach), day + timedelta(days=reach))
    return [
        device_rules.Use(d, routine_id, device_id, _label(catalog, names, routine_id), done)
        for d, routine_id, device_id, done in rows
    ]


def _label(catalog, names, routine_id):
    if routine_id in names:
        return names[routine_id]
    routine = catalog.routines.get(routine_id)
    return routine.name if routine else "another routine"


def refusal_for(db, catalog, user_id, card, day: date, uses):
    """Why a new session of the card's routine on `day` breaks a device rule (None: it does not)."""
    device = card.device
    used = store.tool_uses_since_change(db, user_id, device.id, day) if device.tool_uses else 0
    card.tool_used = used
    return device_rules.refusal(
        device,
        gap_for(device, card.enrollment.options),
        uses,
        day,
        card.routine.id,
        catalog.same_day_conflicts(device.id) if device.owner is None else (),
        used,
    )


def check(db, catalog, user_id, card, day: date, names: dict) -> None:
    """Refuse (Refused) the first step of a session a device rule forbids; a session under way goes on.

    Called inside the use case's write transaction: two tabs (or a phone replaying its outbox) can
    each read the day as free, but inside the write lock only one of them finds it so.
    """
    if store.session_started(db, user_id, day, card.routine.id):
        return
    uses = uses_around(db, catalog, user_id, day, gap_for(card.device, card.enrollment.options), names)
    refused = refusal_for(db, catalog, user_id, card, day, uses)
    if refused:
        raise Refused(wording.refusal_message(refused))
