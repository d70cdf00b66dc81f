"""What pages draw again and again from a few values, drawn once per worker and kept: URLs and checklists.

A URL is a function of its endpoint, its values and where the app is mounted; templates build about twenty
a page (werkzeug's build is most of the cost), so `url_for` in templates keeps what it built.

A routine's checklist (every step as a tick) is most of Today's HTML and the same for everyone on the same
routine, day and ticks. `Checklist` holds exactly what it shows, nothing else, so it is the key it is kept
by: a page whose values differ in anything gets its own drawing, and nothing of one user can reach
another's page that the other's own values would not draw (tests/test_fragments.py). bench/today.py
measures what it saves.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import render_template, request, url_for
from markupsafe import Markup

KEPT = 4096  # drawings per worker, about 3.5 kB each: at most ~14 MB


def init_app(app):
    """Templates build URLs and draw checklists through what is kept here."""
    app.jinja_env.globals.update(
        url_for=kept_url_for, checklist=checklist, checklist_of=checklist_of, step_urls=step_urls
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
    return _drawn(checklist_of(view, card))


@lru_cache(maxsize=KEPT)
def _drawn(steps: Checklist) -> Markup:
    return Markup(render_template("today/_checklist.html", list=steps))  # noqa: S704 (an autoescaped template)


def step_urls(day: date, routine_id: str) -> str:
    """The tick URL of a routine's steps on `day`, up to the step id (one url_for a routine, not one a step).

    Add `step.id|path_part`: url_for leaves a "/" in a value as it is, path_part escapes it.
    """
    return url_for("today.tick_step", day=day.isoformat(), routine_id=routine_id, step_id="\0").removesuffix("%00")
