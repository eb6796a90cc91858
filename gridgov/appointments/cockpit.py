"""Appointments' part of the cockpit: bookings whose slot falls in the period, by how they went
(counts only: the cockpit never names a person, counselling least of all)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import list_url, rate

from .choices import BookingStatus as S
from .models import Booking
from .selectors import resources_for


def read_bookings(region, period) -> dict:
    start, end = period.bounds()
    resources = resources_for(area_reader(region)).filter(**{region.level: region.pk})
    counts = dict(
        Booking.objects.filter(resource__in=resources, slot_start__gte=start, slot_start__lt=end)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    held = counts.get(S.ATTENDED, 0) + counts.get(S.NO_SHOW, 0)
    return {
        "bookings.booked": sum(n for s, n in counts.items() if s != S.CANCELLED),
        "bookings.attended": counts.get(S.ATTENDED, 0),
        "bookings.no_show_rate": rate(counts.get(S.NO_SHOW, 0), held),
        "charts": {},
    }


def _rows(region, period):
    return list_url("appointments:board", region, None, day=period.first.isoformat(), days="7")


register_cockpit_tile(
    CockpitTile(
        "bookings",
        _("Appointments"),
        55,
        (
            Figure("bookings.booked", _("Bookings"), "次", rows=_rows),
            Figure("bookings.attended", _("Attended"), "次", rows=_rows),
            Figure(
                "bookings.no_show_rate", _("Did not come"), "%", higher_is_better=False, rows=_rows
            ),
        ),
        read=read_bookings,
        requires=Capability.VIEW_KPI,
    )
)
