"""A newcomer's first question: which device they have, and the program FaceReps suggests starting with."""

from dataclasses import dataclass

from model.catalog import Catalog
from model.catalog.types import Device, Program
from model.refusals import NotFound

# The program suggested first for each device type: the gentlest plan the catalog has for it (the brand's
# own advice for microcurrent, the shorter 0.25 mm needle, red light, the short daily face workout). A
# device type missing here gets its first catalog program.
RECOMMENDED = {
    "microcurrent": "microcurrent-60-days",
    "microneedling": "microneedling-roller-twice-weekly",
    "led_mask": "led-red-intensive",
    "gua_sha": "gua-sha-weekly",
    "roller": "roller-most-days",
    "face_workout": "face-workout-daily",
}
NO_DEVICE = "face_workout"  # the answer "None: face workout"


@dataclass(frozen=True)
class Choice:
    """One answer to "Which device do you have?": a device type and the program suggested for it."""

    device: Device
    program: Program

    @property
    def no_device(self) -> bool:
        return self.device.id == NO_DEVICE


def choices(catalog: Catalog) -> list[Choice]:
    """Every catalog device type that has a program, with its suggested program; "no device" comes last."""
    found = [
        Choice(device, program) for device in catalog.catalog_devices() if (program := _suggested(catalog, device))
    ]
    return sorted(found, key=lambda choice: choice.no_device)


def choice_for(catalog: Catalog, device_id: str) -> Choice:
    """The answer for one device type (NotFound: not a catalog device type, or one without programs)."""
    device = catalog.devices.get(device_id)
    program = _suggested(catalog, device) if device is not None and device.owner is None else None
    if device is None or program is None:
        raise NotFound("No such device type.")
    return Choice(device, program)


def _suggested(catalog: Catalog, device: Device) -> Program | None:
    program = catalog.programs.get(RECOMMENDED.get(device.id, ""))
    if program is not None and program.device_id == device.id and program.owner is None:
        return program
    return next(iter(catalog.programs_of(device.id)), None)
