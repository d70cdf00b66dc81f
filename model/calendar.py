"""The private calendar feed: upcoming due sessions as iCalendar events with an alarm each."""

import hashlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from model import today as days
from model import wording
from model.context import Context

FEED_DAYS = 28


def event_uid(user_id: int, routine_id: str, day) -> str:
    """Stable across fetches and devices, and reveals nothing about the user."""
    digest = hashlib.sha256(f"{user_id}:{routine_id}:{day.isoformat()}".encode()).hexdigest()[:24]
    return f"{digest}@facereps"


def feed(ctx: Context) -> bytes:
    """An .ics calendar of the user's due sessions from today for FEED_DAYS days."""
    user, today, now = ctx.user, ctx.today, ctx.now
    calendar = Calendar()
    calendar.add("prodid", "-//FaceReps//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "FaceReps sessions")
    zone = ZoneInfo(user.time_zone)
    hour, minute = (int(part) for part in user.reminder_time.split(":"))
    for offset in range(FEED_DAYS):
        day = today + timedelta(days=offset)
        view = days.build_day(ctx, day)
        for card in view.due:
            if card.verdict.state != "due":
                continue
            start = datetime.combine(day, time(hour, minute), tzinfo=zone)
            minutes = max(1, round(sum(step.seconds for step in card.steps) / 60))
            event = Event()
            event.add("uid", event_uid(user.id, card.routine.id, day))
            event.add("dtstamp", now)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=minutes))
            event.add("summary", f"FaceReps: {card.routine.name}")
            event.add(
                "description", f"{card.program.name}: {wording.verdict_reason(card.verdict)}. About {minutes} min."
            )
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Time for {card.routine.name}")
            alarm.add("trigger", timedelta(0))
            event.add_component(alarm)
            calendar.add_component(event)
    return calendar.to_ical()
