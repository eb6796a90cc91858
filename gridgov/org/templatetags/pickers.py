"""Lists to choose a region or a unit from by name, as trees (indented by level), instead of
typing a code: `{% load pickers %}{% region_picker "region" params.region %}`. pickers.js adds
the search box."""

from django import template
from django.utils.translation import gettext_lazy as _

from gridgov.org.models import Department
from gridgov.org.scoping import scoped
from gridgov.regions.choices import LEVELS, RegionLevel
from gridgov.regions.selectors import regions_for

register = template.Library()

INDENT = "\u3000"  # an ideographic space: one a level
# Statistics are read for a city, a county or a town; villages and grids would be thousands.
TREE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN)


def _tree(rows) -> list[tuple[str, str]]:
    """(code, name indented by its depth below the shallowest row) from (code, name, depth)."""
    rows = list(rows)
    top = min((depth for _c, _n, depth in rows), default=0)
    return [(code, INDENT * (depth - top) + name) for code, name, depth in rows]


@register.inclusion_tag("pickers/select.html", takes_context=True)
def region_picker(context, name: str, chosen=""):
    rows = (
        regions_for(context["request"].user)
        .filter(level__in=TREE_LEVELS)
        .order_by("code")  # a region's code begins with its parent's: tree order
        .values_list("code", "name", "level")
    )
    return {
        "name": name, "chosen": chosen or "", "label": _("Region"), "empty": _("My area"),
        "search": _("Search the regions"),
        "options": _tree((code, n, LEVELS.index(level)) for code, n, level in rows),
    }  # fmt: skip


@register.inclusion_tag("pickers/select.html", takes_context=True)
def unit_picker(context, name: str, chosen=""):
    rows = (
        scoped(Department.objects.filter(is_active=True), context["request"].user)
        .order_by("path")  # /1/5/ under /1/: tree order
        .values_list("code", "name", "path")
    )
    return {
        "name": name, "chosen": chosen or "", "label": _("Unit"), "empty": _("every unit"),
        "search": _("Search the units"),
        "options": _tree((code, n, path.count("/")) for code, n, path in rows),
    }  # fmt: skip
