"""The shipped catalog validates, and each kind of broken file names file, entry and field."""
import shutil
from pathlib import Path

import pytest

from model import catalog

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalog"

DEVICE = '''
[device]
id = "toy"
name = "Toy device"
summary = "A device for tests."
min_gap_hours = 20
questions_version = 1
source = "s1"

[[device.questions]]
id = "q1"
text = "Is it a question?"
outcome = "block"
explain = "Because."
source = "s1"

[[routines]]
id = "toy-routine"
name = "Toy routine"
summary = "Two steps."
source = "s1"

[[routines.steps]]
id = "one"
title = "First"
area = "cheeks"
side = "left"
seconds = 30
cue_seconds = 5
instruction = "Do the first thing."

[[routines.steps]]
id = "two"
title = "Second"
area = "neck"
side = "right"
seconds = 30
instruction = "Do the second thing."

[[programs]]
id = "toy-program"
name = "Toy program"
summary = "Twice a week."
routine = "toy-routine"
source = "s1"

[[programs.phases]]
name = "Intro"
cadence = { per_week = 2 }
weeks = 4
source = "s1"

[[programs.phases]]
name = "Later"
cadence = { per_month = 1 }
source = "s1"
'''


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sources.toml").write_text('[sources.s1]\ncite = "A source"\n')
    (tmp_path / "toy.toml").write_text(DEVICE)
    return tmp_path


def broken(folder, old, new):
    path = folder / "toy.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(catalog.CatalogError) as error:
        catalog.load(folder)
    return str(error.value)


def test_shipped_catalog_validates_and_covers_every_device_type():
    loaded = catalog.load(SHIPPED)
    assert set(loaded.devices) == {"microcurrent", "microneedling", "led_mask", "face_workout", "gua_sha", "roller"}
    for required in ["microcurrent-standard", "microcurrent-brow-jaw", "microneedling-roller-025",
                     "microneedling-stamp-05", "led-red-nir", "led-blue", "face-workout-5min",
                     "face-workout-study", "gua-sha-5min", "roller-2min"]:
        assert required in loaded.routines


def test_shipped_routines_last_what_the_brief_says():
    loaded = catalog.load(SHIPPED)
    minutes = {rid: routine.seconds / 60 for rid, routine in loaded.routines.items()}
    assert 4.5 <= minutes["microcurrent-standard"] <= 6.5
    assert 4 <= minutes["face-workout-5min"] <= 6
    assert 4 <= minutes["gua-sha-5min"] <= 6
    assert 1.5 <= minutes["roller-2min"] <= 2.5
    steps = [step.title for step in loaded.routines["face-workout-5min"].steps]
    assert "Cheek Lifter" in steps and "Happy Cheeks Sculpting" in steps
    glide = loaded.routines["microcurrent-standard"].steps[2]
    assert (glide.area, glide.cue_seconds) == ("neck", 5)


def test_shipped_programs_encode_the_known_plans():
    loaded = catalog.load(SHIPPED)
    nuface = loaded.programs["microcurrent-60-days"].phases
    assert (nuface[0].cadence.kind, nuface[0].cadence.count, nuface[0].weeks) == ("per_week", 5, 8)
    clinic = loaded.programs["microcurrent-clinic-series"].phases
    assert (clinic[0].cadence.kind, clinic[0].sessions, clinic[1].cadence.kind) == \
        ("sessions_over_weeks", 10, "per_month")
    study = loaded.programs["face-workout-study"].phases
    assert (study[0].cadence.count, study[0].weeks, study[1].cadence.days) == (7, 8, 2)
    assert loaded.programs["led-red-intensive"].phases[0].uncertain


def test_shipped_rules_spacing_exclusions_gates_and_tool_limits():
    loaded = catalog.load(SHIPPED)
    needling = loaded.devices["microneedling"]
    gaps = {choice.value: choice.min_gap_days for choice in needling.option("needle_length").choices}
    assert gaps == {"0.25": 2, "0.5": 7}
    assert {"microcurrent", "gua_sha"} <= set(needling.excludes_same_day)
    assert [gate.id for gate in needling.gates] == ["patch_test"]
    assert needling.tool_uses == 10
    assert [gate.id for gate in loaded.devices["led_mask"].gates] == ["sensitivity_test"]
    assert needling in loaded.same_day_conflicts("microcurrent") or \
        "microneedling" in [d.id for d in loaded.same_day_conflicts("microcurrent")]


