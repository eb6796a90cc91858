"""The working-day calendar that event deadlines run on.

Working time is the window settings.GRIDGOV_WORKDAY_START–GRIDGOV_WORKDAY_END (local time,
settings.TIME_ZONE) of each working day. A working day is Monday to Friday, unless a
`CalendarDay` row says otherwise: a public holiday on a weekday, or a weekend day worked in
exchange (调休).

Deadlines are computed on every event report, so the exception days are loaded once per process
and kept in memory. Writes clear the copy of the process that makes them; every process also
compares a cheap stamp (row count, last change) at most every REFRESH_SECONDS and reloads when
it differs, so an import in one process reaches the others within seconds.

The arithmetic walks day by day (a dictionary look-up per day), never minute by minute: thirty
working days is some forty steps.
"""

import math
import time as clock
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max

ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
REFRESH_SECONDS = 5.0


class WorkCalendar:
    """Working-time arithmetic over a fixed set of exception days; no database access."""

    __slots__ = ("closes", "exceptions", "opens", "tz")

    def __init__(self, exceptions: Mapping[date, bool], *, opens: time, closes: time, tz: tzinfo):
        if not opens < closes:
            raise ValueError("The working day must close after it opens.")
        self.exceptions = dict(exceptions)
        self.opens, self.closes, self.tz = opens, closes, tz

    # --- Days -----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        special = self.exceptions.get(day)
        return day.weekday() < 5 if special is None else special

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    # --- Hours ----------------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time have elapsed after `start` (aware, local time).

        Counting starts at `start` if that is working time, otherwise when the next working
        window opens; hours=0 gives that first working moment. A limit that runs out exactly at
        closing time ends at closing time, not at the next opening.
        """
        hours = float(hours)
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, not {hours!r}")
        remaining = timedelta(hours=hours)
        cursor = self._first_working_moment(self._local(start))
        day = cursor.date()
        while True:
            available = datetime.combine(day, self.closes) - cursor
            if remaining <= available:
                return (cursor + remaining).replace(tzinfo=self.tz)
            remaining -= available
            day = self.next_working_day(day)
            cursor = datetime.combine(day, self.opens)

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Hours of working time from `a` to `b`; 0 when `b` is not after `a`."""
        a_local, b_local = self._local(a), self._local(b)
        if b_local <= a_local:
            return 0.0
        total = timedelta()
        day, last = a_local.date(), b_local.date()
        while day <= last:
            if self.is_working_day(day):
                low = max(a_local, datetime.combine(day, self.opens))
                high = min(b_local, datetime.combine(day, self.closes))
                if high > low:
                    total += high - low
            day += ONE_DAY
        return total / ONE_HOUR

    def warning_time(self, start: datetime, deadline: datetime, fraction: float = 0.8) -> datetime:
        """When `fraction` of the working time from `start` to `deadline` has run: the moment
        an item turns yellow before it turns red."""
        if not 0 <= fraction <= 1:
            raise ValueError(f"fraction must lie between 0 and 1, not {fraction!r}")
        return self.add_working_hours(start, self.working_hours_between(start, deadline) * fraction)

    # --- Helpers --------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        """Naive local wall-clock time (the working window is defined on the wall clock)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Working-time arithmetic needs timezone-aware datetimes.")
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _first_working_moment(self, local: datetime) -> datetime:
        day = local.date()
        if self.is_working_day(day):
            opens = datetime.combine(day, self.opens)
            if local < opens:
                return opens
            if local < datetime.combine(day, self.closes):
                return local
        return datetime.combine(self.next_working_day(day), self.opens)


# --- The process-wide calendar --------------------------------------------------------------

# (calendar, window it was built for, table stamp, monotonic time of the last stamp check)
_cached: tuple | None = None


def clear_cache() -> None:
    """Forget the loaded calendar; the next call reloads it. Called by every write."""
    global _cached
    _cached = None


def _window() -> tuple:
    return (settings.GRIDGOV_WORKDAY_START, settings.GRIDGOV_WORKDAY_END, settings.TIME_ZONE)


def _stamp() -> tuple:
    from .models import CalendarDay

    found = CalendarDay.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return found["count"], found["last"]


def current_calendar() -> WorkCalendar:
    """The calendar as stored, reloaded when the table or the working-hours settings change."""
    global _cached
    from .models import CalendarDay

    now, window, cached = clock.monotonic(), _window(), _cached
    if cached is not None and cached[1] == window and now - cached[3] < REFRESH_SECONDS:
        return cached[0]
    stamp = _stamp()  # before the rows: a write in between only makes the next check reload
    if cached is not None and cached[1] == window and cached[2] == stamp:
        calendar = cached[0]
    else:
        opens, closes, zone = window
        calendar = WorkCalendar(
            dict(CalendarDay.objects.values_list("date", "is_working_day")),
            opens=opens,
            closes=closes,
            tz=ZoneInfo(zone),
        )
    _cached = (calendar, window, stamp, now)
    return calendar


def is_working_day(d: date) -> bool:
    """Monday to Friday unless a holiday row says otherwise; Saturday and Sunday only when a
    make-up working day (调休) row says so."""
    return current_calendar().is_working_day(d)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The aware moment `hours` of working time have elapsed after the aware `start`."""
    return current_calendar().add_working_hours(start, hours)


def working_hours_between(a: datetime, b: datetime) -> float:
    """Hours of working time from `a` to `b` (the inverse of add_working_hours); 0 if b <= a."""
    return current_calendar().working_hours_between(a, b)


def warning_time(start: datetime, deadline: datetime, fraction: float = 0.8) -> datetime:
    """The "yellow" moment: when `fraction` of the working time to `deadline` has run."""
    return current_calendar().warning_time(start, deadline, fraction)
