"""Reading data/catalog/*.toml: every field checked, every error naming file, entry and field."""

import re
import tomllib
from pathlib import Path
from typing import NoReturn

from model.catalog.index import Catalog
from model.catalog.types import (
    AREAS,
    CADENCE_KINDS,
    CADENCE_LIMITS,
    INFERENCE,
    MAX_REPS,
    MAX_STEP_SECONDS,
    OUTCOMES,
    OWN_PREFIX,
    PHASE_LIMITS,
    SIDES,
    SOURCE_KINDS,
    Cadence,
    CatalogError,
    Choice,
    Device,
    Gate,
    Note,
    Option,
    Phase,
    Program,
    Question,
    Routine,
    Source,
    Step,
)

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
# The app labels facts citing FaceReps' inference itself; a question's explanation never says so.
OWN_LABEL = re.compile(r"facereps[’']? own caution", re.IGNORECASE)


class _Reader:
    """Reads one table of a TOML file, naming file, entry and field in every error."""

    def __init__(self, where, table):
        if not isinstance(table, dict):
            raise CatalogError(f"{where}: must be a table")
        self.where, self.table = where, table

    def path(self, name):
        # A file-level reader's place ends with ':' ("toy.toml:"), an entry's does not.
        return f"{self.where} {name}" if self.where.endswith(":") else f"{self.where}.{name}"

    def fail(self, name, message) -> NoReturn:
        raise CatalogError(f"{self.path(name)}: {message}")

    def text(self, name, default=None):
        value = self.table.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            self.fail(name, "is required text" if value is None else "must be non-empty text")
        return value.strip()

    def number(self, name, default=None, low=0, high=10_000):
        value = self.table.get(name, default)
        if value is None:
            self.fail(name, "is required")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}, not {value}")
        return value

    def bounded(self, name, limits):
        return self.number(name, low=limits[0], high=limits[1])

    def flag(self, name, default=False):
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, "must be true or false")
        return value

    def texts(self, name):
        value = self.table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "must be a list of text")
        return tuple(value)

    def tables(self, name, required=False):
        value = self.table.get(name, [])
        if not isinstance(value, list) or (required and not value):
            self.fail(name, "needs at least one entry" if required else "must be a list of tables")
        return value

    def id(self, own_prefix_allowed=False):
        """An id: lower-case letters, digits, '-' and '_' (it goes into URLs as it is)."""
        value = self.text("id")
        if not SLUG.fullmatch(value):
            self.fail("id", f"use lower-case letters, digits, '-' and '_' only, not {value!r}")
        if value.startswith(OWN_PREFIX) and not own_prefix_allowed:
            self.fail("id", f"must not start with {OWN_PREFIX!r}: such ids name a user's own routines")
        return value

    def entry(self, name, index, table):
        label = table.get("id", index) if isinstance(table, dict) else index
        return _Reader(f"{self.path(name)}[{label}]", table)

    def source(self, sources, name="source"):
        """The one source of a field that names exactly one."""
        first, more = self.cited(sources, name)
        if more:
            self.fail(name, "names one source, not a list")
        return first

    def cited(self, sources, name="source"):
        """A fact's sources: `source = "key"` or `source = ["key", "other"]`, each in sources.toml.
        Returns the main key and a tuple of the others."""
        value = self.table.get(name)
        if value is None or value == "" or value == []:
            self.fail(name, "is required: name the source in sources.toml that says this")
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list) or not all(isinstance(key, str) and key.strip() for key in keys):
            self.fail(name, "must be a source key or a list of source keys")
        keys = [key.strip() for key in keys]
        for key in keys:
            if key not in sources:
                self.fail(name, f"names an unknown source {key!r}")
        if len(set(keys)) != len(keys):
            self.fail(name, "names a source twice")
        return keys[0], tuple(keys[1:])

    def note(self, sources, name, index=None, value=None):
        """A fact written as `{ text = "...", source = "..." }`."""
        value = self.table.get(name) if index is None else value
        where = self.path(name) if index is None else f"{self.path(name)}[{index}]"
        if isinstance(value, str):
            raise CatalogError(
                f'{where}: must be a table {{ text = "...", source = "..." }}: every note names its source'
            )
        n = _Reader(where, value)
        source, more = n.cited(sources)
        return Note(n.text("text"), source, more)

    def notes(self, sources, name):
        value = self.table.get(name, [])
        if not isinstance(value, list):
            self.fail(name, "must be a list of notes")
        return tuple(self.note(sources, name, i, item) for i, item in enumerate(value))


