"""A user's day: which routines are due, their steps and ticks, and setting a tick safely."""

from dataclasses import replace
from datetime import date, timedelta

from model import device_day, routines, store, wording
from model.context import Context
from model.day import BACKFILL_DAYS, VIEW_FUTURE_DAYS, Card, Day
from model.device_day import gap_for
from model.enrolled import HISTORY_WINDOW, SKIP_REASON, history_start, plans_for, user_steps
from model.refusals import INVALID, NotFound, Refused
from model.rules import schedule, screening
from model.store.db import immediate


def build_day(ctx: Context, day: date, lookahead: bool = True, routine_id: str | None = None) -> Day:
    """Every routine of the user's programs on `day`, with verdicts, steps and ticks.

    `lookahead` finds the next due day of routines not due (a page shows it; a tick does not need it).
    With `routine_id`, the day holds that routine's card and only the cards its verdict depends on (a
    tick judges one card): the Day's lists and counts are then not the whole day's.
    """
    db, catalog, user, today = ctx.db, ctx.catalog, ctx.user, ctx.today
    every = store.enrollments_of(db, user.id)
    enrollments = [
        e for e in every if e.program_id in catalog.programs and (e.stopped_on is None or e.stopped_on > day)
    ]
    if routine_id is not None:
        enrollments = _judged_with(catalog, enrollments, routine_id)
    if not enrollments:
        return Day(day, today, [], [], [])
    names = device_day.labels(catalog, every)
    plans, gates_done = plans_for(db, catalog, user, enrollments)
    # At least the window every device rule reads (HISTORY_WINDOW), so a verdict never depends on which other
    # enrollments the user has (one started earlier used to pull in device sessions from before this one).
    since = min([history_start(plan, day) for plan in plans.values()] + [day - timedelta(days=HISTORY_WINDOW)])
    by_routine, by_device = store.done_days(db, user.id, since, day)
    ticks = store.ticks_on(db, user.id, day)
    sessions = store.sessions_on(db, user.id, day)
    started_devices = {s.device_id for s in sessions.values() if s.started}
    reach = max(gap_for(catalog.device_of(catalog.programs[e.program_id]), e.options) for e in enrollments)
    uses = device_day.uses_around(db, catalog, user.id, day, reach, names)
    cards: list[Card] = []
    gates: list[tuple] = []
    for enrollment in enrollments:
        program = catalog.programs[enrollment.program_id]
        device, routine, plan = catalog.device_of(program), catalog.routine_of(program), plans[enrollment.id]
        conflicts = [d for d in catalog.same_day_conflicts(device.id) if d.id in started_devices]
        history = schedule.History(
            tuple(by_routine.get(routine.id, ())),
            tuple(by_device.get(device.id, ())),
            conflicts[0].name.lower() if conflicts else None,
        )
        verdict = schedule.evaluate(plan, history, day, user.week_start)
        if verdict.state == "paused" and day in plan.skip_days:
            verdict = schedule.Verdict("skipped", "skipped")
        session = sessions.get(routine.id)
        card = Card(
            enrollment,
            program,
            device,
            routine,
            _steps_ran(db, user, routine, session, enrollment.options),
            frozenset(step for r, step in ticks if r == routine.id),
            verdict,
            session_done=bool(session and session.status == "done"),
            plan=plan,
            history=history,
            session=session,
        )
        if verdict.state in ("due", "rest", "excluded") and not card.started:
            _apply_device_rules(db, catalog, user, card, day, uses)
        if lookahead and card.verdict.state not in ("due", "stopped", "finished", "tool"):
            card.next_day = card.verdict.next_day or schedule.next_due_day(plan, history, day, user.week_start)
        if plan.gated and verdict.state not in ("upcoming", "stopped", "finished"):
            gates += [
                (device, gate, program.name)
                for gate in device.gates
                if (device.id, gate.id) not in gates_done and all(g[:2] != (device, gate) for g in gates)
            ]
        cards.append(card)
    _settle_conflicts(catalog, cards, day)
    if lookahead:
        _explain_answers(db, user, cards)
    due = [c for c in cards if c.verdict.state in ("due", "done") or (c.started and c.tickable)]
    other = [c for c in cards if c not in due and c.verdict.state not in ("stopped",)]
    return Day(day, today, due, other, gates, names, schedule.week_start_of(day, user.week_start))


