"""The catalog's entries read from their tables: steps, cadences, phases, questions, options, gates, devices,
routines and programs."""

from model.catalog.reader import OWN_LABEL, Reader, unique
from model.catalog.types import (
    AREAS,
    CADENCE_KINDS,
    CADENCE_LIMITS,
    COUNT_WORDS,
    MAX_REPS,
    MAX_STEP_SECONDS,
    OUTCOMES,
    PHASE_LIMITS,
    SIDES,
    Cadence,
    CatalogError,
    Choice,
    Device,
    Gate,
    Option,
    Phase,
    Program,
    Question,
    Routine,
    Step,
)


def read_step(r):
    """A routine's step: its area, side, seconds, reps, cue and instruction (numbers within their bounds)."""
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


def read_cadence(r):
    """A phase's cadence: exactly one of per_week, every_days, sessions_over_weeks or per_month."""
    table = r.table.get("cadence")
    if table is None:
        r.fail("cadence", "is required")
    c = Reader(f"{r.where}.cadence", table)
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


def read_phase(r, sources, last):
    """A program's phase: its cadence and its length in weeks or sessions (only the last may be ongoing)."""
    cadence = read_cadence(r)
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


def read_question(r, sources):
    """A device's screening question: its outcome, its reason in plain words, and the areas or wait days it needs."""
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


def read_choice(c, sources):
    """One value a choice option offers, with the days it asks between sessions and its source."""
    source, more = c.cited(sources)
    return Choice(c.text("value"), c.text("label"), c.number("min_gap_days", low=0, high=90), source, more)


def read_option(r, sources):
    """A device's option: a flag, or a choice among values."""
    kind = r.text("kind")
    if kind not in ("choice", "flag"):
        r.fail("kind", "must be 'choice' or 'flag'")
    choices = tuple(
        read_choice(r.entry("choices", i, t), sources)
        for i, t in enumerate(r.tables("choices", required=kind == "choice"))
    )
    return Option(r.text("id"), r.text("label"), kind, r.text("hint", ""), choices)


def read_gate(g, sources):
    """A device's one-time test before the first session (such as a patch test), with its days to wait."""
    source, more = g.cited(sources)
    return Gate(
        g.text("id"), g.text("title"), g.text("instruction"), g.number("wait_days", default=0, high=30), source, more
    )


def read_device(path, data, sources):
    """A file's [device] table: spacing, same-day exclusions, tool uses, questions, options, gates, safety notes."""
    r = Reader(f"{path.name}: device", data.get("device"))
    device_id = r.id()
    questions = unique(
        tuple(
            read_question(r.entry("questions", i, t), sources)
            for i, t in enumerate(r.tables("questions", required=True))
        ),
        f"{r.where}.questions",
    )
    options = unique(
        tuple(read_option(r.entry("options", i, t), sources) for i, t in enumerate(r.tables("options"))),
        f"{r.where}.options",
    )
    gates = unique(
        tuple(read_gate(r.entry("gates", i, t), sources) for i, t in enumerate(r.tables("gates"))), f"{r.where}.gates"
    )
    gap = r.number("min_gap_hours", low=0, high=24 * 60)
    gap_source = r.source(sources, "gap_source") if gap or "gap_source" in r.table else ""
    excludes = r.texts("excludes_same_day")
    excludes_source = r.source(sources, "excludes_source") if excludes or "excludes_source" in r.table else ""
    tool_uses = r.number("tool_uses", default=0)
    if tool_uses and "tool_note" not in r.table:
        r.fail("tool_note", "a device that counts tool uses says why, with its source")
    tool_note = r.note(sources, "tool_note") if "tool_note" in r.table else ""
    counts = r.text("counts", default="rep")
    if counts not in COUNT_WORDS:
        r.fail("counts", f"unknown count {counts!r} (known: {', '.join(COUNT_WORDS)})")
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
        counts=counts,
    )


def read_routine(r, device_id, sources):
    """A device's routine: its steps (each id once), its notes and its sources."""
    steps = unique(
        tuple(read_step(r.entry("steps", i, t)) for i, t in enumerate(r.tables("steps", required=True))),
        f"{r.where}.steps",
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


def check_shown_areas(path, device, routines):
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


def read_program(r, device, routines, sources):
    """A device's program: the routine it follows, its phases and the option choices it allows."""
    routine_id = r.text("routine")
    if routine_id not in routines or routines[routine_id].device_id != device.id:
        r.fail("routine", f"names a missing routine {routine_id!r}")
    tables = r.tables("phases", required=True)
    phases = tuple(
        read_phase(r.entry("phases", i, t), sources, last=i == len(tables) - 1) for i, t in enumerate(tables)
    )
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
