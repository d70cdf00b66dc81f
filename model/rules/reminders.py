"""Which reminders are due at a moment: pure, given a user's day as Today judges it and their settings.

A routine's reminder is due on a day it is due and not done, at its time in the user's zone (the
first such clock time from the start of their day, so daylight-saving changes move the instant,
never the clock time); the evening reminder once more if it is still not done; the weekly check-in
reminder on the last day of the user's week. Each is sent once (the store's claim); one that could
not go out within LATE of its time is left out rather than arriving at an odd hour.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LATE = timedelta(hours=2)
WEEKLY_TIME = "20:00"  # the weekly check-in reminder when no evening time is set
LAST_MINUTE = 23 * 60 + 59
KINDS = ("routine", "evening", "weekly")


@dataclass(frozen=True)
class RoutineDay:
    """One routine on the day, as Today shows it: due (not done), done, or neither."""

    routine_id: str
    due: bool  # due and not yet done: a reminder may go
    minutes: int  # about how long it takes (staggering the next one)
    enabled: bool = True  # its reminder is on
    time: str | None = None  # its own HH:MM (None: the user's reminder time)


@dataclass(frozen=True)
class Reminder:
    """A reminder to send: its kind, the routine ('' for the weekly one), the day and the moment."""

    kind: str
    routine_id: str
    day: date
    at: datetime


def minutes_of(text: str) -> int:
    """'07:30' → 450."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def clock(minutes: int) -> str:
    """450 → '07:30'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def staggered(routines: list[RoutineDay], default: str) -> dict[str, str]:
    """Each routine's reminder time on the day; two never share a minute: a routine whose time is taken
    follows the one before it, once that one's minutes are over (in the routines' order at equal times)."""
    wanted = sorted(
        ((minutes_of(r.time or default), index, r) for index, r in enumerate(routines)), key=lambda t: t[:2]
    )
    times: dict[str, str] = {}
    taken: set[int] = set()
    free_from = -1
    for start, _, routine in wanted:
        at = max(start, free_from) if start in taken else start
        while at in taken and at < LAST_MINUTE:
            at += 1
        at = min(at, LAST_MINUTE)
        taken.add(at)
        free_from = at + max(1, routine.minutes)
        times[routine.routine_id] = clock(at)
    return times


def moment(day: date, hhmm: str, time_zone: str, day_start_hour: int) -> datetime:
    """The instant of a clock time on a user's day: on that date, or the next date for a time before the
    hour their day starts. A time skipped by a daylight-saving change falls an hour later; a repeated one
    is its first occurrence."""
    at = time.fromisoformat(hhmm)
    on = day if at.hour >= day_start_hour else day + timedelta(days=1)
    return datetime.combine(on, at, tzinfo=ZoneInfo(time_zone))


def is_last_day_of_week(day: date, week_start: int) -> bool:
    """True on the day before the user's week starts again (week_start: 0 = Monday)."""
    return (day.weekday() + 1) % 7 == week_start


def due_reminders(
    now: datetime,
    day: date,
    *,
    time_zone: str,
    day_start_hour: int,
    week_start: int,
    default_time: str,
    routines: list[RoutineDay],
    evening: str | None,
    weekly: bool,
    checkin_due: bool,
) -> list[Reminder]:
    """The reminders due at `now` on the user's `day` (their local day at `now`).

    `routines`: every routine Today lists on the day (due or done), in its order; `evening`: HH:MM or None
    (off); `weekly`: the check-in reminder is on; `checkin_due`: the user follows a program and has not
    checked in this week.
    """

    def on_time(hhmm: str) -> datetime | None:
        at = moment(day, hhmm, time_zone, day_start_hour)
        return at if at <= now < at + LATE else None

    found = []
    times = staggered(routines, default_time)
    for routine in routines:
        if not (routine.due and routine.enabled):
            continue
        at = on_time(times[routine.routine_id])
        if at is not None:
            found.append(Reminder("routine", routine.routine_id, day, at))
        if evening and minutes_of(evening) > minutes_of(times[routine.routine_id]):
            at = on_time(evening)
            if at is not None:
                found.append(Reminder("evening", routine.routine_id, day, at))
    if weekly and checkin_due and is_last_day_of_week(day, week_start):
        at = on_time(evening or WEEKLY_TIME)
        if at is not None:
            found.append(Reminder("weekly", "", day, at))
    return found
