"""The duty rules as pure functions: which calendar days a shift falls on, whether it is a night
shift, and the policy's defaults and bounds.

Duty is counted in China's local time, Asia/Shanghai (UTC+8 all year, no daylight saving), so
a local day is always 24 hours and the arithmetic below on local clock times is exact. A shift
is at most 24 hours long, so it touches at most two calendar days: the day it starts on and
the next one. Each shift stores its minutes and the part of them after the first midnight, so
that "hours on a day" is a sum in SQL, not a loop in Python.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DUTY_TZ = ZoneInfo("Asia/Shanghai")
# Days are numbered from this one, so that "the day after" is +1 in any database.
EPOCH = dt.date(2000, 1, 1)
MAX_SHIFT = dt.timedelta(hours=24)
MIN_SHIFT = dt.timedelta(minutes=30)
# The night, as labour rules and the filings count it: 22:00 to 06:00.
NIGHT_STARTS, NIGHT_ENDS = dt.time(22), dt.time(6)
# A night shift: one with at least this much of its time in the night (a 16:00–24:00 evening
# shift, two hours of night, is not; a 00:00–08:00 shift, six hours, is).
NIGHT_SHIFT_MINUTES = 180

# The policy a county starts with (its administrators change it): 12 hours a day, 60 in any
# 7 days, at most 7 days on duty in a row, 3 night shifts in a row, 4 in any 7 days.
DEFAULT_POLICY = {
    "max_hours_day": 12,
    "max_hours_week": 60,
    "max_days_in_a_row": 7,
    "max_nights_in_a_row": 3,
    "max_nights_week": 4,
}
# What a policy may say: a limit outside these is a typo, not a decision.
POLICY_BOUNDS = {
    "max_hours_day": (4, 24),
    "max_hours_week": (20, 168),
    "max_days_in_a_row": (1, 30),
    "max_nights_in_a_row": (1, 30),
    "max_nights_week": (1, 7),
}
# Detection looks back at least a week; far enough to see a run one day longer than allowed.
WEEK_DAYS = 7


@dataclass(frozen=True)
class ShiftFigures:
    day: dt.date  # the local day it starts on
    day_number: int  # that day, counted from EPOCH
    minutes: int
    minutes_next_day: int  # of them, those after the first midnight
    night_minutes: int
    night: bool


def local(moment: dt.datetime) -> dt.datetime:
    """An aware moment as a naive Asia/Shanghai clock time (exact: no daylight saving)."""
    return moment.astimezone(DUTY_TZ).replace(tzinfo=None)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=number)


def _overlap(a0, a1, b0, b1) -> dt.timedelta:
    return max(dt.timedelta(0), min(a1, b1) - max(a0, b0))


def night_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Minutes of [start, end) (naive local times) between 22:00 and 06:00."""
    total = dt.timedelta(0)
    day = start.date() - dt.timedelta(days=1)
    while day <= end.date():
        night_begins = dt.datetime.combine(day, NIGHT_STARTS)
        night_ends = dt.datetime.combine(day + dt.timedelta(days=1), NIGHT_ENDS)
        total += _overlap(start, end, night_begins, night_ends)
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)


def figures(starts_at: dt.datetime, ends_at: dt.datetime) -> ShiftFigures:
    """What a shift from `starts_at` to `ends_at` (aware) counts for."""
    start, end = local(starts_at), local(ends_at)
    next_midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
    minutes = int((end - start).total_seconds() // 60)
    after = max(0, int((end - next_midnight).total_seconds() // 60))
    night = night_minutes(start, end)
    return ShiftFigures(
        day=start.date(),
        day_number=day_number(start.date()),
        minutes=minutes,
        minutes_next_day=after,
        night_minutes=night,
        night=night >= NIGHT_SHIFT_MINUTES,
    )


def look_back_days(policy) -> int:
    """How many days detection reads: a week, or one day more than the longest run allowed."""
    return max(WEEK_DAYS, policy.max_days_in_a_row + 1, policy.max_nights_in_a_row + 1)
