"""The guided player's rules: start or resume a session, record steps in order, go back, finish."""

import itertools
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

from model import device_day, store, wording
from model.catalog import Step
from model.catalog.mirror import MirrorMap
from model.catalog.types import COUNT_WORDS
from model.context import Context
from model.refusals import NotFound, Refused
from model.store import users as user_rows
from model.store.db import immediate
from model.today import build_day, version_of

# A face exercise whose count comes this slowly (10 s or more) is held, not repeated: "Hold 1 of 3".
HOLD_SECONDS = 10

# Where a glide goes, drawn on the face diagram (viewBox 200 x 240, seen as in a mirror: the user's left
# side on the left) from its start to its end (the arrow's head), per device type and area. Each path is
# the left side's; the right side is its mirror image, and a step on both sides draws both, unless the
# area names its own "both" path (gua sha down the front of the neck). Devices and areas not named here
# draw no stroke: microneedling passes go four ways, face exercises and LED masks do not glide.
_JAW = "M92 180 Q60 166 46 126"  # chin along the jawline to below the ear
_UNDER_EYE = "M88 110 Q76 118 63 112"  # inner corner outward
_NECK_DOWN = "M82 200 L82 232"  # towards the collarbone
STROKES = {
    "microcurrent": {
        "neck": "M82 232 L82 200",  # collarbone up to the jaw
        "jaw": _JAW,
        "cheeks": "M80 147 Q62 134 53 110",  # mouth corner up and out to the cheekbone
        "forehead": "M74 76 L74 38",  # brow up to the hairline
    },
    "gua_sha": {
        "neck": _NECK_DOWN,
        "neck/both": "M100 200 L100 232",
        "jaw": _JAW,
        "cheeks": "M88 124 Q68 112 45 116",  # beside the nose outward along the cheekbone
        "under_eye": _UNDER_EYE,
        "brow": "M88 80 Q76 72 61 81",  # the brow bone from the middle outward
        "forehead": "M74 76 L74 38",
    },
    "roller": {
        "forehead": "M94 54 Q70 50 50 62",  # the middle of the forehead out to the temple
        "cheeks": "M88 128 Q64 118 41 114",  # beside the nose out to the ear
        "under_eye": _UNDER_EYE,
        "jaw": _JAW,
        "neck": _NECK_DOWN,
    },
}


def _mirrored(path: str) -> str:
    """The path drawn on the other side: every x (the first of each absolute pair) becomes 200 - x."""
    place = itertools.count()  # paths use absolute x y pairs only (M, L, Q, C)
    return re.sub(r"-?\d+(?:\.\d+)?", lambda n: f"{200 - float(n[0]):g}" if next(place) % 2 == 0 else n[0], path)


def strokes(device_id: str, area: str, side: str) -> tuple[str, ...]:
    """The paths of a glide over `area` on `side` ("left", "right", "both", "none") for a device type."""
    paths = STROKES.get(device_id, {})
    left = paths.get(area)
    if left is None:
        return ()
    if side == "left":
        return (left,)
    if side == "right":
        return (_mirrored(left),)
    both = paths.get(f"{area}/both")
    return (both,) if both else (left, _mirrored(left))


@dataclass(frozen=True)
class Player:
    """What the player shows: the session, its steps and where it stands."""

    session: store.Guided
    routine: object
    steps: tuple  # catalog Step objects, rebuilt from the session's own snapshot
    counts: str = "rep"  # what the device's timed steps count (a key of COUNT_WORDS)
    mirror_map: MirrorMap = field(default_factory=MirrorMap)  # the catalog's map of the face for Mirror mode

    def count_of(self, step) -> str:
        """What a step counts, one word: "glide", "pass", "rep", "hold" or "minute"."""
        if self.counts == "rep" and step.cue_seconds >= HOLD_SECONDS:
            return "hold"
        return self.counts

    def counts_of(self, step) -> str:
        """The plural of what a step counts: "glides"."""
        return COUNT_WORDS[self.count_of(step)]

    @property
    def mirror(self) -> dict:
        """Mirror mode's outlines, strokes and counting rules for this session's steps (the page's JSON)."""
        return self.mirror_map.plan(
            self.session.device_id, self.steps, counted=getattr(self.routine, "owner", None) is None
        )

    def strokes_of(self, step) -> tuple[str, ...]:
        """The paths the face diagram draws for a step's glides (none for a step without glides)."""
        return strokes(self.session.device_id, step.area, step.side) if step.cue_seconds else ()

    @property
    def index(self) -> int:
        ids = self.session.step_ids
        return ids.index(self.session.current_step) if self.session.current_step in ids else len(ids)

    @property
    def current(self):
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def finished(self) -> bool:
        return self.session.finished_at is not None

    def state_of(self, step) -> str:
        if step.id in self.session.done:
            return "done"
        return "skipped" if step.id in self.session.skipped else "pending"

    @property
    def on_last_step(self) -> bool:
        """The current step is the only one neither done nor skipped: done with it, the session is done."""
        current = self.current
        return current is not None and all(
            self.state_of(step) != "pending" for step in self.steps if step.id != current.id
        )

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.id in self.session.done)

    @property
    def skipped_count(self) -> int:
        return sum(1 for step in self.steps if self.state_of(step) == "skipped")

    @property
    def seconds_taken(self) -> int | None:
        if not (self.session.started_at and self.session.finished_at):
            return None
        began, ended = (datetime.fromisoformat(t) for t in (self.session.started_at, self.session.finished_at))
        return max(0, int((ended - began).total_seconds()))

    def as_json(self) -> dict:
        return {
            "current": self.session.current_step,
            "done": sorted(self.session.done),
            "skipped": list(self.session.skipped),
            "finished": self.finished,
        }


