"""Frontline care's background work: the shift file import, and the periodic detection of
overwork (which also ends the rests that are over)."""

from django.utils import timezone
from django_tasks import task

from gridgov.core.jobs import job_handler
from gridgov.regions.models import Region

from . import rules
from .actions import end_rests, propose_rest_orders
from .models import Shift
from .shiftfile import import_shift_file

IMPORT_SHIFTS = "care.import_shifts"


@job_handler(IMPORT_SHIFTS)
def import_shifts(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    return import_shift_file(
        data,
        job.upload_name,
        area=Region.objects.get(code=job.params["area"]),
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
    )


def detect_everywhere(*, now=None) -> dict:
    """Every county with shifts in the last days: proposals as of today."""
    now = now or timezone.now()
    today = timezone.localdate(now, rules.DUTY_TZ)
    recent = rules.day_number(today) - rules.WEEK_DAYS
    counties = Region.objects.filter(level="county").defer("boundary").order_by("code")
    proposed = {
        c.code: len(propose_rest_orders(c, today))
        for c in counties
        if Shift.objects.filter(county=c, day_number__gte=recent).exists()
    }
    return {"proposed": sum(proposed.values()), "ended": end_rests(now=now)}


@task()
def detect_overwork() -> dict:
    return detect_everywhere()
