"""A user's enrollments as the scheduler's plans: phases, plan versions, pauses, skips and gate checks."""

from dataclasses import asdict
from datetime import date, timedelta

from model import store
from model.device_day import gap_for
from model.rules import schedule

SKIP_REASON = "skipped"
HISTORY_WINDOW = 70  # days: covers a month, the longest spacing and every-N-days gap


def phase_rules(program) -> tuple:
    """The catalog program's phases as the scheduler's rules."""
    return tuple(
        schedule.PhaseRule(
            name=phase.name,
            kind=phase.cadence.kind,
            count=phase.cadence.count,
            days=phase.cadence.days,
            weeks=phase.cadence.weeks,
            length_weeks=phase.weeks,
            length_sessions=phase.sessions,
            rollover=phase.rollover,
        )
        for phase in program.phases
    )


def phase_snapshot(program) -> list:
    """The phases as JSON-ready dicts, stored with each plan version."""
    return [asdict(rule) for rule in phase_rules(program)]


def user_steps(routine, options) -> tuple:
    """The steps this user does: screened-out areas and (unless allowed) neck steps removed."""
    has_neck_option = "neck" in options
    return routine.steps_for(options.get("skip_areas", ()), neck=options.get("neck", True) or not has_neck_option)


def _plan(enrollment, device, program, versions, gates_done):
    rows = versions or [(enrollment.start_day, None, enrollment.options)]
    made = tuple(
        schedule.Version(
            effective,
            tuple(schedule.PhaseRule(**p) for p in phases) if phases else phase_rules(program),
            gap_for(device, options),
        )
        for effective, phases, options in rows
    )
    ready_on, gated = None, False
    for gate in device.gates:
        done_on = gates_done.get((device.id, gate.id))
        if done_on is None:
            gated = True
        else:
            ready = done_on + timedelta(days=gate.wait_days)
            ready_on = max(ready_on, ready) if ready_on else ready
    pauses = tuple((p.first_day, p.last_day) for p in enrollment.pauses)
    skips = frozenset(p.first_day for p in enrollment.pauses if p.reason == SKIP_REASON and p.last_day == p.first_day)
    return schedule.Plan(enrollment.start_day, made, pauses, enrollment.stopped_on, ready_on, gated, skips)


def history_start(plan: schedule.Plan, day: date) -> date:
    """How far back the day's verdict needs sessions: a bounded window, unless a phase counts sessions.

    Weeks, months, spacing and every-N-days rules look back at most HISTORY_WINDOW days; a rollover
    phase needs its own start; a phase measured in sessions needs the whole enrollment.
    """
    version = plan.version_on(day)
    if any(rule.length_sessions or rule.kind == "sessions_over_weeks" for rule in version.phases):
        return plan.start_day
    window = day - timedelta(days=HISTORY_WINDOW)
    at = schedule.phase_at(plan, version, schedule.History(), day)
    if at.rule and at.rule.rollover:
        window = min(window, schedule.week_start_of(at.start, 0) - timedelta(days=7))
    return max(plan.start_day, window)


def plans_for(db, catalog, user, enrollments):
    """enrollment id → the scheduler's Plan, from stored plan versions, pauses and gate checks."""
    versions = store.versions_of(db, user.id, [e.id for e in enrollments])
    gates_done = store.gate_checks(db, user.id)
    plans = {}
    for enrollment in enrollments:
        program = catalog.programs[enrollment.program_id]
        plans[enrollment.id] = _plan(
            enrollment, catalog.device_of(program), program, versions.get(enrollment.id), gates_done
        )
    return plans, gates_done
