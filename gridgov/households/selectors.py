"""Reading the ledgers on behalf of a user (always through the scoping helper): the lists and
their filters, one row by its key (404 outside the reader's area), special-group membership as
SQL, counts as of a date from the moves, and the log of reveals of personal information.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Case, CharField, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.core.models import AuditEntry
from gridgov.core.pii import EncryptedTextField, digest, mask_name
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region

from .choices import Colour, MoveKind, Presence, ResidenceKind
from .models import Building, House, Household, Move, Resident, SpecialGroup, UnitPlacement

ARRIVALS = (MoveKind.BIRTH, MoveKind.MOVE_IN)
PLACE_RELATED = ("town", "village", "grid", "microgrid")


# --- Rows in the reader's area ------------------------------------------------------------------


def buildings_for(user):
    return scoped(Building.objects.all(), user)


def houses_for(user):
    return scoped(House.objects.all(), user)


def households_for(user):
    return scoped(Household.objects.all(), user)


def residents_for(user):
    return scoped(Resident.objects.all(), user)


def _one(queryset, message):
    row = queryset.first()
    if row is None:
        raise NotFound(message)
    return row


def building_for(user, pk) -> Building:
    pk = stored_id(pk)
    return _one(
        buildings_for(user).select_related(*PLACE_RELATED).filter(pk=pk or 0),
        _("No such building in your area."),
    )


def house_for(user, pk) -> House:
    pk = stored_id(pk)
    return _one(
        houses_for(user).select_related("building").filter(pk=pk or 0),
        _("No such house in your area."),
    )


def household_for(user, number: str) -> Household:
    """A household the user may see, by number; 404 otherwise (never reveal that it exists)."""
    return _one(
        households_for(user)
        .select_related("house__building", *PLACE_RELATED)
        .filter(number=str(number)[:40]),
        _("No household %(number)s in your area.") % {"number": str(number)[:40]},
    )


def resident_for(user, pk) -> Resident:
    pk = stored_id(pk)
    return _one(
        residents_for(user)
        .select_related("household__house__building", *PLACE_RELATED)
        .filter(pk=pk or 0),
        _("No such resident in your area."),
    )


def region_for(user, value) -> Region | None:
    """A region named by id (or code) inside the reader's area; None when none is named."""
    if value in (None, ""):
        return None
    regions = scoped(Region.objects.defer("boundary"), user)
    pk = stored_id(value)
    region = regions.filter(Q(pk=pk) if pk else Q(code=str(value)[:32])).first()
    if region is None:
        raise NotFound(_("No such area in your area."))
    return region


def in_region(region: Region | None) -> Q:
    return Q() if region is None else Q(**{region.level: region.pk})


# --- Special groups as SQL ----------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def group_q(group: SpecialGroup, today: dt.date) -> Q:
    """Who belongs to a group, as a filter on residents living in their household: by age
    (from the birth date) and living alone (a household of one), or as recorded by hand."""
    present = Q(presence=Presence.PRESENT)
    if not group.by_rule:
        hand = Resident.groups.through.objects.filter(specialgroup_id=group.pk)
        return present & Q(pk__in=hand.values("resident_id"))
    q = present
    if group.min_age is not None:
        q &= Q(birth_date__lte=years_before(today, group.min_age))
    if group.max_age is not None:  # up to and including that age: born after age+1 years ago
        q &= Q(birth_date__gt=years_before(today, group.max_age + 1))
    if group.living_alone:
        q &= Q(household__size=1)
    return q


def members_of(group: SpecialGroup, queryset, today: dt.date):
    """The residents of `queryset` who belong to `group` on `today`: one SQL filter."""
    return queryset.filter(group_q(group, today))


# --- Lists with filters -------------------------------------------------------------------------


@dataclass
class ResidentFilter:
    region: Region | None = None
    group: SpecialGroup | None = None
    residence: str = ""
    colour: str = ""  # a Colour value, or "none" for people not classed
    presence: str = ""
    q: str = ""  # an exact ID number or phone (by digest), or an exact name


NO_COLOUR = "none"


def search_q(text: str) -> Q:
    """An exact ID number or phone, found by its digest (the columns are encrypted), or a
    name."""
    text = (text or "").strip()[:64]
    if not text:
        return Q()
    key = digest(text)
    return Q(id_digest=key) | Q(phone_digest=key) | Q(name=text)


def resident_filter_from(user, params) -> ResidentFilter:
    group = None
    if code := (params.get("group") or "").strip():
        group = SpecialGroup.objects.filter(code=code[:32]).first()
        if group is None:
            raise NotFound(_("No special group %(code)s.") % {"code": code[:32]})
    choose = lambda name, values: v if (v := params.get(name, "")) in values else ""  # noqa: E731
    return ResidentFilter(
        region=region_for(user, params.get("region")),
        group=group,
        residence=choose("residence", ResidenceKind.values),
        colour=choose("colour", [*Colour.values, NO_COLOUR]),
        presence=choose("presence", Presence.values),
        q=(params.get("q") or "")[:64],
    )


def filtered_residents(user, f: ResidentFilter, today: dt.date):
    residents = residents_for(user).filter(in_region(f.region))
    if f.group is not None:
        residents = members_of(f.group, residents, today)
    if f.residence:
        residents = residents.filter(residence=f.residence)
    if f.colour:
        residents = residents.filter(colour="" if f.colour == NO_COLOUR else f.colour)
    if f.presence:
        residents = residents.filter(presence=f.presence)
    if f.q:
        residents = residents.filter(search_q(f.q))
    return residents.select_related("household", "village").order_by("household_id", "id")


