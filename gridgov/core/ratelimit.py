"""Rate limits: a fixed window per bucket, counted in the database.

`allow("open311:ip:1.2.3.4", limit=30, seconds=3600)` counts one request and says whether it is
within the limit. The database keeps the count, so two web processes share it; one statement per
request (an insert when a window opens).

A generous limit (the API's 300 writes a minute per user) need not be counted exactly: with
`batch=N` a process adds its requests to the shared count N at a time, and counts exactly again
once the total nears the limit. On SQLite that spares most writes a second write transaction
(a measurable share of an event report); the count can lag by fewer than N per process.
"""

import threading
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import RateCounter


def allow(bucket: str, *, limit: int, seconds: int, batch: int = 1, now=None) -> bool:
    now = now or timezone.now()
    epoch = int(now.timestamp()) // seconds * seconds
    window = now - timedelta(seconds=now.timestamp() - epoch)
    bucket = bucket[:150]
    if batch <= 1:
        return _count(bucket, window, 1) <= limit
    return _BATCHES.allow(bucket, window, limit, batch)


def _count(bucket: str, window, added: int) -> int:
    """Add to the window's shared count and return it."""
    count = _add(bucket, window, added)
    if count is None:
        try:
            with transaction.atomic():
                RateCounter.objects.create(bucket=bucket, window_start=window, count=added)
            count = added
        except IntegrityError:  # another process opened the window first
            count = _add(bucket, window, added)
    return count


def _add(bucket: str, window, added: int) -> int | None:
    """Add to the window's count and read it back in one statement (UPDATE … RETURNING,
    PostgreSQL and SQLite since 3.35). None when the window has no counter yet."""
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + %s "  # noqa: S608 - the model's own table
            "WHERE bucket = %s AND window_start = %s RETURNING count",
            [added, bucket, connection.ops.adapt_datetimefield_value(window)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


class _Batches:
    """This process's requests not yet added to the shared counts, per bucket and window."""

    def __init__(self):
        self._lock = threading.Lock()
        self._window = None
        self._seen: dict[str, int] = {}  # the shared count when last added to
        self._pending: dict[str, int] = {}

    def allow(self, bucket: str, window, limit: int, batch: int) -> bool:
        with self._lock:
            if window != self._window:  # a new window: what was pending belongs to the old one
                self._window, self._seen, self._pending = window, {}, {}
            pending = self._pending.get(bucket, 0) + 1
            seen = self._seen.get(bucket, 0)
            if pending < batch and seen + pending < limit - batch:
                self._pending[bucket] = pending
                return True
            seen = _count(bucket, window, pending)
            self._seen[bucket], self._pending[bucket] = seen, 0
            return seen <= limit


_BATCHES = _Batches()


def seconds_left(seconds: int, now=None) -> int:
    """How long until the current window of `seconds` ends: a 429's Retry-After."""
    now = now or timezone.now()
    return max(1, seconds - int(now.timestamp()) % seconds)


def purge_rate_counters(*, older_than_hours: int = 48) -> int:
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    return RateCounter.objects.filter(window_start__lt=cutoff).delete()[0]
