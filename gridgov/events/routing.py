"""Which unit should handle an event: category × area → unit, and why.

The answer is a suggestion stored on the event with its reason; the dispatcher confirms it by
dispatching (or picks another unit). Events no rule covers go to the town's command centre.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.regions.choices import depth

from .models import EventCategory, RoutingRule


@dataclass(frozen=True)
class Route:
    unit: Department | None
    reason: str
    rule: RoutingRule | None = None


def _ancestor_ids(region) -> list[int]:
    return [
        i
        for i in (
            region.city_id,
            region.county_id,
            region.town_id,
            region.village_id,
            region.grid_id,
            region.microgrid_id,
        )
        if i
    ]


def _specificity(rule: RoutingRule):
    # A second-level class beats its first-level class; a smaller area beats a larger one.
    area_depth = depth(rule.area.level) if rule.area_id else -1
    return (rule.category.parent_id is not None, area_depth, rule.priority, -rule.pk)


def _unit_for(rule: RoutingRule, region) -> Department | None:
    if rule.unit_id:
        return rule.unit if rule.unit.is_active else None
    place_id = getattr(region, f"{rule.unit_level}_id", None)
    if place_id is None:
        return None
    return (
        Department.objects.filter(kind=rule.unit_kind, region_id=place_id, is_active=True)
        .order_by("code")
        .first()
    )


def command_centre_of(region) -> Department | None:
    return (
        Department.objects.filter(kind=DepartmentKind.COMMAND_CENTRE, region=region, is_active=True)
        .order_by("code")
        .first()
    )


def route(category: EventCategory, region) -> Route:
    """The unit for an event of `category` located in `region` (a micro-grid, usually)."""
    rules = list(
        RoutingRule.objects.filter(is_active=True)
        .filter(category_id__in=[c for c in (category.pk, category.parent_id) if c])
        .filter(Q(area__isnull=True) | Q(area_id__in=_ancestor_ids(region)))
        .select_related("category", "area", "unit")
    )
    for rule in sorted(rules, key=_specificity, reverse=True):
        unit = _unit_for(rule, region)
        if unit is not None:
            where = rule.area.name if rule.area_id else _("everywhere")
            return Route(
                unit,
                _("Rule #%(id)d: %(category)s in %(area)s → %(unit)s")
                % {"id": rule.pk, "category": rule.category, "area": where, "unit": unit.name},
                rule,
            )
    town = region.town if region.town_id else region
    centre = command_centre_of(town)
    return Route(
        centre,
        _("No routing rule covers %(category)s here: to the town's command centre.")
        % {"category": category},
    )