def test_every_outcome_kind_is_used_by_the_shipped_questions():
    loaded = catalog.load(SHIPPED)
    outcomes = {q.outcome for device in loaded.devices.values() for q in device.questions}
    assert outcomes == {"block", "clinician", "skip_area", "wait"}


def test_toy_catalog_loads(folder):
    loaded = catalog.load(folder)
    assert loaded.routines["toy-routine"].seconds == 60


@pytest.mark.parametrize("old, new, message", [
    ('area = "cheeks"', 'area = "elbow"', "toy.toml: routines[toy-routine].steps[one].area: unknown area 'elbow'"),
    ("seconds = 30\ncue", "seconds = -5\ncue", "routines[toy-routine].steps[one].seconds: must be between 1 and 3600"),
    ('id = "two"', 'id = "one"', "routines[toy-routine].steps: duplicate id 'one'"),
    ('routine = "toy-routine"', 'routine = "nope"', "programs[toy-program].routine: names a missing routine 'nope'"),
    ("cadence = { per_week = 2 }", 'other = 1', "programs[toy-program].phases[0].cadence: is required"),
    ("cadence = { per_week = 2 }", "cadence = { per_week = 9 }", "phases[0].cadence.per_week: must be between 1 and 7"),
    ('outcome = "block"', 'outcome = "maybe"', "device.questions[q1].outcome: unknown outcome 'maybe'"),
    ('source = "s1"\n\n[[device.questions]]', 'source = "s9"\n\n[[device.questions]]', "device.source: names an unknown source 's9'"),
    ("weeks = 4\n", "", "phases[0].weeks: only the last phase may be ongoing"),
    ('side = "left"', 'side = "up"', "steps[one].side: unknown side 'up'"),
    ('title = "First"', 'title = ""', "steps[one].title: must be non-empty text"),
    ('seconds = 30\ncue_seconds = 5', 'seconds = "thirty"\ncue_seconds = 5', "steps[one].seconds: must be a whole number"),
    ("[device]", "[devise]", "toy.toml: device.id: is required"),
    ('name = "Toy device"', 'name = "Toy device', "toy.toml: not valid TOML"),
    ('id = "toy-routine"\n', 'id = "my-routine"\n', "routines[my-routine].id: must not start with 'my-'"),
    ('id = "two"', 'id = "Two words"', "steps[Two words].id: use lower-case letters, digits, '-' and '_' only"),
])
def test_broken_files_name_file_entry_and_field(folder, old, new, message):
    assert message in broken(folder, old, new)


def test_duplicate_program_ids_across_files_are_refused(folder):
    (folder / "toy2.toml").write_text(DEVICE.replace('id = "toy"', 'id = "toy2"')
                                      .replace('id = "toy-routine"', 'id = "toy-routine-2"')
                                      .replace('routine = "toy-routine"', 'routine = "toy-routine-2"'))
    with pytest.raises(catalog.CatalogError, match=r"toy2.toml: programs\[toy-program\]: duplicate id"):
        catalog.load(folder)


def test_catalog_check_command(folder, app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["catalog", "check"])
    assert ok.exit_code == 0 and "Catalog OK: 6 device types" in ok.output
    shutil.copy(folder / "toy.toml", folder / "broken.toml")
    (folder / "broken.toml").write_text((folder / "toy.toml").read_text().replace('area = "neck"', 'area = "knee"'))
    bad = runner.invoke(args=["catalog", "check", str(folder)])
    assert bad.exit_code != 0 and "area: unknown area 'knee'" in bad.output


def test_a_broken_catalog_stops_the_app(folder, make_app):
    (folder / "toy.toml").write_text(DEVICE.replace("seconds = 30\ncue", "seconds = 0\ncue"))
    with pytest.raises(catalog.CatalogError, match="seconds"):
        make_app(CATALOG_DIR=str(folder))
