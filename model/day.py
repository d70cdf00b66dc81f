"""A day's shape as Today shows it: each routine's card (its verdict, steps and ticks) and the day's lists."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from model import store
from model.rules import schedule

BACKFILL_DAYS = 56  # eight weeks: a program can start that far back ("I already started") and its days be marked
VIEW_PAST_DAYS = 366
VIEW_FUTURE_DAYS = 62


@dataclass
class Card:
    """One enrollment's routine on one day."""

    enrollment: object
    program: object
    device: object
    routine: object
    steps: tuple
    ticked: frozenset
    verdict: schedule.Verdict
    next_day: date | None = None
    session_done: bool = False  # every step ticked, or a guided session finished
    refusal: object = None  # a device rule a new session would break (device_rules.Refusal)
    tool_used: int = 0  # sessions with the current tool, for a device with a use limit
    said: object = None  # what the safety answers mean (screening.Verdict), when they shape the card
    plan: object = None  # the scheduler's plan and history the verdict came from (the reward reads them)
    history: object = None
    session: store.SessionState | None = None  # the day's stored session, if any
    flipped: bool = False  # the last write changed whether the session is complete (the page redraws the day)
    # The last write changed what other cards of the day show: the session's completeness (the day's
    # counts, the reward), or whether it is started when the day holds cards it can change (an extra
    # session moving into the day's list; the device's other plans, or a device that must not share the day).
    changes_day: bool = False

    @property
    def seconds(self) -> int:
        """The routine's planned length: every step's time."""
        return sum(step.seconds for step in self.steps)

    @property
    def done_at(self):
        """When the session was done (a guided finish or its last tick), if it is."""
        return self.session.done_at if self.session and self.complete else None

    @property
    def resumes(self) -> bool:
        """A guided run of it is under way today ("Continue guided" resumes it)."""
        return bool(self.session and self.session.guided and not self.complete)

    @property
    def taken(self) -> int | None:
        """The time a guided run of it took, if it ran in the player."""
        return self.session.seconds if self.session else None

    @property
    def ticked_count(self) -> int:
        return sum(1 for step in self.steps if step.id in self.ticked)

    @property
    def complete(self) -> bool:
        return self.session_done or self.ticked_count == len(self.steps)

    @property
    def tickable(self) -> bool:
        if self.refusal and not self.started:
            return False
        return self.verdict.state in ("due", "done", "rest") or (self.verdict.state == "excluded" and self.started)

    @property
    def started(self) -> bool:
        return self.ticked_count > 0


@dataclass
class Day:
    """One day as Today shows it: the routines due, the others with why not, and one-time tests to do."""

    day: date
    today: date
    due: list
    other: list
    gates: list  # (device, gate, the program waiting for it) still to do
    names: dict = field(default_factory=dict)  # routine id → the program or plan following it (for reasons naming it)
    week_first: date | None = None  # the first day of the user's week holding `day`

    def started_this_week(self, card) -> bool:
        """The card's plan began after this week's first day, so the week plans fewer sessions (said so)."""
        return bool(card.plan and self.week_first and self.week_first < card.plan.start_day <= self.day)

    @property
    def can_tick(self) -> bool:
        return self.today - timedelta(days=BACKFILL_DAYS) <= self.day <= self.today

    @property
    def is_future(self) -> bool:
        return self.day > self.today

    @property
    def done_count(self) -> int:
        return sum(1 for card in self.due if card.complete)

    @property
    def todo(self) -> list:
        """The day's due routines still to do, in order: the first is "Next up"."""
        return [card for card in self.due if not card.complete]

    @property
    def finished(self) -> list:
        """The day's routines done (each drawn as one line)."""
        return [card for card in self.due if card.complete]

    @property
    def all_done(self) -> bool:
        return bool(self.due) and not self.todo

    @property
    def can_skip(self) -> bool:
        """Skipping is a choice made ahead: today and later days, never a missed day relabelled."""
        return self.today <= self.day <= self.today + timedelta(days=VIEW_FUTURE_DAYS)

    @property
    def next_session(self):
        """(day, [cards]) of the next day after this one with a session due, if any is known."""
        days = [c.next_day for c in self.due + self.other if c.next_day and c.next_day > self.day]
        if not days:
            return None
        first = min(days)
        return first, [c for c in self.due + self.other if c.next_day == first]

    @property
    def not_begun(self) -> bool:
        """Every program starts after this day (nothing to miss yet)."""
        return bool(self.other) and not self.due and all(c.verdict.state == "upcoming" for c in self.other)


def viewable(day: date, today: date) -> bool:
    """Whether a day may be looked at: up to a year back and two months ahead."""
    return today - timedelta(days=VIEW_PAST_DAYS) <= day <= today + timedelta(days=VIEW_FUTURE_DAYS)
