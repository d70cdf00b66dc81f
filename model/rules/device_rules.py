"""A device type's own rules, held across every program, plan and routine a user has for it (pure).

Spacing, same-day exclusions and the tool's use limit belong to the device, not to one enrollment:
a second plan on the same device shares them. `refusal` says why a new session on a day would
break one of them; `week_preview` plays a week forward to show which sessions two plans would give.
A refusal holds facts (model/wording.py puts them in words).
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from model.rules import schedule


@dataclass(frozen=True)
class Use:
    """A session of some routine of a device on a day: done, or under way (steps ticked)."""

    day: date
    routine_id: str
    device_id: str
    label: str  # the program or plan (or routine) it belongs to, as the user knows it
    done: bool


@dataclass(frozen=True)
class Refusal:
    """Why a new session breaks a device rule, as facts.

    why: one_a_day (spacing of one day: a session of another plan that day), too_close (a longer
    spacing), never_share (a device that never shares a day with this one), tool_worn (the tool's
    use limit is reached).
    """

    kind: str  # spacing | excluded | tool
    why: str  # one_a_day | too_close | never_share | tool_worn
    device: str  # the device whose rule it is, by its name
    day: date  # the day of the new session
    next_day: date | None = None
    program: str = ""  # the other program or plan (or routine) whose session is in the way
    done: bool = False  # that session is done (False: started, steps ticked)
    other_day: date | None = None  # that session's day
    other_device: str = ""  # never_share: the device of that session
    gap: int = 0  # too_close: days between sessions
    uses: int = 0  # tool_worn: sessions with the tool so far


def refusal(device, gap: int, uses, day: date, routine_id: str, conflicts=(), tool_uses_so_far=0):
    """Why a new session of `routine_id` (a routine of `device`) on `day` would break a device rule.

    `uses` are the sessions around `day` of this device and of the devices in `conflicts` (those
    that never share a day with it). A session of the same routine on the same day is this one
    and never refuses itself. None: nothing stands in the way.
    """
    for use in sorted(uses, key=lambda u: (u.day != day, abs((u.day - day).days))):
        if use.device_id != device.id or (use.routine_id == routine_id and use.day == day):
            continue
        if use.day != day and not use.done:
            continue
        distance = abs((use.day - day).days)
        if gap and distance < gap:
            if gap == 1:
                return Refusal(
                    "spacing",
                    "one_a_day",
                    device.name,
                    day,
                    day + timedelta(days=1),
                    program=use.label,
                    done=use.done,
                    other_day=use.day,
                )
            return Refusal(
                "spacing",
                "too_close",
                device.name,
                day,
                use.day + timedelta(days=gap) if use.day < day else None,
                program=use.label,
                done=use.done,
                other_day=use.day,
                gap=gap,
            )
    conflict_names = {other.id: other.name for other in conflicts}
    for use in uses:
        if use.day == day and use.device_id in conflict_names:
            return Refusal(
                "excluded",
                "never_share",
                device.name,
                day,
                day + timedelta(days=1),
                program=use.label,
                done=use.done,
                other_day=use.day,
                other_device=conflict_names[use.device_id],
            )
    if device.tool_uses and tool_uses_so_far >= device.tool_uses:
        return Refusal("tool", "tool_worn", device.name, day, uses=tool_uses_so_far)
    return None


@dataclass(frozen=True)
class Planned:
    """One enrollment to play forward: its scheduler plan and its routine's done days so far."""

    label: str
    routine_id: str
    plan: schedule.Plan
    routine_days: tuple


def week_preview(planned, device_days, gap: int, first: date, last: date, week_start: int = 0, done=()):
    """Day by day from `first` to `last`: which of `planned` would be done if every due session were.

    The device's spacing is shared: once one plan has a session on a day, the others wait as
    `refusal` would make them (without spacing, each plan may have its session the same day).
    `done` are (day, label) of sessions already done in those days; they stay as they are.
    Returns [(day, [labels])].
    """
    routine_days = {p.routine_id: list(p.routine_days) for p in planned}
    device_days = sorted(device_days)
    already: dict = {}
    for d, label in done:
        already.setdefault(d, []).append(f"{label} (done)")
    out, day = [], first
    while day <= last:
        chosen = list(already.get(day, ()))
        for p in planned:
            if chosen and gap:
                break
            if gap and any(abs((d - day).days) < gap for d in device_days):
                break
            history = schedule.History(tuple(routine_days[p.routine_id]), tuple(device_days))
            if schedule.evaluate(p.plan, history, day, week_start).due:
                routine_days[p.routine_id].append(day)
                device_days = sorted({*device_days, day})
                chosen.append(p.label)
        out.append((day, chosen))
        day += timedelta(days=1)
    return out


def history_problem(catalog, sessions) -> str | None:
    """Why a list of done sessions ({day, routine_id, device_id, status}) breaks a device's spacing or a
    same-day exclusion (an imported history must keep the rules the app keeps), or None.

    Spacing is the device's own (a needle length that asks for more was already kept by the app
    that wrote the file)."""
    days: dict = {}
    for row in sessions:
        if row.get("status") == "done" and row.get("device_id") in catalog.devices:
            days.setdefault(row["device_id"], []).append(date.fromisoformat(row["day"]))
    for device_id, found in days.items():
        device = catalog.devices[device_id]
        gap = schedule.gap_days(device.min_gap_hours)
        found.sort()
        for first, second in itertools.pairwise(found):
            if gap and (second - first).days < gap:
                return (
                    f"two {device.name.lower()} sessions on {first:%Y-%m-%d} and {second:%Y-%m-%d} are closer "
                    f"than its spacing allows"
                )
        for other in catalog.same_day_conflicts(device_id):
            shared = sorted(set(found) & set(days.get(other.id, ())))
            if shared:
                return f"{device.name.lower()} and {other.name.lower()} on the same day ({shared[0]:%Y-%m-%d})"
    return None
