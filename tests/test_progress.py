"""Weekly review rules: day marks, adherence, streaks and the strength score (tables and invariants)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from model.rules.progress import multiplier, streak, strength, week
from model.rules.schedule import History, PhaseRule, Plan, Verdict, Version

MONDAY = date(2026, 11, 2)
D = timedelta(days=1)


def plan(n=5, start=MONDAY, pauses=()):
    return Plan(start, (Version(start, (PhaseRule("Ongoing", "per_week", count=n),), 1),), tuple(pauses))


def done(*days):
    return History(tuple(sorted(days)), tuple(sorted(days)))


def kinds(w):
    return [mark.kind for mark in w.days]


def test_a_week_met_in_full_has_no_misses_whatever_the_days():
    history = done(MONDAY, MONDAY + 2 * D, MONDAY + 3 * D, MONDAY + 5 * D, MONDAY + 6 * D)
    w = week(plan(), history, MONDAY, MONDAY + 10 * D)
    assert (w.planned, w.done, w.missed, w.adherence) == (5, 5, 0, 100)
    assert kinds(w) == ["done", "rest", "done", "done", "rest", "done", "done"]


def test_a_shortfall_is_laid_on_the_last_undone_days():
    w = week(plan(), done(MONDAY, MONDAY + D, MONDAY + 2 * D), MONDAY, MONDAY + 10 * D)
    assert (w.done, w.missed, w.adherence) == (3, 2, 60)
    assert kinds(w) == ["done", "done", "done", "rest", "rest", "missed", "missed"]


def test_the_current_week_only_misses_what_it_can_no_longer_make_up():
    w = week(plan(), done(MONDAY), MONDAY, MONDAY + 2 * D)  # Wednesday: 4 left, 5 days to go
    assert kinds(w) == ["done", "rest", "open", "planned", "planned", "planned", "rest"]
    assert (w.ahead, w.on_track) == (4, True)
    late = week(plan(), done(MONDAY), MONDAY, MONDAY + 5 * D)  # Saturday: 4 left, only 2 days
    assert kinds(late) == ["done", "rest", "rest", "missed", "missed", "open", "planned"]


def test_a_series_counts_its_week_once_as_its_sessions_go_by():
    """The phase is the phase's name: "Series 1 of 10" then "Series 2 of 10" is one phase, planned once."""
    series = PhaseRule("Series", "sessions_over_weeks", count=10, weeks=5, length_sessions=10)
    p = Plan(MONDAY, (Version(MONDAY, (series,)),))
    w = week(p, done(MONDAY, MONDAY + 2 * D), MONDAY, MONDAY + 6 * D)
    assert (w.planned, w.done, w.missed) == (2, 2, 0)
    assert w.phase.name == "Series" and (w.phase.n, w.phase.total) == (3, 10)


def test_paused_days_are_neither_due_nor_missed():
    p = plan(pauses=[(MONDAY + 3 * D, MONDAY + 6 * D)])
    w = week(p, done(MONDAY, MONDAY + D), MONDAY, MONDAY + 10 * D)
    assert w.missed == 0 and kinds(w)[3:] == ["paused"] * 4


def test_streak_counts_sessions_back_to_the_last_miss():
    history = done(*(MONDAY + i * D for i in range(14) if i not in (5, 6, 12, 13)))  # 5 a week, two weeks
    assert streak(plan(), history, MONDAY + 13 * D)[0] == 10
    broken = done(*(MONDAY + i * D for i in range(14) if i not in (2, 5, 6, 12, 13)))
    assert streak(plan(), broken, MONDAY + 13 * D)[0] == 5  # week 1 missed one


def test_loop_habit_score_reaches_80_percent_after_30_perfect_daily_days():
    start = MONDAY
    history = done(*(start + i * D for i in range(30)))
    assert abs(strength(plan(7), history, start + 29 * D) - 0.798) < 0.01
    assert abs(multiplier(1) - 0.5 ** (1 / 13)) < 1e-12


def test_one_missed_day_costs_a_little_not_everything():
    full = done(*(MONDAY + i * D for i in range(28)))
    gap = done(*(MONDAY + i * D for i in range(28) if i != 20))
    assert 0 < strength(plan(7), full, MONDAY + 27 * D) - strength(plan(7), gap, MONDAY + 27 * D) < 0.06


days_strategy = st.sets(st.integers(0, 83), max_size=70)


@given(st.integers(1, 7), days_strategy, st.integers(0, 83))
def test_adding_a_done_session_never_lowers_the_score(n, offsets, extra):
    today = MONDAY + 83 * D
    before = done(*(MONDAY + o * D for o in offsets))
    after = done(*(MONDAY + o * D for o in offsets | {extra}))
    assert strength(plan(n), after, today) >= strength(plan(n), before, today) - 1e-12


