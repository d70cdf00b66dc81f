"""Issue 19, Mirror mode, on the server: the catalog's map of the face (data/catalog/mirror.toml) read and checked
with every error naming file and field, what the player page is given, and the headers that let the player (and
only the player) use the camera and the face mesh's worker (and only it) run its WebAssembly."""

import json
import re
import shutil
from pathlib import Path

import pytest

from model import catalog
from model.catalog.mirror import METRICS
from model.guided import STROKES
from tests.support.programs import start as enroll
from tests.test_catalog import DEVICE, SHIPPED, SOURCES
from tests.test_sessions_views import begin, session_url

MIRROR_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "mirror-rules.js"

TOY_MIRROR = """
[areas.face]
both = [10, 338, 297, 152, 58, 109]
[areas.cheeks]
left = [345, 346, 347]
right = [116, 117, 118]
[areas.neck]
left = [152, 377, [377, 0.3], [152, 0.3]]
right = [152, 148, [148, 0.3], [152, 0.3]]
[areas.forehead]
both = [54, 10, 284]

[strokes.toy]
cheeks = { left = [291, 345], right = [61, 116] }

[[rules]]
steps = ["one"]
metric = "mouth_width"
direction = "up"
move = 0.06
count = "hold"
"""
OFF_FACE = "".join(
    f"\n[areas.{area}]\noff_face = true\n"
    for area in catalog.AREAS
    if area not in ("face", "cheeks", "neck", "forehead")
)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sources.toml").write_text(SOURCES)
    (tmp_path / "toy.toml").write_text(DEVICE)
    (tmp_path / "mirror.toml").write_text(TOY_MIRROR + OFF_FACE)
    return tmp_path


def broken(folder, old, new):
    path = folder / "mirror.toml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(catalog.CatalogError) as error:
        catalog.load(folder)
    return str(error.value)


def test_the_shipped_map_covers_every_area_and_every_stroke_the_diagram_draws():
    mirror = catalog.load(SHIPPED).mirror
    assert set(mirror.areas) == set(catalog.AREAS)
    assert mirror.areas["tool"] == {} and mirror.areas["forearm"] == {}  # not on the face: nothing outlined
    assert all(mirror.areas[area] for area in catalog.AREAS if area not in ("tool", "forearm"))
    for device_id, paths in STROKES.items():
        for key in paths:
            area, _, both = key.partition("/")
            sides = mirror.strokes[device_id][area]
            assert ("both" in sides) if both else ({"left", "right"} <= set(sides)), (device_id, key)


def test_the_shipped_rules_name_face_workout_exercises_and_leave_the_rest_to_the_timer():
    loaded = catalog.load(SHIPPED)
    rules = loaded.mirror.rules
    workout = {step.id for routine in loaded.routines_of("face_workout") for step in routine.steps}
    assert set(rules) <= workout
    assert rules["brow-lift"].metric == "brow_raise" and rules["brow-lift"].count == "reps"
    assert rules["happy-cheeks"].count == "hold" and rules["smile-hold-1"].count == "hold"
    assert rules["jaw-glide-left-1"].direction == "up" and rules["jaw-glide-right-1"].direction == "down"
    # What the mirror cannot judge from a landmark is counted by time.
    for counted_by_time in ("chin-lift", "neck-stretch-left-1", "forehead-smoother-1", "cheek-puff-1", "relax-1"):
        assert counted_by_time not in rules


def test_the_metrics_are_the_ones_the_script_measures():
    script = MIRROR_JS.read_text()
    measured = re.findall(r"^    (\w+): function \(lm\)", script, re.M)
    assert sorted(measured) == sorted(METRICS)


