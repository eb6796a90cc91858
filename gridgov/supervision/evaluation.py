"""Supervision's rate for the monthly evaluation (`gridgov.core.registry.IndicatorSource`):
findings rectified on time (问题按期整改率) — of the findings found in the month and assigned
with a deadline, those rectified on or before it (a Beijing-time day) — for towns (or any one
region level) or for the department they were assigned to. One aggregate query, grouped by
unit; a dismissed finding is not counted."""

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import IndicatorSource
from gridgov.regions.models import Region

from .choices import FindingStatus
from .models import Finding

KEY = "supervision.rectified_on_time"


def _unit_column(units, unit_kind: str) -> str:
    if unit_kind == "department":
        return "department"
    levels = set(Region.objects.filter(pk__in=units).values_list("level", flat=True))
    if len(levels) > 1:
        raise ValueError("Regions of one level are measured together.")
    return levels.pop() if levels else "town"


def measure(period, units, unit_kind: str = "region") -> dict:
    """{unit id: (rectified on time, assigned with a deadline)} for the month's findings."""
    units = list(units)
    if not units:
        return {}
    column = _unit_column(units, unit_kind)
    start, end = period.bounds()
    on_time = Q(rectified_at__isnull=False) & Q(
        rectified_day__lte=F("deadline"),
    )
    rows = (
        Finding.objects.filter(**{f"{column}__in": units}, found_at__gte=start, found_at__lt=end)
        .exclude(status=FindingStatus.DISMISSED)
        .filter(deadline__isnull=False)
        .annotate(rectified_day=TruncDate("rectified_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values(column)
        .annotate(n=Count("pk", filter=on_time), d=Count("pk"))
    )
    return {row[column]: (row["n"], row["d"]) for row in rows}


SOURCE = IndicatorSource(KEY, _("findings rectified on time"), ("region", "department"), measure)
