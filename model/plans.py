"""A user's own plan for any routine: one or two phases from the catalog's cadences, checked against
the device's spacing (which a plan cannot switch off), stored, then started like a catalog program."""

from dataclasses import asdict

from model import store
from model.catalog import CADENCE_KINDS, CADENCE_LIMITS, PHASE_LIMITS, Device, Routine
from model.context import Context
from model.device_day import gap_for
from model.refusals import refuse_if
from model.routines import copy_name, new_id, read_name
from model.rules import schedule
from model.rules.forms import whole_number

PLAN_PREFIX = "my-plan-"
PHASES = (1, 2)
KIND_LABELS = {
    "per_week": "times a week",
    "every_days": "every N days",
    "sessions_over_weeks": "sessions over weeks",
    "per_month": "times a month",
}
LENGTHS = ("weeks", "sessions", "ongoing")


def _number(form, name, limits, label, problems):
    low, high = limits
    value = whole_number(form.get(name))
    if value is None:
        problems[name] = f"Enter {label} as a whole number."
        return 0
    if not low <= value <= high:
        problems[name] = f"Choose {label} from {low} to {high}."
        return 0
    return value


def _cadence(form, p, problems) -> dict | None:
    kind = form.get(f"{p}_kind") or ""
    if kind not in CADENCE_KINDS:
        problems[f"{p}_kind"] = "Choose how often."
        return None
    if kind == "per_week":
        count = _number(
            form, f"{p}_per_week", CADENCE_LIMITS["per_week"], "the times a week (one session a day at most)", problems
        )
        return {"kind": kind, "count": count}
    if kind == "every_days":
        return {
            "kind": kind,
            "days": _number(form, f"{p}_every_days", CADENCE_LIMITS["every_days"], "the days", problems),
        }
    if kind == "per_month":
        return {
            "kind": kind,
            "count": _number(
                form,
                f"{p}_per_month",
                CADENCE_LIMITS["per_month"],
                "the times a month (more often: choose times a week)",
                problems,
            ),
        }
    weeks = _number(form, f"{p}_over_weeks", CADENCE_LIMITS["over_weeks"], "the weeks", problems)
    count = _number(form, f"{p}_sessions", (1, max(weeks, 1) * 7), "the sessions (one a day at most)", problems)
    return {"kind": kind, "count": count, "weeks": weeks}


def _length(form, p, last, cadence, problems) -> dict:
    length = form.get(f"{p}_length") or ("ongoing" if last else "")
    if length not in LENGTHS:
        problems[f"{p}_length"] = "Choose how long this phase lasts."
        return {}
    if length == "weeks":
        return {"length_weeks": _number(form, f"{p}_length_weeks", PHASE_LIMITS["weeks"], "the weeks", problems)}
    if length == "sessions":
        return {
            "length_sessions": _number(form, f"{p}_length_sessions", PHASE_LIMITS["sessions"], "the sessions", problems)
        }
    if cadence and cadence["kind"] == "sessions_over_weeks":
        return {"length_sessions": cadence["count"]}  # as in the catalog: the phase ends with its sessions
    if not last:
        problems[f"{p}_length"] = "Only the last phase goes on with no end: say how long this one lasts."
    return {}


def read_phases(form, device: Device, gap: int) -> tuple[list, dict]:
    """The phases from the plan form as the scheduler's rules, or the problems keyed by field name."""
    problems: dict[str, str] = {}
    count = 2 if form.get("p2_kind", "none") != "none" else 1
    phases = []
    for number in PHASES[:count]:
        p = f"p{number}"
        cadence = _cadence(form, p, problems)
        length = _length(form, p, number == count, cadence, problems)
        if cadence is None or f"{p}_kind" in problems:
            continue
        name = ("Intensive", "Maintenance")[number - 1] if count == 2 else "Regular"
        rule = schedule.PhaseRule(name, **cadence, **length)
        limit = schedule.most_often(rule, gap) if not any(key.startswith(p) for key in problems) else None
        if limit:
            field = f"{p}_{'sessions' if rule.kind == 'sessions_over_weeks' else rule.kind}"
            problems[field] = (
                f"{device.name} needs {gap} days between sessions: {limit}."
                if gap > 1
                else f"A routine is done at most once a day: {limit}."
            )
        phases.append(asdict(rule))
    return phases, problems


