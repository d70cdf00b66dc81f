"""A demo account with six weeks of history, so a newcomer sees Today, Progress, the heatmap and the chart
filled in.

The history is written the way a person would have made it: each past day is lived through the same use
cases a request calls (start a program after its safety questions, tick each step, skip a day, save the
week's check-in), with that day as "today", so every rule (spacing, the plan, the back-fill window)
holds as it would have then.
"""

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from model import programs, review, store, today
from model.catalog import Catalog
from model.catalog import own as own_catalog
from model.context import Context
from model.identity import accounts
from model.refusals import CONFLICT, Refused
from model.rules.schedule import local_day

EMAIL = "demo@facereps.example"  # .example is reserved (RFC 2606): mail can never reach anyone
PROGRAM = "microcurrent-60-days"
WEEKS = 6
MORNING, EVENING = 9, 20  # local hours: the program starts in a morning, sessions happen in the evening
# The days of a week (0 = the user's first day of the week) the demo user has a session when one is due;
# the plan asks five (more after a missed week: the intensive phase rolls missed sessions over).
USUAL_DAYS = (0, 1, 3, 4, 5)
MISSED = {(1, 4), (3, 1)}  # (week, day): due, and simply not done
SKIPPED = {(4, 3)}  # (week, day): a chosen skip (a one-day pause, never a miss)
# Each finished week's check-in: firmness, fine lines, texture and glow (1 to 5), and a note.
CHECKINS = (
    (2, 2, 2, "First week. The gel dried on the left side once; a thicker layer stopped the tingling."),
    (2, 2, 3, "Missed Friday (late at work). The guided steps take about six minutes."),
    (3, 2, 3, "Jawline feels a little firmer after a session; it fades by the next day."),
    (3, 3, 3, "Another missed day, Tuesday. Evenings after cleansing work best."),
    (3, 3, 4, "Skipped Thursday: skin was irritated after a windy day outside."),
    (4, 3, 4, "Six weeks in. Starting the maintenance plan in a couple of weeks."),
)


class DemoExists(Refused):
    """An account with the demo's email is already there (replace it, or choose another email)."""

    def __init__(self, email: str):
        super().__init__(f"An account with the email {email} exists.", "email", kind=CONFLICT)


@dataclass(frozen=True)
class Demo:
    """The demo account made: how to sign in, and what its history holds."""

    email: str
    password: str
    user_id: int
    sessions_done: int
    missed: int
    skipped: int
    checkins: int


def create(
    db, catalog: Catalog, now: datetime, email: str = EMAIL, time_zone: str = "UTC", replace=False, photo_folder=None
) -> Demo:
    """Make the demo account (DemoExists: there is one, and `replace` is off; `replace` deletes it first)."""
    existing = store.user_by_email(db, accounts.normalise_email(email))
    if existing is not None and not replace:
        raise DemoExists(existing.email)
    if existing is not None:
        accounts.delete_account(db, existing.id, photo_folder)
    password = secrets.token_urlsafe(12)
    user_id = accounts.register(db, email, password, time_zone, now)
    user = store.user_by_id(db, user_id)
    day_now = local_day(now, user.time_zone, user.day_start_hour)
    # Six whole weeks before the current one, so each has its check-in and the current week is under way.
    first = review.week_of(user, day_now) - timedelta(weeks=WEEKS)
    program = catalog.programs[PROGRAM]
    device = catalog.device_of(program)
    form = {f"q_{question.id}": "no" for question in device.questions} | {"start_day": first.isoformat()}
    programs.start(_on(db, catalog, user, first, MORNING), program, form)
    outcomes: Counter[str] = Counter()
    checkins = 0
    for offset in range((day_now - first).days):
        day = first + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        ctx = _on(db, catalog, user, day, EVENING)
        outcomes[_live(ctx, day, week, weekday)] += 1
        if weekday == 6 and week < len(CHECKINS):
            firmness, fine_lines, glow, note = CHECKINS[week]
            week_form = {"firmness": firmness, "fine_lines": fine_lines, "glow": glow, "note": note}
            review.save_checkin(ctx, first + timedelta(weeks=week), {k: str(v) for k, v in week_form.items()})
            checkins += 1
    done, missed, skipped = outcomes["done"], outcomes["missed"], outcomes["skip"]
    return Demo(user.email, password, user_id, done, missed, skipped, checkins)


def _live(ctx: Context, day: date, week: int, weekday: int) -> str:
    """One past day of the demo user: 'done', 'skip', 'missed' (due, not done) or '' (nothing due)."""
    routine_id = ctx.catalog.programs[PROGRAM].routine_id
    view = today.build_day(ctx, day, lookahead=False)
    card = next((c for c in view.due if c.routine.id == routine_id and c.verdict.state == "due"), None)
    if card is None:
        return ""
    if (week, weekday) in SKIPPED:
        today.skip(ctx, day, routine_id)
        return "skip"
    if (week, weekday) in MISSED:
        return "missed"
    # On another day they catch up when their usual days left this week would not make the plan, except
    # in a week they let slip.
    usual_left = sum(1 for usual in USUAL_DAYS if usual > weekday)
    behind = card.verdict.planned - card.verdict.done_in_week > usual_left
    if weekday not in USUAL_DAYS and not (behind and not any((week, other) in MISSED for other in range(7))):
        return ""
    for step in card.steps:
        today.tick(ctx, day, routine_id, step.id, True)
    return "done"


def _at(day: date, hour: int, zone: str) -> datetime:
    """The moment of a local hour on a day, in UTC (as the app clock gives it)."""
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


def _on(db, catalog: Catalog, user, day: date, hour: int) -> Context:
    """The world as a request on `day` at that local hour would see it: that day is "today"."""
    return Context(db, own_catalog.with_own(db, catalog, user), user, day, _at(day, hour, user.time_zone))