def _judged_with(catalog, enrollments, routine_id) -> list:
    """The enrollments a verdict on `routine_id` depends on: its own, and those on devices that do not mix
    with its device on one day, and theirs in turn (which of two clashing sessions is kept depends on
    every clash, _settle_conflicts). Everything else a verdict reads comes from the store."""
    device_of = {e.id: catalog.device_of(catalog.programs[e.program_id]).id for e in enrollments}
    devices = {device_of[e.id] for e in enrollments if catalog.programs[e.program_id].routine_id == routine_id}
    grown = True
    while grown:
        reached = devices | {d.id for device in devices for d in catalog.same_day_conflicts(device)}
        grown, devices = reached != devices, reached
    return [e for e in enrollments if device_of[e.id] in devices]


def _explain_answers(db, user, cards):
    """Cards whose steps or start the safety answers changed say so (a left-out area, a wait)."""
    found = {}
    for card in cards:
        if card.enrollment.options.get("skip_areas") or card.verdict.state == "upcoming":
            if card.device.id not in found:
                found[card.device.id] = screening.said(card.device, store.latest_screening(db, user.id, card.device.id))
            card.said = found[card.device.id]


def _apply_device_rules(db, catalog, user, card, day, uses):
    """A device rule shared with the user's other plans: a due card is no longer due, and says why;
    a rest day's extra session is not offered."""
    card.refusal = device_day.refusal_for(db, catalog, user.id, card, day, uses)
    if card.refusal and card.verdict.state != "rest":
        old = card.verdict
        card.verdict = schedule.Verdict(
            card.refusal.kind,
            "device_rule",
            refusal=card.refusal,
            phase=old.phase,
            next_day=card.refusal.next_day,
            planned=old.planned,
            done_in_week=old.done_in_week,
        )


def _steps_ran(db, user, routine, session, options) -> tuple:
    """The user's steps; for a session of an earlier version of an own routine, that version's steps."""
    if routine.owner and session and session.routine_version not in (None, routine.version):
        ran = routines.version_steps(db, user.id, routine, session.routine_version)
        if ran is not None:
            routine = replace(routine, steps=ran)
    return user_steps(routine, options)


def version_of(card) -> int | None:
    """The version of an own routine a new session records (catalog routines have none)."""
    return card.routine.version if card.routine.owner else None


def _settle_conflicts(catalog, cards, day):
    """Two due devices that do not mix on one day: keep the one with the longer spacing due."""
    due = sorted(
        (c for c in cards if c.verdict.state == "due" and not c.started),
        key=lambda c: -gap_for(c.device, c.enrollment.options),
    )
    kept: list = []
    for card in due:
        clash = next((k for k in kept if k.device in catalog.same_day_conflicts(card.device.id)), None)
        if clash is None:
            kept.append(card)
            continue
        card.verdict = schedule.Verdict(
            "excluded",
            "clash",
            other=clash.device.name,
            phase=card.verdict.phase,
            next_day=day + timedelta(days=1),
            planned=card.verdict.planned,
            done_in_week=card.verdict.done_in_week,
        )
        card.next_day = day + timedelta(days=1)


def tick(ctx: Context, day: date, routine_id: str, step_id: str, done: bool):
    """Set a step's state on a day after checking every rule; return the refreshed Day and card."""
    db, catalog, user = ctx.db, ctx.catalog, ctx.user
    _window(ctx, day)
    with immediate(db):  # the day read, every rule checked and the tick written in one transaction
        before = build_day(ctx, day, lookahead=False, routine_id=routine_id)
        card = next((c for c in before.due + before.other if c.routine.id == routine_id), None)
        if card is None:
            raise NotFound("That routine is not in your programs on this day.")
        step = next((s for s in card.steps if s.id == step_id), None)
        if step is None:
            raise NotFound("That step is not part of this routine.")
        if done and not card.tickable:
            raise Refused(_not_on_this_day(card))
        if done:
            device_day.check(db, catalog, user.id, card, day, before.names)
        state = store.set_tick(
            db,
            user.id,
            day,
            routine_id,
            card.device.id,
            step_id,
            done,
            [s.id for s in card.steps],
            ctx.now,
            ctx.client_id,
            version_of(card),
        )
    started = card.started
    _settle(card, state)
    others = card not in before.due or len(before.due) + len(before.other) > 1  # before: only the cards it reaches
    card.changes_day = card.flipped or (card.started != started and others)
    return before, card, step


def _settle(card, state) -> None:
    """The card as stored after a write (with any tick another tab made meanwhile)."""
    was = card.complete
    card.session_done = state.status == "done"
    card.ticked = state.ticked
    card.flipped = card.complete != was


def _window(ctx: Context, day: date) -> None:
    if day > ctx.today:
        raise Refused("Future days can be viewed but not ticked.")
    if day < ctx.today - timedelta(days=BACKFILL_DAYS):
        raise Refused(f"Only the last {BACKFILL_DAYS // 7} weeks can be changed.", kind=INVALID)