def test_a_sessions_plan_has_each_shape_once_and_each_step_its_outlines_strokes_and_rule():
    loaded = catalog.load(SHIPPED)
    routine = loaded.routines["microcurrent-standard"]
    plan = loaded.mirror.plan("microcurrent", routine.steps)
    shapes, steps = plan["shapes"], plan["steps"]
    assert len(shapes) == len({json.dumps(shape) for shape in shapes})
    jaw = steps["jaw-left"]
    assert [shapes[i] for i in jaw["areas"]] == [list(loaded.mirror.areas["jaw"]["left"])]
    assert [shapes[i][0] for i in jaw["strokes"]] == [152]  # from the chin...
    assert shapes[jaw["strokes"][0]][-1] == 323  # ...to below the ear
    assert steps["cleanse"]["strokes"] == [] and steps["cleanse"]["rule"] is None  # no glide, counted by time
    workout = loaded.mirror.plan("face_workout", loaded.routines["face-workout-5min"].steps)["steps"]
    assert workout["brow-lift"]["rule"] == {"metric": "brow_raise", "direction": "up", "move": 0.05, "count": "reps"}
    assert workout["chin-lift"]["rule"] is None and workout["brow-lift"]["strokes"] == []
    assert len(workout["cheek-lifter"]["areas"]) == 2  # both cheeks
    # A user's own copy keeps the step ids but maybe not the movement: counted by time, outlined as before.
    own = loaded.mirror.plan("face_workout", loaded.routines["face-workout-5min"].steps, counted=False)["steps"]
    assert own["brow-lift"]["rule"] is None and own["cheek-lifter"]["areas"] == workout["cheek-lifter"]["areas"]


def test_a_neck_point_below_the_jaw_is_kept_as_a_pair(folder):
    loaded = catalog.load(folder)
    assert loaded.mirror.areas["neck"]["left"][2] == (377, 0.3)
    plan = loaded.mirror.plan("toy", loaded.routines["toy-routine"].steps)
    assert plan["shapes"][plan["steps"]["two"]["areas"][0]][2] == [148, 0.3]  # the right side's neck
    assert plan["steps"]["one"]["rule"]["count"] == "hold"


def test_a_catalog_without_a_map_still_loads_and_the_mirror_outlines_nothing(folder):
    (folder / "mirror.toml").unlink()
    loaded = catalog.load(folder)
    plan = loaded.mirror.plan("toy", loaded.routines["toy-routine"].steps)
    assert plan == {
        "shapes": [],
        "steps": {"one": {"areas": [], "strokes": [], "rule": None}, "two": {"areas": [], "strokes": [], "rule": None}},
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[areas.forehead]\nboth = [54, 10, 284]\n", "", "mirror.toml: areas: no entry for area 'forehead'"),
        ("[areas.face]", "[areas.elbow]\nboth = [1, 2, 3]\n[areas.face]", "mirror.toml: areas: unknown area 'elbow'"),
        ("left = [345, 346, 347]", "left = [345, 346, 468]", "mirror.toml: areas.cheeks.left: 468 is not a landmark"),
        ("left = [345, 346, 347]", "left = [345, -1, 347]", "mirror.toml: areas.cheeks.left: -1 is not a landmark"),
        ("left = [345, 346, 347]", "left = [345, 346]", "mirror.toml: areas.cheeks.left: needs a list of at least 3"),
        ("[377, 0.3]", "[377, 1.5]", "mirror.toml: areas.neck.left: [377, 1.5] is not a landmark"),
        ("right = [116, 117, 118]\n", "", "mirror.toml: areas.cheeks.right: give both sides, left and right"),
        (
            "both = [54, 10, 284]",
            "both = [54, 10, 284]\nsomewhere = [1, 2, 3]",
            "areas.forehead.somewhere: unknown key",
        ),
        (
            "[areas.tool]\noff_face = true",
            "[areas.tool]\noff_face = true\nboth = [1, 2, 3]",
            "mirror.toml: areas.tool.off_face: an area off the face has no points",
        ),
        ("[strokes.toy]", "[strokes.lamp]", "mirror.toml: strokes: names an unknown device 'lamp'"),
        (
            "cheeks = { left",
            "tool = { left = [1, 2], right = [3, 4] }\ncheeks = { left",
            "mirror.toml: strokes.toy.tool: 'tool' is not an area on the face",
        ),
        ('steps = ["one"]', 'steps = ["nine"]', "mirror.toml: rules[0].steps: no routine has a step 'nine'"),
        ('steps = ["one"]', 'steps = ["one", "one"]', "mirror.toml: rules[0].steps: step 'one' already has a rule"),
        ('metric = "mouth_width"', 'metric = "nose_wiggle"', "mirror.toml: rules[0].metric: unknown metric"),
        ('direction = "up"', 'direction = "sideways"', "mirror.toml: rules[0].direction: unknown direction"),
        ('count = "hold"', 'count = "laps"', "mirror.toml: rules[0].count: unknown count 'laps'"),
        ("move = 0.06", "move = 0", "mirror.toml: rules[0].move: must be a number above 0"),
        ("[[rules]]", "[extras]\nx = 1\n[[rules]]", "mirror.toml: extras: unknown table"),
    ],
)
def test_a_broken_map_names_file_entry_and_field(folder, old, new, message):
    assert message in broken(folder, old, new)


