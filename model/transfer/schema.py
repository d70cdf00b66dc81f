# mypy: disable-error-code="valid-type"
# (the pydantic schema builds field types with functions such as _text(0, 80), which mypy cannot follow)
"""The shape of an export file, as a pydantic schema: every table, column and type, the JSON held in
text columns included; and the keys, days and timestamps the checks look at."""

from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, Json, StringConstraints, TypeAdapter, with_config
from typing_extensions import TypedDict

from model import photos, store
from model.catalog import (
    AREAS,
    CADENCE_KINDS,
    MAX_REPS,
    MAX_STEP_SECONDS,
    SIDES,
)
from model.routines import MAX_STEPS, NAME_MAX
from model.transfer.format import FORMAT, MAX_IMPORT_BYTES, MAX_INTEGER, READABLE

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
    """The file's `settings`: the user's time zone, day start, week start, cues and reminder time."""

    time_zone: _text(1, 64)
    day_start_hour: _whole(0, 5)
    week_start: _whole(0, 6)
    cue_beep: Bit
    cue_vibrate: Bit
    cue_voice: Bit
    auto_advance: Bit
    reminder_time: Annotated[str, StringConstraints(pattern=TIME)]
    voice_asked: NotRequired[Bit]  # the player asked once about speaking each step (older files lack it)
    reminder_evening: NotRequired[Annotated[str, StringConstraints(pattern=TIME)] | None]  # older files lack
    reminder_weekly: NotRequired[Bit]  # these two (push reminders)


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
    """A row of the `enrollments` table: a program the user follows from a start day, with its options."""

    id: Id
    program_id: Slug
    start_day: Day
    options: Json[dict[Slug, Any]]
    status: Literal["active", "stopped"]
    stopped_on: Day | None
    created_at: Stamp


@with_config(STRICT)
class EnrollmentVersion(TypedDict):
    """A row of the `enrollment_versions` table: an enrollment's plan and options from a day on."""

    enrollment_id: Id
    effective_day: Day
    phases: Json[Phases | None] | None  # NULL (or null): the catalog program's phases
    options: Json[dict[Slug, Any]]
    created_at: Stamp


@with_config(STRICT)
class Pause(TypedDict):
    """A row of the `pauses` table: days an enrollment is paused (or one day skipped)."""

    enrollment_id: Id
    first_day: Day
    last_day: Day | None
    reason: _text(0, 200)


@with_config(STRICT)
class Screening(TypedDict):
    """A row of the `screenings` table: the answers that cleared the user for a device."""

    device_id: Slug
    questions_version: Count
    answers: Json[dict[Slug, Literal["yes", "no"]]]
    clinician_confirmed: Bit
    answered_on: Day
    created_at: Stamp


@with_config(STRICT)
class Session(TypedDict):
    """A row of the `sessions` table: one routine on one day, with the guided player's place in it."""

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
    """A row of the `ticks` table: one step ticked done in a day's routine."""

    day: Day
    routine_id: Slug
    step_id: Slug
    ticked_at: Stamp


@with_config(STRICT)
class GateCheck(TypedDict):
    """A row of the `gate_checks` table: the day a device's one-time test was done."""

    device_id: Slug
    gate_id: Slug
    day: Day


@with_config(STRICT)
class Checkin(TypedDict):
    """A row of the `checkins` table: a week's self-ratings and note."""

    week: Day
    firmness: _whole(1, 5)
    fine_lines: _whole(1, 5)
    glow: _whole(1, 5)
    note: _text(0, 1000)
    updated_at: Stamp


@with_config(STRICT)
class Photo(TypedDict):
    """A row of the `photos` table, with the JPEG itself in base64 in place of its file name."""

    week: Day
    angle: Literal[photos.ANGLES]
    width: _whole(1, photos.LONGEST_SIDE)
    height: _whole(1, photos.LONGEST_SIDE)
    created_at: Stamp
    jpeg_base64: _text(0, MAX_IMPORT_BYTES)


@with_config(STRICT)
class Routine(TypedDict):
    """A row of the `routines` table: a user's own routine, its device and its current version."""

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
    """A row of the `routine_versions` table: the steps of one version of an own routine."""

    routine_id: Annotated[str, StringConstraints(pattern=OWN_ROUTINE)]
    version: _whole(1, MAX_INTEGER)
    steps: Json[Annotated[list[StepRow], Field(min_length=1, max_length=MAX_STEPS)]]
    created_at: Stamp


@with_config(STRICT)
class Plan(TypedDict):
    """A row of the `plans` table: a user's own plan for a routine, with its phases."""

    id: Annotated[str, StringConstraints(pattern=OWN_PLAN)]
    routine_id: Slug
    name: Name
    phases: Json[Annotated[list[PhaseRule], Field(min_length=1, max_length=2)]]
    created_at: Stamp


@with_config(STRICT)
class ToolChange(TypedDict):
    """A row of the `tool_changes` table: the day a user started on a new tool."""

    device_id: Slug
    day: Day


@with_config(STRICT)
class RoutineReminder(TypedDict):
    """A row of the `routine_reminders` table: a routine's push reminder, on or off, at its own time."""

    routine_id: Slug
    time: Annotated[str, StringConstraints(pattern=TIME)] | None
    enabled: Bit


@with_config(STRICT)
class ExportFile(TypedDict):
    """The whole export file: its format and version, the settings, and every table's rows."""

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
    routine_reminders: list[RoutineReminder]


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
    "routine_reminders": ("routine_id",),
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