def mark_done(ctx: Context, day: date, routine_id: str, done: bool = True, keep=()) -> tuple:
    """Record a whole session in one write (every step ticked), or undo that, putting back the steps in
    `keep` (those ticked before). The same rules as a tick; returns the refreshed Day, the card and the
    steps ticked before this write (what an Undo puts back)."""
    db, catalog, user = ctx.db, ctx.catalog, ctx.user
    _window(ctx, day)
    with immediate(db):  # the day read, every rule checked and the steps written in one transaction
        view = build_day(ctx, day)
        card = next((c for c in view.due + view.other if c.routine.id == routine_id), None)
        if card is None:
            raise NotFound("That routine is not in your programs on this day.")
        before = tuple(step.id for step in card.steps if step.id in card.ticked)
        if done and card.complete:
            return view, card, before  # already done (a second tap, or a replay): nothing to change
        if done and not card.tickable:
            raise Refused(_not_on_this_day(card))
        if done:
            device_day.check(db, catalog, user.id, card, day, view.names)
        wanted = [step.id for step in card.steps] if done else [step for step in keep if step in card.ticked]
        state = store.set_steps(
            db,
            user.id,
            day,
            routine_id,
            card.device.id,
            wanted,
            [s.id for s in card.steps],
            ctx.now,
            ctx.client_id,
            version_of(card),
        )
        _settle(card, state)
        flipped = card.flipped
        view = build_day(ctx, day)  # the next session and the day's counts, as they now stand
        card = next(c for c in view.due + view.other if c.routine.id == routine_id)
        card.flipped = flipped
    return view, card, before


def _not_on_this_day(card) -> str:
    if card.refusal:
        return wording.refusal_message(card.refusal)
    return f"Not on this day: {wording.verdict_reason(card.verdict)}."


def skip(ctx: Context, day: date, routine_id: str, undo: bool = False) -> None:
    """Skip a due routine for a day (or undo that): a one-day pause that is never a miss."""
    if undo and not ctx.today - timedelta(days=BACKFILL_DAYS) <= day <= ctx.today + timedelta(days=VIEW_FUTURE_DAYS):
        raise Refused("That day cannot be changed any more.", kind=INVALID)
    if not undo and not ctx.today <= day <= ctx.today + timedelta(days=VIEW_FUTURE_DAYS):
        raise Refused(
            "A skip is chosen ahead, for today or a later day: a day gone by can still be marked done.", kind=INVALID
        )
    with immediate(ctx.db):  # what the day shows and the pause written, in one transaction
        _skip(ctx, day, routine_id, undo)


def _skip(ctx: Context, day: date, routine_id: str, undo: bool) -> None:
    db, user = ctx.db, ctx.user
    view = build_day(ctx, day)
    card = next((c for c in view.due + view.other if c.routine.id == routine_id), None)
    if card is None:
        raise NotFound("That routine is not in your programs on this day.")
    if undo:
        pause = next(
            (p for p in card.enrollment.pauses if p.first_day == p.last_day == day and p.reason == SKIP_REASON), None
        )
        if pause is None:
            raise Refused("This day was not skipped.")
        store.end_pause(db, user.id, pause.id, day - timedelta(days=1))
        return
    if card.verdict.state not in ("due",) or card.started:
        raise Refused("Only a session due and not started can be skipped.")
    if store.add_pause(db, user.id, card.enrollment.id, day, day, SKIP_REASON) is None:
        raise Refused("This day is already paused.")


def check_gate(ctx: Context, device_id: str, gate_id: str) -> None:
    """Record a one-time test as done today (NotFound: no such device or test)."""
    device = ctx.catalog.devices.get(device_id)
    if device is None or not any(gate.id == gate_id for gate in device.gates):
        raise NotFound("No such one-time test.")
    store.check_gate(ctx.db, ctx.user.id, device_id, gate_id, ctx.today)


def change_tool(ctx: Context, device_id: str) -> None:
    """Record a new tool for a device with a use limit from today (NotFound: any other device)."""
    device = ctx.catalog.devices.get(device_id)
    if device is None or not device.tool_uses:
        raise NotFound("That device has no tool to change.")
    store.change_tool(ctx.db, ctx.user.id, device_id, ctx.today)


def card_of(ctx: Context, enrollment_id: int) -> Card | None:
    """Today's card of one of the user's programs (what a program's page offers: start, done, or why not)."""
    view = build_day(ctx, ctx.today)
    return next((c for c in view.due + view.other if c.enrollment.id == enrollment_id), None)
