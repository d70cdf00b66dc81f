"""Pure weekly review rules: a week's days against the plan, adherence, streaks and a strength score.

A flexible plan ("5 a week") only misses sessions a week cannot make up any more: a week's shortfall
is laid on its last undone due days; earlier undone days were rest the user chose. The days still to
come are drawn as the plan would lay them if followed from today: as many planned days as the week
still has sessions, the others rest.
"""

import math
from bisect import insort
from dataclasses import dataclass
from datetime import date, timedelta

from model.rules import schedule

ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=7)
SCORE_WEEKS = 26  # the score reads half a year, starting from that half year's average
EARLY_DAYS = 21  # a plan younger than this shows its strength as "just starting", not a bare small figure
STREAK_WEEKS = 260  # five years
STREAK_WEEKS_SHOWN = 26  # the review counts a streak back half a year; a longer one shows as "N+"


@dataclass(frozen=True)
class DayMark:
    """A day of the week under review and how it is marked (done, rest, missed and so on)."""

    day: date
    kind: str  # done | rest | paused | skipped | missed | open | planned | before | stopped | waiting | none
    # (model/wording.py names them)


@dataclass(frozen=True)
class Week:
    """A week under review: its seven marked days and its planned, done and missed sessions."""

    first: date
    days: tuple  # seven DayMarks
    planned: int
    done: int
    missed: int
    phase: schedule.Phase | None  # where the week's last day stands in its phase
    ahead: int = 0  # sessions the rest of the week can still hold (today's still to do and the planned days)

    @property
    def on_track(self) -> bool:
        """The week can still meet its plan: what is done and what can still be done reach it."""
        return not self.missed and self.done + self.ahead >= self.planned

    @property
    def adherence(self) -> int | None:
        """Percent of planned sessions done (extra sessions never push it past 100)."""
        if not self.planned:
            return None
        return min(100, round(100 * self.done / self.planned))


def _kind(verdict, day, today, plan, history):
    if verdict.state == "done":
        return "done"
    if verdict.state == "stopped" and day == plan.stopped_on and history.done_on(day):
        return "done"  # the session of the day it was stopped on (a switch to another plan that day)
    if verdict.state == "paused":
        return "skipped" if day in plan.skip_days else "paused"
    if verdict.state in ("upcoming", "stopped", "gated"):
        return {"upcoming": "before", "stopped": "stopped", "gated": "waiting"}[verdict.state]
    if verdict.state == "finished":
        return "none"
    if verdict.due:
        return "planned" if day > today else "open"
    return "rest"


def _projected(plan, history, days, today, week_start):
    """The days from today on (those after `today` and today itself if still to do) the plan would
    put a session on if it is followed: each such day counts as done for the days after it."""
    routine, device = list(history.routine_days), list(history.device_days)
    found = set()
    for day in days:
        if day < today:
            continue
        if day > today:
            verdict = schedule.evaluate(plan, schedule.History(tuple(routine), tuple(device)), day, week_start)
            if not verdict.due:
                continue
        found.add(day)
        insort(routine, day)
        if day not in device:
            insort(device, day)
    return found


def week(plan, history, first: date, today: date, week_start: int = 0, today_verdict=None) -> Week:
    """The seven days from `first`, each marked, with the week's planned, done and missed counts.

    `today_verdict` is today's verdict as the Today page has it (the device's rules across every plan
    the user follows can make a day the plan alone calls due not due): Progress then agrees with Today.
    """
    days = [first + i * ONE_DAY for i in range(7)]
    verdicts = [schedule.evaluate(plan, history, day, week_start) for day in days]
    if today_verdict is not None and today in days:
        verdicts[days.index(today)] = today_verdict
    kinds = [_kind(v, d, today, plan, history) for v, d in zip(verdicts, days, strict=True)]
    planned = 0
    seen = set()
    for verdict in verdicts:
        if verdict.phase and verdict.phase.name not in seen:
            seen.add(verdict.phase.name)
            planned += verdict.planned
    done = kinds.count("done")
    open_today = [d for d, k in zip(days, kinds, strict=True) if k == "open" and d == today]
    ahead_days = _projected(plan, history, open_today + [d for d in days if d > today], today, week_start)
    for index, day in enumerate(days):
        if day > today and kinds[index] == "planned" and day not in ahead_days:
            kinds[index] = "rest"  # the plan is met before this day if it is followed
    ahead = len(ahead_days)
    shortfall = max(0, planned - done - ahead)
    if any(day == today and kind in ("paused", "skipped") for day, kind in zip(days, kinds, strict=True)):
        shortfall = 0  # a paused today: the week is judged once it is over, so a pause never brings a miss forward
    # Lay the shortfall on the last undone due days before today; earlier ones were chosen rest.
    for index in reversed(range(7)):
        if kinds[index] == "open" and days[index] < today:
            if shortfall:
                kinds[index] = "missed"
                shortfall -= 1
            else:
                kinds[index] = "rest"
    marks = tuple(DayMark(d, k) for d, k in zip(days, kinds, strict=True))
    phase = next((v.phase for v in reversed(verdicts) if v.phase), None)
    return Week(first, marks, planned, done, kinds.count("missed"), phase, ahead)


