"""The scheduler's rules, as tables, plus invariants checked with hypothesis."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.rules import schedule
from model.rules.schedule import History, Phase, PhaseRule, Plan, Version, evaluate, gap_days, next_due_day

MONDAY = date(2026, 11, 2)
D = timedelta(days=1)


def per_week(n, weeks=None, rollover=False, name="Intensive"):
    return PhaseRule(name, "per_week", count=n, length_weeks=weeks, rollover=rollover)


def plan(*phases, start=MONDAY, gap=0, pauses=(), stopped=None, later=(), ready_on=None, gated=False):
    versions = (Version(start, tuple(phases), gap), *tuple(later))
    return Plan(start, versions, tuple(pauses), stopped, ready_on, gated)


def done(*days, device=None):
    days = tuple(sorted(days))
    return History(days, tuple(sorted(device)) if device is not None else days)


def on(p, history, day, week_start=0):
    return evaluate(p, history, day, week_start)


def why(verdict):
    """The reason's code with its counts: ("nth_this_week", 1, 5) is "1st of 5 this week"."""
    return verdict.why, verdict.count, verdict.total


# --- cadences -------------------------------------------------------------------------------


def test_per_week_first_session_is_due_with_its_count():
    verdict = on(plan(per_week(5, 8)), done(), MONDAY)
    assert (verdict.state, why(verdict)) == ("due", ("nth_this_week", 1, 5))
    assert verdict.phase == Phase("Intensive", "week", 1, 8)


def test_per_week_counts_up_then_rests_until_next_week():
    p = plan(per_week(5, 8))
    history = done(*(MONDAY + i * D for i in range(5)))
    assert why(on(p, done(MONDAY, MONDAY + D), MONDAY + 2 * D)) == ("nth_this_week", 3, 5)
    saturday = on(p, history, MONDAY + 5 * D)
    assert saturday.state == "rest" and saturday.next_day == MONDAY + 7 * D
    assert on(p, history, MONDAY + 7 * D).state == "due"


def test_done_today_is_done():
    assert on(plan(per_week(5, 8)), done(MONDAY), MONDAY).state == "done"


def test_week_start_follows_the_user():
    p = plan(per_week(2), start=MONDAY - 7 * D)
    # Sessions on Sunday and Monday: a Monday week has 1 then 1; a Sunday week has 2 by Monday.
    history = done(MONDAY - D, MONDAY)
    assert on(p, history, MONDAY + D, week_start=0).state == "due"
    assert on(p, history, MONDAY + D, week_start=6).state == "rest"


def test_partial_first_week_plans_a_share():
    thursday = MONDAY + 3 * D
    assert why(on(plan(per_week(5, 8), start=thursday), done(), thursday)) == ("nth_this_week", 1, 3)


def test_every_other_day():
    p = plan(PhaseRule("Ongoing", "every_days", days=2))
    history = done(MONDAY)
    tuesday = on(p, history, MONDAY + D)
    assert tuesday.state == "rest" and tuesday.next_day == MONDAY + 2 * D
    assert (tuesday.why, tuesday.every, tuesday.day) == ("last_session", 2, MONDAY)
    wednesday = on(p, history, MONDAY + 2 * D)
    assert (wednesday.state, wednesday.why, wednesday.every) == ("due", "every_days", 2)


def test_sessions_over_weeks_then_monthly():
    p = plan(
        PhaseRule("Series", "sessions_over_weeks", count=10, weeks=5, length_sessions=10),
        PhaseRule("Monthly", "per_month", count=1),
    )
    first = on(p, done(), MONDAY)
    assert (why(first), first.phase, first.planned) == (("session_n_of", 1, 10), Phase("Series", "session", 1, 10), 2)
    ten = [MONDAY + i * 3 * D for i in range(10)]
    after = on(p, done(*ten), ten[-1] + D)
    assert after.phase == Phase("Monthly")
    assert after.state == "due"  # this month's session is still open


