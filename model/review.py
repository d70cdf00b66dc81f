"""The weekly review: each program's week against its plan, streak, strength, heatmap, check-ins."""

from dataclasses import dataclass
from datetime import date, timedelta

from model import store
from model import today as today_model
from model.context import Context
from model.enrolled import history_start, plans_for
from model.refusals import refuse_if
from model.rules import progress, schedule
from model.rules.forms import whole_number

HEATMAP_WEEKS = 12
TREND_WEEKS = 12
WEEK = timedelta(days=7)
RATING_FIELDS = ("firmness", "fine_lines", "glow")
RATING_LABELS = {"firmness": "Firmness", "fine_lines": "Fine lines", "glow": "Texture and glow"}
# What each end of a scale means: 5 is the better end of every scale, and the chart reads "higher is better".
RATING_ENDS = {
    "firmness": ("soft and loose", "firm"),
    "fine_lines": ("many fine lines", "none"),
    "glow": ("rough and dull", "smooth and glowing"),
}
# Today's verdicts that the device's rules across every plan (or a device used today) make not due,
# where the plan alone would call the day due: Progress takes them from Today so the two agree.
NOT_DUE_ON_TODAY = ("spacing", "excluded", "tool")
NOTE_MAX = 1000


@dataclass(frozen=True)
class ProgramWeek:
    """One program's part of the weekly review: its week against the plan, its streak and its strength."""

    enrollment: object
    program: object
    week: progress.Week
    streak: int
    streak_capped: bool
    strength: int  # percent
    early: bool = False  # the plan is under EARLY_DAYS old: its strength is only beginning to build
    waiting_for: tuple = ()  # the one-time tests (catalog gates) the plan waits for: none planned until done
    ready_on: date | None = None  # after a test, the day sessions can start (if still to come)
    started_on: date | None = None  # the start day, if the plan started after the week's first day
    stopped_on: date | None = None  # the day the plan stopped, if in or before the week
    today_verdict: object = None  # today's verdict from Today where the device's rules make it not due

    @property
    def note(self) -> str:
        """Why the week plans fewer sessions than the plan's cadence: gated, waiting, started or stopped."""
        if self.waiting_for:
            return "gated"
        if self.ready_on:
            return "waiting"
        if self.stopped_on:
            return "stopped"
        if self.started_on:
            return "started"
        return ""


@dataclass(frozen=True)
class Review:
    """The review of one week: each program's week against its plan, the heatmap, check-ins and photos."""

    first: date
    today: date
    programs: list
    heatmap: list  # seven rows (weekday, cells), the cells from the oldest week
    heat_weeks: list  # the first day of each of the heatmap's weeks (its columns), the oldest first
    heat_months: list  # (month name or "", weeks it spans) over the columns, for a row of month labels
    checkin: object
    trend: list  # check-ins of the last TREND_WEEKS weeks
    photos: list
    first_photo: object
    latest_photo: object

    @property
    def last(self) -> date:
        return self.first + timedelta(days=6)


def week_of(user, day: date) -> date:
    """The first day of the user's week that holds `day`."""
    return schedule.week_start_of(day, user.week_start)


