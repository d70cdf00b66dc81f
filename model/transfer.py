# mypy: disable-error-code="valid-type"
# (the pydantic schema builds field types with functions such as _text(0, 80), which mypy cannot follow)
"""Export all of a user's data (JSON that re-imports, CSV to read) and import it into a new account.

An import is checked whole before anything is written: its size, its shape (a pydantic schema: every
table, column and type, the JSON held in text columns included), then its values (time zone, dates,
ids against the catalog and the file's own routines and plans, options against the device, the
device rules) and its photos (re-encoded like uploads). A refused file says which field and why.
"""

import base64
import binascii
import csv
import io
import secrets
import sqlite3
from datetime import date, datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, Json, StringConstraints, TypeAdapter, ValidationError, with_config
from pydantic_core import from_json
from typing_extensions import TypedDict

from model import photos, store
from model.catalog import (
    AREAS,
    CADENCE_KINDS,
    CADENCE_LIMITS,
    MAX_REPS,
    MAX_STEP_SECONDS,
    PHASE_LIMITS,
    SIDES,
    own_device_id,
)
from model.identity import accounts
from model.refusals import INVALID, NO_SPACE, TOO_LARGE, Refused
from model.routines import MAX_STEPS, NAME_MAX
from model.rules import device_rules
from model.store.db import immediate

FORMAT = "facereps-export"
VERSION = 2  # 2 added own routines, their versions and plans
READABLE = (1, 2)
MAX_IMPORT_BYTES = 12 * 1024 * 1024  # the request limit (MAX_CONTENT_LENGTH): a larger file never arrives
TOO_LARGE_FILE = f"That file is larger than {MAX_IMPORT_BYTES / (1024 * 1024):.3g} MB, the most FaceReps imports."
MAX_IMPORT_PIXELS = 200_000_000  # re-encoding them all takes a few seconds of CPU at most
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)  # dates any schedule arithmetic can take
MAX_INTEGER = 2**63 - 1  # SQLite's INTEGER
OWN_DEVICE_PREFIX = own_device_id("my-")  # 'my-device-': a device the catalog does not know, named by a user
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet (OWASP)


class ImportRefused(Refused):
    """The file cannot be imported (field "file"); the message says why, and nothing was written."""

    def __init__(self, message: str, kind: str = INVALID):
        super().__init__(message, "file", kind=kind)


# Export ---------------------------------------------------------------------------------------------


def export_json(db, user, photo_folder, now) -> dict:
    data = store.rows_of_user(db, user.id)
    for photo in data["photos"]:
        path = photo_folder / photo.pop("filename")
        photo["jpeg_base64"] = base64.b64encode(path.read_bytes()).decode() if path.exists() else ""
    return {"format": FORMAT, "version": VERSION, "exported_at": now.isoformat(timespec="seconds"), **data}


