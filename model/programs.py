"""Starting and managing programs: parse the start form, apply the screening, store the result."""

from dataclasses import dataclass
from datetime import date, timedelta

from model import overlap, plans, store, wording
from model.context import Context
from model.enrolled import phase_snapshot
from model.refusals import CONFLICT, INVALID, NotFound, Refused, refuse_if
from model.rules import screening
from model.store.db import immediate

MAX_START_AHEAD = timedelta(days=365)
MAX_START_BACK = timedelta(weeks=8)  # "I already started": its days since then can be marked done (model.today)
MAX_PAUSE = timedelta(days=366)
REASON_MAX = 200


class ScreeningRefused(Refused):
    """A start or re-screening that does not go ahead: the problems per field (none when an answer rules
    the device out), what the answers said (`verdict`), and the start day to offer instead."""

    def __init__(self, verdict: screening.Verdict | None, problems: dict, start_day: date | None = None):
        blocked = bool(verdict and verdict.blocked)
        message = "Your answers rule this device out." if blocked and not problems else ""
        kind = CONFLICT if blocked or "program" in problems else INVALID
        super().__init__(message, problems=problems or None, kind=kind)
        self.verdict, self.start_day = verdict, start_day

    @property
    def blocked(self) -> bool:
        """An answer rules the device out (the page explains why, and what to do)."""
        return bool(self.verdict and self.verdict.blocked)


def parse_day(raw, name, problems, label="a date"):
    """A YYYY-MM-DD day from a form, or None with a problem recorded under `name`."""
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        problems[name] = f"Enter {label} as YYYY-MM-DD."
        return None


def read_options(device, program, form, problems) -> dict:
    """The device options the user chose, checked against what the program allows."""
    options = {}
    for option in device.options:
        if option.kind == "flag":
            options[option.id] = form.get(option.id) == "on"
            continue
        allowed = program.allowed.get(option.id) or tuple(choice.value for choice in option.choices)
        value = form.get(option.id) or (allowed[0] if len(allowed) == 1 else "")
        if value not in allowed:
            problems[option.id] = f"Choose one of the offered values for “{option.label}”."
        options[option.id] = value
    return options


def routine_taken(ctx: Context, program) -> str | None:
    """Why the program cannot start when an active one already has its routine (one routine, one plan)."""
    db, catalog, user_id = ctx.db, ctx.catalog, ctx.user.id
    for enrollment in store.enrollments_of(db, user_id, "active"):
        other = catalog.programs.get(enrollment.program_id)
        if other and other.id == program.id:
            return "You already follow this program."
        if other and other.routine_id == program.routine_id:
            return f"You already follow “{other.name}”, which has the same routine: stop it first, or change its plan."
    return None


@dataclass(frozen=True)
class EarlierAnswers:
    """The user's last answers to a device's questions, as a form, and the day they were given."""

    answered_on: date
    form: dict


def earlier_answers(ctx: Context, program) -> EarlierAnswers | None:
    """The user's last answers to this device's questions (same version), to confirm instead of retype."""
    db, catalog, user_id = ctx.db, ctx.catalog, ctx.user.id
    device = catalog.device_of(program)
    last = store.latest_screening(db, user_id, device.id) if device.questions else None
    form = screening.carried_over(device, last) if last else None
    return EarlierAnswers(last.answered_on, form) if last and form else None


def start(ctx: Context, program, form) -> int:
    """Screen the user and, when cleared, start the program; its enrollment id (ScreeningRefused: why not,
    with nothing stored).

    One transaction from the first read to the last write: what is checked (the routine not taken, the
    plan still there, what else runs on the device) still holds when the program starts, and a switch
    stops the others in the same commit."""
    with immediate(ctx.db):
        return _start(ctx, program, form)


