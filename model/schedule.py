"""Pure scheduling rules: no Flask, no SQL, every day passed in."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_day(now: datetime, time_zone: str, day_start_hour: int) -> date:
    """The user's 'today': their local date, shifted back by the hour their day starts.

    With a day start of 3, 01:30 on Wednesday still counts as Tuesday.
    """
    local = now.astimezone(ZoneInfo(time_zone))
    return (local - timedelta(hours=day_start_hour)).date()


def week_start_of(day: date, week_start: int) -> date:
    """The first day of the week holding `day`, weeks starting on `week_start` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)
