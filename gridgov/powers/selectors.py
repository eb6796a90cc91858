"""Reading the power-item catalogue: as of any date, by jurisdiction, kind, holder and status.

The catalogue as of a day is, per item, its latest version that took effect on or before that
day; an item with none yet does not exist then. That is one query: the versions in effect are
those with no later version of the same item in effect (NOT EXISTS, answered from the
(item, effective_from) unique index).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput, NotFound
from gridgov.org.models import Department
from gridgov.org.roles import post_of
from gridgov.org.scoping import scope_of, scope_q, scoped
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import PowerKind, PowerStatus
from .models import PowerItem, PowerItemVersion

# A catalogue belongs to a county (区县) or a city.
JURISDICTION_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)
ROW_RELATED = ("item", "item__jurisdiction", "department")


def can_read_catalogue(user) -> bool:
    """Every active staff member may read the catalogue (it is published); nobody else."""
    return scope_q(PowerItem, scope_of(user)) is not None


def versions_in_effect(as_of: datetime.date) -> QuerySet:
    """Every item's version in effect on `as_of`, unscoped: the base of every catalogue read."""
    later = PowerItemVersion.objects.filter(
        item_id=OuterRef("item_id"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=as_of,
    )
    return PowerItemVersion.objects.filter(effective_from__lte=as_of).filter(~Exists(later))


def parse_as_of(value: str | None) -> datetime.date:
    """The day a catalogue is read as of: YYYY-MM-DD, today when not given."""
    if not value:
        return timezone.localdate()
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(
            _("as_of is not a date (YYYY-MM-DD)."), details=[{"field": "as_of", "value": value}]
        )
    return day


# --- Jurisdictions ------------------------------------------------------------------------


def jurisdiction_named(code: str) -> Region:
    """A county or city by code. Not scoped like other regions: every staff member may read
    every published catalogue, so naming any county is allowed."""
    region = None
    if "\x00" not in code:  # PostgreSQL refuses NUL in text
        region = Region.objects.filter(code=code, level__in=JURISDICTION_LEVELS).first()
    if region is None:
        raise NotFound(_("No county or city %(code)s.") % {"code": code})
    return region


def jurisdictions_with_catalogue() -> list[Region]:
    ids = PowerItem.objects.order_by().values("jurisdiction_id").distinct()
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


def default_jurisdiction(user, among: list[Region] | None = None) -> Region | None:
    """The catalogue a person opens first: their county's, or their city's; otherwise the first
    one there is."""
    among = jurisdictions_with_catalogue() if among is None else among
    post = post_of(user)
    if post is not None:
        for wanted in (post.region.county_id, post.region.city_id):
            for region in among:
                if region.pk == wanted:
                    return region
    return among[0] if among else None


def jurisdiction_or_default(user, code: str | None, among=None) -> Region | None:
    """The jurisdiction named, or the user's default; looked up among `among` first."""
    if not code:
        return default_jurisdiction(user, among)
    known = next((j for j in among or () if j.code == code), None)
    return known or jurisdiction_named(code)


def departments_of(jurisdiction: Region) -> QuerySet:
    """The units working inside a jurisdiction (its own departments and their town squads)."""
    return Department.objects.filter(
        **{f"region__{jurisdiction.level}": jurisdiction.pk}, is_active=True
    ).order_by("code")


def covers(jurisdiction: Region, department: Department) -> bool:
    """Whether a department works inside the jurisdiction (so it may hold its items)."""
    return jurisdiction.contains(department.region)


# --- The catalogue ------------------------------------------------------------------------


@dataclass
class CatalogueFilter:
    jurisdiction: Region | None = None
    as_of: datetime.date | None = None  # today when None
    kind: str = ""
    department: Department | None = None  # its sub-units included
    status: str = ""
    q: str = ""  # words of the code or name


def catalogue(user, f: CatalogueFilter) -> QuerySet:
    """The versions in effect on the day — one row per item — that the filter selects, with
    their item and holder loaded, in catalogue order."""
    rows = scoped(versions_in_effect(f.as_of or timezone.localdate()), user)
    if f.jurisdiction is not None:
        rows = rows.filter(item__jurisdiction=f.jurisdiction)
    if f.kind in PowerKind.values:
        rows = rows.filter(item__kind=f.kind)
    if f.status in PowerStatus.values:
        rows = rows.filter(status=f.status)
    if f.department is not None:
        rows = rows.filter(department__path__startswith=f.department.path)
    if text := f.q.strip():
        rows = rows.filter(Q(item__code__startswith=text) | Q(item__name__contains=text))
    return rows.select_related(*ROW_RELATED).order_by("item__jurisdiction_id", "item__code")


def power_item_for(user, pk) -> PowerItem:
    item = scoped(PowerItem.objects.select_related("jurisdiction"), user).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("No such power item."))
    return item


def history_of(item: PowerItem) -> list[PowerItemVersion]:
    """Every version of an item, oldest first, with its holder and who recorded it."""
    return list(
        item.versions.select_related("department", "recorded_by").order_by("effective_from")
    )


def version_on(history: list[PowerItemVersion], as_of: datetime.date):
    """The version of `history` in effect on a day, or None."""
    current = None
    for version in history:
        if version.effective_from <= as_of:
            current = version
    return current


def powers_held(
    jurisdiction: Region, department: Department, kind: str, as_of: datetime.date
) -> QuerySet:
    """The items of a kind that a department holds, in force, on a day — e.g. the 行政检查
    items an inspection checklist may cite and the 行政处罚 items its findings lead to.

    Reference data: the published catalogue, read by other areas' actions on anyone's behalf.
    """
    held = versions_in_effect(as_of).filter(
        item__jurisdiction=jurisdiction,
        item__kind=kind,
        department=department,
        status=PowerStatus.ACTIVE,
    )
    return PowerItem.objects.filter(pk__in=held.values("item_id")).order_by("code")
