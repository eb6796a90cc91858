"""The duty rules' edge cases: the limits themselves, shifts across midnight, what a night
shift is, and Beijing time all year."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gridgov.care import rules
from tests.care.conftest import at

DAY = dt.date(2026, 3, 10)


def test_a_shift_across_midnight_counts_its_hours_on_both_days():
    f = rules.figures(at(DAY, 20), at(DAY, 28))  # 20:00 to 04:00
    assert (f.day, f.minutes, f.minutes_next_day) == (DAY, 480, 240)


def test_a_shift_ending_exactly_at_midnight_stays_on_its_day():
    f = rules.figures(at(DAY, 16), at(DAY, 24))
    assert (f.minutes, f.minutes_next_day) == (480, 0)


@pytest.mark.parametrize(
    ("start", "end", "night"),
    [
        (0, 8, True),  # six hours of night
        (16, 24, False),  # two hours of night (22:00–24:00)
        (8, 16, False),
        (22, 30, True),  # 22:00–06:00
        (19, 22, False),  # ends as the night begins
        (21, 24, False),  # exactly two hours of night
        (21, 25, True),  # exactly three hours of night: the threshold counts
        (3, 11, True),  # 03:00–06:00: three hours
    ],
)
def test_a_night_shift_has_at_least_three_hours_between_22_and_6(start, end, night):
    assert rules.figures(at(DAY, start), at(DAY, end)).night is night


def test_moments_given_in_another_zone_are_counted_in_beijing_time():
    utc = dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)  # 00:00 on 10 March in Beijing
    f = rules.figures(utc, utc + dt.timedelta(hours=8))
    assert f.day == DAY and f.night and f.minutes_next_day == 0


@pytest.mark.parametrize("day", [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 3, 8)])
def test_beijing_has_no_daylight_saving_so_every_night_is_eight_hours(day):
    # Europe and America change their clocks on these days; Beijing does not.
    f = rules.figures(at(day, 22), at(day, 30))
    assert f.minutes == 480 and f.night_minutes == 480
    assert ZoneInfo("Asia/Shanghai").utcoffset(dt.datetime.combine(day, dt.time())) == dt.timedelta(
        hours=8
    )


def test_detection_looks_back_a_week_or_one_day_past_the_longest_run_allowed():
    class Policy:
        max_days_in_a_row, max_nights_in_a_row = 10, 3

    assert rules.look_back_days(Policy) == 11
    Policy.max_days_in_a_row = 5
    assert rules.look_back_days(Policy) == 7
