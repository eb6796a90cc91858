"""Numbers people read out on the phone: a prefix, the day, and the day's sequence —
SJ20261128000042 for an event, JC20261202000007 for an inspection.

The day's counter row is bumped inside the caller's transaction, so it stays locked until the
item that draws the number commits (or rolls back with it): numbers are never given twice.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import DailyCounter


def next_number(prefix: str, model, now=None, *, field: str = "number") -> str:
    """The next number of `prefix` for the day of `now`; `model.<field>` holds the numbers
    already given (read only when the day has no counter yet)."""
    day = timezone.localdate(now or timezone.now())
    last = _bump(prefix, day)
    if last is None:
        # The day's first number, or a counter lost in a restore: go on after the day's highest
        # number in use rather than collide with it.
        stem = f"{prefix}{day:%Y%m%d}"
        highest = (
            model._default_manager.filter(**{f"{field}__startswith": stem})
            .order_by(f"-{field}")
            .values_list(field, flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                DailyCounter.objects.create(
                    prefix=prefix, day=day, last=int(highest[len(stem) :]) if highest else 0
                )
        except IntegrityError:  # another request created the day's row first
            pass
        last = _bump(prefix, day)
    return f"{prefix}{day:%Y%m%d}{last:06d}"


def _bump(prefix: str, day) -> int | None:
    """The day's next sequence, or None when the day has no counter yet. One statement:
    UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35) both counts and reads."""
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND day = %s "  # noqa: S608
            "RETURNING last",
            [prefix, day.isoformat()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def set_counters(prefix: str, lasts: dict) -> None:
    """Set the counters of the days given ({day: last}), for bulk loads that number their
    items themselves."""
    for day, last in lasts.items():
        DailyCounter.objects.update_or_create(prefix=prefix, day=day, defaults={"last": last})