def _unique(items, where):
    seen = set()
    for item in items:
        if item.id in seen:
            raise CatalogError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
    return items


def _step(r):
    area, side = r.text("area"), r.text("side")
    if area not in AREAS:
        r.fail("area", f"unknown area {area!r} (known: {', '.join(AREAS)})")
    if side not in SIDES:
        r.fail("side", f"unknown side {side!r} (known: {', '.join(SIDES)})")
    seconds = r.number("seconds", low=1, high=MAX_STEP_SECONDS)
    cue = r.number("cue_seconds", default=0, high=seconds)
    return Step(
        r.id(own_prefix_allowed=True),
        r.text("title"),
        area,
        side,
        seconds,
        r.number("reps", default=1, low=1, high=MAX_REPS),
        cue,
        r.text("instruction"),
    )


def _cadence(r):
    table = r.table.get("cadence")
    if table is None:
        r.fail("cadence", "is required")
    c = _Reader(f"{r.where}.cadence", table)
    kinds = [kind for kind in CADENCE_KINDS if kind in table]
    if len(kinds) != 1:
        c.fail("kind", f"give exactly one of {', '.join(CADENCE_KINDS)}")
    kind = kinds[0]
    if kind in ("per_week", "per_month"):
        return Cadence(kind, count=c.bounded(kind, CADENCE_LIMITS[kind]))
    if kind == "every_days":
        return Cadence(kind, days=c.bounded(kind, CADENCE_LIMITS[kind]))
    weeks = c.bounded("weeks", CADENCE_LIMITS["over_weeks"])
    count = c.number(kind, low=1, high=weeks * 7)
    return Cadence(kind, count=count, weeks=weeks)


def _phase(r, sources, last):
    cadence = _cadence(r)
    weeks = r.number("weeks", default=0, high=PHASE_LIMITS["weeks"][1]) or None
    sessions = r.number("sessions", default=0, high=PHASE_LIMITS["sessions"][1]) or None
    if cadence.kind == "sessions_over_weeks" and not sessions:
        sessions = cadence.count
    if weeks and sessions:
        r.fail("weeks", "give weeks or sessions, not both")
    if not (weeks or sessions or last):
        r.fail("weeks", "only the last phase may be ongoing: give weeks or sessions")
    rollover = r.flag("rollover")
    if rollover and (last or cadence.kind != "per_week"):
        r.fail("rollover", "only an intensive phase with a per_week cadence (not the last phase) rolls over")
    source, more = r.cited(sources)
    return Phase(
        r.text("name"), cadence, weeks, sessions, r.text("note", ""), r.flag("uncertain"), source, rollover, more
    )


def _question(r, sources):
    outcome = r.text("outcome")
    if outcome not in OUTCOMES:
        r.fail("outcome", f"unknown outcome {outcome!r} (known: {', '.join(OUTCOMES)})")
    text = r.text("text")
    if "explain" not in r.table:
        r.fail("explain", f"is required: a {outcome} question says why, in plain words")
    explain = r.text("explain")
    if OWN_LABEL.search(explain):
        r.fail("explain", "must not say \"FaceReps' own caution\": the app adds that label from the source's kind")
    areas = r.texts("areas")
    for area in areas:
        if area not in AREAS:
            r.fail("areas", f"unknown area {area!r}")
    if outcome == "skip_area" and not areas:
        r.fail("areas", "a skip_area question names the areas it skips")
    if areas and outcome != "skip_area":
        r.fail("areas", "only a skip_area question names areas")
    if outcome == "wait" and "wait_days" not in r.table:
        r.fail("wait_days", "a wait question says how many days to wait")
    wait = r.number("wait_days", default=0, high=365)
    if outcome == "wait" and not wait:
        r.fail("wait_days", "a wait question says how many days to wait")
    if wait and outcome != "wait":
        r.fail("wait_days", "only a wait question has wait_days")
    source, more = r.cited(sources)
    return Question(r.text("id"), text, outcome, explain, source, areas, wait, more)


