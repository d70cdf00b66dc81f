"""The shipped catalog validates, and each kind of broken file names file, entry and field."""

import shutil
from pathlib import Path

import pytest

from model import catalog

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalog"

DEVICE = """
[device]
id = "toy"
name = "Toy device"
summary = "A device for tests."
min_gap_hours = 20
gap_source = "s1"
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
"""


SOURCES = '[sources.s1]\ncite = "A source"\nkind = "study"\n'


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sources.toml").write_text(SOURCES)
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
    for required in [
        "microcurrent-standard",
        "microcurrent-brow-jaw",
        "microneedling-roller-025",
        "microneedling-stamp-05",
        "led-red-nir",
        "led-blue",
        "face-workout-5min",
        "face-workout-study",
        "gua-sha-5min",
        "roller-2min",
    ]:
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
    for routine_id in ["gua-sha-5min", "roller-2min", "microneedling-roller-025", "microneedling-stamp-05"]:
        assert (
            loaded.routines[routine_id].steps[-1].area == "tool" or loaded.routines[routine_id].steps[-2].area == "tool"
        )
    glide = loaded.routines["microcurrent-standard"].steps[2]
    assert (glide.area, glide.cue_seconds) == ("neck", 5)


def test_shipped_programs_encode_the_known_plans():
    loaded = catalog.load(SHIPPED)
    nuface = loaded.programs["microcurrent-60-days"].phases
    assert (nuface[0].cadence.kind, nuface[0].cadence.count, nuface[0].weeks) == ("per_week", 5, 8)
    clinic = loaded.programs["microcurrent-clinic-series"].phases
    assert (clinic[0].cadence.kind, clinic[0].sessions, clinic[1].cadence.kind) == (
        "sessions_over_weeks",
        10,
        "per_month",
    )
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
    assert needling in loaded.same_day_conflicts("microcurrent") or "microneedling" in [
        d.id for d in loaded.same_day_conflicts("microcurrent")
    ]


def test_every_outcome_kind_is_used_by_the_shipped_questions():
    loaded = catalog.load(SHIPPED)
    outcomes = {q.outcome for device in loaded.devices.values() for q in device.questions}
    assert outcomes == {"block", "clinician", "skip_area", "wait"}


def test_toy_catalog_loads(folder):
    loaded = catalog.load(folder)
    assert loaded.routines["toy-routine"].seconds == 60


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('area = "cheeks"', 'area = "elbow"', "toy.toml: routines[toy-routine].steps[one].area: unknown area 'elbow'"),
        (
            "seconds = 30\ncue",
            "seconds = -5\ncue",
            "routines[toy-routine].steps[one].seconds: must be between 1 and 3600",
        ),
        ('id = "two"', 'id = "one"', "routines[toy-routine].steps: duplicate id 'one'"),
        (
            'routine = "toy-routine"',
            'routine = "nope"',
            "programs[toy-program].routine: names a missing routine 'nope'",
        ),
        ("cadence = { per_week = 2 }", "other = 1", "programs[toy-program].phases[0].cadence: is required"),
        (
            "cadence = { per_week = 2 }",
            "cadence = { per_week = 9 }",
            "phases[0].cadence.per_week: must be between 1 and 7",
        ),
        ('outcome = "block"', 'outcome = "maybe"', "device.questions[q1].outcome: unknown outcome 'maybe'"),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s9"\n\n[[device.questions]]',
            "device.source: names an unknown source 's9'",
        ),
        ("weeks = 4\n", "", "phases[0].weeks: only the last phase may be ongoing"),
        ('side = "left"', 'side = "up"', "steps[one].side: unknown side 'up'"),
        ('title = "First"', 'title = ""', "steps[one].title: must be non-empty text"),
        (
            "seconds = 30\ncue_seconds = 5",
            'seconds = "thirty"\ncue_seconds = 5',
            "steps[one].seconds: must be a whole number",
        ),
        ("[device]", "[devise]", "toy.toml: device.id: is required"),
        ('name = "Toy device"', 'name = "Toy device', "toy.toml: not valid TOML"),
        ('id = "toy-routine"\n', 'id = "my-routine"\n', "routines[my-routine].id: must not start with 'my-'"),
        ('id = "two"', 'id = "Two words"', "steps[Two words].id: use lower-case letters, digits, '-' and '_' only"),
    ],
)
def test_broken_files_name_file_entry_and_field(folder, old, new, message):
    assert message in broken(folder, old, new)


