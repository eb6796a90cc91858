"""Resident services' part of the cockpit: proxy services requested, done, on time and how
residents rated them in the period (the service figures' one aggregate)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import list_url

from .selectors import Period, _totals, requests_for


def read_assistance(region, period) -> dict:
    begin, after = Period(region, period.first, period.last).bounds
    rows = requests_for(area_reader(region)).filter(
        **{region.level: region.pk}, requested_at__gte=begin, requested_at__lt=after
    )
    totals = _totals(rows)
    return {
        "assistance.requests": totals["requests"],
        "assistance.done": totals["done"],
        "assistance.on_time_rate": totals["on_time_rate"],
        "assistance.satisfaction": totals["satisfaction"],
        "charts": {},
    }


def _rows(region, period):
    first, last = period.first.isoformat(), period.last.isoformat()
    return list_url("assistance:kpi", region, None, **{"from": first, "to": last})


register_cockpit_tile(
    CockpitTile(
        "assistance",
        _("Proxy services"),
        50,
        (
            Figure("assistance.requests", _("Requests"), "件", rows=_rows),
            Figure("assistance.done", _("Done"), "件", rows=_rows),
            Figure("assistance.on_time_rate", _("On-time rate"), "%", rows=_rows),
            Figure("assistance.satisfaction", _("Average rating"), ""),
        ),
        read=read_assistance,
        requires=Capability.VIEW_KPI,
    )
)
