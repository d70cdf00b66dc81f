"""Pure scheduling rules: no Flask, no SQL, every day passed in.

An enrollment follows a program's phases from its start day. Each day gets a verdict: due, done,
rest (the cadence is met), spacing (too soon after the last session of the device), excluded (another
device used today does not mix), paused, gated (a one-time test first), upcoming, stopped or finished.

A verdict holds facts, never words: why it is so (a code, see WHY) with the counts and days that
reason needs. model/wording.py puts them in English.
"""

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


def _round_half_up(value: float) -> int:
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


def _extend(plan: Plan, start: date, days: int, horizon: date) -> date:
    """The first day after `days` active (not paused) days from `start`.

    Past `horizon` the exact end does not matter (and an open pause has none): the answer is then
    some day after the horizon, never later than the true end.
    """
    end = start + timedelta(days=days)
    while end <= horizon:
        longer = start + timedelta(days=days + plan.paused_days(start, end))
        if longer == end:
            return end
        end = longer
    return end


def phase_at(plan: Plan, version: Version, history: History, day: date) -> PhaseAt:
    """Which phase of `version` holds `day`, with its first day and (if known) its end."""
    start = plan.start_day
    for index, rule in enumerate(version.phases):
        end: date | None
        if rule.length_weeks:
            # A month past `day` is enough for the week and month segments around it.
            end = _extend(plan, start, 7 * rule.length_weeks, day + timedelta(days=32))
        elif rule.length_sessions:
            last = history.nth_from(start, rule.length_sessions)
            end = last + ONE_DAY if last else None
        else:
            end = None
        if end is None or day < end:
            return PhaseAt(index, rule, start, end)
        start = end
    return PhaseAt(len(version.phases), None, start, None)


def _segment(plan: Plan, at: PhaseAt, first: date, last_exclusive: date):
    """The part of [first, last_exclusive) inside the phase and the enrollment."""
    start = max(first, at.start, plan.start_day)
    end = min(last_exclusive, at.end) if at.end else last_exclusive
    if plan.stopped_on:
        end = min(end, plan.stopped_on)
    return start, max(start, end)


def _week_quota(plan, rule, at, history, week_start):
    """Sessions planned and done in one week's part of the phase."""
    start, end = _segment(plan, at, week_start, week_start + timedelta(days=7))
    active = plan.active_days(start, end)
    rate = rule.count if rule.kind == "per_week" else rule.count / rule.weeks
    planned = min(active, _round_half_up(rate * active / 7))
    return planned, history.count(start, end), start, end


def _rolled_over(plan, rule, at, history, week_start, week_start_day):
    """Sessions missed in earlier weeks of a rollover phase (never more than the week can hold)."""
    missed, week = 0, week_start_of(at.start, week_start_day)
    while week < week_start:
        planned, done, _, _ = _week_quota(plan, rule, at, history, week)
        missed += max(0, planned - done)
        week += timedelta(days=7)
    return missed


def _phase_of_day(rule: PhaseRule, at: PhaseAt, plan: Plan, history: History, day: date) -> Phase:
    if rule.length_weeks:
        week = plan.active_days(at.start, day) // 7 + 1
        return Phase(rule.name, "week", min(week, rule.length_weeks), rule.length_weeks)
    if rule.length_sessions:
        done = history.count(at.start, day)
        return Phase(rule.name, "session", min(done + 1, rule.length_sessions), rule.length_sessions)
    return Phase(rule.name)