def test_a_file_that_is_not_utf8_is_named(folder):
    """Issue 14 (low): a catalog file in another encoding fails naming the file."""
    (folder / "toy.toml").write_bytes(DEVICE.replace("Toy device", "Toy d\u00e9vice").encode("latin-1"))
    with pytest.raises(catalog.CatalogError, match=r"toy.toml: not UTF-8 text \(byte \d+\): save it as UTF-8"):
        catalog.load(folder)


def test_duplicate_program_ids_across_files_are_refused(folder):
    (folder / "toy2.toml").write_text(
        DEVICE.replace('id = "toy"', 'id = "toy2"')
        .replace('id = "toy-routine"', 'id = "toy-routine-2"')
        .replace('routine = "toy-routine"', 'routine = "toy-routine-2"')
    )
    with pytest.raises(catalog.CatalogError, match=r"toy2.toml: programs\[toy-program\]: duplicate id"):
        catalog.load(folder)


def test_catalog_check_command(folder, app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["catalog", "check"])
    assert ok.exit_code == 0 and "Catalog OK: 6 device types" in ok.output and "every fact cites one" in ok.output
    shutil.copy(folder / "toy.toml", folder / "broken.toml")
    (folder / "broken.toml").write_text((folder / "toy.toml").read_text().replace('area = "neck"', 'area = "knee"'))
    bad = runner.invoke(args=["catalog", "check", str(folder)])
    assert bad.exit_code != 0 and "area: unknown area 'knee'" in bad.output


def test_a_broken_catalog_stops_the_app(folder, make_app):
    (folder / "toy.toml").write_text(DEVICE.replace("seconds = 30\ncue", "seconds = 0\ncue"))
    with pytest.raises(catalog.CatalogError, match="seconds"):
        make_app(CATALOG_DIR=str(folder))


# --- Sources: every fact cites one, every source says what kind it is --------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a fact without a source, or with an unknown one
        (
            'explain = "Because."\nsource = "s1"',
            'explain = "Because."',
            "device.questions[q1].source: is required: name the source",
        ),
        (
            'summary = "Two steps."\nsource = "s1"',
            'summary = "Two steps."\nsource = "nope"',
            "routines[toy-routine].source: names an unknown source 'nope'",
        ),
        (
            'routine = "toy-routine"\nsource = "s1"',
            'routine = "toy-routine"\nsource = []',
            "programs[toy-program].source: is required",
        ),
        (
            'weeks = 4\nsource = "s1"',
            'weeks = 4\nsource = ["s1", "s9"]',
            "programs[toy-program].phases[0].source: names an unknown source 's9'",
        ),
        ('weeks = 4\nsource = "s1"', 'weeks = 4\nsource = ["s1", "s1"]', "phases[0].source: names a source twice"),
        ('gap_source = "s1"\n', "", "toy.toml: device.gap_source: is required"),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\nexcludes_same_day = ["toy"]\n\n[[device.questions]]',
            "toy.toml: device.excludes_source: is required",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\nsafety = [{ text = "Be careful." }]\n\n[[device.questions]]',
            "toy.toml: device.safety[0].source: is required",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\nsafety = ["Be careful."]\n\n[[device.questions]]',
            "toy.toml: device.safety[0]: must be a table",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\nsafety = [{ source = "s1" }]\n\n[[device.questions]]',
            "toy.toml: device.safety[0].text: is required text",
        ),
        (
            'summary = "Two steps."\nsource = "s1"',
            'summary = "Two steps."\nsource = "s1"\nnotes = [{ text = "Eyes shut.", source = "s9" }]',
            "routines[toy-routine].notes[0].source: names an unknown source 's9'",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\ntool_uses = 10\n\n[[device.questions]]',
            "toy.toml: device.tool_note: a device that counts tool uses says why",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\ntool_uses = 10\ntool_note = { text = "Replace it." }\n\n[[device.questions]]',
            "toy.toml: device.tool_note.source: is required",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\n\n[[device.options]]\nid = "len"\nlabel = "Length"\nkind = "choice"\n\n'
            '[[device.options.choices]]\nvalue = "1"\nlabel = "One"\nmin_gap_days = 2\n\n[[device.questions]]',
            "toy.toml: device.options[len].choices[0].source: is required",
        ),
        (
            'source = "s1"\n\n[[device.questions]]',
            'source = "s1"\n\n[[device.gates]]\nid = "patch"\ntitle = "Patch"\ninstruction = "Test first."\n\n[[device.questions]]',
            "toy.toml: device.gates[patch].source: is required",
        ),
    ],
)
def test_a_fact_without_a_known_source_is_refused(folder, old, new, message):
    assert message in broken(folder, old, new)