def test_monthly_rests_after_its_session():
    p = plan(PhaseRule("Monthly", "per_month", count=1))
    verdict = on(p, done(date(2026, 11, 3)), date(2026, 11, 20))
    assert verdict.state == "rest" and verdict.next_day == date(2026, 12, 1)


# --- spacing and exclusions -----------------------------------------------------------------


def test_spacing_blocks_until_the_gap_is_over():
    p = plan(per_week(2), gap=2)
    verdict = on(p, done(MONDAY), MONDAY + D)
    assert verdict.state == "spacing" and verdict.next_day == MONDAY + 2 * D
    assert (verdict.why, verdict.every) == ("needs_gap", 2)
    assert on(p, done(MONDAY), MONDAY + 2 * D).state == "due"


def test_spacing_counts_any_routine_of_the_device():
    p = plan(per_week(5), gap=1)
    assert on(p, done(device=[MONDAY]), MONDAY).state == "due"  # another routine today: gap 1 allows tomorrow
    p2 = plan(per_week(5), gap=2)
    assert on(p2, done(device=[MONDAY]), MONDAY + D).state == "spacing"


def test_same_day_exclusion():
    history = History((), (), excluded_today="at-home microneedling")
    verdict = on(plan(per_week(5)), history, MONDAY)
    assert verdict.state == "excluded" and verdict.next_day == MONDAY + D
    assert (verdict.why, verdict.other) == ("excluded_today", "at-home microneedling")


@pytest.mark.parametrize(("hours", "override", "expected"), [(0, None, 0), (20, None, 1), (48, None, 2), (20, 7, 7)])
def test_gap_days(hours, override, expected):
    assert gap_days(hours, override) == expected


# --- rollover, pauses, phases, versions -----------------------------------------------------


def test_missed_intensive_sessions_roll_over_to_the_next_week():
    p = plan(per_week(5, 8, rollover=True))
    history = done(MONDAY, MONDAY + D, MONDAY + 2 * D)  # 3 of 5 in week 1
    assert why(on(p, history, MONDAY + 7 * D)) == ("nth_this_week", 1, 7)


def test_sessions_made_up_pay_back_what_rolled_over():
    """Issue 16 (found by the demo account): a missed session made up the next week is not owed forever."""
    p = plan(per_week(5, 8, rollover=True))
    week1 = [MONDAY + i * D for i in range(4)]  # 4 of 5
    week2 = [MONDAY + 7 * D + i * D for i in range(6)]  # 6: the 5 planned and the one owed
    assert why(on(p, done(*week1), MONDAY + 7 * D)) == ("nth_this_week", 1, 6)
    assert why(on(p, done(*week1, *week2), MONDAY + 14 * D)) == ("nth_this_week", 1, 5)
    short = [MONDAY + 7 * D + i * D for i in range(3)]  # 3 of 6: three owed, and week 3 holds at most 7
    assert why(on(p, done(*week1, *short), MONDAY + 14 * D)) == ("nth_this_week", 1, 7)


def test_maintenance_does_not_roll_over():
    p = plan(per_week(3, name="Maintenance"))
    assert why(on(p, done(MONDAY), MONDAY + 7 * D)) == ("nth_this_week", 1, 3)


def test_paused_days_are_paused_and_shrink_the_week():
    p = plan(per_week(5, 8), pauses=[(MONDAY + 3 * D, MONDAY + 6 * D)])
    assert on(p, done(), MONDAY + 4 * D).state == "paused"
    assert why(on(p, done(), MONDAY)) == ("nth_this_week", 1, 2)  # 3 active days of 7


def test_open_pause_lasts_until_resumed():
    p = plan(per_week(5), pauses=[(MONDAY + D, None)])
    assert on(p, done(), MONDAY + 30 * D).state == "paused"


