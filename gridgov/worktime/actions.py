"""The write path of the working-day calendar. The import command and the demo call it."""

from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import InvalidInput, NotPermitted

from . import calendar
from .holidays import MAX_NAME_LENGTH, DayRow, check_rows, read_calendar_csv
from .models import CalendarDay

MAX_SOURCE_LENGTH = 200


@dataclass(frozen=True)
class CalendarSummary:
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@transaction.atomic
def do_set_calendar_days(rows: list[DayRow], *, actor, source: str = "") -> CalendarSummary:
    """Create or update one exception day per row, keyed by date. Running it twice changes
    nothing; days not in `rows` are left as they are. All rows are checked before any write."""
    if isinstance(actor, models.Model) and not actor.is_superuser:
        # The calendar moves every deadline on the platform: the platform's operators only.
        raise NotPermitted()
    rows = list(rows)
    problems = check_rows(rows)
    if problems:
        raise InvalidInput(
            _("The calendar days have errors; nothing was changed."), details=problems
        )
    source = source[:MAX_SOURCE_LENGTH]
    existing = {d.date: d for d in CalendarDay.objects.filter(date__in=[r.date for r in rows])}
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        day = existing.get(row.date)
        name = row.name[:MAX_NAME_LENGTH]
        if day is None:
            new.append(
                CalendarDay(
                    date=row.date,
                    is_working_day=row.is_working_day,
                    name=name,
                    source=source,
                    updated_at=now,
                )
            )
        elif (day.is_working_day, day.name, day.source) != (row.is_working_day, name, source):
            day.is_working_day, day.name, day.source, day.updated_at = (
                row.is_working_day,
                name,
                source,
                now,
            )
            changed.append(day)
    CalendarDay.objects.bulk_create(new, batch_size=1000)
    CalendarDay.objects.bulk_update(
        changed, ["is_working_day", "name", "source", "updated_at"], batch_size=1000
    )
    summary = CalendarSummary(
        created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed)
    )
    audit.record(
        "worktime.set_calendar_days",
        actor=actor,
        summary=f"calendar days: {summary.created} created, {summary.updated} updated",
        changes={
            **summary.as_dict(),
            "source": source,
            "dates": sorted(d.date.isoformat() for d in [*new, *changed]),
        },
    )
    # This process sees the change at once (inside the transaction too), others at their next
    # stamp check; clear again after commit in case a read in between cached the old state.
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
    return summary


def import_holiday_file(path: str | Path, *, actor, source: str | None = None) -> CalendarSummary:
    """Read a holiday CSV and store it; the source defaults to the file's name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc}
        ) from None
    rows = read_calendar_csv(text)
    return do_set_calendar_days(rows, actor=actor, source=path.name if source is None else source)