def test_a_fact_may_cite_several_sources_and_notes_print_as_text(folder):
    (folder / "sources.toml").write_text(SOURCES + '[sources.facereps_inference]\ncite = "Ours"\nkind = "inference"\n')
    path = folder / "toy.toml"
    path.write_text(
        path.read_text().replace(
            'summary = "Two steps."\nsource = "s1"',
            'summary = "Two steps."\nsource = ["s1", "facereps_inference"]\n'
            'notes = [{ text = "Eyes shut.", source = "facereps_inference" }]',
        )
    )
    loaded = catalog.load(folder)
    routine = loaded.routines["toy-routine"]
    assert routine.source == "s1" and routine.sources == ("s1", "facereps_inference")
    assert str(routine.notes[0]) == "Eyes shut." and routine.notes[0].sources == ("facereps_inference",)
    assert [source.kind for source in loaded.sources_of(routine)] == ["study", "inference"]
    assert loaded.sources["facereps_inference"].own and not loaded.sources["s1"].own
    assert str(loaded.sources["s1"]) == "A source"
    assert "facereps_inference" in loaded.source_keys(loaded.programs["toy-program"])


def broken_sources(folder, text):
    (folder / "sources.toml").write_text(text)
    with pytest.raises(catalog.CatalogError) as error:
        catalog.load(folder)
    return str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sources.s1]\ncite = "A source"\n', "sources.toml: s1.kind: is required: one of manual, regulator"),
        ('[sources.s1]\ncite = "A source"\nkind = "blog"\n', "sources.toml: s1.kind: unknown kind 'blog'"),
        (
            '[sources.s1]\ncite = "A source"\nkind = "inference"\n',
            "sources.toml: s1.kind: 'inference' is FaceReps' own reasoning",
        ),
        (
            '[sources.s1]\ncite = "A source"\nkind = "study"\n[sources.facereps_inference]\ncite = "Ours"\nkind = "study"\n',
            "sources.toml: facereps_inference.kind: 'facereps_inference' is FaceReps' own reasoning: its kind is 'inference'",
        ),
        ('[sources.s1]\nkind = "study"\n', "sources.toml: s1.cite: is required text"),
    ],
)
def test_a_source_without_a_known_kind_is_refused(folder, text, message):
    assert message in broken_sources(folder, text)


# --- Questions: every outcome explains itself and can take effect ------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('explain = "Because."\n', "", "device.questions[q1].explain: is required: a block question says why"),
        (
            'outcome = "block"\nexplain = "Because."\n',
            'outcome = "clinician"\n',
            "device.questions[q1].explain: is required: a clinician question says why",
        ),
        ('explain = "Because."', 'explain = " "', "device.questions[q1].explain: must be non-empty text"),
        (
            'explain = "Because."',
            'explain = "FaceReps\' own caution: because."',
            'device.questions[q1].explain: must not say "FaceReps\' own caution"',
        ),
        (
            'outcome = "block"',
            'outcome = "wait"',
            "device.questions[q1].wait_days: a wait question says how many days to wait",
        ),
        (
            'outcome = "block"',
            'outcome = "wait"\nwait_days = 0',
            "device.questions[q1].wait_days: a wait question says how many",
        ),
        (
            'outcome = "block"',
            'outcome = "block"\nwait_days = 3',
            "device.questions[q1].wait_days: only a wait question has wait_days",
        ),
        (
            'outcome = "block"',
            'outcome = "block"\nareas = ["neck"]',
            "device.questions[q1].areas: only a skip_area question names areas",
        ),
        (
            'outcome = "block"',
            'outcome = "skip_area"\nareas = ["forehead"]',
            "toy.toml: device.questions[q1].areas: no step of any toy routine is in area 'forehead'",
        ),
        (
            'outcome = "block"',
            'outcome = "skip_area"\nareas = ["neck", "jaw"]',
            "device.questions[q1].areas: no step of any toy routine is in area 'jaw'",
        ),
    ],
)
def test_a_question_that_could_not_explain_or_apply_its_outcome_is_refused(folder, old, new, message):
    assert message in broken(folder, old, new)


def test_a_skip_area_question_over_a_routine_step_loads(folder):
    path = folder / "toy.toml"
    path.write_text(path.read_text().replace('outcome = "block"', 'outcome = "skip_area"\nareas = ["neck"]'))
    assert catalog.load(folder).devices["toy"].questions[0].areas == ("neck",)


def test_catalog_check_refuses_a_source_no_fact_cites(folder, app):
    (folder / "sources.toml").write_text(SOURCES + '[sources.s2]\ncite = "Never cited"\nkind = "press"\n')
    catalog.load(folder)  # the app itself still starts
    bad = app.test_cli_runner().invoke(args=["catalog", "check", str(folder)])
    assert bad.exit_code != 0 and "sources.toml: s2: no fact cites this source" in bad.output


