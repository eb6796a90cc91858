"""Rate limits: a fixed window per bucket, counted in the database.

`allow("open311:ip:1.2.3.4", limit=30, seconds=3600)` counts one request and says whether it is
within the limit. The database keeps the count, so two web processes share it; one upsert per
request, which public endpoints can afford.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter


def allow(bucket: str, *, limit: int, seconds: int, now=None) -> bool:
    now = now or timezone.now()
    epoch = int(now.timestamp()) // seconds * seconds
    window = now - timedelta(seconds=now.timestamp() - epoch)
    counter = RateCounter.objects.filter(bucket=bucket[:150], window_start=window)
    if not counter.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCounter.objects.create(bucket=bucket[:150], window_start=window, count=1)
        except IntegrityError:  # another process opened the window first
            counter.update(count=F("count") + 1)
    return counter.values_list("count", flat=True).first() <= limit


def seconds_left(seconds: int, now=None) -> int:
    """How long until the current window of `seconds` ends: a 429's Retry-After."""
    now = now or timezone.now()
    return max(1, seconds - int(now.timestamp()) % seconds)


def purge_rate_counters(*, older_than_hours: int = 48) -> int:
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    return RateCounter.objects.filter(window_start__lt=cutoff).delete()[0]