def test_the_shipped_catalog_folder_with_a_broken_map_does_not_start(tmp_path):
    copy = tmp_path / "catalog"
    shutil.copytree(SHIPPED, copy)
    path = copy / "mirror.toml"
    path.write_text(path.read_text().replace('steps = ["brow-lift",', 'steps = ["brow-lifts",', 1))
    with pytest.raises(catalog.CatalogError, match="no routine has a step 'brow-lifts'"):
        catalog.load(copy)


# The player page and the headers ---------------------------------------------------------------------------


@pytest.fixture
def playing(user, client, app):
    enroll(client, app)
    return session_url(begin(client))


def headers_of(client, url):
    """A response's headers (the response closed: static files are streamed)."""
    response = client.get(url)
    response.close()
    return response.headers


def test_the_player_carries_its_steps_map_and_mirror_mode_off(playing, client, app):
    html = client.get(playing).get_data(as_text=True)
    box = re.search(r'<div class="player-mirror" data-mirror hidden([^>]*)>', html, re.S)
    assert box, "the Mirror switch is there for the script to show"
    plan = json.loads(re.search(r"data-mirror-plan='([^']*)'", box[1])[1].replace("&#34;", '"'))
    assert set(plan["steps"]) >= {"cleanse", "jaw-left", "finish"}
    assert re.search(r'data-action="mirror" aria-pressed="false"', html)
    assert "The picture stays on this phone: nothing is sent or saved." in html
    # Loaded only once Mirror is turned on: no script tag for them, only their addresses.
    assert '<script src="/static/js/mirror' not in html and "face_mesh.js" not in html
    assert 'data-mirror-vendor="/static/vendor/face_mesh/"' in box[1]


def test_only_the_player_may_ask_for_the_camera(playing, client):
    assert headers_of(client, playing)["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"
    for page in ("/today", "/progress", "/account", "/static/js/player.js"):
        assert headers_of(client, page)["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()", page


def test_only_the_face_mesh_worker_may_compile_code_and_no_page_may(playing, client):
    worker = headers_of(client, "/static/js/mirror-worker.js")["Content-Security-Policy"]
    assert "'unsafe-eval'" in worker and "'wasm-unsafe-eval'" in worker
    assert "connect-src 'self'" in worker and "http" not in worker  # no new origin
    for page in (playing, "/today", "/static/js/mirror.js", "/static/vendor/face_mesh/face_mesh.js"):
        policy = headers_of(client, page)["Content-Security-Policy"]
        assert "unsafe-eval" not in policy and "http" not in policy, page


def test_the_service_worker_keeps_the_face_mesh_once_used_and_never_precaches_it(client):
    script = client.get("/sw.js").get_data(as_text=True)
    assert '"/static/vendor/face_mesh/"' in script and 'var MIRROR = "facereps-mirror-" + "0.4.' in script
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", script)[1])
    assert not [url for url in precache if "mirror" in url or "face_mesh" in url]