def test_catalog_check_names_file_entry_and_field_of_an_uncited_fact(folder, app):
    path = folder / "toy.toml"
    path.write_text(path.read_text().replace('explain = "Because."\nsource = "s1"', 'explain = "Because."'))
    bad = app.test_cli_runner().invoke(args=["catalog", "check", str(folder)])
    assert bad.exit_code != 0 and "toy.toml: device.questions[q1].source: is required" in bad.output


# --- The shipped catalog encodes the corrections ------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return catalog.load(SHIPPED)


def question(loaded, device_id, question_id):
    return next(q for q in loaded.devices[device_id].questions if q.id == question_id)


def kinds(loaded, fact):
    return {source.kind for source in loaded.sources_of(fact)}


def test_every_source_has_a_kind_and_only_facereps_inference_is_inference(shipped):
    assert all(source.kind in catalog.SOURCE_KINDS for source in shipped.sources.values())
    assert [key for key, source in shipped.sources.items() if source.own] == ["facereps_inference"]
    from model.catalog.files import check_folder, cited_keys

    check_folder(SHIPPED)
    assert set(shipped.sources) == cited_keys(shipped)


def test_every_shipped_fact_cites_known_sources(shipped):
    facts = []
    for device in shipped.devices.values():
        facts += [
            *device.questions,
            *device.gates,
            *device.safety,
            device.tool_note,
            *(c for option in device.options for c in option.choices),
        ]
        assert device.source in shipped.sources
        assert (device.gap_source in shipped.sources) == bool(device.min_gap_hours)
        assert (device.excludes_source in shipped.sources) == bool(device.excludes_same_day)
    for routine in shipped.routines.values():
        facts += [routine, *routine.notes]
    for program in shipped.programs.values():
        facts += [program, *program.phases]
    for fact in facts:
        if fact == "":
            continue
        assert fact.sources and all(key in shipped.sources for key in fact.sources), fact


def test_every_shipped_question_explains_itself_plainly(shipped):
    for device in shipped.devices.values():
        assert device.questions_version >= 2
        for q in device.questions:
            assert len(q.explain) > 30 and "own caution" not in q.explain.lower(), q.id


def test_shipped_microcurrent_outcomes(shipped):
    recent = question(shipped, "microcurrent", "recent_procedure")
    assert (recent.outcome, recent.wait_days) == ("clinician", 0) and "nuface_nubody_manual" in recent.sources
    neck = question(shipped, "microcurrent", "neck_conditions")
    assert (neck.outcome, neck.areas, neck.source) == ("skip_area", ("neck",), "nuface_mini_manual")
    for condition in ["carotid", "stroke", "TIA", "blood pressure", "fainting", "thyroid", "surgery on your neck"]:
        assert condition in neck.text
    implant = question(shipped, "microcurrent", "implant")
    for device in ["pacemaker", "defibrillator", "cochlear implant", "implanted heart monitor", "neurostimulator"]:
        assert device in implant.text
    metal = question(shipped, "microcurrent", "metal_implants")
    assert metal.outcome == "clinician" and all(
        word in metal.text for word in ["braces", "dental implants", "piercings"]
    )
    injectables = question(shipped, "microcurrent", "injectables")
    assert (injectables.outcome, injectables.wait_days) == ("wait", 14)
    for q in [injectables, metal, question(shipped, "microcurrent", "jaw_tension")]:
        assert not q.source.startswith("nuface") and kinds(shipped, q) <= {"spa", "inference"}, q.id
    for routine in shipped.routines_of("microcurrent"):
        texts = [str(note) for note in routine.notes]
        assert any("eye area" in text and "temples" in text for text in texts), routine.id
        assert any("lowest intensity" in text for text in texts), routine.id
        assert all(note.source == "nuface_mini_manual" for note in routine.notes)
    clinic = shipped.programs["microcurrent-clinic-series"]
    assert "Clinic-style" in clinic.name and "clinic-style" in clinic.summary.lower()
    assert "brand" not in clinic.summary.lower() and kinds(shipped, clinic) == {"spa"}
    assert "thyroid" not in " ".join(q.text for q in shipped.devices["led_mask"].questions).lower()