def start(ctx: Context, day: date, routine_id: str) -> int:
    """Start (or resume) today's guided session of one of the user's routines; its id."""
    if day != ctx.today:
        raise Refused("Guided sessions run on today's page; use the checklist to log other days.")
    with immediate(ctx.db):  # the day's rules and the new session in one transaction
        view = build_day(ctx, day)
        card = next((c for c in view.due + view.other if c.routine.id == routine_id), None)
        if card is None:
            raise NotFound("That routine is not in your programs today.")
        if not card.tickable:
            raise Refused(
                wording.refusal_message(card.refusal)
                if card.refusal
                else f"Not today: {wording.verdict_reason(card.verdict)}."
            )
        steps = [asdict(s) for s in card.steps]
        return store.start_guided(
            ctx.db, ctx.user.id, day, routine_id, card.device.id, steps, ctx.now, version_of(card)
        )


def load(ctx: Context, session_id: int) -> Player:
    """The user's guided session with that id, as the player shows it (NotFound: none of theirs)."""
    session = store.guided_session(ctx.db, ctx.user.id, session_id)
    if session is None:
        raise NotFound("No such session.")
    device = ctx.catalog.devices.get(session.device_id)
    return Player(
        session,
        ctx.catalog.routines.get(session.routine_id),
        tuple(Step(**s) for s in session.steps),
        device.counts if device else "rep",
        ctx.catalog.mirror,
    )


def _next_pending(player, marked):
    """The first step after `marked` (wrapping round to earlier ones) neither done nor skipped."""
    ids = player.session.step_ids
    start = ids.index(marked) + 1
    settled = set(player.session.done) | set(player.session.skipped) | {marked}
    return next((step_id for step_id in ids[start:] + ids[:start] if step_id not in settled), None)


def _check_rules(ctx: Context, player: Player) -> None:
    """Before a session's first done step (or finishing it unbegun): the device rules that other plans
    share, checked inside the write transaction (another tab may have done a session meanwhile)."""
    if player.session.done:
        return
    day = player.session.day
    view = build_day(replace(ctx, today=day), day, lookahead=False)
    card = next((c for c in view.due + view.other if c.routine.id == player.session.routine_id), None)
    if card is None:
        return
    if card.refusal and not card.started:
        raise Refused(wording.refusal_message(card.refusal))
    device_day.check(ctx.db, ctx.catalog, ctx.user.id, card, day, view.names)


def record(ctx: Context, player: Player, step_id: str, outcome: str) -> None:
    """The current step done or skipped: recorded at once (a done step is a Today tick).

    A repeat for a step already done or skipped changes nothing; any other step is out of order.
    """
    if player.finished:
        raise Refused("This session is finished.")
    if step_id not in player.session.step_ids:
        raise NotFound("That step is not part of this session.")
    if step_id != player.session.current_step:
        if step_id in player.session.done or step_id in player.session.skipped:
            return  # a retried request: already counted once
        raise Refused("Out of order: that is not the current step.")
    next_step = _next_pending(player, step_id)
    with immediate(ctx.db):  # the rules, the step and (after the last) the finish: one transaction
        # A first done step, or a last skip that finishes a session: either would make it a session done.
        if outcome == "done" or next_step is None:
            _check_rules(ctx, player)
        store.record_step(ctx.db, player.session, step_id, outcome, next_step, ctx.now, ctx.client_id)
        if next_step is None:
            store.finish_guided(ctx.db, player.session, ctx.now)  # nothing left to do: the session is complete


def back(ctx: Context, player: Player) -> None:
    """Return to the step before the current one (a replayed request moves back only once)."""
    if player.finished:
        raise Refused("This session is finished.")
    if player.index > 0:
        store.move_guided(ctx.db, player.session, player.session.step_ids[player.index - 1], ctx.now, ctx.client_id)


def finish(ctx: Context, player: Player) -> None:
    """End the session; it counts as done. Finishing twice changes nothing."""
    if not player.finished:
        with immediate(ctx.db):
            _check_rules(ctx, player)
            store.finish_guided(ctx.db, player.session, ctx.now)


def set_voice(ctx: Context, voice: bool) -> None:
    """Whether the player speaks each step, asked once in the user's first session (and changed later)."""
    user_rows.set_voice(ctx.db, ctx.user.id, voice)
