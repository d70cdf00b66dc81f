"""The catalog's vocabulary: device types, routines, programs and screening as frozen dataclasses, and
the bounds the catalog files and the forms share."""

from dataclasses import dataclass, field

AREAS = {
    "face": "Whole face",
    "neck": "Neck",
    "jaw": "Jawline",
    "cheeks": "Cheeks",
    "chin": "Chin",
    "mouth": "Around the mouth",
    "under_eye": "Under the eyes",
    "eyes": "Eyes",
    "brow": "Brow",
    "forehead": "Forehead",
    "forearm": "Forearm",
    "tool": "Your tool",
}
SIDES = {"left": "Left", "right": "Right", "both": "Both sides", "none": ""}
OUTCOMES = ("block", "clinician", "skip_area", "wait")
CADENCE_KINDS = ("per_week", "every_days", "sessions_over_weeks", "per_month")
MAX_STEP_SECONDS = 3600
MAX_REPS = 100
# Bounds shared by the catalog files and the plan form: (lowest, highest).
CADENCE_LIMITS = {"per_week": (1, 7), "every_days": (1, 60), "per_month": (1, 4), "over_weeks": (1, 52)}
PHASE_LIMITS = {"weeks": (1, 104), "sessions": (1, 400)}
# What a device's timed steps count, one word and its plural: "Glide 2 of 3", "12 reps".
COUNT_WORDS = {"glide": "glides", "pass": "passes", "rep": "reps", "hold": "holds", "minute": "minutes"}
OWN_PREFIX = "my-"  # ids of a user's own routines, devices and plans; catalog ids never start so
# What kind of source a fact cites, and how the app names that kind next to it.
SOURCE_KINDS = {
    "manual": "Device maker's manual or label",
    "regulator": "Regulator or drug label",
    "study": "Published study",
    "professional": "Professional body",
    "brand": "Brand or retailer page",
    "spa": "Spa, clinic or esthetician guidance",
    "press": "Magazine or press report",
    "inference": "FaceReps' own caution",
}
INFERENCE = "facereps_inference"  # the one source of kind "inference": FaceReps' own reasoning


class CatalogError(ValueError):
    """A catalog file is broken; the message says where and why."""


@dataclass(frozen=True)
class Source:
    """Who says a fact: `{{ source }}` prints the citation."""

    id: str
    cite: str
    kind: str  # one of SOURCE_KINDS

    @property
    def own(self) -> bool:
        """FaceReps' own reasoning rather than anyone else's word."""
        return self.kind == "inference"

    @property
    def kind_label(self) -> str:
        return SOURCE_KINDS.get(self.kind, "")

    def __str__(self) -> str:
        return self.cite