def test_pauses_extend_a_phase_measured_in_weeks():
    phases = (per_week(5, 1), per_week(3, name="Maintenance"))
    assert on(plan(*phases), done(), MONDAY + 7 * D).phase == Phase("Maintenance")
    assert (
        on(plan(*phases, pauses=[(MONDAY + 2 * D, MONDAY + 3 * D)]), done(), MONDAY + 7 * D).phase.name == "Intensive"
    )
    assert on(plan(*phases, pauses=[(MONDAY + 2 * D, MONDAY + 3 * D)]), done(), MONDAY + 9 * D).phase == Phase(
        "Maintenance"
    )


def test_a_later_version_applies_from_its_day_only():
    change = MONDAY + 14 * D
    p = plan(per_week(5), later=[Version(change, (per_week(2, name="Gentler"),), 0)])
    assert on(p, done(), change - D).total == 5 or on(p, done(), change - D).state == "due"
    assert why(on(p, done(), change)) == ("nth_this_week", 1, 2)
    assert on(p, done(), change - 7 * D).phase == Phase("Intensive")


def test_upcoming_stopped_finished():
    assert on(plan(per_week(5), start=MONDAY + 7 * D), done(), MONDAY).state == "upcoming"
    assert on(plan(per_week(5), stopped=MONDAY + D), done(), MONDAY + D).state == "stopped"
    assert on(plan(per_week(5, 1)), done(), MONDAY + 7 * D).state == "finished"


def test_one_time_gates():
    assert on(plan(per_week(2), gated=True), done(), MONDAY).state == "gated"
    waiting = on(plan(per_week(2), ready_on=MONDAY + 2 * D), done(), MONDAY)
    assert waiting.state == "gated" and waiting.next_day == MONDAY + 2 * D


def test_next_due_day_skips_rest_and_pause():
    p = plan(per_week(1), pauses=[(MONDAY + 7 * D, MONDAY + 8 * D)])
    assert next_due_day(p, done(MONDAY), MONDAY) == MONDAY + 9 * D


# --- invariants ---------------------------------------------------------------------------------

cadences = st.one_of(
    st.builds(lambda n: PhaseRule("P", "per_week", count=n), st.integers(1, 7)),
    st.builds(lambda n: PhaseRule("P", "every_days", days=n), st.integers(1, 10)),
    st.builds(
        lambda n, w: PhaseRule("P", "sessions_over_weeks", count=n, weeks=w), st.integers(1, 10), st.integers(1, 5)
    ),
    st.builds(lambda n: PhaseRule("P", "per_month", count=n), st.integers(1, 4)),
)


def follow(p, days, week_start=0, skip=frozenset()):
    """A person who does every due session (except on `skip` days); returns their session days."""
    sessions = []
    for offset in range(days):
        day = p.start_day + offset * D
        if day not in skip and evaluate(p, done(*sessions), day, week_start).due:
            sessions.append(day)
    return sessions


@given(cadences, st.integers(0, 14), st.integers(0, 6), st.sets(st.integers(0, 90), max_size=20))
def test_spacing_is_never_violated(rule, gap, week_start, skipped):
    p = plan(rule, gap=gap)
    sessions = follow(p, 91, week_start, {MONDAY + i * D for i in skipped})
    assert all((b - a).days >= gap for a, b in itertools.pairwise(sessions))


@given(st.integers(1, 7), st.integers(0, 6))
def test_a_perfectly_followed_n_per_week_phase_gives_n_every_week(n, week_start):
    start = MONDAY + week_start * D  # starts on the user's week start
    p = plan(per_week(n), start=start, gap=1)
    sessions = follow(p, 70, week_start)
    for week in range(10):
        first = start + week * 7 * D
        assert sum(1 for d in sessions if first <= d < first + 7 * D) == n