def _start(ctx: Context, program, form) -> int:
    db, catalog, user_id, today, now = ctx.db, ctx.catalog, ctx.user.id, ctx.today, ctx.now
    device = catalog.device_of(program)
    if program.owner and not store.plan_exists(db, user_id, program.id):
        raise NotFound("That plan was deleted.")
    if taken := routine_taken(ctx, program):
        raise ScreeningRefused(None, {"program": taken})
    problems = {}
    answers, missing = screening.read_answers(device, form)
    problems.update(screening.unanswered(device, missing))
    options = read_options(device, program, form, problems)
    start_day = parse_day(form.get("start_day"), "start_day", problems, "the start day")
    verdict = screening.evaluate(device, answers, today)
    offered = start_day
    if missing or verdict.blocked:
        raise ScreeningRefused(verdict, problems, offered)
    if start_day and start_day < today - MAX_START_BACK:
        problems["start_day"] = "Already started? Pick a day in the last 8 weeks: earlier days can no longer be marked."
    elif start_day and start_day > today + MAX_START_AHEAD:
        problems["start_day"] = "Start within the next year."
    elif start_day and verdict.waits and start_day < verdict.earliest_start:  # a wait: no start before it ends
        problems["start_day"] = (
            f"Because of your answers, start on {wording.date_long(verdict.earliest_start)} or later."
        )
        offered = verdict.earliest_start
    if verdict.clinician and form.get("clinician_confirmed") != "on":
        problems["clinician_confirmed"] = "Confirm that you have checked with a clinician."
    if program.owner and (too_often := plans.spacing_problem(program, device, options)):
        problems["plan"] = too_often
    running = overlap.running_on_device(db, catalog, user_id, program)
    if running and form.get("existing") not in overlap.CHOICES:
        problems["existing"] = (
            f"You already follow “{running[0][1].name}” on {device.name.lower()}: "
            "choose whether to switch to this one or to run both."
        )
    if problems:
        raise ScreeningRefused(verdict, problems, offered)
    options["skip_areas"] = list(verdict.skip_areas)
    record = (device.id, device.questions_version, answers, bool(verdict.clinician), today)
    enrollment_id = store.start_enrollment(
        db, user_id, program.id, start_day, options, record, now, phases=phase_snapshot(program)
    )
    if enrollment_id is None:
        raise ScreeningRefused(verdict, {"program": "You already follow this program."}, offered)
    if running and form.get("existing") == "switch":
        for enrollment, _ in running:  # stopped from the new start day (today for one begun earlier); days so far kept
            store.stop_enrollment(db, user_id, enrollment.id, max(start_day, today))
    return enrollment_id


def rescreen(ctx: Context, enrollment, form) -> None:
    """Answer changed questions again for an enrollment; stop it when the answers now block it
    (ScreeningRefused says so, or what is missing)."""
    db, catalog, user_id, today, now = ctx.db, ctx.catalog, ctx.user.id, ctx.today, ctx.now
    device = catalog.device_of(catalog.programs[enrollment.program_id])
    problems = {}
    answers, missing = screening.read_answers(device, form)
    problems.update(screening.unanswered(device, missing))
    verdict = screening.evaluate(device, answers, today)
    if missing:
        raise ScreeningRefused(verdict, problems)
    if verdict.blocked:
        store.stop_enrollment(db, user_id, enrollment.id, today)  # kept: stopping is the answer to a block
        raise ScreeningRefused(verdict, problems)
    if verdict.clinician and form.get("clinician_confirmed") != "on":
        raise ScreeningRefused(verdict, {"clinician_confirmed": "Confirm that you have checked with a clinician."})
    options = dict(enrollment.options, skip_areas=list(verdict.skip_areas))
    record = (device.id, device.questions_version, answers, bool(verdict.clinician), today)
    store.save_screening(db, user_id, record, now, (enrollment.id, options))


def pause(ctx: Context, enrollment, form) -> None:
    """Pause an enrollment from a day (today by default) until a day or until resumed."""
    db, user_id, today = ctx.db, ctx.user.id, ctx.today
    problems: dict[str, str] = {}
    first = parse_day(form.get("first_day") or today.isoformat(), "first_day", problems, "the first day")
    last = None
    if (form.get("last_day") or "").strip():
        last = parse_day(form.get("last_day"), "last_day", problems, "the last day")
    reason = (form.get("reason") or "").strip()
    if len(reason) > REASON_MAX:
        problems["reason"] = f"Keep the reason under {REASON_MAX} characters."
    if first and first < today - timedelta(days=7):
        problems["first_day"] = "A pause can start at most a week ago."
    if first and last and last < first:
        problems["last_day"] = "The last day cannot be before the first day."
    if first and last and last - first > MAX_PAUSE:
        problems["last_day"] = "Pause for at most a year."
    if enrollment.status != "active":
        problems["first_day"] = "This program is stopped."
    refuse_if(problems)
    if store.add_pause(db, user_id, enrollment.id, first, last, reason) is None:
        raise Refused("These days overlap a pause you already have.", "first_day", kind=INVALID)


def resume(ctx: Context, enrollment) -> None:
    """End the pause covering today (the program is due again from today)."""
    db, user_id, today = ctx.db, ctx.user.id, ctx.today
    current = enrollment.pause_on(today)
    if current is None:
        raise Refused("This program is not paused today.", "resume")
    store.end_pause(db, user_id, current.id, today - timedelta(days=1))


def cancel_pause(ctx: Context, enrollment, pause_id) -> None:
    """Remove a pause that has not begun yet (NotFound: no such pause still to come)."""
    db, user_id, today = ctx.db, ctx.user.id, ctx.today
    pause = next((p for p in enrollment.pauses if p.id == pause_id), None)
    if pause is None or pause.first_day <= today:
        raise NotFound("No such planned pause.")
    store.end_pause(db, user_id, pause.id, pause.first_day - timedelta(days=1))