def test_shipped_led_outcomes(shipped):
    now = question(shipped, "led_mask", "isotretinoin")
    assert now.outcome == "block" and now.source == "omnilux_contour"
    stopped = question(shipped, "led_mask", "isotretinoin_stopped")
    assert (stopped.outcome, stopped.wait_days, stopped.source) == ("wait", 5, "light_salon")
    drugs = question(shipped, "led_mask", "photosensitising_drugs")
    assert drugs.outcome == "clinician" and "“do not use”" in drugs.explain and "prescriber" in drugs.explain
    assert question(shipped, "led_mask", "eye_sensitivity").outcome == "clinician"
    assert question(shipped, "led_mask", "eye_sensitivity").source == "neutrogena_recall_2019"
    pigment = question(shipped, "led_mask", "pigmentation")
    assert pigment.outcome == "clinician" and pigment.sources == ("li_2023", "randhawa_2015")
    assert question(shipped, "led_mask", "skin_cancer").outcome == "block"
    led = shipped.devices["led_mask"]
    words = " ".join([*(str(n) for n in led.safety), *(q.text + q.explain for q in led.questions)]).lower()
    assert "9-minute" not in words and "stop isotretinoin" not in words and "stop taking" not in words


def test_shipped_microneedling_outcomes(shipped):
    needling = shipped.devices["microneedling"]
    iso = question(shipped, "microneedling", "isotretinoin")
    assert iso.outcome == "block" and iso.sources == ("isotretinoin_label", "asds_2017")
    assert question(shipped, "microneedling", "cold_sore_history").outcome == "clinician"
    assert question(shipped, "microneedling", "warts").outcome == "block"
    assert question(shipped, "microneedling", "recent_treatment").outcome == "clinician"
    notes = " ".join(str(note) for note in needling.safety)
    assert "3 to 5 days before" in notes and "Never share" in notes and "hyaluronic acid" in notes
    assert all(any("bleeds" in str(n) for n in r.notes) for r in shipped.routines_of("microneedling"))
    gate = needling.gates[0]
    assert (gate.wait_days, gate.source, shipped.sources[gate.source].kind) == (2, "facefirma_roller", "brand")
    assert shipped.sources[needling.tool_note.source].kind == "brand" and "8 to 10" in str(needling.tool_note)
    words = " ".join(
        [needling.summary, *(step.instruction for r in shipped.routines_of("microneedling") for step in r.steps)]
    ).lower()
    assert "soak in" not in words and "absorb" not in words and "hyaluronic acid" in words
    assert "about an hour" in shipped.routines["microneedling-roller-025"].steps[0].instruction


def test_shipped_face_workout_gua_sha_and_roller(shipped):
    for q in shipped.devices["face_workout"].questions:
        assert q.source == "facereps_inference"
    assert question(shipped, "face_workout", "recent_procedure").outcome == "clinician"
    safety = {str(note): note.source for note in shipped.devices["face_workout"].safety}
    assert any("twice a day is fine" in text and source == "facereps_inference" for text, source in safety.items())
    assert any("30 minutes" in text and source == "alam_2018" for text, source in safety.items())
    assert "facereps_inference" in shipped.routines["face-workout-5min"].sources
    for device_id, routine_id in [("gua_sha", "gua-sha-5min"), ("roller", "roller-2min")]:
        ids = {q.id: q for q in shipped.devices[device_id].questions}
        assert ids["recent_procedure"].outcome == "clinician" and "4 hours" in ids["recent_procedure"].explain
        assert ids["recent_procedure"].source == "injectables_aftercare" and "cold_sore" in ids
        last = shipped.routines[routine_id].steps[-1]
        assert (last.id, last.area) == ("clean-tool", "tool")


def test_shipped_names_promise_no_outcome(shipped):
    names = [r.name for r in shipped.routines.values()] + [p.name for p in shipped.programs.values()]
    assert not [name for name in names if any(word in name.lower() for word in ["lift", "sculpt", "anti-ageing"])]
    assert shipped.routines["microcurrent-standard"].name == "Microcurrent toning routine"
    assert shipped.programs["microcurrent-60-days"].name == "60-day toning plan"


def test_an_own_routine_keeps_the_notes_of_its_device(shipped):
    standard = shipped.routines["microcurrent-standard"]
    copy = catalog.Routine("my-1", "microcurrent", "Mine", "", "", standard.steps, owner=1, based_on=standard.id)
    scratch = catalog.Routine("my-2", "microcurrent", "Mine", "", "", standard.steps[:2], owner=1)
    assert shipped.notes_of(copy) == standard.notes
    assert shipped.notes_of(scratch) == standard.notes  # the notes every microcurrent routine shares
    program = catalog.Program(
        "my-p", "microcurrent", "Plan", "", "my-1", "", shipped.programs["microcurrent-60-days"].phases, owner=1
    )
    keys = shipped.with_own({}, {"my-1": copy}, {"my-p": program}).source_keys(program)
    assert "nuface_mini_manual" in keys and "" not in keys
