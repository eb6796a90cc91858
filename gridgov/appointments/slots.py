"""A resource's slots on a day, from its weekly hours and that day's exception: pure functions
over rows already read, so the public page, the API and the booking check agree."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Opening:
    opens: dt.time
    closes: dt.time


def openings_on(day: dt.date, weekly, exceptions) -> list[Opening]:
    """The periods a resource is open on `day`: its weekday's hours plus any extra hours, none
    at all on a closed day. `weekly` and `exceptions` are its WeeklyHours and HoursException
    rows (any days; the day's are picked here)."""
    todays = [e for e in exceptions if e.day == day]
    if any(e.closed for e in todays):
        return []
    periods = [Opening(h.opens, h.closes) for h in weekly if h.weekday == day.weekday()]
    periods += [Opening(e.opens, e.closes) for e in todays if e.opens and e.closes]
    return sorted(set(periods), key=lambda p: p.opens)


def slots_on(day: dt.date, weekly, exceptions, minutes: int) -> list[dt.datetime]:
    """The starts of the day's slots, aware, in the local time zone: each period cut into whole
    slots from its opening."""
    tz = timezone.get_current_timezone()
    length = dt.timedelta(minutes=minutes)
    starts = set()
    for period in openings_on(day, weekly, exceptions):
        at = dt.datetime.combine(day, period.opens, tzinfo=tz)
        end = dt.datetime.combine(day, period.closes, tzinfo=tz)
        while at + length <= end:
            starts.add(at)
            at += length
    return sorted(starts)
