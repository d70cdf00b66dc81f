"""An export file's values: dates, repeats, phases, steps, options, and ids against the catalog and the
file's own routines and plans, with the device rules."""

from datetime import date, datetime

from model.catalog import (
    AREAS,
    CADENCE_LIMITS,
    PHASE_LIMITS,
)
from model.identity import accounts
from model.transfer.format import (
    FIRST_DAY,
    LAST_DAY,
    OWN_DEVICE_PREFIX,
)
from model.transfer.schema import (
    DAYS,
    STAMPS,
    UNIQUE,
)
from model.transfer.shape import Unreadable, shown


def _day(text, where):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Unreadable(where, f"{text!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Unreadable(where, f"{text!r} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


def _stamp(text, where):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Unreadable(where, f"{text!r} is not a moment with its time zone (YYYY-MM-DDTHH:MM:SS+00:00)")
    return moment


def _repeats(data):
    for table, key in UNIQUE.items():
        seen: dict = {}
        for index, row in enumerate(data[table]):
            value = tuple(row[c] for c in key)
            if value in seen:
                raise Unreadable(f"{table}[{index}]", f"repeats {table}[{seen[value]}] (the same {', '.join(key)})")
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
            raise Unreadable(f"pauses[{index}].last_day", "is before the pause's first day")


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
            raise Unreadable(f"{at}.{field}", f"{rule[field]} is not from {low} to {high} for {kind}")
        if kind == "sessions_over_weeks" and not 1 <= rule["count"] <= rule["weeks"] * 7:
            raise Unreadable(f"{at}.count", f"{rule['count']} is not from 1 to {rule['weeks'] * 7} (one a day at most)")
        for length, name in (("length_weeks", "weeks"), ("length_sessions", "sessions")):
            low, high = PHASE_LIMITS[name]
            if rule[length] is not None and not low <= rule[length] <= high:
                raise Unreadable(f"{at}.{length}", f"{rule[length]} is not from {low} to {high}")
        if rule["length_weeks"] is None and rule["length_sessions"] is None and number != len(phases) - 1:
            raise Unreadable(at, "has no end, but only the last phase may go on without one")


def _steps(steps, where):
    seen = set()
    for number, step in enumerate(steps):
        if step["id"] in seen:
            raise Unreadable(f"{where}[{number}].id", f"{step['id']!r} names two steps")
        seen.add(step["id"])
        if step["cue_seconds"] > step["seconds"]:
            raise Unreadable(f"{where}[{number}].cue_seconds", "is longer than the step")


def _options(options, device, where):
    """Options as the start page stores them: the device's own (a flag, or one of its choices), skip_areas."""
    for key, value in options.items():
        at = f"{where}.{key}"
        option = device.option(key)
        if key == "skip_areas":
            if not isinstance(value, list) or not all(isinstance(area, str) and area in AREAS for area in value):
                raise Unreadable(at, f"{shown(value)} is not a list of areas ({', '.join(AREAS)})")
        elif option is None:
            raise Unreadable(at, f"is not an option of {device.name}")
        elif option.kind == "flag":
            if not isinstance(value, bool):
                raise Unreadable(at, f"{shown(value)} is not true or false")
        elif not isinstance(value, str) or value not in {choice.value for choice in option.choices}:
            raise Unreadable(at, f"{shown(value)} is not one of {', '.join(c.value for c in option.choices)}")


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
                raise Unreadable(f"{where}.device_name", "is empty, but a routine for another device names it")
        elif _catalog_device(catalog, row["device_id"]) is None:
            raise Unreadable(f"{where}.device_id", f"{row['device_id']!r} is not a device type FaceReps knows")
        if (row["id"], row["version"]) not in versions:
            raise Unreadable(
                f"{where}.version", f"version {row['version']} of {row['id']!r} is not in routine_versions"
            )
        routines[row["id"]] = _catalog_device(catalog, row["device_id"]) if row["device_id"] else None
    for index, row in enumerate(checked["routine_versions"]):
        where = f"routine_versions[{index}]"
        if row["routine_id"] not in routines:
            raise Unreadable(f"{where}.routine_id", f"{row['routine_id']!r} is not a routine in this file")
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
            raise Unreadable(f"{where}.routine_id", f"{routine_id!r} is neither a catalog routine nor one in this file")
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
            raise Unreadable(
                f"{where}.program_id", f"{program_id!r} is neither a catalog program nor a plan in this file"
            )
        if row["status"] == "active":
            if program_id in active:
                raise Unreadable(
                    f"{where}.program_id",
                    f"{program_id!r} is followed by another active enrollment (enrollments[{active[program_id]}])",
                )
            active[program_id] = index
        _options(row["options"], device or _NoOptions, f"{where}.options")
        enrollments[row["id"]] = device
    for index, row in enumerate(checked["enrollment_versions"]):
        where = f"enrollment_versions[{index}]"
        if row["enrollment_id"] not in enrollments:
            raise Unreadable(f"{where}.enrollment_id", f"{row['enrollment_id']} is not an enrollment in this file")
        _options(row["options"], enrollments[row["enrollment_id"]] or _NoOptions, f"{where}.options")
        if row["phases"] is not None:
            _phases(row["phases"], f"{where}.phases")
    for index, row in enumerate(checked["pauses"]):
        if row["enrollment_id"] not in enrollments:
            raise Unreadable(
                f"pauses[{index}].enrollment_id", f"{row['enrollment_id']} is not an enrollment in this file"
            )
    return enrollments


def check_values(catalog, data, checked):
    """Every id, zone, date and option against the catalog and the file itself (raises Unreadable)."""
    if data["settings"]["time_zone"] not in accounts.time_zones():
        raise Unreadable(
            "settings.time_zone", f"{shown(data['settings']['time_zone'])} is not a time zone (such as Europe/Paris)"
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
                raise Unreadable(f"{table}[{index}].device_id", f"{device_id!r} is not a device type FaceReps knows")
    # Sessions and ticks may name a routine no longer there (a deleted own routine keeps its sessions):
    # their ids are checked as ids (URL-safe, by the schema), and every look-up of them allows a missing one.
    for index, row in enumerate(checked["sessions"]):
        if row["steps_done"] > row["steps_total"]:
            raise Unreadable(f"sessions[{index}].steps_done", "is more than steps_total")
        if row["steps"] is not None:
            _steps(row["steps"], f"sessions[{index}].steps")
