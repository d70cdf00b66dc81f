"""The private calendar feed: upcoming due sessions as iCalendar events with an alarm each.

Each day is judged as Today judges it (today.build_day), looking ahead as if every session listed
before it is done: so consecutive days count on ("2nd of 4", "3rd of 4"), a week's quota once met
leaves rest days, and a device's spacing holds. Each routine starts at its own reminder time, two
never in the same minute (the same times as push reminders), and links back to its day in the app.
"""

import hashlib
from collections.abc import Callable
from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event

from model import reminders, wording
from model import today as days
from model.context import Context
from model.rules import reminders as rules
from model.store import projection, push

FEED_DAYS = 28


def event_uid(user_id: int, routine_id: str, day) -> str:
    """Stable across fetches and devices, and reveals nothing about the user."""
    digest = hashlib.sha256(f"{user_id}:{routine_id}:{day.isoformat()}".encode()).hexdigest()[:24]
    return f"{digest}@facereps"


def feed(ctx: Context, day_url: Callable[[date, str], str]) -> bytes:
    """An .ics calendar of the user's due sessions from today for FEED_DAYS days; `day_url(day, routine_id)`
    is the app's address of that routine on that day."""
    user, today, now = ctx.user, ctx.today, ctx.now
    calendar = Calendar()
    calendar.add("prodid", "-//FaceReps//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "FaceReps sessions")
    settings = push.reminder_settings(ctx.db, user.id)
    with projection.assumed_done(ctx.db, user.id, now) as assume:
        for offset in range(FEED_DAYS):
            day = today + timedelta(days=offset)
            view = days.build_day(ctx, day, lookahead=False)
            times = rules.staggered(reminders.routine_days(view, settings), user.reminder_time)
            for card in view.due:
                if card.verdict.state != "due":
                    continue
                calendar.add_component(_event(ctx, card, day, times[card.routine.id], day_url))
                assume(day, card.routine.id, card.device.id, len(card.steps))
    return calendar.to_ical()


def _event(ctx: Context, card, day: date, at: str, day_url) -> Event:
    user = ctx.user
    start = rules.moment(day, at, user.time_zone, user.day_start_hour)
    minutes = reminders.minutes_of(card)
    url = day_url(day, card.routine.id)
    event = Event()
    event.add("uid", event_uid(user.id, card.routine.id, day))
    event.add("dtstamp", ctx.now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", f"FaceReps: {card.routine.name}")
    event.add(
        "description",
        f"{card.program.name}: {wording.verdict_reason(card.verdict)}. About {minutes} min.\n{url}",
    )
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Time for {card.routine.name}")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event
