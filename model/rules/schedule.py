"""Pure scheduling rules: no Flask, no SQL, every day passed in.

An enrollment follows a program's phases from its start day. Each day gets a verdict: due, done,
rest (the cadence is met), spacing (too soon after the last session of the device), excluded (another
device used today does not mix), paused, gated (a one-time test first), upcoming, stopped or finished.

A verdict holds facts, never words: why it is so (a code, see WHY) with the counts and days that
reason needs. model/wording.py puts them in English.
"""

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from model.rules.plan import (
    LOOKAHEAD_DAYS,
    ONE_DAY,
    WHY,
    History,
    Phase,
    PhaseAt,
    PhaseRule,
    Plan,
    Verdict,
    Version,
    local_day,
    round_half_up,
    week_start_of,
)


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
    planned = min(active, round_half_up(rate * active / 7))
    return planned, history.count(start, end), start, end


def _rolled_over(plan, rule, at, history, week_start, week_start_day):
    """Sessions still owed from earlier weeks of a rollover phase (the caller caps them at what the week can
    hold). A week's debt is part of what it plans, so sessions done beyond its own quota pay it back."""
    owed, week = 0, week_start_of(at.start, week_start_day)
    while week < week_start:
        planned, done, _, _ = _week_quota(plan, rule, at, history, week)
        owed = max(0, owed + planned - done)
        week += timedelta(days=7)
    return owed


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


# The types are named schedule.X by callers, as before.
__all__ = [
    "LOOKAHEAD_DAYS",
    "ONE_DAY",
    "WHY",
    "History",
    "Phase",
    "PhaseAt",
    "PhaseRule",
    "Plan",
    "Verdict",
    "Version",
    "evaluate",
    "gap_days",
    "local_day",
    "most_often",
    "next_due_day",
    "phase_at",
    "phase_spans",
    "week_start_of",
    "week_totals",
]