def _cell(value):
    """A value a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def export_csv(db, user, catalog) -> str:
    """One spreadsheet: a row per session (routine by name) and per weekly check-in."""
    data = store.rows_of_user(db, user.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["kind", "day", "routine", "status", "steps_done", "steps_total", "firmness", "fine_lines", "glow", "note"]
    )
    rows = []
    for s in data["sessions"]:
        routine = catalog.routines.get(s["routine_id"])
        rows.append(
            [
                "session",
                s["day"],
                routine.name if routine else s["routine_id"],
                s["status"],
                s["steps_done"],
                s["steps_total"],
                "",
                "",
                "",
                "",
            ]
        )
    for c in data["checkins"]:
        rows.append(["check-in", c["week"], "", "", "", "", c["firmness"], c["fine_lines"], c["glow"], c["note"]])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


# The import's schema --------------------------------------------------------------------------------
# Patterns use only ASCII classes ([0-9], not \d: the validator's regex engine is Unicode-aware).

SLUG = r"^[a-z0-9][a-z0-9_-]{0,79}$"
OWN_ROUTINE = r"^my-[a-z0-9][a-z0-9_-]{0,76}$"
OWN_PLAN = r"^my-plan-[a-z0-9][a-z0-9_-]{0,71}$"
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
PATTERN_WORDS = {
    SLUG: "an id (lower-case letters, digits, '-' and '_')",
    OWN_ROUTINE: "an own routine's id ('my-' then lower-case letters, digits, '-' and '_')",
    OWN_PLAN: "an own plan's id ('my-plan-' then lower-case letters, digits, '-' and '_')",
    DAY: "a date (YYYY-MM-DD)",
    TIME: "a time of day (HH:MM)",
}

STRICT = ConfigDict(extra="forbid", strict=True)
Slug = Annotated[str, StringConstraints(pattern=SLUG)]
Day = Annotated[str, StringConstraints(pattern=DAY)]
Stamp = Annotated[str, StringConstraints(max_length=40)]  # a moment: parsed (with its time zone) below


def _text(low, high):
    return Annotated[str, StringConstraints(min_length=low, max_length=high)]


def _whole(low, high):
    return Annotated[int, Field(ge=low, le=high)]


Name = _text(1, NAME_MAX)
Bit = _whole(0, 1)
Id = _whole(-MAX_INTEGER, MAX_INTEGER)
Count = _whole(0, 10_000)


@with_config(STRICT)
class Settings(TypedDict):
    time_zone: _text(1, 64)
    day_start_hour: _whole(0, 5)
    week_start: _whole(0, 6)
    cue_beep: Bit
    cue_vibrate: Bit
    cue_voice: Bit
    auto_advance: Bit
    reminder_time: Annotated[str, StringConstraints(pattern=TIME)]


@with_config(STRICT)
class PhaseRule(TypedDict):
    """schedule.PhaseRule as stored (asdict): every field, as own_catalog reads them."""

    name: Name
    kind: Literal[CADENCE_KINDS]
    count: Count
    days: Count
    weeks: Count
    length_weeks: Count | None
    length_sessions: Count | None
    rollover: bool


@with_config(STRICT)
class StepRow(TypedDict):
    """catalog.Step as stored (asdict)."""

    id: Slug
    title: _text(1, 200)
    area: Literal[tuple(AREAS)]
    side: Literal[tuple(SIDES)]
    seconds: _whole(1, MAX_STEP_SECONDS)
    reps: _whole(1, MAX_REPS)
    cue_seconds: _whole(0, MAX_STEP_SECONDS)
    instruction: _text(0, 2000)


Phases = Annotated[list[PhaseRule], Field(min_length=1, max_length=4)]
Steps = Annotated[list[StepRow], Field(min_length=1, max_length=100)]


@with_config(STRICT)
class Enrollment(TypedDict):
    id: Id
    program_id: Slug
    start_day: Day
    options: Json[dict[Slug, Any]]
    status: Literal["active", "stopped"]
    stopped_on: Day | None
    created_at: Stamp


@with_config(STRICT)
class EnrollmentVersion(TypedDict):
    enrollment_id: Id
    effective_day: Day
    phases: Json[Phases | None] | None  # NULL (or null): the catalog program's phases
    options: Json[dict[Slug, Any]]
    created_at: Stamp


@with_config(STRICT)
class Pause(TypedDict):
    enrollment_id: Id
    first_day: Day
    last_day: Day | None
    reason: _text(0, 200)


@with_config(STRICT)
class Screening(TypedDict):
    device_id: Slug
    questions_version: Count
    answers: Json[dict[Slug, Literal["yes", "no"]]]
    clinician_confirmed: Bit
    answered_on: Day
    created_at: Stamp


@with_config(STRICT)
class Session(TypedDict):
    day: Day
    routine_id: Slug
    device_id: Slug
    steps_total: _whole(1, 1000)
    steps_done: _whole(0, 1000)
    status: Literal["open", "done"]
    updated_at: Stamp
    started_at: Stamp | None
    finished_at: Stamp | None
    current_step: Slug | None
    skipped: Json[Annotated[list[Slug], Field(max_length=100)]]
    steps: Json[Steps] | None
    routine_version: _whole(1, MAX_INTEGER) | None


@with_config(STRICT)
class Tick(TypedDict):
    day: Day
    routine_id: Slug
    step_id: Slug
    ticked_at: Stamp


@with_config(STRICT)
class GateCheck(TypedDict):
    device_id: Slug
    gate_id: Slug
    day: Day


@with_config(STRICT)
class Checkin(TypedDict):
    week: Day
    firmness: _whole(1, 5)
    fine_lines: _whole(1, 5)
    glow: _whole(1, 5)
    note: _text(0, 1000)
    updated_at: Stamp


@with_config(STRICT)
class Photo(TypedDict):
    week: Day
    angle: Literal[photos.ANGLES]
    width: _whole(1, photos.LONGEST_SIDE)
    height: _whole(1, photos.LONGEST_SIDE)
    created_at: Stamp
    jpeg_base64: _text(0, MAX_IMPORT_BYTES)


@with_config(STRICT)
class Routine(TypedDict):
    id: Annotated[str, StringConstraints(pattern=OWN_ROUTINE)]
    device_id: Slug | None
    device_name: _text(0, NAME_MAX)
    based_on: Slug | None
    name: Name
    version: _whole(1, MAX_INTEGER)
    created_at: Stamp
    updated_at: Stamp


@with_config(STRICT)
class RoutineVersion(TypedDict):
    routine_id: Annotated[str, StringConstraints(pattern=OWN_ROUTINE)]
    version: _whole(1, MAX_INTEGER)
    steps: Json[Annotated[list[StepRow], Field(min_length=1, max_length=MAX_STEPS)]]
    created_at: Stamp


@with_config(STRICT)
class Plan(TypedDict):
    id: Annotated[str, StringConstraints(pattern=OWN_PLAN)]
    routine_id: Slug
    name: Name
    phases: Json[Annotated[list[PhaseRule], Field(min_length=1, max_length=2)]]
    created_at: Stamp


@with_config(STRICT)
class ToolChange(TypedDict):
    device_id: Slug
    day: Day


@with_config(STRICT)
class ExportFile(TypedDict):
    format: Literal[FORMAT]
    version: Literal[READABLE]
    exported_at: NotRequired[Stamp]
    settings: Settings
    enrollments: list[Enrollment]
    enrollment_versions: list[EnrollmentVersion]
    pauses: list[Pause]
    screenings: list[Screening]
    sessions: list[Session]
    ticks: list[Tick]
    gate_checks: list[GateCheck]
    checkins: list[Checkin]
    photos: list[Photo]
    routines: list[Routine]
    routine_versions: list[RoutineVersion]
    plans: list[Plan]
    tool_changes: list[ToolChange]


SCHEMA = TypeAdapter(ExportFile)
assert set(ExportFile.__annotations__) >= set(store.TABLES), "every exported table has a schema"

# Keys that are unique in the database: a file repeating one cannot be imported.
UNIQUE = {
    "enrollments": ("id",),
    "enrollment_versions": ("enrollment_id", "effective_day"),
    "sessions": ("day", "routine_id"),
    "ticks": ("day", "routine_id", "step_id"),
    "gate_checks": ("device_id", "gate_id"),
    "checkins": ("week",),
    "photos": ("week", "angle"),
    "routines": ("id",),
    "routine_versions": ("routine_id", "version"),
    "plans": ("id",),
    "tool_changes": ("device_id", "day"),
}
DAYS = {
    "enrollments": ("start_day", "stopped_on"),
    "enrollment_versions": ("effective_day",),
    "pauses": ("first_day", "last_day"),
    "screenings": ("answered_on",),
    "sessions": ("day",),
    "ticks": ("day",),
    "gate_checks": ("day",),
    "checkins": ("week",),
    "photos": ("week",),
    "tool_changes": ("day",),
}
STAMPS = {
    "enrollments": ("created_at",),
    "enrollment_versions": ("created_at",),
    "screenings": ("created_at",),
    "sessions": ("updated_at", "started_at", "finished_at"),
    "ticks": ("ticked_at",),
    "checkins": ("updated_at",),
    "photos": ("created_at",),
    "routines": ("created_at", "updated_at"),
    "routine_versions": ("created_at",),
    "plans": ("created_at",),
}


# Reading and checking a file ------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, where, why):
        super().__init__(f"{where}: {why}")


def _where(loc) -> str:
    """('sessions', 3, 'day') → 'sessions[3].day'."""
    text = ""
    for part in loc:
        if part == "[key]":
            text += " (a key)"
        elif isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "the file"


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "none_required": "null",
    "int_from_float": "a whole number",
    "float_type": "a number",
}


def _why(error) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field of a FaceReps export"
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} is not {PATTERN_WORDS.get(str(ctx.get('pattern')), 'in the expected form')}"
    if kind in TYPE_WORDS:
        return f"{_shown(value)} is not {TYPE_WORDS[kind]}"
    if kind == "greater_than_equal":
        return f"{_shown(value)} is less than {ctx['ge']}"
    if kind == "less_than_equal":
        return f"{_shown(value)} is more than {ctx['le']}"
    if kind == "string_too_short":
        return "is empty" if not ctx.get("min_length", 1) > 1 else f"is shorter than {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"is longer than {ctx['max_length']} characters"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item{'s' if ctx['min_length'] != 1 else ''}"
    if kind == "too_long":
        return f"has more than {ctx['max_length']} items"
    if kind == "literal_error":
        return f"{_shown(value)} is not one of {ctx['expected']}"
    if kind == "json_invalid":
        return f"is not JSON text ({ctx.get('error', 'unreadable')})"
    if kind == "json_type":
        return "is not JSON text"
    return error["msg"]


def _read(raw: bytes) -> tuple:
    """(the file's data as written, the same checked by the schema with its JSON text columns read);
    v1 files get the tables they did not have."""
    if not raw:
        raise ImportRefused("Choose the JSON file you exported from FaceReps.")
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(TOO_LARGE_FILE, TOO_LARGE)
    try:
        # pydantic's Rust parser: no recursion in Python, and more than 200 levels of nesting is an error;
        # the schema then allows only the format's own 3 (file, table, row), and 3 inside a JSON text column.
        data = from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        deep = "recursion limit" in str(error)
        raise ImportRefused(
            "That file is not a FaceReps export (it is nested too deeply)."
            if deep
            else "That file is not a FaceReps export (it is not valid JSON)."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("That file is not a FaceReps export.")
    if data.get("version") not in READABLE:
        raise ImportRefused("That export comes from a FaceReps version this one cannot read.")
    data.setdefault("tool_changes", [])  # files exported before tool changes were kept
    if data["version"] == 1:  # before own routines: none to import, sessions ran catalog routines
        for table in ("routines", "routine_versions", "plans"):
            data.setdefault(table, [])
        for row in data.get("sessions") or []:
            if isinstance(row, dict):
                row.setdefault("routine_version", None)
    try:
        checked = SCHEMA.validate_python(data)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        more = len(problems) - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ImportRefused(
            f"That export is incomplete or damaged: {_where(problems[0]['loc'])}: "
            f"{_why(problems[0])}{also}; nothing was imported."
        ) from error
    return data, checked


def _day(text, where):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _Refused(where, f"{text!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _Refused(where, f"{text!r} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


def _stamp(text, where):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _Refused(where, f"{text!r} is not a moment with its time zone (YYYY-MM-DDTHH:MM:SS+00:00)")
    return moment


def _repeats(data):
    for table, key in UNIQUE.items():
        seen: dict = {}
        for index, row in enumerate(data[table]):
            value = tuple(row[c] for c in key)
            if value in seen:
                raise _Refused(f"{table}[{index}]", f"repeats {table}[{seen[value]}] (the same {', '.join(key)})")
            seen[value] = index


def _dates(data):
    for names, check in ((DAYS, _day), (STAMPS, _stamp)):
        good = {None}  # values already read (a history repeats its days and moments many times)
        for table, fields in names.items():
            for index, row in enumerate(data[table]):
                for field in fields:
                    if row[field] not in good:
                        check(row[field], f"{table}[{index}].{field}")
                        good.add(row[field])
    for index, row in enumerate(data["pauses"]):
        if row["last_day"] is not None and row["last_day"] < row["first_day"]:
            raise _Refused(f"pauses[{index}].last_day", "is before the pause's first day")


def _phases(phases, where):
    """A plan's phases as the scheduler can follow them (the bounds of the plan form and the catalog)."""
    for number, rule in enumerate(phases):
        at, kind = f"{where}[{number}]", rule["kind"]
        field, limits = {
            "per_week": ("count", CADENCE_LIMITS["per_week"]),
            "every_days": ("days", CADENCE_LIMITS["every_days"]),
            "per_month": ("count", CADENCE_LIMITS["per_month"]),
            "sessions_over_weeks": ("weeks", CADENCE_LIMITS["over_weeks"]),
        }[kind]
        low, high = limits
        if not low <= rule[field] <= high:
            raise _Refused(f"{at}.{field}", f"{rule[field]} is not from {low} to {high} for {kind}")
        if kind == "sessions_over_weeks" and not 1 <= rule["count"] <= rule["weeks"] * 7:
            raise _Refused(f"{at}.count", f"{rule['count']} is not from 1 to {rule['weeks'] * 7} (one a day at most)")
        for length, name in (("length_weeks", "weeks"), ("length_sessions", "sessions")):
            low, high = PHASE_LIMITS[name]
            if rule[length] is not None and not low <= rule[length] <= high:
                raise _Refused(f"{at}.{length}", f"{rule[length]} is not from {low} to {high}")
        if rule["length_weeks"] is None and rule["length_sessions"] is None and number != len(phases) - 1:
            raise _Refused(at, "has no end, but only the last phase may go on without one")


def _steps(steps, where):
    seen = set()
    for number, step in enumerate(steps):
        if step["id"] in seen:
            raise _Refused(f"{where}[{number}].id", f"{step['id']!r} names two steps")
        seen.add(step["id"])
        if step["cue_seconds"] > step["seconds"]:
            raise _Refused(f"{where}[{number}].cue_seconds", "is longer than the step")


def _options(options, device, where):
    """Options as the start page stores them: the device's own (a flag, or one of its choices), skip_areas."""
    for key, value in options.items():
        at = f"{where}.{key}"
        option = device.option(key)
        if key == "skip_areas":
            if not isinstance(value, list) or not all(isinstance(area, str) and area in AREAS for area in value):
                raise _Refused(at, f"{_shown(value)} is not a list of areas ({', '.join(AREAS)})")
        elif option is None:
            raise _Refused(at, f"is not an option of {device.name}")
        elif option.kind == "flag":
            if not isinstance(value, bool):
                raise _Refused(at, f"{_shown(value)} is not true or false")
        elif not isinstance(value, str) or value not in {choice.value for choice in option.choices}:
            raise _Refused(at, f"{_shown(value)} is not one of {', '.join(c.value for c in option.choices)}")


class _NoOptions:
    """The options of a device the catalog does not know (a user's own): none."""

    name = "this device"

    @staticmethod
    def option(_key):
        return None


def _catalog_device(catalog, device_id):
    device = catalog.devices.get(device_id)
    return device if device is not None and device.owner is None else None


def _own_routines(catalog, data, checked) -> dict:
    """The file's own routines: id → its device (None: a device the catalog does not know)."""
    routines = {}
    versions = {(row["routine_id"], row["version"]) for row in data["routine_versions"]}
    for index, row in enumerate(data["routines"]):
        where = f"routines[{index}]"
        if row["device_id"] is None:
            if not row["device_name"].strip():
                raise _Refused(f"{where}.device_name", "is empty, but a routine for another device names it")
        elif _catalog_device(catalog, row["device_id"]) is None:
            raise _Refused(f"{where}.device_id", f"{row['device_id']!r} is not a device type FaceReps knows")
        if (row["id"], row["version"]) not in versions:
            raise _Refused(f"{where}.version", f"version {row['version']} of {row['id']!r} is not in routine_versions")
        routines[row["id"]] = _catalog_device(catalog, row["device_id"]) if row["device_id"] else None
    for index, row in enumerate(checked["routine_versions"]):
        where = f"routine_versions[{index}]"
        if row["routine_id"] not in routines:
            raise _Refused(f"{where}.routine_id", f"{row['routine_id']!r} is not a routine in this file")
        _steps(row["steps"], f"{where}.steps")
    return routines


def _plans(catalog, checked, routines) -> dict:
    """The file's own plans: id → the device of its routine (None: an own device)."""
    plans = {}
    for index, row in enumerate(checked["plans"]):
        where, routine_id = f"plans[{index}]", row["routine_id"]
        routine = catalog.routines.get(routine_id)
        if routine_id in routines:
            plans[row["id"]] = routines[routine_id]
        elif routine is not None and routine.owner is None:
            plans[row["id"]] = catalog.devices[routine.device_id]
        else:
            raise _Refused(f"{where}.routine_id", f"{routine_id!r} is neither a catalog routine nor one in this file")
        _phases(row["phases"], f"{where}.phases")
    return plans


def _enrollments(catalog, checked, plans) -> dict:
    """Each enrollment follows a catalog program or a plan of the file, with that device's options."""
    enrollments: dict = {}
    active: dict = {}
    for index, row in enumerate(checked["enrollments"]):
        where, program_id = f"enrollments[{index}]", row["program_id"]
        program = catalog.programs.get(program_id)
        if program is not None and program.owner is None:
            device = catalog.device_of(program)
        elif program_id in plans:
            device = plans[program_id]
        else:
            raise _Refused(
                f"{where}.program_id", f"{program_id!r} is neither a catalog program nor a plan in this file"
            )
        if row["status"] == "active":
            if program_id in active:
                raise _Refused(
                    f"{where}.program_id",
                    f"{program_id!r} is followed by another active enrollment (enrollments[{active[program_id]}])",
                )
            active[program_id] = index
        _options(row["options"], device or _NoOptions, f"{where}.options")
        enrollments[row["id"]] = device
    for index, row in enumerate(checked["enrollment_versions"]):
        where = f"enrollment_versions[{index}]"
        if row["enrollment_id"] not in enrollments:
            raise _Refused(f"{where}.enrollment_id", f"{row['enrollment_id']} is not an enrollment in this file")
        _options(row["options"], enrollments[row["enrollment_id"]] or _NoOptions, f"{where}.options")
        if row["phases"] is not None:
            _phases(row["phases"], f"{where}.phases")
    for index, row in enumerate(checked["pauses"]):
        if row["enrollment_id"] not in enrollments:
            raise _Refused(
                f"pauses[{index}].enrollment_id", f"{row['enrollment_id']} is not an enrollment in this file"
            )
    return enrollments


def _semantics(catalog, data, checked):
    """Every id, zone, date and option against the catalog and the file itself (raises _Refused)."""
    if data["settings"]["time_zone"] not in accounts.time_zones():
        raise _Refused(
            "settings.time_zone", f"{_shown(data['settings']['time_zone'])} is not a time zone (such as Europe/Paris)"
        )
    _repeats(data)
    _dates(data)
    _enrollments(catalog, checked, _plans(catalog, checked, _own_routines(catalog, data, checked)))
    # A device is the catalog's, or a user's own ("my-device-...": kept by sessions and screenings even
    # after its routine was deleted). Gates belong to catalog devices only.
    for table in ("screenings", "sessions", "tool_changes", "gate_checks"):
        for index, row in enumerate(data[table]):
            device_id = row["device_id"]
            if _catalog_device(catalog, device_id) is None and (
                table == "gate_checks" or not device_id.startswith(OWN_DEVICE_PREFIX)
            ):
                raise _Refused(f"{table}[{index}].device_id", f"{device_id!r} is not a device type FaceReps knows")
    # Sessions and ticks may name a routine no longer there (a deleted own routine keeps its sessions):
    # their ids are checked as ids (URL-safe, by the schema), and every look-up of them allows a missing one.
    for index, row in enumerate(checked["sessions"]):
        if row["steps_done"] > row["steps_total"]:
            raise _Refused(f"sessions[{index}].steps_done", "is more than steps_total")
        if row["steps"] is not None:
            _steps(row["steps"], f"sessions[{index}].steps")


def _images(data, quota_bytes) -> list:
    """Every photo of the file re-encoded like an upload: (jpeg, width, height), or None for a photo whose
    file was already missing when it was exported (its jpeg_base64 is empty: it is left out)."""
    images: list[tuple | None] = []
    pixels = total = 0
    for index, photo in enumerate(data["photos"]):
        where = f"photos[{index}].jpeg_base64"
        if not photo["jpeg_base64"]:
            images.append(None)
            continue
        try:
            raw = base64.b64decode(photo["jpeg_base64"], validate=True)
            width, height = photos.dimensions(raw)
            pixels += width * height
            if pixels > MAX_IMPORT_PIXELS:
                raise _Refused(
                    "photos",
                    f"hold more than {MAX_IMPORT_PIXELS // 1_000_000} megapixels in all, the most "
                    "one import re-encodes",
                )
            image = photos.reencode(raw, max_bytes=photos.MAX_BYTES, max_side=photos.LONGEST_SIDE)
        except (binascii.Error, ValueError, photos.PhotoError) as error:
            if isinstance(error, photos.PhotoError):
                raise _Refused(where, str(error)) from None
            raise _Refused(where, "is not base64 (a photo's bytes)") from None
        total += len(image[0])
        if quota_bytes is not None and total > quota_bytes:
            raise ImportRefused(
                f"The photos in that file take more than {quota_bytes / (1024 * 1024):.3g} MB, the most "
                "FaceReps keeps for one account; nothing was imported.",
                TOO_LARGE,
            )
        images.append(image)
    return images


def _checked(catalog, raw):
    data, checked = _read(raw)
    try:
        _semantics(catalog, data, checked)
    except _Refused as refused:
        raise ImportRefused(f"That export is incomplete or damaged: {refused}; nothing was imported.") from None
    broken = device_rules.history_problem(catalog, data["sessions"])
    if broken:
        raise ImportRefused(f"That export breaks a device's safety rules ({broken}); nothing was imported.")
    return data


def import_json(db, catalog, user, raw: bytes, photo_folder, quota_bytes=None):
    """Import an export into this (empty) account: everything or, on any problem, nothing."""
    data = _checked(catalog, raw)
    empty_only = ImportRefused("Import into a new, empty account: this one already has programs or history.")
    if store.has_history(db, user.id):  # early, to spare the photos' work; checked again when writing
        raise empty_only
    try:
        images = _images(data, quota_bytes)
    except _Refused as refused:
        raise ImportRefused(f"That export is incomplete or damaged: {refused}; nothing was imported.") from None
    kept = []
    for photo, image in zip(data["photos"], images, strict=True):
        if image is not None:
            photo.pop("jpeg_base64")
            photo.update(filename=f"{secrets.token_hex(16)}.jpg", width=image[1], height=image[2])
            kept.append((photo, image[0]))
    data["photos"] = [photo for photo, _jpeg in kept]
    written = []
    try:
        # One transaction: of two imports racing into one account exactly one finds it empty and
        # writes; the photo files are written before the commit, so a failure keeps neither.
        with immediate(db):
            if store.has_history(db, user.id):
                raise store.AccountNotEmpty()
            store.import_rows(db, user.id, data)
            photo_folder.mkdir(parents=True, exist_ok=True)
            for photo, jpeg in kept:
                written.append(photo_folder / photo["filename"])
                photos.write_file(written[-1], jpeg)
    except Exception as error:
        for path in written:  # nothing was committed: no file stays either
            path.unlink(missing_ok=True)
        if isinstance(error, store.AccountNotEmpty):
            raise empty_only from None
        if isinstance(error, (KeyError, TypeError, ValueError, sqlite3.Error)):
            raise ImportRefused("That export is incomplete or damaged; nothing was imported.") from error
        if isinstance(error, OSError):
            raise ImportRefused(
                "The photos could not be saved (the server is short of space); nothing was imported. Try again later.",
                NO_SPACE,
            ) from error
        raise
