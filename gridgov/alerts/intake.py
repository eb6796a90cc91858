"""Signals the platform makes itself: complaints drawn from events, and expiring filings.

Both go through the same checked insert as the intake API, idempotent by (source, id): running
either job twice, or after a crash, adds nothing twice.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from gridgov.core import audit
from gridgov.events.choices import EventSource
from gridgov.events.models import Event

from . import actions
from .choices import SourceKind
from .models import SignalSource

BATCH = 5000
# Events reported this recently are left for the next run: on PostgreSQL a row with a lower id
# may still be committing, and the cursor must not pass it by.
SETTLE = timedelta(seconds=10)
EXPIRY_DAYS = 7
EXPIRY_KIND = "filing_expiry"


def _categories(codes) -> Q:
    q = Q(pk__in=[])
    exact = [c for c in codes if not c.endswith("*")]
    if exact:
        q |= Q(category__code__in=exact) | Q(category__parent__code__in=exact)
    for code in codes:
        if code.endswith("*"):
            q |= Q(category__code__startswith=code[:-1])
    return q


def ingest_complaint_events(now=None) -> dict:
    """For each active complaint source, the events after its cursor — of its categories,
    reported since the source was set up, not raised by warnings themselves — become signals
    whose kind is the category's code."""
    now = now or timezone.now()
    total = 0
    for source in SignalSource.objects.filter(kind=SourceKind.COMPLAINT, is_active=True):
        with transaction.atomic():
            cursor = actions.lock(f"complaints:{source.code}")
            settled = Event.objects.filter(reported_at__lt=now - SETTLE, pk__gt=cursor.position)
            upper = settled.aggregate(last=Max("pk"))["last"]
            if upper is None:
                continue
            upper = min(upper, cursor.position + BATCH * 4)
            events = (
                Event.objects.filter(pk__gt=cursor.position, pk__lte=upper)
                .filter(_categories(source.event_categories))
                # Not the history from before the source existed: old complaints would raise
                # warnings about what was settled long ago.
                .filter(reported_at__gte=source.created_at)
                .exclude(source=EventSource.WARNING)
                .order_by("pk")
                .values_list("pk", "number", "category__code", "lon", "lat", "reported_at")
            )
            rows = [
                {
                    "source_id": source.pk, "external_id": number, "kind": code, "value": 1.0,
                    "unit": "", "observed_at": at, "lon": lon, "lat": lat, "device": "",
                    "target_id": None, "payload": {"event": number},
                }
                for _pk, number, code, lon, lat, at in events
            ]  # fmt: skip
            added = _insert(rows, now)
            cursor.position = upper
            cursor.save(update_fields=["position", "updated_at"])
            if added:
                audit.record(
                    "alerts.ingest_complaints", actor=actions.ACTOR,
                    summary=f"{source.code}: {added} signals", changes={"signals": added},
                )  # fmt: skip
            total += added
    return {"signals": total}


def ingest_expiring_filings(now=None, within_days: int = EXPIRY_DAYS) -> dict:
    """Approved filings whose last night is within `within_days`: one signal per filing and
    day left (value = days left), so a rule "expires within 3 days" sees the day it does."""
    try:
        from gridgov.filings.selectors import expiring
    except ImportError:
        return {"signals": 0}
    now = now or timezone.now()
    source = SignalSource.objects.filter(kind=SourceKind.EXPIRY, is_active=True).first()
    if source is None:
        return {"signals": 0}
    today = timezone.localdate(now)
    rows = []
    for filing in expiring(within_days, now):
        left = (filing.last_night - today).days
        rows.append(
            {
                "source_id": source.pk, "external_id": f"{filing.number}:{left}",
                "kind": source.metric or EXPIRY_KIND, "value": float(left),
                "unit": source.unit, "observed_at": now, "lon": filing.site.lon,
                "lat": filing.site.lat, "device": "", "target_id": filing.site_id,
                "payload": {"filing": filing.number, "last_night": filing.last_night.isoformat()},
            }
        )  # fmt: skip
    with transaction.atomic():
        added = _insert(rows, now)
        if added:
            audit.record(
                "alerts.ingest_expiring_filings", actor=actions.ACTOR,
                summary=f"{added} signals", changes={"signals": added},
            )  # fmt: skip
    return {"signals": added}


def _insert(rows, now) -> int:
    if not rows:
        return 0
    actions.lock(actions.INTAKE_LOCK)
    return actions.insert_signals(rows, now)
