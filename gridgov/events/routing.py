"""Which unit should handle an event: category × area → unit, and why.

The answer is a suggestion stored on the event with its reason; the dispatcher confirms it by
dispatching (or picks another unit). Events no rule covers go to the town's command centre.
"""

import threading
import time
from dataclasses import dataclass, field

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


# --- The catalogue, cached per process -----------------------------------------------------
# Every report reads the categories, the routing rules and a unit or two. They change a few
# times a year, so each process keeps them for CACHE_SECONDS (and drops them at once when this
# process changes them): an edit in the admin reaches every process within that time.
CACHE_SECONDS = 30


@dataclass
class _Catalogue:
    loaded_at: float
    categories: dict  # code → active EventCategory, parent loaded
    rules: list  # active RoutingRules, category/area/unit loaded
    units: dict = field(default_factory=dict)  # (kind, region id) → Department | None


_cache: _Catalogue | None = None
_lock = threading.Lock()


def clear_cache() -> None:
    global _cache
    _cache = None


def catalogue() -> _Catalogue:
    global _cache
    current = _cache
    if current is not None and time.monotonic() - current.loaded_at < CACHE_SECONDS:
        return current
    with _lock:
        categories = {
            c.code: c for c in EventCategory.objects.filter(is_active=True).select_related("parent")
        }
        rules = list(
            RoutingRule.objects.filter(is_active=True).select_related(
                "category", "category__parent", "area", "unit"
            )
        )
        _cache = _Catalogue(time.monotonic(), categories, rules)
        return _cache


def active_category(code: str) -> EventCategory | None:
    return catalogue().categories.get(code)


def _unit_of_kind(kind: str, region_id: int) -> Department | None:
    units = catalogue().units
    key = (kind, region_id)
    if key not in units:
        units[key] = (
            Department.objects.filter(kind=kind, region_id=region_id, is_active=True)
            .select_related("region")
            .order_by("code")
            .first()
        )
    return units[key]


def _unit_for(rule: RoutingRule, region) -> Department | None:
    if rule.unit_id:
        return rule.unit if rule.unit.is_active else None
    place_id = getattr(region, f"{rule.unit_level}_id", None)
    if place_id is None:
        return None
    return _unit_of_kind(rule.unit_kind, place_id)


def command_centre_of(region) -> Department | None:
    return _unit_of_kind(DepartmentKind.COMMAND_CENTRE, region.pk)


def route(category: EventCategory, region) -> Route:
    """The unit for an event of `category` located in `region` (a micro-grid, usually)."""
    classes = {category.pk, category.parent_id}
    places = set(_ancestor_ids(region))
    rules = [
        rule
        for rule in catalogue().rules
        if rule.category_id in classes and (rule.area_id is None or rule.area_id in places)
    ]
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
