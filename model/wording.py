"""The English for the facts the pure core returns: a day's verdict, a device rule's refusal, a phase, a
week's day marks, and dates.

The rules (model/rules/) say what is so with codes, counts and days; this is the one place that puts
them in words, so a translation has one module to follow. The templates use these as Jinja filters
(views/web.py registers them). Dates are built from their parts (`d.day`), never with strftime's
unpadded-day flag, which only glibc knows.
"""

from datetime import date, datetime

from model.rules.device_rules import Refusal
from model.rules.schedule import Phase, Verdict

# --- dates ------------------------------------------------------------------------------------------


def day_long(d: date) -> str:
    """'Tuesday 1 December'."""
    return f"{d:%A} {d.day} {d:%B}"


def day_label(d: date) -> str:
    """'Tuesday 24 November 2026'."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def day_short(d: date) -> str:
    """'Tue 1'."""
    return f"{d:%a} {d.day}"


def day_month(d: date) -> str:
    """'1 December'."""
    return f"{d.day} {d:%B}"


def day_month_short(d: date) -> str:
    """'1 Dec'."""
    return f"{d.day} {d:%b}"


def date_long(d: date) -> str:
    """'1 December 2026'."""
    return f"{d.day} {d:%B %Y}"


def date_short(d: date) -> str:
    """'1 Dec 2026'."""
    return f"{d.day} {d:%b %Y}"


def date_time(moment: datetime) -> str:
    """'1 Dec 2026, 09:05'."""
    return f"{moment.day} {moment:%b %Y, %H:%M}"


# --- counts -----------------------------------------------------------------------------------------


def ordinal(n: int) -> str:
    """1 → '1st', 12 → '12th', 23 → '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rhythm(days: int) -> str:
    """An every-N-days cadence: 'every day', 'every other day', 'every 3 days'."""
    return {1: "every day", 2: "every other day"}.get(days, f"every {days} days")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- a day's verdict (model.rules.schedule.Verdict) ---------------------------------------------------


def _month_nth(v: Verdict) -> str:
    if v.total == 1:
        return "this month's session"
    return f"{ordinal(v.count)} of {v.total} this month"


# One entry per code of schedule.WHY: the reason in words, starting lower-case (a page capitalises it).
_REASONS = {
    "nth_this_week": lambda v: f"{ordinal(v.count)} of {v.total} this week",
    "done_this_week": lambda v: f"{v.count} of {v.total} done this week",
    "nothing_this_week": lambda v: "no session planned this week",
    "session_n_of": lambda v: f"session {v.count} of {v.total}",
    "every_days": lambda v: rhythm(v.every),
    "last_session": lambda v: f"{rhythm(v.every)}: last session {day_long(v.day)}",
    "month_nth": _month_nth,
    "done_this_month": lambda v: f"{v.count} of {v.total} done this month",
    "starts_on": lambda v: f"starts {day_long(v.day)}",
    "stopped": lambda v: "stopped",
    "paused": lambda v: "paused: this day never counts as missed",
    "skipped": lambda v: "skipped: a chosen skip is never a miss",
    "finished": lambda v: "program complete",
    "done_today": lambda v: "done today",
    "test_first": lambda v: "do the one-time test first",
    "wait_until": lambda v: f"after your test, wait until {day_long(v.day)}",
    "needs_gap": lambda v: f"needs {v.every} days between sessions",
    "excluded_today": lambda v: f"not on the same day as {v.other.lower()}",
    "clash": lambda v: f"{v.other.lower()} is planned today and does not mix",
    "device_rule": lambda v: refusal_reason(v.refusal),
}


def verdict_reason(verdict: Verdict) -> str:
    """Why a routine is (or is not) due on a day: '3rd of 5 this week', 'rest day: 2 of 2 done this week'."""
    reason = _REASONS[verdict.why](verdict)
    return f"rest day: {reason}" if verdict.state == "rest" else reason


def phase_label(phase: Phase | None) -> str:
    """'Intensive · week 3 of 8', 'Series 6 of 10', 'Maintenance' ('' for none)."""
    if phase is None:
        return ""
    if phase.unit == "week":
        return f"{phase.name} · week {phase.n} of {phase.total}"
    if phase.unit == "session":
        return f"{phase.name} {phase.n} of {phase.total}"
    return phase.name


# --- a device rule's refusal (model.rules.device_rules.Refusal) ---------------------------------------


def _how(refusal: Refusal) -> str:
    return "done" if refusal.done else "started"


def _when(refusal: Refusal) -> str:
    other = refusal.other_day
    if other is None or other == refusal.day:
        return "today"
    return f"on {day_long(other)}"


_REFUSALS = {
    "one_a_day": lambda r: f"{_how(r)} today with {r.program}: at most one {r.device.lower()} session a day",
    "too_close": lambda r: (
        f"too close to your session with {r.program} {_when(r)}: {r.device.lower()} needs {r.gap} days between sessions"
    ),
    "never_share": lambda r: (
        f"{_how(r)} today with {r.program}: {r.other_device.lower()} and {r.device.lower()} never share a day"
    ),
    "tool_worn": lambda r: (
        f"your {r.device.lower()} tool has been used {r.uses} times: replace it (or its head) before the next session"
    ),
}


def refusal_reason(refusal: Refusal | None) -> str:
    """Why a device rule refuses a session, starting lower-case: 'done today with Plan A: at most one …'."""
    if refusal is None:
        return ""
    return _REFUSALS[refusal.why](refusal)


def refusal_message(refusal: Refusal) -> str:
    """The refusal as a sentence, for a refused request: 'Done today with Plan A: at most one … a day.'"""
    return f"{_sentence(refusal_reason(refusal))}."


# --- a week's days (model.rules.progress.DayMark) ----------------------------------------------------

DAY_MARKS = {
    "done": "done",
    "rest": "rest day",
    "paused": "paused",
    "skipped": "skipped",
    "missed": "missed",
    "open": "still to do",
    "planned": "planned",
    "before": "not started",
    "stopped": "stopped",
    "waiting": "waiting for a test",
    "none": "no session",
}


def day_mark(kind: str) -> str:
    """A day's mark in the weekly review: 'open' → 'still to do'."""
    return DAY_MARKS[kind]