def _planned(plan, rule, at, history, day, week_start):
    """Sessions planned in the week from `week_start` (holding `day`) for a weekly or N-day rule, with
    that week's part of the phase: (planned, start, end). The Progress page sums these for many weeks."""
    if rule.kind in ("per_week", "sessions_over_weeks"):
        planned, _, start, end = _week_quota(plan, rule, at, history, week_start)
        if rule.rollover:
            room = plan.active_days(day, end) + history.count(start, day)
            planned = min(room, planned + _rolled_over(plan, rule, at, history, week_start, week_start.weekday()))
        return planned, start, end
    start, end = _segment(plan, at, week_start, week_start + timedelta(days=7))
    if rule.kind != "every_days":
        return 0, start, end
    # The days of the phase's N-day rhythm that fall in this week (and are not paused).
    offset = -(-(start - at.start).days // rule.days)
    if not plan.pauses:
        after = -(-(end - at.start).days // rule.days)
        return max(0, after - offset), start, end
    grid = (at.start + timedelta(days=rule.days * k) for k in range(offset, offset + 8))
    return sum(1 for d in grid if start <= d < end and not plan.paused(d)), start, end


def _cadence(plan, rule, at, history, day, week_start_day):
    """(quota still open today?, the reason's facts, planned in week, done in week, next day if met)."""
    week_start = week_start_of(day, week_start_day)
    planned, start, end = _planned(plan, rule, at, history, day, week_start)
    if rule.kind in ("per_week", "sessions_over_weeks"):
        before = history.count(start, day)
        if before >= planned:
            why = (
                {"why": "done_this_week", "count": before, "total": planned}
                if planned
                else {"why": "nothing_this_week"}
            )
        elif rule.kind == "sessions_over_weeks":
            why = {"why": "session_n_of", "count": history.count(at.start, day) + 1, "total": rule.count}
        else:
            why = {"why": "nth_this_week", "count": before + 1, "total": planned}
        return before < planned, why, planned, history.count(start, end), week_start + timedelta(days=7)
    if rule.kind == "every_days":
        last = history.last_before(day, at.start)
        done = history.count(start, end)
        if last is None or (day - last).days >= rule.days:
            # The reason names no earlier session, so it never depends on how far back history goes.
            return True, {"why": "every_days", "every": rule.days}, planned, done, None
        why = {"why": "last_session", "every": rule.days, "day": last}
        return False, why, planned, done, last + timedelta(days=rule.days)
    month_start = day.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    month_first, _month_end = _segment(plan, at, month_start, next_month)
    before = history.count(month_first, day)
    if before >= rule.count:
        why = {"why": "done_this_month", "count": before, "total": rule.count}
    else:
        why = {"why": "month_nth", "count": before + 1, "total": rule.count}
    return before < rule.count, why, 0, history.count(start, end), next_month


def evaluate(plan: Plan, history: History, day: date, week_start_day: int = 0) -> Verdict:
    """The verdict for one enrollment on one day, given what was done."""
    if day < plan.start_day:
        return Verdict("upcoming", "starts_on", day=plan.start_day, next_day=plan.start_day)
    if plan.stopped_on and day >= plan.stopped_on:
        return Verdict("stopped", "stopped")
    if plan.paused(day):
        return Verdict("paused", "paused")
    version = plan.version_on(day)
    at = phase_at(plan, version, history, day)
    if at.rule is None:
        return Verdict("finished", "finished")
    rule = at.rule
    phase = _phase_of_day(rule, at, plan, history, day)
    open_quota, why, planned, done_in_week, met_next = _cadence(plan, rule, at, history, day, week_start_day)
    counts = {"phase": phase, "planned": planned, "done_in_week": done_in_week}
    if history.done_on(day):
        return Verdict("done", "done_today", **counts)
    if plan.gated:
        return Verdict("gated", "test_first", **counts)
    if plan.ready_on and day < plan.ready_on:
        return Verdict("gated", "wait_until", day=plan.ready_on, next_day=plan.ready_on, **counts)
    if not open_quota:
        return Verdict("rest", **why, next_day=met_next, **counts)
    last = history.last_device_day_before(day)
    if version.gap_days and last and (day - last).days < version.gap_days:
        next_day = last + timedelta(days=version.gap_days)
        return Verdict("spacing", "needs_gap", every=version.gap_days, next_day=next_day, **counts)
    if history.excluded_today:
        return Verdict("excluded", "excluded_today", other=history.excluded_today, next_day=day + ONE_DAY, **counts)
    return Verdict("due", **why, **counts)


def next_due_day(plan: Plan, history: History, day: date, week_start_day: int = 0) -> date | None:
    """The first day after `day` the enrollment is due, if nothing more is done meanwhile."""
    quiet = History(history.routine_days, history.device_days)
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        candidate = day + timedelta(days=offset)
        verdict = evaluate(plan, quiet, candidate, week_start_day)
        if verdict.due:
            return candidate
        if verdict.state in ("stopped", "finished"):
            return None
    return None


def gap_days(min_gap_hours: int, override_days: int | None = None) -> int:
    """Minimum spacing in whole days: 20 hours means 'not twice a day', 48 hours means 2 days."""
    if override_days:
        return override_days
    return math.ceil(min_gap_hours / 24) if min_gap_hours else 0


def most_often(rule: PhaseRule, gap: int) -> str | None:
    """When a cadence asks for more sessions than spacing of `gap` days allows, the most it can be.

    A routine is done at most once a day, so the spacing is at least one day. None: it fits.
    """
    spacing = max(gap, 1)
    if rule.kind == "per_week" and rule.count * spacing > 7:
        return f"at most {7 // spacing} a week"
    if rule.kind == "every_days" and rule.days < spacing:
        return f"every {spacing} days at the most often"
    if rule.kind == "per_month" and rule.count * spacing > 28:
        return f"at most {28 // spacing} a month"
    if rule.kind == "sessions_over_weeks" and rule.count * spacing > rule.weeks * 7:
        return f"at most {rule.weeks * 7 // spacing} sessions over {rule.weeks} weeks"
    return None


def phase_spans(plan: Plan, history: History, until: date) -> tuple:
    """The phases of the plan version in force on `until`, each with its first day and end."""
    version, spans, day = plan.version_on(until), [], plan.start_day
    while day <= until:
        at = phase_at(plan, version, history, day)
        if at.rule is None:
            break
        spans.append(at)
        if at.end is None or at.end > until:
            break
        day = at.end
    return tuple(spans)


def week_totals(plan: Plan, history: History, first: date, week_start_day: int = 0, spans=None) -> tuple:
    """(planned, done) for the week starting `first`, summed over the phases it overlaps.

    Works from phase spans (computed once for many weeks), not a verdict per day.
    """
    end = first + timedelta(days=7)
    if spans is None:
        spans = phase_spans(plan, history, end - timedelta(days=1))
    planned = 0
    for at in spans:
        if at.start >= end or (at.end is not None and at.end <= first) or at.rule.kind == "per_month":
            continue
        day = max(first, at.start, plan.start_day)
        if plan.stopped_on and day >= plan.stopped_on:
            continue
        planned += _planned(plan, at.rule, at, history, day, week_start_of(day, week_start_day))[0]
    return planned, history.count(first, end)