def filtered_households(user, region: Region | None = None, q: str = ""):
    households = households_for(user).filter(in_region(region))
    if q := (q or "").strip()[:40]:
        key = digest(q)
        by_member = Resident.objects.filter(Q(id_digest=key) | Q(phone_digest=key))
        households = households.filter(Q(number=q) | Q(pk__in=by_member.values("household_id")))
    return households.select_related("house__building", "village").order_by("number")


def filtered_buildings(user, region: Region | None = None, q: str = ""):
    buildings = buildings_for(user).filter(in_region(region))
    if q := (q or "").strip()[:100]:
        buildings = buildings.filter(
            Q(address_code=q) | Q(address__icontains=q) | Q(name__icontains=q)
        )
    return buildings.select_related("village", "microgrid").order_by("address_code")


def buildings_with_counts(queryset):
    return queryset.annotate(house_count=Count("houses", distinct=True))


def households_of_building(building: Building):
    return (
        Household.objects.filter(house__building=building)
        .select_related("house")
        .order_by("house__unit", "house__room", "number")
    )


def units_of_building(building: Building):
    return UnitPlacement.objects.filter(building=building).select_related("target")


def _targets():
    # The actual units are the inspections' targets; named through the placement's relation
    # so the ledgers need no import of that area's models.
    return UnitPlacement._meta.get_field("target").related_model.objects


def unit_target_for(user, pk):
    """An active inspection target in the reader's area, to place at a building."""
    pk = stored_id(pk)
    return _one(
        scoped(_targets().filter(is_active=True), user).filter(pk=pk or 0),
        _("No such unit in your area."),
    )


def units_to_place(user, building: Building, limit: int = 500):
    """The active units of the building's village not placed at any building yet, by name."""
    return (
        scoped(_targets().filter(is_active=True, placement__isnull=True), user)
        .filter(village_id=building.village_id)
        .only("pk", "name", "address")
        .order_by("name", "pk")[:limit]
    )


def placement_for(user, building: Building, target_pk):
    """The placement of a unit at this building (the building already read in scope)."""
    pk = stored_id(target_pk)
    return _one(
        UnitPlacement.objects.filter(building=building, target_id=pk or 0).select_related(
            "target", "building"
        ),
        _("This unit is not placed at this building."),
    )


def members(household: Household):
    """Everyone who lives or lived in the household, those living there first."""
    order = Case(When(presence=Presence.PRESENT, then=Value(0)), default=Value(1))
    return (
        Resident.objects.filter(household=household)
        .prefetch_related("groups")
        .order_by(order, "id")
    )


def moves_of(household: Household):
    return (
        Move.objects.filter(household=household)
        .select_related("resident", "recorded_by")
        .order_by("-on", "-id")
    )


# --- Counts as of a date, from the moves --------------------------------------------------------


def _net_arrivals():
    """+1 for each arrival, −1 for each departure: what is left is who lives there."""
    return Sum(
        Case(When(kind__in=ARRIVALS, then=Value(1)), default=Value(-1), output_field=IntegerField())
    )


def household_size_on(household: Household, day: dt.date) -> int:
    """How many people lived in the household at the end of `day`."""
    total = Move.objects.filter(household=household, on__lte=day).aggregate(n=_net_arrivals())["n"]
    return total or 0


def area_counts_on(user, region: Region, day: dt.date) -> dict:
    """People and occupied households of an area at the end of `day` (two queries)."""
    moves = scoped(Move.objects.all(), user).filter(
        on__lte=day, **{f"household__{region.level}": region.pk}
    )
    people = moves.aggregate(n=_net_arrivals())["n"] or 0
    occupied = (
        moves.values("household_id").annotate(n=_net_arrivals()).filter(n__gt=0).order_by().count()
    )
    return {"day": day, "people": people, "households": occupied}


# --- Reveals of personal information ------------------------------------------------------------


def models_with_personal_fields() -> list:
    """Every model with an encrypted field and a place: whose reveals a supervisor checks."""
    found = []
    for model in apps.get_models():
        rule = getattr(model, "scope_rule", None)
        if rule is None or getattr(rule, "region", None) is None:
            continue
        if any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields):
            found.append(model)
    return found


def reveals_for(user):
    """The reveals of personal information made on rows in the reader's area (staff, filings,
    residents, events alike): one subquery per kind of row, each through the scoping gate."""
    in_area = Q()
    for model in models_with_personal_fields():
        ids = scoped(model._default_manager.order_by(), user).values(
            text_pk=Cast("pk", output_field=CharField())
        )
        in_area |= Q(target_type=model._meta.label_lower, target_id__in=ids)
    return (
        AuditEntry.objects.filter(action="pii.reveal")
        .filter(in_area)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def labels_of(entries) -> dict:
    """Who each reveal was about, masked: {(type, id): label}, one query per kind on the page."""
    wanted: dict[str, set] = {}
    for entry in entries:
        wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    labels = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        for row in model._default_manager.filter(pk__in=[i for i in ids if stored_id(i)]):
            labels[(label, str(row.pk))] = _masked_label(row)
    return labels


def _masked_label(row) -> str:
    """A person by their masked name; any other row (a filing) by what it prints as."""
    name = getattr(row, "name", None)
    return mask_name(name) if isinstance(name, str) and name else str(row)[:60]


# --- The workbench --------------------------------------------------------------------------


def ledger_figures(user) -> dict:
    """The workbench tile: households and people living in the reader's area, in one query
    (the households' own sizes, kept by the moves). Nothing for people without an area."""
    from gridgov.org.scoping import scope_of

    if scope_of(user).nothing:
        return {"ledger": None}
    figures = households_for(user).aggregate(households=Count("id"), people=Sum("size"))
    return {"ledger": {"households": figures["households"], "people": figures["people"] or 0}}
