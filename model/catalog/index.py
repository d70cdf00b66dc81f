"""The loaded catalog: every device type, routine, program and source, and the questions asked of them."""

from dataclasses import dataclass, field
from functools import cached_property

from model.catalog.mirror import MirrorMap
from model.catalog.types import Device, Program, Routine


@dataclass(frozen=True)
class Catalog:
    """Every device type, routine, program and source by id (with `with_own`, a user's own ones too)."""

    devices: dict
    routines: dict
    programs: dict
    sources: dict
    mirror: MirrorMap = field(default_factory=MirrorMap)  # Mirror mode's map of the face (mirror.toml)

    def same_day_conflicts(self, device_id):
        """Devices never used on the same day as this one (the rule holds both ways)."""
        return self._conflicts[device_id]

    @cached_property
    def _conflicts(self) -> dict:
        """device id → same_day_conflicts, worked out once per catalog (a day asks for each card, often)."""
        found = {}
        for device_id, device in self.devices.items():
            own = set(device.excludes_same_day)
            others = {d.id for d in self.devices.values() if device_id in d.excludes_same_day}
            found[device_id] = tuple(self.devices[other] for other in sorted(own | others))
        return found

    def programs_of(self, device_id):
        """The catalog's programs for a device type (a user's own plans are listed with their routines)."""
        return [p for p in self.programs.values() if p.device_id == device_id and p.owner is None]

    def catalog_devices(self):
        return [d for d in self.devices.values() if d.owner is None]

    def routines_of(self, device_id):
        """The catalog's routines for a device type."""
        return [r for r in self.routines.values() if r.device_id == device_id and r.owner is None]

    def own_routines(self):
        return [r for r in self.routines.values() if r.owner is not None]

    def plans_of(self, routine_id):
        """A user's own plans for a routine."""
        return [p for p in self.programs.values() if p.routine_id == routine_id and p.owner is not None]

    def source_keys(self, program):
        """The cited sources behind a program page, each once: the plan's, its routine's and its device's
        (a user's own plan and routine cite nothing themselves, so only their device's sources remain)."""
        device, routine = self.device_of(program), self.routine_of(program)
        keys = [
            *program.sources,
            *(key for phase in program.phases for key in phase.sources),
            *routine.sources,
            *(key for note in self.notes_of(routine) for key in note.sources),
            *self.device_source_keys(device),
        ]
        return [key for key in dict.fromkeys(keys) if key in self.sources]

    def device_source_keys(self, device):
        """Every source a device's facts cite: the device, spacing, safety notes, gates, options, questions."""
        facts = [
            *device.safety,
            device.tool_note,
            *device.gates,
            *(choice for option in device.options for choice in option.choices),
            *device.questions,
        ]
        keys = [
            device.source,
            device.gap_source,
            device.excludes_source,
            *(key for fact in facts for key in getattr(fact, "sources", ())),
        ]
        return [key for key in dict.fromkeys(keys) if key in self.sources]

    def sources_of(self, fact):
        """The Source entries a fact (question, note, gate, phase, choice, program, routine) cites."""
        return [self.sources[key] for key in getattr(fact, "sources", ()) if key in self.sources]

    def notes_of(self, routine):
        """A routine's notes. A user's own routine has those of the catalog routine it was copied from,
        or else the notes every catalog routine of its device shares (such as where never to use it)."""
        if routine.owner is None:
            return routine.notes
        if routine.based_on in self.routines:
            return self.routines[routine.based_on].notes
        others = self.routines_of(routine.device_id)
        if not others:
            return ()
        return tuple(note for note in others[0].notes if all(note in other.notes for other in others[1:]))

    def with_own(self, devices, routines, programs):
        """This catalog with one user's own devices, routines and plans added."""
        if not (devices or routines or programs):
            return self
        return Catalog(
            {**self.devices, **devices},
            {**self.routines, **routines},
            {**self.programs, **programs},
            self.sources,
            self.mirror,
        )

    def device_of(self, program: Program) -> Device:
        return self.devices[program.device_id]

    def routine_of(self, program: Program) -> Routine:
        return self.routines[program.routine_id]
