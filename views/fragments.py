"""What pages draw again and again from a few values, drawn once per worker and kept: URLs, checklists
and Today's routine cards.

A URL is a function of its endpoint, its values and where the app is mounted; templates build about twenty
a page (werkzeug's build is most of the cost), so `url_for` in templates keeps what it built.

A routine's card on Today and its checklist (every step as a tick) are most of Today's HTML and the same
for everyone on the same routine, day, ticks and verdict. `Checklist` and `CardFace` hold exactly what
they show, in words and numbers, and their templates read nothing else, so each is the key its drawing
is kept by: a page whose values differ in anything gets its own drawing, and nothing of one user can
reach another's page that the other's own values would not draw (tests/test_fragments.py).
bench/today.py measures what it saves.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import render_template, request, url_for
from markupsafe import Markup

from model import wording
from views import web  # (web imports this module: its names are read at call time)

KEPT = 4096  # drawings per worker, about 3.5 kB each: at most ~14 MB


def init_app(app):
    """Templates build URLs and draw checklists through what is kept here."""
    app.jinja_env.globals.update(
        url_for=kept_url_for,
        checklist=checklist,
        checklist_of=checklist_of,
        drawn_checklist=drawn_checklist,
        step_urls=step_urls,
        card_face=card_face,
        routine_card=routine_card,
    )


def kept_url_for(endpoint: str, **values) -> str:
    """Flask's url_for, kept for relative URLs; `_external`, `_anchor` and relative endpoints (".x") are
    built each time, as they depend on more than the values."""
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    return _url(request.script_root, endpoint, tuple(sorted(values.items())))


@lru_cache(maxsize=KEPT)
def _url(script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


@dataclass(frozen=True)
class Checklist:
    """Everything a routine's checklist shows on a day."""

    script_root: str  # where the app is mounted (its URLs start there)
    day: date
    can_tick: bool
    routine_id: str
    routine_name: str
    steps: tuple
    ticked: frozenset


def checklist_of(view, card) -> Checklist:
    """The checklist of `card` on the day `view` shows."""
    routine = card.routine
    return Checklist(request.script_root, view.day, view.can_tick, routine.id, routine.name, card.steps, card.ticked)


def checklist(view, card) -> Markup:
    """The card's steps as ticks (templates/today/_checklist.html), drawn once per distinct checklist."""
    return drawn_checklist(checklist_of(view, card))


@lru_cache(maxsize=KEPT)
def drawn_checklist(steps: Checklist) -> Markup:
    """A checklist's steps as ticks, drawn once per distinct checklist."""
    return Markup(render_template("today/_checklist.html", list=steps))  # noqa: S704 (an autoescaped template)


def step_urls(day: date, routine_id: str) -> str:
    """The tick URL of a routine's steps on `day`, up to the step id (one url_for a routine, not one a step).

    Add `step.id|path_part`: url_for leaves a "/" in a value as it is, path_part escapes it.
    """
    return kept_url_for("today.tick_step", day=day.isoformat(), routine_id=routine_id, step_id="\0").removesuffix("%00")


@dataclass(frozen=True)
class CardFace:
    """Everything a routine's card on Today shows (templates/today/_card.html), and what its parts
    (Start guided, Mark done, Skip) show wherever they are drawn."""

    list: Checklist  # the day, the routine and its steps as ticks
    is_today: bool
    next_up: bool
    length: str  # "4 min 30 s"
    why: str  # "1st of 4 this week (the plan began Tuesday 24 November)"
    phase: str  # "Intensive · week 1 of 8", or "" when the reason says it already
    program: str
    tool_use: tuple  # (this use, uses a tool lasts) for a device with a use limit, before a session starts
    said: object  # what the safety answers mean (screening.Verdict) when they shape the card, else None
    upcoming: bool  # the program starts later (the answers' waits are shown)
    start_day: date
    guided: str  # "Start guided", "Continue guided" or "" (no button)
    mark_done: bool  # "Mark done" is offered
    day_long: str  # the day in words, for a day other than today
    complete: bool
    started: bool
    ticked: int  # steps ticked
    skip: str  # "skip", "undo" (a skipped day) or "" (no button)
    day_word: str  # "today" or "this day"


def card_face(view, card, next_up: bool = False) -> CardFace:
    """What `card` shows on the day `view` shows."""
    verdict, is_today = card.verdict, view.day == view.today
    complete, started, tickable = card.complete, card.started, card.tickable  # each reads every step
    reason, phase = wording.verdict_reason(verdict), wording.phase_label(verdict.phase) if verdict.phase else ""
    why = reason[:1].upper() + reason[1:]
    if verdict.why == "nth_this_week" and view.started_this_week(card):
        why += f" (the plan began {wording.day_long(card.plan.start_day)})"
    if verdict.state == "skipped":
        skip = "undo" if view.can_tick or view.is_future else ""
    else:
        skip = "skip" if view.can_skip and verdict.state == "due" and not started else ""
    guided = ""
    if is_today and not complete and tickable:
        guided = "Continue guided" if card.resumes else "Start guided"
    return CardFace(
        list=checklist_of(view, card),
        is_today=is_today,
        next_up=next_up,
        length=web.duration(card.seconds),
        why=why,
        phase=phase if phase.lower() != reason.lower() else "",
        program=card.program.name,
        tool_use=(card.tool_used + 1, card.device.tool_uses) if card.device.tool_uses and not started else (),
        said=card.said,
        upcoming=verdict.state == "upcoming",
        start_day=card.enrollment.start_day,
        guided=guided,
        mark_done=view.can_tick and tickable and not complete,
        day_long="" if is_today else wording.day_long(view.day),
        complete=complete,
        started=started,
        ticked=card.ticked_count,
        skip=skip,
        day_word="today" if is_today else "this day",
    )


def routine_card(view, card, next_up: bool = False) -> Markup:
    """A routine still to do on Today, drawn once per distinct face."""
    return _card(card_face(view, card, next_up))


@lru_cache(maxsize=KEPT)
def _card(face: CardFace) -> Markup:
    return Markup(render_template("today/_card.html", face=face))  # noqa: S704 (an autoescaped template)
