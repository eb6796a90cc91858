"""Night-construction filings' part of the cockpit: filings submitted in the period by how they
were decided, and those in force on the period's last night (a small table: one aggregate)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import chart, list_url, rate

from .choices import FilingStatus as S
from .selectors import filings_for


def read_filings(region, period) -> dict:
    start, end = period.bounds()
    filings = filings_for(area_reader(region)).filter(**{region.level: region.pk}).order_by()
    submitted = filings.filter(submitted_at__gte=start, submitted_at__lt=end)
    counts = dict(submitted.values_list("status").annotate(n=Count("pk")))
    total = sum(counts.values())
    decided = total - counts.get(S.SUBMITTED, 0)
    in_force = filings.filter(
        Q(status=S.APPROVED), first_night__lte=period.last, last_night__gte=period.last
    ).count()
    return {
        "filings.submitted": total,
        "filings.approved_rate": rate(counts.get(S.APPROVED, 0), decided),
        "filings.in_force": in_force,
        "charts": {
            "filings.by_status": chart(
                "pie",
                _("Filings by status"),
                [label for _v, label in S.choices],
                [counts.get(value, 0) for value in S.values],
            ),
        },
    }


def _rows(region, period):
    return list_url("filings:list", region, None)


register_cockpit_tile(
    CockpitTile(
        "filings",
        _("Night-construction filings"),
        65,
        (
            Figure("filings.submitted", _("Filings submitted"), "件", rows=_rows),
            Figure("filings.approved_rate", _("Approved of those decided"), "%", rows=_rows),
            Figure("filings.in_force", _("In force on the last night"), "件", rows=_rows),
        ),
        read=read_filings,
        requires=Capability.VIEW_KPI,
    )
)
