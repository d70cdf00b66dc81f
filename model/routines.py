"""A user's own routines: copy a catalog routine or start from scratch, edit steps, see what differs.

Edits are pure functions on a list of step dicts that return a new list or raise Refused;
`save` stores the result (a version some session ran is kept: see store.save_routine).
"""

import secrets
from dataclasses import asdict

from model import store
from model.catalog import AREAS, MAX_REPS, MAX_STEP_SECONDS, OWN_PREFIX, SIDES, Device, Routine, Step
from model.context import Context
from model.refusals import INVALID, Refused, refuse_if
from model.rules.forms import whole_number
from model.store.db import immediate

MAX_STEPS = 60
NAME_MAX = 80
INSTRUCTION_MAX = 600
MAX_GLIDE_SECONDS = 600


def new_id(prefix=OWN_PREFIX) -> str:
    """A fresh random id after `prefix` ('my-' for a routine, 's-' for a step)."""
    return prefix + secrets.token_hex(5)


# Reading forms -------------------------------------------------------------------------------------


def _whole(form, name, low, high, problems, label, default=None):
    raw = (form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    value = whole_number(raw)
    if value is None:
        problems[name] = f"Enter {label} as a whole number."
        return None
    if not low <= value <= high:
        problems[name] = f"{label[:1].upper()}{label[1:]} must be between {low} and {high}."
        return None
    return value


def read_name(form, problems, field="name", label="Give the routine a name") -> str:
    """A name from the form with its spaces tidied; a missing or overlong one is noted in `problems`."""
    name = " ".join((form.get(field) or "").split())
    if not name:
        problems[field] = f"{label}."
    elif len(name) > NAME_MAX:
        problems[field] = f"Keep it under {NAME_MAX} characters."
    return name


def read_step(form, step_id) -> tuple[dict | None, dict]:
    """A step dict from a form, or None with the problems keyed by field name."""
    problems: dict[str, str] = {}
    title = read_name(form, problems, "title", "Give the step a title")
    area, side = form.get("area") or "", form.get("side") or "none"
    if area not in AREAS:
        problems["area"] = "Choose where on the face the step happens."
    if side not in SIDES:
        problems["side"] = "Choose left, right, both sides or neither."
    seconds = _whole(form, "seconds", 1, MAX_STEP_SECONDS, problems, "the seconds")
    if "seconds" in problems and seconds is None and whole_number(form.get("seconds")) is not None:
        problems["seconds"] = f"A step lasts from 1 second to an hour ({MAX_STEP_SECONDS} s)."
    reps = _whole(form, "reps", 1, MAX_REPS, problems, "the repetitions", default=1)
    cue = _whole(form, "cue_seconds", 0, MAX_STEP_SECONDS, problems, "the cue interval", default=0)
    if seconds and cue and cue > seconds:
        problems["cue_seconds"] = "The cue interval cannot be longer than the step."
    instruction = (form.get("instruction") or "").strip()
    if len(instruction) > INSTRUCTION_MAX:
        problems["instruction"] = f"Keep the instruction under {INSTRUCTION_MAX} characters."
    if problems:
        return None, problems
    return asdict(Step(step_id, title, area, side, seconds, reps, cue, instruction)), {}


# Edits on a list of step dicts ---------------------------------------------------------------------


def _index(steps, step_id) -> int:
    for index, step in enumerate(steps):
        if step["id"] == step_id:
            return index
    raise LookupError(step_id)


def move(steps, step_id, direction) -> list:
    """Move a step one place up or down (the first cannot go up, the last cannot go down)."""
    index = _index(steps, step_id)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(steps):
        raise Refused("That step cannot move further that way.", "steps", kind=INVALID)
    moved = list(steps)
    moved[index], moved[target] = moved[target], moved[index]
    return moved


def remove(steps, step_id) -> list:
    """The steps without one of them (Refused when it is the only step)."""
    index = _index(steps, step_id)
    if len(steps) == 1:
        raise Refused("A routine needs at least one step: add another before removing this one.", "steps", kind=INVALID)
    return steps[:index] + steps[index + 1 :]


def read_position(form, count) -> int | None:
    """The 1-based place chosen for a step (None: at the end, or where it is)."""
    raw = (form.get("position") or "").strip()
    if not raw:
        return None
    position = whole_number(raw)
    if position is None or not 1 <= position <= count:
        raise Refused("Choose a position from the list.", "position", kind=INVALID)
    return position


def add(steps, step, position=None) -> list:
    """Insert a step at `position` (1-based; None: at the end)."""
    if len(steps) >= MAX_STEPS:
        raise Refused(f"A routine has at most {MAX_STEPS} steps.", "steps", kind=INVALID)
    if any(s["id"] == step["id"] for s in steps):
        step = dict(step, id=new_id("s-"))
    index = len(steps) if position is None else position - 1
    return [*steps[:index], step, *steps[index:]]


def update(steps, step_id, step, position=None) -> list:
    """Replace a step's fields, and move it to `position` when one is given."""
    index = _index(steps, step_id)
    rest = steps[:index] + steps[index + 1 :]
    index = index if position is None else position - 1
    return [*rest[:index], dict(step, id=step_id), *rest[index:]]


def step_to_add(form, offered) -> tuple[dict | None, dict]:
    """The step the add form asks for: one of the `offered` catalog steps, or one written in the form."""
    if form.get("from"):
        if form["from"] not in offered:
            return None, {"from": "Choose one of the offered steps."}
        return asdict(offered[form["from"]]), {}
    return read_step(form, new_id("s-"))


def retime_glides(steps, form) -> list:
    """Give every step with a cue rhythm glides of the new length (its seconds follow: reps × glide)."""
    problems: dict[str, str] = {}
    glide = _whole(form, "glide_seconds", 1, MAX_GLIDE_SECONDS, problems, "the seconds per glide")
    if problems:
        raise Refused(problems["glide_seconds"], "glide_seconds", kind=INVALID)
    if not any(step["cue_seconds"] for step in steps):
        raise Refused("This routine has no timed glides to change.", "glide_seconds", kind=INVALID)
    if any(step["cue_seconds"] and step["reps"] * glide > MAX_STEP_SECONDS for step in steps):
        raise Refused(f"That makes a step longer than an hour ({MAX_STEP_SECONDS} s).", "glide_seconds", kind=INVALID)
    return [
        dict(step, cue_seconds=glide, seconds=step["reps"] * glide) if step["cue_seconds"] else step for step in steps
    ]


def catalog_steps(catalog, device_id) -> list:
    """Steps of the catalog's routines for this device type, each once (offered when adding a step)."""
    seen, found = set(), []
    for routine in catalog.routines_of(device_id):
        for step in routine.steps:
            key = (step.title, step.area, step.side, step.seconds)
            if key not in seen:
                seen.add(key)
                found.append((f"{routine.id}/{step.id}", step))
    return found


# Storing -------------------------------------------------------------------------------------------


def copy(ctx: Context, routine: Routine) -> str:
    """A personal copy of a catalog routine, linked to it; returns the new routine's id."""
    db, user_id, now = ctx.db, ctx.user.id, ctx.now
    own = store.OwnRoutine(new_id(), routine.device_id, "", routine.id, copy_name(routine), 1, steps_of(routine))
    store.create_routine(db, user_id, own, now)
    return own.id


def copy_name(routine: Routine) -> str:
    """'Microcurrent toning routine' → 'My microcurrent toning routine'."""
    return f"My {routine.name[:1].lower()}{routine.name[1:]}"


def create(ctx: Context, form) -> str:
    """A routine from scratch: a name, a device (a catalog type or one named by the user), a first step;
    returns its id (Refused: the fields that are wrong)."""
    db, catalog, user_id, now = ctx.db, ctx.catalog, ctx.user.id, ctx.now
    problems: dict[str, str] = {}
    name = read_name(form, problems)
    device_id = form.get("device_id") or ""
    device_name = " ".join((form.get("device_name") or "").split())
    if device_id == "other":
        device_id = None
        if not device_name:
            problems["device_name"] = "Name your device."
        elif len(device_name) > NAME_MAX:
            problems["device_name"] = f"Keep it under {NAME_MAX} characters."
    elif device_id not in {d.id for d in catalog.catalog_devices()}:
        problems["device_id"] = "Choose your device type, or “Another device”."
    else:
        device_name = ""
    step, step_problems = read_step(form, new_id("s-"))
    problems.update(step_problems)
    refuse_if(problems)
    own = store.OwnRoutine(new_id(), device_id, device_name, None, name, 1, [step])
    store.create_routine(db, user_id, own, now)
    return own.id


def save(ctx: Context, routine: Routine, device: Device, steps) -> int:
    """Store new steps for an own routine; return the version."""
    db, user_id, now = ctx.db, ctx.user.id, ctx.now
    if not steps:
        raise Refused("A routine needs at least one step.", "steps", kind=INVALID)
    if len(steps) > MAX_STEPS:
        raise Refused(f"A routine has at most {MAX_STEPS} steps.", "steps", kind=INVALID)
    device_name = device.name if device.owner else ""
    version = store.save_routine(
        db,
        user_id,
        store.OwnRoutine(routine.id, None, device_name, routine.based_on, routine.name, routine.version, list(steps)),
        now,
        expected_steps=steps_of(routine),
    )
    if version is None:
        raise Refused(
            "This routine was changed in another window meanwhile, so nothing was saved. "
            "Here it is as it is now: make your change again.",
            "steps",
        )
    return version


def rename(ctx: Context, routine: Routine, device: Device, form) -> None:
    """A new name for the routine (and for a device the catalog does not know)."""
    db, user_id, now = ctx.db, ctx.user.id, ctx.now
    problems: dict[str, str] = {}
    name = read_name(form, problems)
    device_name = read_name(form, problems, "device_name", "Name your device") if device.owner else ""
    refuse_if(problems)
    store.rename_routine(db, user_id, routine.id, name, device_name, now)


def steps_of(routine: Routine) -> list:
    """A routine's steps as the dicts the edits work on."""
    return [asdict(step) for step in routine.steps]


def delete(ctx: Context, routine: Routine, plans) -> None:
    """Delete the routine and its plans (Refused while an active program follows one of them)."""
    db, user_id = ctx.db, ctx.user.id
    plan_ids = [plan.id for plan in plans]
    with immediate(db):  # the check and the delete in one transaction: no program can start in between
        if store.routine_in_use(db, user_id, plan_ids):
            raise Refused("A program you follow uses this routine: stop it first.", "confirm")
        store.delete_routine(db, user_id, routine.id, plan_ids)


def version_steps(db, user_id, routine: Routine, version) -> tuple | None:
    """The steps of an earlier version of an own routine, as Step objects (None: not known)."""
    rows = store.routine_version_steps(db, user_id, routine.id, version)
    return tuple(Step(**row) for row in rows) if rows is not None else None


# What differs from the catalog routine -------------------------------------------------------------


def _label(step) -> str:
    """'Neck glides (left)': the title, with the side when it has one."""
    return f"{step.title} ({step.side})" if step.side in ("left", "right") else step.title


def _change(old: Step, new: Step) -> list:
    changes = []
    if old.title != new.title:
        changes.append(f"called “{new.title}”")
    if (old.area, old.side) != (new.area, new.side):
        changes.append(f"on the {new.place.lower() or 'face'}")
    if old.seconds != new.seconds:
        changes.append(f"{new.seconds} s instead of {old.seconds} s")
    if old.reps != new.reps:
        changes.append(f"{new.reps} repetitions instead of {old.reps}")
    if old.cue_seconds != new.cue_seconds:
        changes.append(
            f"a cue every {new.cue_seconds} s instead of {old.cue_seconds} s" if new.cue_seconds else "no cue rhythm"
        )
    if old.instruction != new.instruction:
        changes.append("its own instruction")
    return changes


def differences(source: Routine | None, mine: Routine) -> list:
    """What the copy changes, in sentences (empty when it is still the same)."""
    if source is None:
        return []
    found = []
    old = {step.id: step for step in source.steps}
    new = {step.id: step for step in mine.steps}
    if mine.name not in (source.name, copy_name(source)):
        found.append(f"Renamed from “{source.name}”.")
    left_out = [_label(step) for step in source.steps if step.id not in new]
    if left_out:
        found.append("Left out: " + "; ".join(left_out) + ".")
    added = [_label(step) for step in mine.steps if step.id not in old]
    if added:
        found.append("Added: " + "; ".join(added) + ".")
    changed: dict = {}  # one sentence per kind of change, naming every step it touched
    for step in mine.steps:
        if step.id in old and (changes := _change(old[step.id], step)):
            changed.setdefault(", ".join(changes), []).append(_label(old[step.id]))
    glides = sum(1 for step in mine.steps if step.id in old and old[step.id].cue_seconds)
    for change, labels in changed.items():
        who = f"Every glide step ({len(labels)})" if len(labels) > 2 and len(labels) == glides else "; ".join(labels)
        found.append(f"{who}: {change}.")
    kept_old = [step_id for step_id in old if step_id in new]
    kept_new = [step_id for step_id in new if step_id in old]
    if kept_old != kept_new:
        found.append("Steps in a different order.")
    return found
