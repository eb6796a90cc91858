"""The ledgers' part of the cockpit: the latest canvass's coverage of the region (its counter
row, kept by every visit) and the residents of each of the four colours."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.rollups.tiles import chart, rate

from .choices import Colour
from .models import Coverage, Resident


def _latest_coverage(region):
    return (
        Coverage.objects.filter(region=region)
        .select_related("canvass")
        .only(
            "households_total",
            "households_visited",
            "households_excused",
            "persons_total",
            "persons_seen",
            "canvass__number",
        )
        .order_by("-canvass_id")
        .first()
    )


def read_households(region, period) -> dict:
    row = _latest_coverage(region)
    colours = dict(
        Resident.objects.filter(**{region.level: region.pk})
        .exclude(colour="")
        .order_by()
        .values_list("colour")
        .annotate(n=Count("pk"))
    )
    figures = {f"households.{c}": colours.get(c, 0) for c in Colour.values}
    if row is not None:
        reached = row.households_visited + row.households_excused
        figures["households.canvass_coverage"] = rate(reached, row.households_total)
        figures["households.people_seen"] = rate(row.persons_seen, row.persons_total)
    figures["charts"] = {
        "colours": chart(
            "pie",
            _("Four colours"),
            [Colour(c).label for c in Colour.values],
            [colours.get(c, 0) for c in Colour.values],
            colours=["#c62828", "#ef6c00", "#f9a825", "#2e7d32"],
        )
    }
    return figures


def _canvass(region, period):
    row = _latest_coverage(region)
    return reverse("canvasses:detail", args=[row.canvass.number]) if row else None


register_cockpit_tile(
    CockpitTile(
        "households",
        _("Households"),
        40,
        (
            Figure("households.canvass_coverage", _("Canvass coverage"), "%", rows=_canvass),
            Figure("households.people_seen", _("People seen"), "%", rows=_canvass),
            *(
                Figure(f"households.{c}", Colour(c).label, "人", higher_is_better=False)
                for c in Colour.values
            ),
        ),
        read=read_households,
        requires=Capability.VIEW_KPI,
    )
)
