"""The English for the core's facts (model/wording.py): every verdict and refusal code, phases, dates."""

from datetime import date, datetime

import pytest

from model import wording
from model.rules import schedule
from model.rules.device_rules import Refusal
from model.rules.schedule import History, Phase, PhaseRule, Plan, Verdict, Version, evaluate

TUESDAY = date(2026, 12, 1)
MONDAY = date(2026, 11, 30)
REFUSED = Refusal("spacing", "one_a_day", "Microcurrent", TUESDAY, program="Plan A", done=True, other_day=TUESDAY)


@pytest.mark.parametrize(
    ("verdict", "words"),
    [
        (Verdict("due", "nth_this_week", count=1, total=5), "1st of 5 this week"),
        (Verdict("due", "nth_this_week", count=3, total=5), "3rd of 5 this week"),
        (Verdict("rest", "done_this_week", count=2, total=2), "rest day: 2 of 2 done this week"),
        (Verdict("rest", "nothing_this_week"), "rest day: no session planned this week"),
        (Verdict("due", "session_n_of", count=4, total=10), "session 4 of 10"),
        (Verdict("due", "every_days", every=1), "every day"),
        (Verdict("due", "every_days", every=2), "every other day"),
        (Verdict("due", "every_days", every=3), "every 3 days"),
        (
            Verdict("rest", "last_session", every=2, day=MONDAY),
            "rest day: every other day: last session Monday 30 November",
        ),
        (Verdict("due", "month_nth", count=1, total=1), "this month's session"),
        (Verdict("due", "month_nth", count=2, total=4), "2nd of 4 this month"),
        (Verdict("rest", "done_this_month", count=1, total=1), "rest day: 1 of 1 done this month"),
        (Verdict("upcoming", "starts_on", day=TUESDAY), "starts Tuesday 1 December"),
        (Verdict("stopped", "stopped"), "stopped"),
        (Verdict("paused", "paused"), "paused: this day never counts as missed"),
        (Verdict("skipped", "skipped"), "skipped: a chosen skip is never a miss"),
        (Verdict("finished", "finished"), "program complete"),
        (Verdict("done", "done_today"), "done today"),
        (Verdict("gated", "test_first"), "do the one-time test first"),
        (Verdict("gated", "wait_until", day=TUESDAY), "after your test, wait until Tuesday 1 December"),
        (Verdict("spacing", "needs_gap", every=2), "needs 2 days between sessions"),
        (
            Verdict("excluded", "excluded_today", other="at-home microneedling"),
            "not on the same day as at-home microneedling",
        ),
        (Verdict("excluded", "clash", other="Microneedling"), "microneedling is planned today and does not mix"),
        (
            Verdict("spacing", "device_rule", refusal=REFUSED),
            "done today with Plan A: at most one microcurrent session a day",
        ),
    ],
)
def test_each_verdict_reason_in_english(verdict, words):
    assert wording.verdict_reason(verdict) == words


def test_every_reason_code_of_the_core_has_its_words():
    assert set(wording._REASONS) == set(schedule.WHY)


def test_a_verdict_from_the_rules_reads_as_before():
    plan = Plan(MONDAY, (Version(MONDAY, (PhaseRule("Intensive", "per_week", count=5, length_weeks=8),)),))
    verdict = evaluate(plan, History((MONDAY,), (MONDAY,)), TUESDAY)
    assert wording.verdict_reason(verdict) == "2nd of 5 this week"
    assert wording.phase_label(verdict.phase) == "Intensive · week 1 of 8"


@pytest.mark.parametrize(
    ("refusal", "words"),
    [
        (REFUSED, "done today with Plan A: at most one microcurrent session a day"),
        (
            Refusal("spacing", "one_a_day", "Microcurrent", TUESDAY, program="Plan A", other_day=TUESDAY),
            "started today with Plan A: at most one microcurrent session a day",
        ),
        (
            Refusal(
                "spacing", "too_close", "Microneedling", TUESDAY, program="Plan A", done=True, other_day=MONDAY, gap=7
            ),
            "too close to your session with Plan A on Monday 30 November: microneedling needs 7 days between sessions",
        ),
        (
            Refusal("spacing", "too_close", "Microneedling", TUESDAY, program="Plan A", other_day=TUESDAY, gap=7),
            "too close to your session with Plan A today: microneedling needs 7 days between sessions",
        ),
        (
            Refusal(
                "excluded",
                "never_share",
                "Microcurrent",
                TUESDAY,
                program="Plan B",
                done=True,
                other_day=TUESDAY,
                other_device="At-home microneedling",
            ),
            "done today with Plan B: at-home microneedling and microcurrent never share a day",
        ),
        (
            Refusal("tool", "tool_worn", "Microneedling", TUESDAY, uses=12),
            "your microneedling tool has been used 12 times: replace it (or its head) before the next session",
        ),
    ],
)
def test_each_refusal_in_english(refusal, words):
    assert wording.refusal_reason(refusal) == words
    assert wording.refusal_message(refusal) == f"{words[0].upper()}{words[1:]}."


@pytest.mark.parametrize(
    ("phase", "words"),
    [
        (Phase("Intensive", "week", 3, 8), "Intensive · week 3 of 8"),
        (Phase("Series", "session", 6, 10), "Series 6 of 10"),
        (Phase("Maintenance"), "Maintenance"),
        (None, ""),
    ],
)
def test_phase_labels(phase, words):
    assert wording.phase_label(phase) == words


def test_dates_have_no_padded_day():
    assert wording.day_long(TUESDAY) == "Tuesday 1 December"
    assert wording.day_label(TUESDAY) == "Tuesday 1 December 2026"
    assert wording.day_short(TUESDAY) == "Tue 1"
    assert wording.day_month(TUESDAY) == "1 December"
    assert wording.day_month_short(TUESDAY) == "1 Dec"
    assert wording.date_long(TUESDAY) == "1 December 2026"
    assert wording.date_short(TUESDAY) == "1 Dec 2026"
    assert wording.date_time(datetime(2026, 12, 1, 9, 5)) == "1 Dec 2026, 09:05"
    assert wording.day_long(date(2026, 11, 24)) == "Tuesday 24 November"


ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd"}
ORDINALS |= {23: "23rd", 101: "101st", 111: "111th"}


@pytest.mark.parametrize(("n", "words"), ORDINALS.items())
def test_ordinals(n, words):
    assert wording.ordinal(n) == words


def test_day_marks():
    assert [wording.day_mark(k) for k in ("done", "rest", "open", "none")] == [
        "done",
        "rest day",
        "still to do",
        "no session",
    ]
