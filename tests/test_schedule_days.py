"""The user's local day: time zone, day-start hour, daylight saving, week starts."""

from datetime import UTC, date, datetime

import pytest

from model.rules.schedule import local_day, week_start_of

UTC = UTC


@pytest.mark.parametrize(
    ("moment", "zone", "start", "expected"),
    [
        (datetime(2026, 11, 24, 12, 0, tzinfo=UTC), "UTC", 3, date(2026, 11, 24)),
        # 01:30 local with a 03:00 day start still belongs to yesterday.
        (datetime(2026, 11, 24, 0, 30, tzinfo=UTC), "Europe/Paris", 3, date(2026, 11, 23)),
        (datetime(2026, 11, 24, 2, 30, tzinfo=UTC), "Europe/Paris", 3, date(2026, 11, 24)),
        (datetime(2026, 11, 24, 0, 30, tzinfo=UTC), "Europe/Paris", 0, date(2026, 11, 24)),
        # West of UTC: 03:00 UTC is the previous evening in New York.
        (datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "America/New_York", 0, date(2026, 11, 23)),
        (datetime(2026, 11, 24, 15, 0, tzinfo=UTC), "Pacific/Auckland", 3, date(2026, 11, 25)),
        (datetime(2026, 11, 24, 11, 0, tzinfo=UTC), "Pacific/Auckland", 3, date(2026, 11, 24)),
    ],
)
def test_local_day_follows_zone_and_day_start(moment, zone, start, expected):
    assert local_day(moment, zone, start) == expected


def test_spring_forward_night_keeps_the_day():
    # Europe/Paris jumps from 02:00 to 03:00 on 2026-03-29; 02:30 UTC is 04:30 local, the new day.
    assert local_day(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Paris", 3) == date(2026, 3, 28)
    assert local_day(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Paris", 3) == date(2026, 3, 29)


def test_fall_back_night_keeps_the_day():
    # On 2026-10-25 Paris repeats 02:00-03:00; both 02:30s are still the previous day.
    assert local_day(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/Paris", 3) == date(2026, 10, 24)
    assert local_day(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Paris", 3) == date(2026, 10, 24)
    assert local_day(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), "Europe/Paris", 3) == date(2026, 10, 25)


@pytest.mark.parametrize(
    ("week_start", "expected"), [(0, date(2026, 11, 23)), (6, date(2026, 11, 22)), (1, date(2026, 11, 24))]
)
def test_week_start_of(week_start, expected):
    assert week_start_of(date(2026, 11, 24), week_start) == expected  # a Tuesday