def defaults(catalog, routine: Routine) -> dict:
    """Form values to begin with: the catalog program's plan for the routine (or its source), if any."""
    source = routine.based_on or routine.id
    program = next((p for p in catalog.programs.values() if p.routine_id == source and p.owner is None), None)
    values = (
        form_values(program)
        if program
        else {"p1_kind": "per_week", "p1_per_week": "3", "p1_length": "ongoing", "p2_kind": "none"}
    )
    return values | {"name": routine.name if routine.owner else copy_name(routine)}


def form_values(program) -> dict:
    """A program's phases as the plan form's values."""
    values = {"name": program.name, "p2_kind": "none"}
    for number, phase in zip(PHASES, program.phases[:2], strict=False):  # a plan has one or two phases
        p, cadence = f"p{number}", phase.cadence
        field = {"per_week": "per_week", "per_month": "per_month", "sessions_over_weeks": "sessions"}.get(cadence.kind)
        values.update(
            {
                f"{p}_kind": cadence.kind,
                f"{p}_{field or 'every_days'}": cadence.count or cadence.days,
                f"{p}_length": "weeks" if phase.weeks else "sessions" if phase.sessions else "ongoing",
                f"{p}_length_weeks": phase.weeks,
                f"{p}_length_sessions": phase.sessions,
            }
        )
        if cadence.kind == "sessions_over_weeks":
            values[f"{p}_over_weeks"] = cadence.weeks
    return {key: str(value) for key, value in values.items() if value not in (0, None)}


def _read_plan(form, device, options) -> tuple[str, list, dict]:
    """The plan form's name and phases (checked against the spacing of the device with `options`)."""
    problems: dict[str, str] = {}
    name = read_name(form, problems, "name", "Give the plan a name")
    phases, phase_problems = read_phases(form, device, gap_for(device, options))
    return name, phases, problems | phase_problems


def create(ctx: Context, routine: Routine, form) -> str:
    """Store the user's plan for a routine; returns its id (a program id)."""
    db, catalog, user_id, now = ctx.db, ctx.catalog, ctx.user.id, ctx.now
    name, phases, problems = _read_plan(form, catalog.devices[routine.device_id], {})
    refuse_if(problems)
    plan = store.OwnPlan(new_id(PLAN_PREFIX), routine.id, name, phases)
    store.create_plan(db, user_id, plan, now)
    return plan.id


def change(ctx: Context, program, enrollment, form) -> None:
    """New phases for an own plan; a program following it uses them from today on."""
    db, catalog, user_id, today, now = ctx.db, ctx.catalog, ctx.user.id, ctx.today, ctx.now
    name, phases, problems = _read_plan(form, catalog.device_of(program), enrollment.options if enrollment else {})
    refuse_if(problems)
    followed = (enrollment, max(today, enrollment.start_day)) if enrollment else None
    store.change_plan(db, user_id, store.OwnPlan(program.id, program.routine_id, name, phases), followed, now)


def spacing_problem(program, device, options) -> str | None:
    """At start: whether the plan fits the spacing of the options chosen (a longer needle spaces more)."""
    gap = gap_for(device, options)
    for phase in program.phases:
        rule = schedule.PhaseRule(
            phase.name, phase.cadence.kind, phase.cadence.count, phase.cadence.days, phase.cadence.weeks
        )
        limit = schedule.most_often(rule, gap)
        if limit:
            return (
                f"With these choices {device.name.lower()} needs {gap} days between sessions, and your plan's "
                f"{phase.name.lower()} phase asks for more ({limit}). Change the plan or your choices."
            )
    return None
