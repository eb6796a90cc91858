"""Retention of canvass data (PIPL: kept no longer than needed): a periodic job purges or
anonymises the visits of canvasses whose `retain_until` has passed.

`retain_until` is set when a canvass closes, from the retention period of its kind
(`canvass.emergency`, `canvass.ordinary`). At its end:
- purge: the visits go (their answers, notes, places and photos — the photo files follow with
  the hourly sweep of unused files); the households' states and the counters stay;
- anonymise: the per-person answers go; the visits (outcome, time) and every count stay.
One audit row per canvass with what was removed. Work is done in batches, and a canvass is
marked `purged_at` in the batch that finishes it, so a second run changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from gridgov.core import audit
from gridgov.workflow.models import Attachment

from .models import Answer, Canvass, RetentionPeriod, Visit

BATCH = 1000


def _action_for(canvass) -> str:
    record = "canvass.emergency" if canvass.is_emergency else "canvass.ordinary"
    period = RetentionPeriod.objects.filter(record=record).first()
    return period.action if period is not None else RetentionPeriod.Action.ANONYMISE


def expired(now=None):
    today = timezone.localdate(now or timezone.now())
    return Canvass.objects.filter(retain_until__lt=today, purged_at__isnull=True).order_by("pk")


def _purge_batch(canvass, counts: dict) -> bool:
    """Delete one batch of the canvass's visits; False when none are left."""
    ids = list(
        Visit.objects.filter(canvass=canvass).order_by("pk").values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return False
    photos = Visit.photos.through.objects.filter(visit_id__in=ids)
    attachment_ids = list(photos.values_list("attachment_id", flat=True))
    counts["answers"] += Answer.objects.filter(visit_id__in=ids).delete()[0]
    photos.delete()
    counts["photos"] += Attachment.objects.filter(pk__in=attachment_ids).delete()[0]
    counts["visits"] += Visit.objects.filter(pk__in=ids).delete()[0]
    return True


def _anonymise_batch(canvass, counts: dict) -> bool:
    """Strip one batch of answers of their person and values; False when none are left."""
    answers = Answer.objects.filter(visit__canvass=canvass, resident__isnull=False)
    ids = list(answers.order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return False
    counts["answers"] += Answer.objects.filter(pk__in=ids).update(resident=None, values={})
    return True


def _finish_anonymising(canvass, counts: dict) -> None:
    visits = Visit.objects.filter(canvass=canvass)
    photos = Visit.photos.through.objects.filter(visit__canvass=canvass)
    attachment_ids = list(photos.values_list("attachment_id", flat=True))
    photos.delete()
    counts["photos"] += Attachment.objects.filter(pk__in=attachment_ids).delete()[0]
    counts["visits"] += visits.update(note="", lon=None, lat=None)


def apply_retention(canvass_pk, *, now=None, actor="worker") -> dict | None:
    """Purge or anonymise one expired canvass, batch by batch; None if it is not (or no longer)
    due. The audit row and the mark are written with the last batch."""
    now = now or timezone.now()
    canvass = expired(now).filter(pk=canvass_pk).first()
    if canvass is None:
        return None
    action = _action_for(canvass)
    counts = {"visits": 0, "answers": 0, "photos": 0}
    step = _purge_batch if action == RetentionPeriod.Action.PURGE else _anonymise_batch
    while True:
        with transaction.atomic():
            if step(canvass, counts):
                continue
            if action == RetentionPeriod.Action.ANONYMISE:
                _finish_anonymising(canvass, counts)
            done = Canvass.objects.filter(pk=canvass.pk, purged_at__isnull=True).update(
                purged_at=now
            )
            if done:
                audit.record(
                    f"households.canvass.{action}",
                    actor=actor,
                    target=canvass,
                    summary=f"{canvass.number}: {counts}",
                    changes={"action": action, **counts},
                )
            return {"action": action, **counts}


def apply_all(*, now=None) -> dict:
    """Every expired canvass; what was done, by canvass number."""
    done = {}
    for pk, number in expired(now).values_list("pk", "number"):
        result = apply_retention(pk, now=now)
        if result is not None:
            done[number] = result
    return done


@task()
def apply_retention_task() -> dict:
    """The periodic job (daily)."""
    return apply_all()
