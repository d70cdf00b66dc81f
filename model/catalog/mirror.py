"""Mirror mode's map (data/catalog/mirror.toml): each area's outline and each glide's stroke as points of MediaPipe's
face mesh, and the rules the mirror counts face workout reps and holds by; with what one session's page needs."""

from dataclasses import dataclass, field

from model.catalog.reader import Reader
from model.catalog.types import AREAS, CatalogError, Step

LANDMARKS = 468  # MediaPipe face mesh: landmarks 0 to 467
MAX_DOWN = 1.0  # a point at most one face height below its landmark (the neck)
SIDE_KEYS = ("left", "right", "both")
# What the mirror can measure (static/js/mirror-rules.js has a function of the same name for each).
METRICS = ("brow_raise", "mouth_width", "cheek_lift", "mouth_open", "lip_height", "jaw_shift", "eye_opening")
DIRECTIONS = ("up", "down")
COUNTS = ("reps", "hold")
MAX_MOVE = 1.0  # in widths between the outer eye corners

Point = int | tuple[int, float]  # a landmark, or [landmark, face heights below it]
Shape = tuple[Point, ...]


@dataclass(frozen=True)
class MirrorRule:
    """How the mirror counts an exercise: which measure moves, which way, how far, and reps or holds."""

    steps: tuple[str, ...]
    metric: str
    direction: str
    move: float
    count: str

    def as_json(self) -> dict:
        return {"metric": self.metric, "direction": self.direction, "move": self.move, "count": self.count}


@dataclass(frozen=True)
class MirrorMap:
    """Outlines per area and side, strokes per device type, area and side, and the rules by step id."""

    areas: dict = field(default_factory=dict)  # area -> {"left"/"right"/"both": Shape}; {} when off the face
    strokes: dict = field(default_factory=dict)  # device -> area -> {"left"/"right"/"both": Shape}
    rules: dict = field(default_factory=dict)  # step id -> MirrorRule

    def outlines(self, step: Step) -> tuple[Shape, ...]:
        """The outlines lit for a step: its side's, or every one of the area for both sides or none."""
        shapes = self.areas.get(step.area, {})
        if step.side in ("left", "right") and step.side in shapes:
            return (shapes[step.side],)
        return tuple(shapes.values())

    def strokes_of(self, device_id: str, step: Step) -> tuple[Shape, ...]:
        """A glide step's strokes, chosen by side as the diagram's are (model/guided.py strokes())."""
        paths = self.strokes.get(device_id, {}).get(step.area)
        if not step.cue_seconds or not paths:
            return ()
        if step.side in ("left", "right"):
            return (paths[step.side],)
        return (paths["both"],) if "both" in paths else (paths["left"], paths["right"])

    def plan(self, device_id: str, steps, counted: bool = True) -> dict:
        """What a session's page needs: each shape once ("shapes"), and by step id the outlines and strokes (as
        places in "shapes") and the counting rule (None: counted by time). The rules are the catalog's steps'
        (`counted`): a user's own step keeps the id of the step it was copied from, not its movement."""
        shapes: dict = {}  # shape -> its place in the list

        def places(found) -> list:
            return [shapes.setdefault(shape, len(shapes)) for shape in found]

        by_step = {
            step.id: {
                "areas": places(self.outlines(step)),
                "strokes": places(self.strokes_of(device_id, step)),
                "rule": self.rules[step.id].as_json() if counted and step.id in self.rules else None,
            }
            for step in steps
        }
        return {"shapes": [_json(shape) for shape in shapes], "steps": by_step}


def _json(shape: Shape) -> list:
    return [list(point) if isinstance(point, tuple) else point for point in shape]


