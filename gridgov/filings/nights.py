"""Nights and nightly hours, as a filing states them.

A filing names its nights by the evening they begin on: "the nights of 3 to 5 June, 22:00–06:00"
allows work from 22:00 on the 3rd to 06:00 on the 6th, every night in between. When the hours
end earlier in the day than they start they cross midnight and the last night's hours run into
the next morning. Hours are half-open: work at 06:00 sharp is outside 22:00–06:00.

The legal night (噪声污染防治法: 22:00 to 06:00 the next day) is what needs a filing; hours that
stay out of it do not.
"""

import datetime as dt

from django.utils import timezone

DAY = 24 * 3600
NIGHT_BEGINS = dt.time(22, 0)
NIGHT_ENDS = dt.time(6, 0)


def seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def crosses_midnight(start: dt.time, end: dt.time) -> bool:
    return end <= start


def length_seconds(start: dt.time, end: dt.time) -> int:
    return (seconds(end) - seconds(start)) % DAY


def window(day: dt.date, start: dt.time, end: dt.time, tz=None) -> tuple[dt.datetime, dt.datetime]:
    """The aware [begin, end) of the hours of the night that begins on `day`."""
    tz = tz or timezone.get_current_timezone()
    begin = dt.datetime.combine(day, start, tzinfo=tz)
    end_day = day + dt.timedelta(days=1) if crosses_midnight(start, end) else day
    return begin, dt.datetime.combine(end_day, end, tzinfo=tz)


def covers(first: dt.date, last: dt.date, start: dt.time, end: dt.time, moment) -> bool:
    """Whether the hours of one of the nights first…last contain `moment` (aware).

    The reference rule; the database query and the in-memory index say the same thing."""
    local = timezone.localtime(moment)
    day, at = local.date(), local.time().replace(tzinfo=None)
    if not crosses_midnight(start, end):
        return first <= day <= last and start <= at < end
    if at >= start:
        return first <= day <= last
    yesterday = day - dt.timedelta(days=1)
    return at < end and first <= yesterday <= last


def overlaps_legal_night(start: dt.time, end: dt.time) -> bool:
    """Whether the hours include any of 22:00–06:00, the time that needs a filing."""
    a, n = seconds(start), length_seconds(start, end)
    night_a, night_n = seconds(NIGHT_BEGINS), length_seconds(NIGHT_BEGINS, NIGHT_ENDS)
    # Two arcs on a 24-hour circle overlap when either begins inside the other.
    return (a - night_a) % DAY < night_n or (night_a - a) % DAY < n


def night_count(first: dt.date, last: dt.date) -> int:
    return (last - first).days + 1
