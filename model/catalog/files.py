"""Reading data/catalog/*.toml: every field checked, every error naming file, entry and field."""

import tomllib
from pathlib import Path

from model.catalog.entries import check_shown_areas, read_device, read_program, read_routine
from model.catalog.index import Catalog
from model.catalog.mirror import MirrorMap, read_mirror
from model.catalog.reader import Reader
from model.catalog.types import (
    INFERENCE,
    SOURCE_KINDS,
    CatalogError,
    Source,
)

MIRROR = "mirror.toml"  # Mirror mode's map of the face (optional: without it the mirror outlines and counts nothing)


def _read(path):
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{path.name}: not UTF-8 text (byte {error.start}): save it as UTF-8") from error
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path.name}: not valid TOML: {error}") from error


def _source(key, table):
    r = Reader(f"sources.toml: {key}", table)
    cite = r.text("cite")
    if "kind" not in table:
        r.fail("kind", f"is required: one of {', '.join(SOURCE_KINDS)}")
    kind = r.text("kind")
    if kind not in SOURCE_KINDS:
        r.fail("kind", f"unknown kind {kind!r} (known: {', '.join(SOURCE_KINDS)})")
    if kind == "inference" and key != INFERENCE:
        r.fail("kind", f"'inference' is FaceReps' own reasoning: only {INFERENCE!r} has it")
    if key == INFERENCE and kind != "inference":
        r.fail("kind", f"{INFERENCE!r} is FaceReps' own reasoning: its kind is 'inference'")
    return Source(key, cite, kind)


def _sources(folder):
    data = _read(folder / "sources.toml")
    table = data.get("sources", {})
    if not isinstance(table, dict) or not table:
        raise CatalogError("sources.toml: sources: needs at least one [sources.<key>] table")
    return {key: _source(key, value) for key, value in table.items()}


def load(folder) -> Catalog:
    """Load and validate every catalog file in `folder`."""
    folder = Path(folder)
    sources = _sources(folder)
    devices, routines, programs, order = {}, {}, {}, {}
    files = sorted(p for p in folder.glob("*.toml") if p.name not in ("sources.toml", MIRROR))
    if not files:
        raise CatalogError(f"{folder.name}: no device files")
    for path in files:
        data = _read(path)
        device = read_device(path, data, sources)
        if device.id in devices:
            raise CatalogError(f"{path.name}: device.id: duplicate device {device.id!r}")
        devices[device.id] = device
        order[device.id] = Reader(path.name, data["device"]).number("order", default=100)
        file_reader = Reader(f"{path.name}:", data)
        for i, table in enumerate(file_reader.tables("routines", required=True)):
            routine = read_routine(file_reader.entry("routines", i, table), device.id, sources)
            if routine.id in routines:
                raise CatalogError(f"{path.name}: routines[{routine.id}]: duplicate id {routine.id!r}")
            routines[routine.id] = routine
        for i, table in enumerate(file_reader.tables("programs", required=True)):
            program = read_program(file_reader.entry("programs", i, table), device, routines, sources)
            if program.id in programs:
                raise CatalogError(f"{path.name}: programs[{program.id}]: duplicate id {program.id!r}")
            programs[program.id] = program
        check_shown_areas(path, device, routines)
    for device in devices.values():
        for other in device.excludes_same_day:
            if other not in devices:
                raise CatalogError(f"{device.id}: device.excludes_same_day names unknown device {other!r}")
    devices = {key: devices[key] for key in sorted(devices, key=lambda key: (order[key], key))}
    mirror = folder / MIRROR
    mirror_map = read_mirror(_read(mirror), devices, routines) if mirror.exists() else MirrorMap()
    return Catalog(devices, routines, programs, sources, mirror_map)


def cited_keys(loaded: Catalog) -> set:
    """Every source key some fact of the catalog cites."""
    keys = set()
    for device in loaded.devices.values():
        keys.update(loaded.device_source_keys(device))
    for fact in [
        *loaded.routines.values(),
        *(n for r in loaded.routines.values() for n in r.notes),
        *loaded.programs.values(),
        *(p for program in loaded.programs.values() for p in program.phases),
    ]:
        keys.update(fact.sources)
    return keys


def check_folder(folder) -> Catalog:
    """What `flask catalog check` runs: load's validation, and no source that no fact cites."""
    loaded = load(folder)
    unused = [key for key in loaded.sources if key not in cited_keys(loaded)]
    if unused:
        raise CatalogError(f"sources.toml: {unused[0]}: no fact cites this source (remove it or cite it)")
    return loaded
