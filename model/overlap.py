"""A second program or plan on a device type already in use: switch to it, or run both.

Either way the device's rules hold (they are shared, see device_rules); the start page shows the
sessions each choice gives in the week of the start day.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from model import store
from model.device_day import gap_for
from model.enrolled import phase_rules, plans_for
from model.rules import device_rules, schedule

CHOICES = ("switch", "both")


@dataclass(frozen=True)
class Overlap:
    """A program to start on a device type already in use: what runs there, and a week's sessions either way."""

    device: object
    running: tuple  # (enrollment, program) already active on this device type
    week: tuple  # the days previewed
    switch: tuple  # [(day, [labels])] if the new one replaces the running ones
    both: tuple  # ... if both run, sharing the device's rules

    @property
    def running_names(self) -> str:
        names = [f"“{program.name}”" for _, program in self.running]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def running_on_device(db, catalog, user_id, program) -> list:
    """The user's active enrollments on the program's device type (other routines: one routine
    follows one plan at a time, see programs.routine_taken)."""
    found = []
    for enrollment in store.enrollments_of(db, user_id, "active"):
        other = catalog.programs.get(enrollment.program_id)
        if other and other.device_id == program.device_id and other.routine_id != program.routine_id:
            found.append((enrollment, other))
    return found


def overlap(db, catalog, user, program, start_day: date) -> Overlap | None:
    """What starting `program` on `start_day` means next to the plans already on its device."""
    running = running_on_device(db, catalog, user.id, program)
    if not running:
        return None
    device = catalog.device_of(program)
    first = start_day
    last = schedule.week_start_of(first, user.week_start) + timedelta(days=6)
    plans, _ = plans_for(db, catalog, user, [e for e, _ in running])
    since = first - timedelta(days=70)
    by_routine, by_device = store.done_days(db, user.id, since, first)
    gap = max([gap_for(device, {})] + [gap_for(device, e.options) for e, _ in running])
    current = [
        device_rules.Planned(p.name, p.routine_id, plans[e.id], tuple(by_routine.get(p.routine_id, ())))
        for e, p in running
    ]
    gated, ready_on = plans[running[0][0].id].gated, plans[running[0][0].id].ready_on
    new_plan = schedule.Plan(
        start_day,
        (schedule.Version(start_day, phase_rules(program), gap_for(device, {})),),
        ready_on=ready_on,
        gated=gated,
    )
    new = device_rules.Planned(program.name, program.routine_id, new_plan, ())
    past = tuple(by_device.get(device.id, ()))
    done = [(d, p.label) for p in current for d in p.routine_days if first <= d <= last]
    return Overlap(
        device,
        tuple(running),
        tuple(first + timedelta(days=i) for i in range((last - first).days + 1)),
        tuple(device_rules.week_preview([new], past, gap, first, last, user.week_start, done)),
        tuple(device_rules.week_preview([*current, new], past, gap, first, last, user.week_start, done)),
    )
