"""The closed loop's rates after GB/T 30428.4 (绩效评价), as indicator sources for the monthly
evaluation (`gridgov.core.registry.IndicatorSource`).

Each rate counts the events reported in the month (a report merged as a duplicate is not
counted: the event it joined is), for towns (or any one region level: the event's column of
that level) or for handling units (the lead unit). One aggregate query a rate: the events of
the units and month found through the (level, reported_at) index, grouped by unit, numerator
and denominator counted with filters. Never one query per unit.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import IndicatorSource
from gridgov.regions.models import Region

from .choices import EventStatus
from .models import Event

S = EventStatus
REGION, DEPARTMENT = "region", "department"
REACHED_CHECK = Q(status__in=(S.HANDLED, S.VERIFIED, S.CLOSED)) | Q(rework_count__gt=0)
NOT_YET_ACCEPTED = Q(status=S.REPORTED, escalation_count=0)

# key: (label, numerator, denominator, GB/T 30428.4's name)
RATES = {
    # 及时受理率: taken in (accepted or rejected) by the centre it came to, without being
    # escalated past it, of every report that was decided or ran out of time.
    "events.accepted_in_time": (
        _("accepted in time"),
        ~Q(status=S.REPORTED) & Q(escalation_count=0),
        ~NOT_YET_ACCEPTED,
    ),
    # 按期处置率: closed with every step inside its limit, of all closed.
    "events.handled_on_time": (
        _("handled by the deadline"),
        Q(status=S.CLOSED, late=False),
        Q(status=S.CLOSED),
    ),
    # 结案率: closed, of everything accepted into the loop (a rejected report is not work).
    "events.closed": (
        _("closed"),
        Q(status=S.CLOSED),
        ~Q(status=S.REJECTED),
    ),
    # 返工率: sent back by the checker at least once, of all that reached the check.
    "events.rework": (
        _("rework (returned after handling)"),
        Q(rework_count__gt=0),
        REACHED_CHECK,
    ),
    # 按时核查率: verified without running late, of all verified.
    "events.verified_on_time": (
        _("verified on time"),
        Q(verified_at__isnull=False, late=False) | Q(status=S.CLOSED, late=False),
        Q(verified_at__isnull=False) | Q(status=S.CLOSED),
    ),
}


def _unit_column(units, unit_kind: str) -> str:
    if unit_kind == DEPARTMENT:
        return "lead_unit"
    levels = set(Region.objects.filter(pk__in=units).values_list("level", flat=True))
    if len(levels) > 1:
        raise ValueError("Regions of one level are measured together.")
    return levels.pop() if levels else "town"


def measure_rate(key: str, period, units, unit_kind: str = REGION) -> dict:
    """{unit id: (numerator, denominator)} of one rate for the month, in one query."""
    units = list(units)
    if not units:
        return {}
    _label, numerator, denominator = RATES[key]
    column = _unit_column(units, unit_kind)
    start, end = period.bounds()
    rows = (
        Event.objects.filter(
            **{f"{column}__in": units}, reported_at__gte=start, reported_at__lt=end
        )
        .exclude(status=S.MERGED)
        .order_by()
        .values(column)
        .annotate(n=Count("pk", filter=numerator), d=Count("pk", filter=denominator))
    )
    return {row[column]: (row["n"], row["d"]) for row in rows}


def _measure(key: str):
    def measure(period, units, unit_kind: str = REGION):
        return measure_rate(key, period, units, unit_kind)

    return measure


def sources() -> list[IndicatorSource]:
    return [
        IndicatorSource(key, label, (REGION, DEPARTMENT), _measure(key))
        for key, (label, *_rest) in RATES.items()
    ]