@given(st.integers(1, 7), st.integers(0, 60), st.integers(0, 20))
def test_a_pause_creates_no_misses(n, pause_start, pause_length):
    pause = (MONDAY + pause_start * D, MONDAY + (pause_start + pause_length) * D)
    p = plan(per_week(n), gap=1, pauses=[pause])
    sessions = follow(p, 84)
    history = done(*sessions)
    for week in range(12):
        last_day = MONDAY + (week * 7 + 6) * D
        verdict = evaluate(p, history, last_day)
        if verdict.state != "paused":
            assert verdict.done_in_week >= verdict.planned
    assert not any(pause[0] <= d <= pause[1] for d in sessions)


@given(cadences, cadences, st.integers(1, 80), st.lists(st.integers(0, 100), max_size=40))
def test_a_phase_change_leaves_earlier_verdicts_unchanged(before, after, change_at, session_offsets):
    history = done(*{MONDAY + i * D for i in session_offsets})
    change = MONDAY + change_at * D
    old = plan(before)
    new = plan(before, later=[Version(change, (after,), 0)])
    for offset in range(change_at):
        day = MONDAY + offset * D
        assert evaluate(old, history, day) == evaluate(new, history, day)


def test_an_open_pause_inside_a_phase_in_weeks():
    p = plan(per_week(5, 8), per_week(3, name="Maintenance"), pauses=[(MONDAY + 3 * D, None)])
    assert on(p, done(), MONDAY + 400 * D).state == "paused"
    assert on(p, done(), MONDAY + D).phase == Phase("Intensive", "week", 1, 8)


@given(
    st.lists(cadences, min_size=1, max_size=3),
    st.lists(st.integers(1, 12), min_size=3, max_size=3),
    st.booleans(),
    st.lists(st.integers(0, 400), max_size=120),
    st.integers(0, 420),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 30)), max_size=2),
)
def test_the_bounded_history_window_gives_the_same_verdicts(rules, lengths, by_sessions, offsets, at, pauses):
    """Today loads only the sessions a verdict can depend on; the verdict must not change."""
    from model.enrolled import history_start

    phases = []
    for index, rule in enumerate(rules):
        last = index == len(rules) - 1
        length = (
            {} if last else ({"length_sessions": lengths[index]} if by_sessions else {"length_weeks": lengths[index]})
        )
        rollover = rule.kind == "per_week" and not last and not by_sessions
        phases.append(PhaseRule(rule.name, rule.kind, rule.count, rule.days, rule.weeks, rollover=rollover, **length))
    pause_days = sorted({(MONDAY + a * D, MONDAY + (a + b) * D) for a, b in pauses})
    merged = []
    for first, last in pause_days:  # the app never stores overlapping pauses
        if merged and first <= merged[-1][1]:
            continue
        merged.append((first, last))
    p = plan(*phases, gap=1, pauses=merged)
    day = MONDAY + at * D
    days = sorted({MONDAY + o * D for o in offsets if MONDAY + o * D <= day})
    since = history_start(p, day)
    full = History(tuple(days), tuple(days))
    window = History(tuple(d for d in days if d >= since), tuple(d for d in days if d >= since))
    assert evaluate(p, full, day) == evaluate(p, window, day)


@given(st.integers(1, 60), st.integers(0, 400), st.integers(0, 120), st.integers(0, 6))
def test_every_n_days_weeks_count_the_same_with_or_without_the_pause_check(days, start_offset, later, week_start):
    start = date(2026, 1, 5) + timedelta(days=start_offset)
    rule = PhaseRule("p", "every_days", days=days)
    plain = Plan(start, (Version(start, (rule,), 0),))
    checked = Plan(start, plain.versions, pauses=((date(2099, 1, 1), date(2099, 1, 2)),))  # forces the day-by-day count
    day = start + timedelta(days=later)
    at = schedule.phase_at(plain, plain.versions[0], History(), day)
    week = schedule.week_start_of(day, week_start)
    assert schedule._planned(plain, rule, at, History(), day, week) == schedule._planned(
        checked, rule, at, History(), day, week
    )