@given(st.integers(1, 7), days_strategy, st.integers(0, 83), st.integers(0, 20))
def test_a_pause_never_lowers_the_streak(n, offsets, first, length):
    today = MONDAY + 83 * D
    history = done(*(MONDAY + o * D for o in offsets if not first <= o <= first + length))
    without = streak(plan(n), history, today)[0]
    paused = streak(plan(n, pauses=[(MONDAY + first * D, MONDAY + (first + length) * D)]), history, today)[0]
    assert paused >= without


def test_a_chosen_skip_is_drawn_as_skipped():
    p = Plan(MONDAY, plan().versions, ((MONDAY + D, MONDAY + D),), skip_days=frozenset({MONDAY + D}))
    w = week(p, done(MONDAY), MONDAY, MONDAY + 10 * D)
    assert kinds(w) == ["done", "skipped", "rest", "rest", "missed", "missed", "missed"]
    assert w.planned == 4  # the skipped day shrinks the week's plan like a pause


def test_days_waiting_for_a_one_time_test_plan_nothing_and_miss_nothing():
    gated = Plan(MONDAY, plan().versions, gated=True)
    w = week(gated, done(), MONDAY, MONDAY + 10 * D)
    assert (w.planned, w.missed) == (0, 0) and set(kinds(w)) == {"waiting"}
    ready = Plan(MONDAY, plan().versions, ready_on=MONDAY + 4 * D)  # Friday on: 3 days of 7
    assert week(ready, done(), MONDAY, MONDAY + 10 * D).planned == 2


def test_a_pause_through_today_waits_for_the_end_of_the_week_before_judging_it():
    # Found with 1,000 examples: a pause from Friday through today (Sunday) used to mark the week's
    # undone weekly session missed at once, where without the pause Sunday was still open.
    history = done(MONDAY + 70 * D)  # last week's weekly session; none this week (days 77 to 83)
    pause = [(MONDAY + 81 * D, MONDAY + 83 * D)]  # Friday to Sunday
    sunday, monday = MONDAY + 83 * D, MONDAY + 84 * D
    assert streak(plan(1), history, sunday)[0] == streak(plan(1, pauses=pause), history, sunday)[0] == 1
    assert "missed" not in kinds(week(plan(1, pauses=pause), history, MONDAY + 77 * D, sunday))
    assert streak(plan(1, pauses=pause), history, monday)[0] == streak(plan(1), history, monday)[0] == 0


def test_the_days_to_come_are_as_many_planned_days_as_sessions_left():
    """Issue 16: "5 a week" started on a Wednesday plans 4, and the strip marks 4 days, not 5."""
    wednesday = MONDAY + 2 * D
    w = week(plan(5, start=wednesday), done(), MONDAY, wednesday)
    assert w.planned == 4
    assert kinds(w) == ["before", "before", "open", "planned", "planned", "planned", "rest"]
    assert kinds(w).count("open") + kinds(w).count("planned") == w.planned


def test_days_to_come_keep_the_device_spacing():
    """Every other day from Wednesday: Wednesday, Friday and Sunday, not five planned days."""
    every_other = Plan(MONDAY, (Version(MONDAY, (PhaseRule("Ongoing", "every_days", days=2),)),))
    w = week(every_other, done(MONDAY), MONDAY, MONDAY + 2 * D)
    assert kinds(w) == ["done", "rest", "open", "rest", "planned", "rest", "planned"]


def test_a_week_that_cannot_make_up_its_plan_is_not_on_track():
    w = week(plan(5), done(), MONDAY, MONDAY + 3 * D)  # Thursday, nothing done: 4 days for 5 sessions
    assert w.missed == 1 and not w.on_track


def test_the_session_of_the_day_a_plan_stopped_counts():
    """Issue 16: a plan stopped on the day of a switch, with a session done that day, shows it done."""
    stopped = Plan(MONDAY, plan().versions, stopped_on=MONDAY + 2 * D)
    w = week(stopped, done(MONDAY + 2 * D), MONDAY, MONDAY + 2 * D)
    assert kinds(w)[2] == "done" and w.done == 1
    assert kinds(w)[3:] == ["stopped"] * 4


def test_today_as_the_today_page_has_it_wins():
    """Issue 16: a day the device's rules make not due (another plan's session today) is not "still to do"."""
    today = MONDAY + 2 * D
    refused = Verdict("spacing", "device_rule", planned=5)
    w = week(plan(), done(MONDAY), MONDAY, today, today_verdict=refused)
    assert kinds(w)[2] == "rest"
    assert kinds(week(plan(), done(MONDAY), MONDAY, today))[2] == "open"
