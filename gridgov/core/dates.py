"""Date ranges as people type them: from 2026-01-01 to 2026-12-31, both days included."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .errors import InvalidInput


def parse_day(value: str | None, name: str):
    """A YYYY-MM-DD value as a date, None when empty; InvalidInput naming `name` otherwise."""
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(_("%(name)s is not a date (YYYY-MM-DD).") % {"name": name})
    return day


def date_range(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    """Aware datetimes [start of the first day, start of the day after the last), in local time."""
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first and last and last < first:
        raise InvalidInput(_("The range ends before it starts."))
    tz = timezone.get_current_timezone()
    begin = datetime.combine(first, time.min, tzinfo=tz) if first else None
    finish = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz) if last else None
    return begin, finish


def required_day(value: str | None, name: str):
    """A date a form or request must give (YYYY-MM-DD), or InvalidInput naming the field."""
    day = parse_day(value, name)
    if day is None:
        raise InvalidInput(
            _("%(name)s is not a date (YYYY-MM-DD).") % {"name": name},
            details=[{"field": name, "message": _("A date is required.")}],
        )
    return day


def end_of_day(day) -> datetime:
    """A deadline that falls on `day`: 23:59 local time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))