class Ledger:
    """Week totals of one plan and history, each computed once (streak and strength share them)."""

    def __init__(self, plan, history, week_start: int = 0):
        self.plan, self.history, self.week_start = plan, history, week_start
        self.memo: dict = {}

    def week(self, first: date, today: date, today_verdict=None) -> "Week":
        key = ("week", first, today)
        if key not in self.memo:
            self.memo[key] = week(self.plan, self.history, first, today, self.week_start, today_verdict)
        return self.memo[key]

    def totals(self, first: date) -> tuple:
        if first not in self.memo:
            if "spans" not in self.memo:
                self.memo["spans"] = schedule.phase_spans(self.plan, self.history, first + 6 * ONE_DAY)
            spans = self.memo["spans"]
            if spans and spans[-1].end is not None and spans[-1].end <= first + 6 * ONE_DAY:
                spans = None  # a later phase: let week_totals find it
            self.memo[first] = schedule.week_totals(self.plan, self.history, first, self.week_start, spans)
        return self.memo[first]


def streak(plan, history, today: date, week_start: int = 0, max_weeks: int = STREAK_WEEKS, ledger=None) -> tuple:
    """(sessions, more): scheduled sessions done on time, counted back from today until a missed one.

    Rest days, pauses and skips never break it; today's session still to do does not either.
    `more` is True when the count stopped at `max_weeks` with no miss found: the streak is longer.
    """
    ledger = ledger or Ledger(plan, history, week_start)
    this_week = schedule.week_start_of(today, week_start)
    total, first = 0, this_week
    for _ in range(max_weeks):
        if first + WEEK <= plan.start_day:
            return total, False
        if first != this_week:
            planned, done = ledger.totals(first)
            if done >= planned:  # a whole week on plan: no need to look at its days
                total += done
                first -= WEEK
                continue
        for mark in reversed(ledger.week(first, today).days):
            if mark.day > today:
                continue
            if mark.kind == "missed":
                return total, False
            total += mark.kind == "done"
        first -= WEEK
    return total, first + WEEK > plan.start_day


def multiplier(sessions_per_day: float) -> float:
    """Loop Habit Tracker's decay: k = 0.5 ** (sqrt(f) / 13), f in sessions per day."""
    return 0.5 ** (math.sqrt(max(sessions_per_day, 1 / 31)) / 13)


def strength(plan, history, today: date, week_start: int = 0, ledger=None) -> float:
    """An exponential average over the last SCORE_WEEKS weeks: a session done counts 1, a missed one 0.

    It starts from the share of sessions done over those weeks (the average it would have settled
    at), so a steady habit shows steady, not rising from zero. Within a week the sessions done come
    first and the misses last (a week's shortfall is laid on its last days). A daily plan started
    from scratch reaches 80% after 30 perfect days; one missed day costs a little.
    """
    ledger = ledger or Ledger(plan, history, week_start)
    this_week = schedule.week_start_of(today, week_start)
    first = max(this_week - (SCORE_WEEKS - 1) * WEEK, schedule.week_start_of(plan.start_day, week_start))
    weeks = []
    while first <= this_week:
        if first == this_week:
            current = ledger.week(first, today)
            weeks.append((current.planned, current.done, current.missed))
        else:
            planned, done = ledger.totals(first)
            weeks.append((planned, done, max(0, planned - done)))
        first += WEEK
    done_all, missed_all = sum(w[1] for w in weeks), sum(w[2] for w in weeks)
    started_in_window = plan.start_day > this_week - (SCORE_WEEKS - 1) * WEEK
    score = 0.0 if started_in_window or not (done_all + missed_all) else done_all / (done_all + missed_all)
    for planned, done, missed in weeks:
        if planned or done:
            k = multiplier(max(planned, done) / 7)
            score = (score * k**done + (1 - k**done)) * k**missed
    return score