def _landmark(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < LANDMARKS


def _point(r: Reader, name: str, value) -> Point:
    if _landmark(value):
        return value
    down = value[1] if isinstance(value, list) and len(value) == 2 and _landmark(value[0]) else None
    if not isinstance(down, int | float) or isinstance(down, bool) or not 0 <= down <= MAX_DOWN:
        r.fail(name, f"{value!r} is not a landmark 0 to {LANDMARKS - 1} or [landmark, face heights down 0 to 1]")
    return (value[0], float(down))


def _shape(r: Reader, name: str, least: int) -> Shape:
    value = r.table.get(name)
    if not isinstance(value, list) or len(value) < least:
        r.fail(name, f"needs a list of at least {least} points")
    return tuple(_point(r, name, item) for item in value)


def _sides(r: Reader, least: int, both_alone: bool) -> dict:
    """The shapes of a table by side: left and right together, and/or both."""
    unknown = sorted(set(r.table) - {*SIDE_KEYS, "off_face"})
    if unknown:
        r.fail(unknown[0], f"unknown key (known: {', '.join(SIDE_KEYS)})")
    sides = {side: _shape(r, side, least) for side in SIDE_KEYS if side in r.table}
    if ("left" in sides) != ("right" in sides):
        r.fail("left" if "left" not in sides else "right", "give both sides, left and right")
    if not sides or ("both" in sides and not both_alone and "left" not in sides):
        r.fail("left", "give left and right" + (", or both" if both_alone else ""))
    return sides


def _area(r: Reader) -> dict:
    if r.flag("off_face"):
        if set(r.table) != {"off_face"}:
            r.fail("off_face", "an area off the face has no points")
        return {}
    return _sides(r, least=3, both_alone=True)


def _rule(r: Reader) -> MirrorRule:
    steps = r.texts("steps")
    if not steps:
        r.fail("steps", "names at least one step id")
    metric, direction, count = r.text("metric"), r.text("direction"), r.text("count")
    choices = (("metric", metric, METRICS), ("direction", direction, DIRECTIONS), ("count", count, COUNTS))
    for name, value, known in choices:
        if value not in known:
            r.fail(name, f"unknown {name} {value!r} (known: {', '.join(known)})")
    move = r.table.get("move")
    if isinstance(move, bool) or not isinstance(move, int | float) or not 0 < move <= MAX_MOVE:
        r.fail("move", f"must be a number above 0 and at most {MAX_MOVE:g}, not {move!r}")
    return MirrorRule(steps, metric, direction, float(move), count)


def read_mirror(data: dict, devices, routines, where: str = "mirror.toml") -> MirrorMap:
    """mirror.toml's tables checked: every area has an entry, every stroke names a known device and area, and
    every rule names steps of the catalog's routines, each once."""
    file = Reader(f"{where}:", data)
    unknown = sorted(set(data) - {"areas", "strokes", "rules"})
    if unknown:
        file.fail(unknown[0], "unknown table (known: areas, strokes, rules)")
    table = data.get("areas")
    if not isinstance(table, dict):
        file.fail("areas", "is required: an [areas.<area>] table for every area")
    for area in table:
        if area not in AREAS:
            file.fail("areas", f"unknown area {area!r} (known: {', '.join(AREAS)})")
    missing = [area for area in AREAS if area not in table]
    if missing:
        file.fail("areas", f"no entry for area {missing[0]!r} (give its outline, or off_face = true)")
    areas = {area: _area(Reader(f"{where}: areas.{area}", table[area])) for area in AREAS}
    strokes: dict = {}
    for device_id, by_area in (data.get("strokes") or {}).items():
        if device_id not in devices:
            file.fail("strokes", f"names an unknown device {device_id!r}")
        d = Reader(f"{where}: strokes.{device_id}", by_area)
        strokes[device_id] = {}
        for area, sides in by_area.items():
            if area not in AREAS or not areas[area]:
                d.fail(area, f"{area!r} is not an area on the face")
            strokes[device_id][area] = _sides(Reader(f"{where}: strokes.{device_id}.{area}", sides), 2, False)
    steps = {step.id for routine in routines.values() for step in routine.steps}
    rules: dict = {}
    for i, entry in enumerate(file.tables("rules")):
        rule = _rule(Reader(f"{where}: rules[{i}]", entry))
        for step_id in rule.steps:
            if step_id not in steps:
                raise CatalogError(f"{where}: rules[{i}].steps: no routine has a step {step_id!r}")
            if step_id in rules:
                raise CatalogError(f"{where}: rules[{i}].steps: step {step_id!r} already has a rule")
            rules[step_id] = rule
    return MirrorMap(areas, strokes, rules)