def _choice(c, sources):
    source, more = c.cited(sources)
    return Choice(c.text("value"), c.text("label"), c.number("min_gap_days", low=0, high=90), source, more)


def _option(r, sources):
    kind = r.text("kind")
    if kind not in ("choice", "flag"):
        r.fail("kind", "must be 'choice' or 'flag'")
    choices = tuple(
        _choice(r.entry("choices", i, t), sources) for i, t in enumerate(r.tables("choices", required=kind == "choice"))
    )
    return Option(r.text("id"), r.text("label"), kind, r.text("hint", ""), choices)


def _gate(g, sources):
    source, more = g.cited(sources)
    return Gate(
        g.text("id"), g.text("title"), g.text("instruction"), g.number("wait_days", default=0, high=30), source, more
    )


def _device(path, data, sources):
    r = _Reader(f"{path.name}: device", data.get("device"))
    device_id = r.id()
    questions = _unique(
        tuple(
            _question(r.entry("questions", i, t), sources) for i, t in enumerate(r.tables("questions", required=True))
        ),
        f"{r.where}.questions",
    )
    options = _unique(
        tuple(_option(r.entry("options", i, t), sources) for i, t in enumerate(r.tables("options"))),
        f"{r.where}.options",
    )
    gates = _unique(
        tuple(_gate(r.entry("gates", i, t), sources) for i, t in enumerate(r.tables("gates"))), f"{r.where}.gates"
    )
    gap = r.number("min_gap_hours", low=0, high=24 * 60)
    gap_source = r.source(sources, "gap_source") if gap or "gap_source" in r.table else ""
    excludes = r.texts("excludes_same_day")
    excludes_source = r.source(sources, "excludes_source") if excludes or "excludes_source" in r.table else ""
    tool_uses = r.number("tool_uses", default=0)
    if tool_uses and "tool_note" not in r.table:
        r.fail("tool_note", "a device that counts tool uses says why, with its source")
    tool_note = r.note(sources, "tool_note") if "tool_note" in r.table else ""
    return Device(
        device_id,
        r.text("name"),
        r.text("summary"),
        gap,
        r.flag("gap_uncertain"),
        excludes,
        tool_uses,
        tool_note,
        r.number("questions_version", low=1),
        questions,
        options,
        gates,
        r.notes(sources, "safety"),
        r.source(sources),
        gap_source=gap_source,
        excludes_source=excludes_source,
    )


def _routine(r, device_id, sources):
    steps = _unique(
        tuple(_step(r.entry("steps", i, t)) for i, t in enumerate(r.tables("steps", required=True))), f"{r.where}.steps"
    )
    source, more = r.cited(sources)
    return Routine(
        r.id(),
        device_id,
        r.text("name"),
        r.text("summary"),
        source,
        steps,
        notes=r.notes(sources, "notes"),
        more_sources=more,
    )


def _shown_areas(path, device, routines):
    """Every area a skip_area question names is an area some routine of the device has a step in:
    otherwise the answer changes nothing and its explanation is never shown."""
    used = {step.area for routine in routines.values() if routine.device_id == device.id for step in routine.steps}
    for question in device.questions:
        for area in question.areas:
            if area not in used:
                raise CatalogError(
                    f"{path.name}: device.questions[{question.id}].areas: no step of any "
                    f"{device.id} routine is in area {area!r}, so skipping it changes nothing"
                )


def _program(r, device, routines, sources):
    routine_id = r.text("routine")
    if routine_id not in routines or routines[routine_id].device_id != device.id:
        r.fail("routine", f"names a missing routine {routine_id!r}")
    tables = r.tables("phases", required=True)
    phases = tuple(_phase(r.entry("phases", i, t), sources, last=i == len(tables) - 1) for i, t in enumerate(tables))
    allowed = r.table.get("allowed", {})
    for option_id, values in allowed.items():
        option = device.option(option_id)
        if option is None or not set(values) <= {c.value for c in option.choices}:
            r.fail("allowed", f"{option_id} names a choice the device does not offer")
    source, more = r.cited(sources)
    return Program(
        r.id(),
        device.id,
        r.text("name"),
        r.text("summary"),
        routine_id,
        source,
        phases,
        {k: tuple(v) for k, v in allowed.items()},
        more_sources=more,
    )


