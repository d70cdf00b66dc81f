"""What a finished session gives back: the streak (and that it grew), this week against the plan, the next
session, and the weekly check-in when it is due. Shown after Mark done, after a guided session and when
a whole day is done."""

from dataclasses import dataclass
from datetime import date, timedelta

from model import store
from model.context import Context
from model.enrolled import history_start
from model.rules import progress, schedule
from model.today import build_day

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Streak:
    """One program's run of sessions on plan, counted back from the day."""

    program: str
    count: int
    more: bool  # longer than the half year counted
    grew: bool  # the day's own session is in it


@dataclass(frozen=True)
class Reward:
    """A day's return on its sessions: streaks, the week so far against the plan, and what comes next."""

    day: date
    streaks: tuple
    week_done: int
    week_planned: int
    next_day: date | None
    next_routines: tuple  # routine names due on next_day
    checkin_week: date | None  # the week whose check-in to ask for, if it is due and not done


def week_first(user, day: date) -> date:
    """The first day of the user's week that holds `day`."""
    return schedule.week_start_of(day, user.week_start)


def checkin_due(ctx: Context, day: date) -> date | None:
    """The week whose check-in to ask for: on the week's last day, and the day after until it is done, once the
    week has a session done."""
    first = week_first(ctx.user, day)
    if day == first + timedelta(days=6):
        week = first
    elif day == first:
        week = first - WEEK
    else:
        return None
    if store.checkins_between(ctx.db, ctx.user.id, week, week):
        return None
    by_routine, _ = store.done_days(ctx.db, ctx.user.id, week, week + timedelta(days=6))
    return week if by_routine else None  # a week with a session to look back on (never a newcomer's first day)


def for_day(ctx: Context, view) -> Reward:
    """The reward of a day built by model.today.build_day (its cards carry their plans)."""
    user, day, today = ctx.user, view.day, view.today
    cards = [c for c in view.due + view.other if c.plan is not None and c.verdict.state not in ("stopped",)]
    first = week_first(user, today)  # this week and the streak as they stand today, whichever day was marked
    horizon = first - progress.STREAK_WEEKS_SHOWN * WEEK
    since = min([history_start(c.plan, max(horizon, c.plan.start_day)) for c in cards] + [first])
    by_routine, by_device = store.done_days(ctx.db, user.id, since, max(day, today, first + timedelta(days=6)))
    streaks, done, planned = [], 0, 0
    for card in cards:
        history = schedule.History(tuple(by_routine.get(card.routine.id, ())), tuple(by_device.get(card.device.id, ())))
        ledger = progress.Ledger(card.plan, history, user.week_start)
        week = ledger.week(first, today)
        done, planned = done + week.done, planned + week.planned
        if card in view.due:
            count, more = progress.streak(
                card.plan, history, today, user.week_start, progress.STREAK_WEEKS_SHOWN, ledger
            )
            streaks.append(Streak(card.program.name, count, more, card.complete and count > 0))
    upcoming = view.next_session if day == today else None  # after a back-filled day, today is what is next
    return Reward(
        day,
        tuple(streaks),
        done,
        planned,
        upcoming[0] if upcoming else None,
        tuple(dict.fromkeys(c.routine.name for c in upcoming[1])) if upcoming else (),
        checkin_due(ctx, today),
    )


def after_session(ctx: Context, day: date, routine_id: str) -> tuple:
    """(Reward, the routine's card, the Day) once a session of `routine_id` on `day` is over (the summary)."""
    view = build_day(ctx, day)
    card = next((c for c in view.due + view.other if c.routine.id == routine_id), None)
    if card is not None:
        card.flipped = card.complete  # just finished: the summary shows what it gave back
    return for_day(ctx, view), card, view
