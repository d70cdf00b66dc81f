"""What the scheduler reads and answers, as frozen dataclasses: a plan's phases and versions, the history
of sessions, and the verdict for a day with the facts behind it (see WHY); and the user's local day."""

import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from model.rules.device_rules import Refusal


ONE_DAY = timedelta(days=1)
LOOKAHEAD_DAYS = 62


def local_day(now: datetime, time_zone: str, day_start_hour: int) -> date:
    """The user's 'today': their local date, shifted back by the hour their day starts.

    With a day start of 3, 01:30 on Wednesday still counts as Tuesday.
    """
    local = now.astimezone(ZoneInfo(time_zone))
    return (local - timedelta(hours=day_start_hour)).date()


def week_start_of(day: date, week_start: int) -> date:
    """The first day of the week holding `day`, weeks starting on `week_start` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def round_half_up(value: float) -> int:
    """`value` rounded to the nearest whole number, halves up (Python's round() rounds halves to even)."""
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class PhaseRule:
    """One phase of a plan: a cadence and a length (weeks, sessions, or none for ongoing)."""

    name: str
    kind: str  # per_week | every_days | sessions_over_weeks | per_month
    count: int = 0
    days: int = 0
    weeks: int = 0  # the M of "N sessions over M weeks"
    length_weeks: int | None = None
    length_sessions: int | None = None
    rollover: bool = False


@dataclass(frozen=True)
class Version:
    """The plan in force from `effective_day` on: phases and minimum spacing in days."""

    effective_day: date
    phases: tuple
    gap_days: int = 0


@dataclass(frozen=True)
class Plan:
    """Everything the scheduler needs about one enrollment."""

    start_day: date
    versions: tuple  # sorted by effective_day; the first is in force from the start
    pauses: tuple = ()  # (first_day, last_day or None)
    stopped_on: date | None = None
    ready_on: date | None = None  # a one-time gate (patch test) makes sessions wait until this day
    gated: bool = False  # the gate has not been done yet
    skip_days: frozenset = frozenset()  # paused days the user chose to skip (not a trip or a rest)

    def version_on(self, day: date) -> Version:
        current = self.versions[0]
        for version in self.versions:
            if version.effective_day <= day:
                current = version
        return current

    def paused(self, day: date) -> bool:
        return any(first <= day and (last is None or day <= last) for first, last in self.pauses)

    def paused_days(self, start: date, end: date) -> int:
        """Paused days in [start, end)."""
        total = 0
        for first, last in self.pauses:
            low = max(first, start)
            high = min(last + ONE_DAY if last else end, end)
            total += max(0, (high - low).days)
        return total

    def active_days(self, start: date, end: date) -> int:
        """Days in [start, end) a session can be planned on: not paused, not waiting for a gate."""
        active = max(0, (end - start).days) - self.paused_days(start, end)
        waits_until = end if self.gated else self.ready_on
        if waits_until and waits_until > start:
            cut = min(end, waits_until)
            active -= max(0, (cut - start).days) - self.paused_days(start, cut)
        return max(0, active)


@dataclass(frozen=True)
class History:
    """Done sessions: of this program's routine (cadence), and of the device (spacing)."""

    routine_days: tuple = ()  # sorted days with a done session of the routine
    device_days: tuple = ()  # sorted days with a done session of any routine of the device
    excluded_today: str | None = None  # name of a device used today that does not mix with this one

    # Every look-up bisects the sorted days, so years of history cost next to nothing.
    def count(self, start: date, end: date) -> int:
        """Sessions in [start, end)."""
        if end <= start:
            return 0
        return bisect_left(self.routine_days, end) - bisect_left(self.routine_days, start)

    def done_on(self, day: date) -> bool:
        index = bisect_left(self.routine_days, day)
        return index < len(self.routine_days) and self.routine_days[index] == day

    def nth_from(self, start: date, n: int) -> date | None:
        """The day of the n-th session on or after `start` (n from 1)."""
        index = bisect_left(self.routine_days, start) + n - 1
        return self.routine_days[index] if index < len(self.routine_days) else None

    def last_before(self, day: date, not_before: date) -> date | None:
        """The last session of the routine before `day`, if it is on or after `not_before`."""
        index = bisect_left(self.routine_days, day)
        last = self.routine_days[index - 1] if index else None
        return last if last and last >= not_before else None

    def last_device_day_before(self, day: date) -> date | None:
        index = bisect_left(self.device_days, day)
        return self.device_days[index - 1] if index else None


@dataclass(frozen=True)
class PhaseAt:
    """The phase a day falls in: its index and rule, the day it began and the day after it ends."""

    index: int
    rule: PhaseRule | None  # None when every phase is over
    start: date
    end: date | None  # first day after the phase, when known


@dataclass(frozen=True)
class Phase:
    """Where a day stands in its phase: "Intensive · week 3 of 8", "Series 6 of 10", "Maintenance"."""

    name: str
    unit: str = ""  # week (a phase measured in weeks) | session (in sessions) | "" (ongoing)
    n: int = 0  # the week or session the day is in, from 1
    total: int = 0  # the phase's length in those units


# Why a verdict is what it is, and the facts each reason carries (model/wording.py says them).
WHY = {
    "nth_this_week": "count (this session's rank), total (planned this week)",
    "done_this_week": "count (done), total (planned this week)",
    "nothing_this_week": "",
    "session_n_of": "count (this session's rank), total (sessions in the series)",
    "every_days": "every (days of the rhythm)",
    "last_session": "every (days of the rhythm), day (the last session)",
    "month_nth": "count (this session's rank), total (planned this month)",
    "done_this_month": "count (done), total (planned this month)",
    "starts_on": "day (the start)",
    "stopped": "",
    "paused": "",
    "skipped": "",
    "finished": "",
    "done_today": "",
    "test_first": "",
    "wait_until": "day (the end of the wait after a one-time test)",
    "needs_gap": "every (days between sessions of the device)",
    "excluded_today": "other (the device used today)",
    "clash": "other (the device planned today)",
    "device_rule": "refusal (the device rule another plan's session breaks)",
}


@dataclass(frozen=True)
class Verdict:
    """A day's verdict: a state, why (a WHY code) and that reason's facts. A rest day's `why` is the cadence
    it met (done_this_week, nothing_this_week, last_session, done_this_month)."""

    state: str  # due | done | rest | spacing | excluded | paused | gated | upcoming | stopped | finished
    why: str
    count: int = 0
    total: int = 0
    day: date | None = None
    every: int = 0
    other: str = ""
    refusal: "Refusal | None" = None
    phase: Phase | None = None
    next_day: date | None = None
    planned: int = 0  # sessions planned in the day's week (for the weekly review)
    done_in_week: int = 0

    @property
    def due(self) -> bool:
        return self.state == "due"
