"""Date ranges as people type them: from 2026-01-01 to 2026-12-31, both days included."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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


# --- Periods a figure covers --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included, as a URL carries it (`period=`):
    `2026-11` (a month), `2026-W48` (an ISO week), `2026-11-07` (a day), `2026` (a year) or
    `2026-11-01..2026-11-30` (any range). `str(period)` gives the same text back."""

    first: date
    last: date
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes [start of the first day, start of the day after the last)."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.first, time.min, tzinfo=tz),
            datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz),
        )

    def previous(self) -> "Period":
        """The period of the same shape just before this one (last month, last week…)."""
        if _MONTH.fullmatch(self.text):
            return Period.month(self.first - timedelta(days=1))
        if _WEEK.fullmatch(self.text):
            return Period.week(self.first - timedelta(days=7))
        if _YEAR.fullmatch(self.text):
            return Period.parse(str(self.first.year - 1))
        return Period.between(
            self.first - timedelta(days=self.days), self.first - timedelta(days=1)
        )

    @classmethod
    def month(cls, day: date) -> "Period":
        first = day.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        return cls(first, after - timedelta(days=1), first.strftime("%Y-%m"))

    @classmethod
    def week(cls, day: date) -> "Period":
        first = day - timedelta(days=day.weekday())
        year, week, _weekday = first.isocalendar()
        return cls(first, first + timedelta(days=6), f"{year}-W{week:02d}")

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day, day.isoformat())

    @classmethod
    def between(cls, first: date, last: date) -> "Period":
        if last < first:
            raise InvalidInput(_("The range ends before it starts."))
        if first == last:
            return cls.day(first)
        return cls(first, last, f"{first.isoformat()}..{last.isoformat()}")

    @classmethod
    def parse(cls, text: str | None, default: "Period | None" = None) -> "Period":
        """The period a URL names; `default` (this month when None) when it names none;
        InvalidInput when it names one badly."""
        text = (text or "").strip()
        if not text:
            return default or cls.month(timezone.localdate())
        try:
            if _MONTH.fullmatch(text):
                return cls.month(date(int(text[:4]), int(text[5:7]), 1))
            if _WEEK.fullmatch(text):
                return cls.week(date.fromisocalendar(int(text[:4]), int(text[6:8]), 1))
            if _YEAR.fullmatch(text):
                year = int(text)
                return cls(date(year, 1, 1), date(year, 12, 31), text)
            if ".." in text:
                start, end = text.split("..", 1)
                return cls.between(required_day(start, "period"), required_day(end, "period"))
            return cls.day(required_day(text, "period"))
        except ValueError:
            pass
        raise InvalidInput(
            _(
                "period is not a period: give 2026-11, 2026-W48, 2026-11-07, 2026 or "
                "2026-11-01..2026-11-30."
            ),
            details=[{"field": "period", "message": _("Not a period.")}],
        )


_MONTH = re.compile(r"\d{4}-\d{2}")
_WEEK = re.compile(r"\d{4}-W\d{2}")
_YEAR = re.compile(r"\d{4}")
