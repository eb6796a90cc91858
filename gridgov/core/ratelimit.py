"""Rate limits: a fixed window per bucket, counted in the database.

`allow("open311:ip:1.2.3.4", limit=30, seconds=3600)` counts one request and says whether it is
within the limit. The database keeps the count, so two web processes share it; one statement per
request (an insert when a window opens).
"""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import RateCounter


def allow(bucket: str, *, limit: int, seconds: int, now=None) -> bool:
    now = now or timezone.now()
    epoch = int(now.timestamp()) // seconds * seconds
    window = now - timedelta(seconds=now.timestamp() - epoch)
    bucket = bucket[:150]
    count = _count_one(bucket, window)
    if count is None:
        try:
            with transaction.atomic():
                RateCounter.objects.create(bucket=bucket, window_start=window, count=1)
            count = 1
        except IntegrityError:  # another process opened the window first
            count = _count_one(bucket, window)
    return count <= limit


def _count_one(bucket: str, window) -> int | None:
    """Add one to the window's count and read it back in one statement (UPDATE … RETURNING,
    PostgreSQL and SQLite since 3.35): the API's writes pass here, each one a query less.
    None when the window has no counter yet."""
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + 1 "  # noqa: S608 - the model's own table
            "WHERE bucket = %s AND window_start = %s RETURNING count",
            [bucket, connection.ops.adapt_datetimefield_value(window)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def seconds_left(seconds: int, now=None) -> int:
    """How long until the current window of `seconds` ends: a 429's Retry-After."""
    now = now or timezone.now()
    return max(1, seconds - int(now.timestamp()) % seconds)


def purge_rate_counters(*, older_than_hours: int = 48) -> int:
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    return RateCounter.objects.filter(window_start__lt=cutoff).delete()[0]