class _Cited:
    """A fact naming one source (`source`) and possibly more (`more_sources`)."""

    source: str  # the dataclasses that inherit this declare both fields
    more_sources: tuple[str, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source key the fact cites, the main one first ('' for a user's own entries)."""
        return tuple(key for key in (self.source, *self.more_sources) if key)


@dataclass(frozen=True)
class Note(_Cited):
    """A safety note or routine note with its source: `{{ note }}` prints the text."""

    text: str
    source: str
    more_sources: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Step:
    """One step of a routine: where on the face, for how long, how many reps, and what to do."""

    id: str
    title: str
    area: str
    side: str
    seconds: int
    reps: int
    cue_seconds: int
    instruction: str

    @property
    def place(self) -> str:
        """'Left cheeks', 'Neck', 'Your tool': where the step happens, in words."""
        if self.side not in ("left", "right"):
            return AREAS[self.area]
        if self.area == "face":
            return f"{SIDES[self.side]} half of the face"
        area = AREAS[self.area].lower().removesuffix("s") if self.area == "cheeks" else AREAS[self.area].lower()
        return f"{SIDES[self.side]} {area}"


@dataclass(frozen=True)
class Routine(_Cited):
    """A device's routine: its steps in order, from the catalog or a user's own."""

    id: str
    device_id: str
    name: str
    summary: str
    source: str
    steps: tuple[Step, ...]
    owner: int | None = None  # a user's own routine (None: the catalog's)
    based_on: str | None = None  # the catalog routine it was copied from
    version: int = 0  # an own routine's current version (sessions record theirs)
    notes: tuple[Note, ...] = ()  # safety notes for a session of this routine, each with its source
    more_sources: tuple[str, ...] = ()

    @property
    def seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    def steps_for(self, skip_areas=(), neck=True) -> tuple[Step, ...]:
        """The steps a user does: without screened-out areas, and without the neck unless allowed."""
        dropped = set(skip_areas) | (set() if neck else {"neck"})
        return tuple(step for step in self.steps if step.area not in dropped)


@dataclass(frozen=True)
class Cadence:
    """How often a phase's sessions come: a week's or a month's count, every so many days, or so many over weeks."""

    kind: str
    count: int = 0
    days: int = 0
    weeks: int = 0

    @property
    def label(self) -> str:
        if self.kind == "per_week":
            return "every day" if self.count == 7 else f"{self.count} times a week"
        if self.kind == "every_days":
            return "every other day" if self.days == 2 else f"every {self.days} days"
        if self.kind == "sessions_over_weeks":
            return f"{self.count} sessions over {self.weeks} weeks"
        return "once a month" if self.count == 1 else f"{self.count} times a month"


@dataclass(frozen=True)
class Phase(_Cited):
    """One stretch of a program: its cadence and how long it lasts (weeks, sessions, or ongoing)."""

    name: str
    cadence: Cadence
    weeks: int | None
    sessions: int | None
    note: str
    uncertain: bool
    source: str
    rollover: bool = False
    more_sources: tuple[str, ...] = ()

    @property
    def length_label(self) -> str:
        if self.weeks:
            return f"for {self.weeks} weeks"
        if self.sessions:
            return f"for {self.sessions} sessions"
        return "ongoing"

    @property
    def plan_line(self) -> str:
        """'5 times a week, for 8 weeks'; an ongoing phase says so once, even one named "Ongoing"."""
        if not (self.weeks or self.sessions) and "ongoing" in self.name.lower():
            return self.cadence.label
        if self.name.lower() == self.cadence.label.lower():  # "Every other day: every other day, ongoing"
            return self.length_label
        return f"{self.cadence.label}, {self.length_label}"


@dataclass(frozen=True)
class Program(_Cited):
    """A plan for a device: its routine, its phases, and the option choices it allows."""

    id: str
    device_id: str
    name: str
    summary: str
    routine_id: str
    source: str
    phases: tuple[Phase, ...]
    allowed: dict = field(default_factory=dict)
    owner: int | None = None  # a user's own plan (None: the catalog's)
    more_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice(_Cited):
    """One value a choice option offers, with the days it asks between sessions."""

    value: str
    label: str
    min_gap_days: int
    source: str = ""
    more_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """A setting a user picks for a device: a flag, or one of several choices."""

    id: str
    label: str
    kind: str  # "choice" or "flag"
    hint: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Question(_Cited):
    """A screening question about a device, and what a yes means (block, see a clinician, skip areas, wait)."""

    id: str
    text: str
    outcome: str
    explain: str  # the reason, in plain words, shown with the outcome
    source: str
    areas: tuple[str, ...] = ()
    wait_days: int = 0
    more_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gate(_Cited):
    """A one-time test before a device's first session (such as a patch test), and the days to wait after it."""

    id: str
    title: str
    instruction: str
    wait_days: int
    source: str
    more_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Device:
    """A device type: its spacing, tool-use limit, screening questions, options, gates and safety notes."""

    id: str
    name: str
    summary: str
    min_gap_hours: int
    gap_uncertain: bool
    excludes_same_day: tuple[str, ...]
    tool_uses: int
    tool_note: Note | str  # a Note in the catalog ('' or text for a user's own device)
    questions_version: int
    questions: tuple[Question, ...]
    options: tuple[Option, ...]
    gates: tuple[Gate, ...]
    safety: tuple[Note | str, ...]  # Notes in the catalog; plain text for a user's own device
    source: str
    owner: int | None = None  # a device the catalog does not know, named by a user
    gap_source: str = ""  # who says min_gap_hours
    excludes_source: str = ""  # who says excludes_same_day
    counts: str = "rep"  # what its timed steps count (a key of COUNT_WORDS): glides, passes, reps

    def option(self, option_id):
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def gap_label(self) -> str | None:
        """The minimum spacing in words, or None when the device has none."""
        if not self.min_gap_hours:
            return None
        if self.min_gap_hours <= 24:
            return "At most one session a day"
        return f"At least {self.min_gap_hours // 24} days between sessions"


def own_device_id(routine_id: str) -> str:
    """The id of the device a user's own routine for an unknown device names ('my-device-...')."""
    return f"{OWN_PREFIX}device-{routine_id.removeprefix(OWN_PREFIX)}"