def build(ctx: Context, first: date) -> Review:
    """The review of the week starting `first`."""
    db, catalog, user, today = ctx.db, ctx.catalog, ctx.user, ctx.today
    last = first + timedelta(days=6)
    enrollments = [
        e
        for e in store.enrollments_of(db, user.id)
        if e.program_id in catalog.programs and e.start_day <= last and (e.stopped_on is None or e.stopped_on >= first)
    ]
    plans, gates_done = plans_for(db, catalog, user, enrollments)
    # Verdicts from a year back onwards need no sessions older than what the day a year back needs.
    horizon = week_of(user, min(today, first)) - progress.STREAK_WEEKS_SHOWN * WEEK
    since = min([history_start(plans[e.id], max(horizon, e.start_day)) for e in enrollments] + [first])
    last_day = max(today, last)
    by_routine, by_device = store.done_days(db, user.id, since, last_day)
    on_today = _today_verdicts(ctx) if enrollments and first <= today <= last else {}
    weeks = []
    for enrollment in enrollments:
        program = catalog.programs[enrollment.program_id]
        routine, device = catalog.routine_of(program), catalog.device_of(program)
        history = schedule.History(tuple(by_routine.get(routine.id, ())), tuple(by_device.get(device.id, ())))
        plan = plans[enrollment.id]
        end = min(today, last)
        ledger = progress.Ledger(plan, history, user.week_start)
        today_verdict = on_today.get(enrollment.id)
        shown = ledger.week(first, today, today_verdict)
        if enrollment.stopped_on == first and not shown.done:
            continue  # stopped as this week began, with nothing done in it
        count, capped = progress.streak(plan, history, end, user.week_start, progress.STREAK_WEEKS_SHOWN, ledger)
        score = progress.strength(plan, history, end, user.week_start, ledger)
        waiting = tuple(g for g in device.gates if (device.id, g.id) not in gates_done) if plan.gated else ()
        weeks.append(
            ProgramWeek(
                enrollment,
                program,
                shown,
                count,
                capped,
                round(100 * score),
                early=(end - plan.start_day).days < progress.EARLY_DAYS and not plan.stopped_on,
                waiting_for=waiting,
                ready_on=plan.ready_on if plan.ready_on and plan.ready_on > max(first, plan.start_day) else None,
                started_on=plan.start_day if first < plan.start_day <= last else None,
                stopped_on=plan.stopped_on if plan.stopped_on and plan.stopped_on <= last else None,
                today_verdict=today_verdict,
            )
        )
    heat_first = week_of(user, today) - (HEATMAP_WEEKS - 1) * WEEK
    counts = store.sessions_between(db, user.id, heat_first, heat_first + HEATMAP_WEEKS * WEEK)
    heatmap = [heat_row(heat_first + d * timedelta(days=1), counts, today) for d in range(7)]
    heat_weeks = [heat_first + w * WEEK for w in range(HEATMAP_WEEKS)]
    checkins = store.checkins_between(db, user.id, first - (TREND_WEEKS - 1) * WEEK, first)
    this = next((c for c in checkins if c.week == first), None)
    first_photo, latest_photo = store.first_and_latest_photo(db, user.id)
    return Review(
        first,
        today,
        weeks,
        heatmap,
        heat_weeks,
        heat_months(heat_weeks),
        this,
        checkins,
        store.photos_of_week(db, user.id, first),
        first_photo,
        latest_photo,
    )


def _today_verdicts(ctx: Context) -> dict:
    """enrollment id → today's verdict where Today finds a day the plan alone calls due not due."""
    day = today_model.build_day(ctx, ctx.today, lookahead=False)
    return {c.enrollment.id: c.verdict for c in day.due + day.other if c.verdict.state in NOT_DUE_ON_TODAY}


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HEAT_CLASSES = ("heat heat-0", "heat heat-1", "heat heat-2", "heat heat-3")


def heat_row(first: date, counts: dict, today: date) -> tuple:
    """One weekday across the heatmap's weeks: (short day name, [(css class, text for screen readers)]).

    84 cells a page: names come from tuples, not strftime (a third of the review's time otherwise).
    """
    cells = []
    for w in range(HEATMAP_WEEKS):
        day = first + w * WEEK
        count = counts.get(day, 0)
        css = HEAT_CLASSES[min(count, 3)] + (" future" if day > today else " today" if day == today else "")
        cells.append(
            (
                css,
                f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month]}: "
                f"{count} session{'' if count == 1 else 's'}",
            )
        )
    return DAY_NAMES[first.weekday()][:2], cells


def heat_months(columns: list) -> list:
    """(month, weeks) runs over the heatmap's columns, each week under the month of its first day.

    A first run of one week gets no name: it has no room for one beside the next month's.
    """
    runs: list = []
    for day in columns:
        if runs and runs[-1][0] == MONTH_NAMES[day.month]:
            runs[-1][1] += 1
        else:
            runs.append([MONTH_NAMES[day.month], 1])
    if len(runs) > 1 and runs[0][1] == 1:
        runs[0][0] = ""
    return [tuple(run) for run in runs]


def save_checkin(ctx: Context, week: date, form) -> None:
    """Ratings 1 to 5 and a note for a week."""
    db, user, now = ctx.db, ctx.user, ctx.now
    values, problems = {}, {}
    for name in RATING_FIELDS:
        values[name] = whole_number(form.get(name)) or 0
        if not 1 <= values[name] <= 5:
            problems[name] = f"Rate {RATING_LABELS[name].lower()} from 1 to 5."
    note = (form.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        problems["note"] = f"Keep the note under {NOTE_MAX} characters."
    refuse_if(problems)
    store.save_checkin(db, user.id, week, values["firmness"], values["fine_lines"], values["glow"], note, now)
