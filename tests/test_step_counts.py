"""Issue 16: what a device's timed steps count (`counts` in its catalog file), and how the player says it."""

import pytest

from model import catalog, guided
from model.catalog import Step
from tests.test_catalog import broken, folder  # noqa: F401 (the toy catalog's fixture and helper)


def test_a_device_counts_reps_unless_its_file_says(folder):  # noqa: F811
    assert catalog.load(folder).devices["toy"].counts == "rep"
    path = folder / "toy.toml"
    path.write_text(path.read_text().replace('name = "Toy device"', 'name = "Toy device"\ncounts = "pass"', 1))
    assert catalog.load(folder).devices["toy"].counts == "pass"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"stroke"', "toy.toml: device.counts: unknown count 'stroke' (known: glide, pass, rep, hold, minute)"),
        ('""', "toy.toml: device.counts: unknown count ''"),
        ("3", "toy.toml: device.counts: must be non-empty text"),
    ],
)
def test_an_unknown_count_is_refused_naming_file_and_field(folder, value, message):  # noqa: F811
    assert message in broken(folder, 'name = "Toy device"', f'name = "Toy device"\ncounts = {value}')


def step(cue_seconds, reps=3):
    return Step("s", "A step", "cheeks", "left", 60, reps, cue_seconds, "Do it.")


@pytest.mark.parametrize(
    ("counts", "cue_seconds", "word", "plural"),
    [
        ("glide", 5, "glide", "glides"),
        ("glide", 20, "glide", "glides"),  # a slow glide is still a glide
        ("pass", 10, "pass", "passes"),
        ("rep", 5, "rep", "reps"),
        ("rep", 9, "rep", "reps"),
        ("rep", 10, "hold", "holds"),  # a face exercise counted every 10 s or slower is held
        ("minute", 60, "minute", "minutes"),
    ],
)
def test_each_step_counts_in_its_own_word(counts, cue_seconds, word, plural):
    player = guided.Player(session=None, routine=None, steps=(), counts=counts)  # type: ignore[arg-type]
    assert (player.count_of(step(cue_seconds)), player.counts_of(step(cue_seconds))) == (word, plural)