def _read(path):
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{path.name}: not UTF-8 text (byte {error.start}): save it as UTF-8") from error
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path.name}: not valid TOML: {error}") from error


def _source(key, table):
    r = _Reader(f"sources.toml: {key}", table)
    cite = r.text("cite")
    if "kind" not in table:
        r.fail("kind", f"is required: one of {', '.join(SOURCE_KINDS)}")
    kind = r.text("kind")
    if kind not in SOURCE_KINDS:
        r.fail("kind", f"unknown kind {kind!r} (known: {', '.join(SOURCE_KINDS)})")
    if kind == "inference" and key != INFERENCE:
        r.fail("kind", f"'inference' is FaceReps' own reasoning: only {INFERENCE!r} has it")
    if key == INFERENCE and kind != "inference":
        r.fail("kind", f"{INFERENCE!r} is FaceReps' own reasoning: its kind is 'inference'")
    return Source(key, cite, kind)


def _sources(folder):
    data = _read(folder / "sources.toml")
    table = data.get("sources", {})
    if not isinstance(table, dict) or not table:
        raise CatalogError("sources.toml: sources: needs at least one [sources.<key>] table")
    return {key: _source(key, value) for key, value in table.items()}


def load(folder) -> Catalog:
    """Load and validate every catalog file in `folder`."""
    folder = Path(folder)
    sources = _sources(folder)
    devices, routines, programs, order = {}, {}, {}, {}
    files = sorted(p for p in folder.glob("*.toml") if p.name != "sources.toml")
    if not files:
        raise CatalogError(f"{folder.name}: no device files")
    for path in files:
        data = _read(path)
        device = _device(path, data, sources)
        if device.id in devices:
            raise CatalogError(f"{path.name}: device.id: duplicate device {device.id!r}")
        devices[device.id] = device
        order[device.id] = _Reader(path.name, data["device"]).number("order", default=100)
        file_reader = _Reader(f"{path.name}:", data)
        for i, table in enumerate(file_reader.tables("routines", required=True)):
            routine = _routine(file_reader.entry("routines", i, table), device.id, sources)
            if routine.id in routines:
                raise CatalogError(f"{path.name}: routines[{routine.id}]: duplicate id {routine.id!r}")
            routines[routine.id] = routine
        for i, table in enumerate(file_reader.tables("programs", required=True)):
            program = _program(file_reader.entry("programs", i, table), device, routines, sources)
            if program.id in programs:
                raise CatalogError(f"{path.name}: programs[{program.id}]: duplicate id {program.id!r}")
            programs[program.id] = program
        _shown_areas(path, device, routines)
    for device in devices.values():
        for other in device.excludes_same_day:
            if other not in devices:
                raise CatalogError(f"{device.id}: device.excludes_same_day names unknown device {other!r}")
    devices = {key: devices[key] for key in sorted(devices, key=lambda key: (order[key], key))}
    return Catalog(devices, routines, programs, sources)


def cited_keys(loaded: Catalog) -> set:
    """Every source key some fact of the catalog cites."""
    keys = set()
    for device in loaded.devices.values():
        keys.update(loaded.device_source_keys(device))
    for fact in [
        *loaded.routines.values(),
        *(n for r in loaded.routines.values() for n in r.notes),
        *loaded.programs.values(),
        *(p for program in loaded.programs.values() for p in program.phases),
    ]:
        keys.update(fact.sources)
    return keys


def check_folder(folder) -> Catalog:
    """What `flask catalog check` runs: load's validation, and no source that no fact cites."""
    loaded = load(folder)
    unused = [key for key in loaded.sources if key not in cited_keys(loaded)]
    if unused:
        raise CatalogError(f"sources.toml: {unused[0]}: no fact cites this source (remove it or cite it)")
    return loaded
