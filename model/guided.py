"""The guided player's rules: start or resume a session, record steps in order, go back, finish."""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from model import device_day, store, wording
from model.catalog import Step
from model.context import Context
from model.refusals import NotFound, Refused
from model.store.db import immediate
from model.today import build_day, version_of


@dataclass(frozen=True)
class Player:
    """What the player shows: the session, its steps and where it stands."""

    session: store.Guided
    routine: object
    steps: tuple  # catalog Step objects, rebuilt from the session's own snapshot

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
    return Player(session, ctx.catalog.routines.get(session.routine_id), tuple(Step(**s) for s in session.steps))


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
