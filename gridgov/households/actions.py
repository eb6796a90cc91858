"""The write paths of the ledgers (一标三实): buildings, houses, households, residents, their
special groups, moves, units at buildings, and erasure on request.

Each action checks, writes and audits in one transaction, or raises a `GridGovError` before
changing anything. A person acting writes only inside their own area (grid workers inside their
grid); commands and the demo act as a label and are not area-bound. Personal values never go
into an audit row: names are masked, ID numbers shown as their mask.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.checks import past_day, refuse_if_any, text
from gridgov.core.errors import Conflict, NotFound, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.core.pii import digest, mask_id_number, mask_name
from gridgov.core.validators import validate_phone
from gridgov.events.actions import locate_or_refuse
from gridgov.org.choices import Role
from gridgov.org.roles import post_of
from gridgov.org.scoping import scope_of
from gridgov.regions.choices import CRS, RegionLevel
from gridgov.regions.crs import wgs84_point
from gridgov.regions.models import Region

from .choices import HouseUse, MoveKind, Presence, Relation, ResidenceKind
from .coverage import follow_households
from .identity import parse_id_number
from .models import (
    LEVELS,
    Building,
    House,
    Household,
    Move,
    Resident,
    SpecialGroup,
    UnitPlacement,
)

# Who keeps the ledgers of their area: the people in the grids and the command centre.
LEDGER_WRITERS = frozenset({Role.GRID_WORKER, Role.MICROGRID_LEADER, Role.DISPATCHER, Role.ADMIN})
# Erasing a person (PIPL, on their request) is for the command centre and administrators.
ERASERS = frozenset({Role.DISPATCHER, Role.ADMIN})

ARRIVALS = (MoveKind.BIRTH, MoveKind.MOVE_IN)
DEPARTURES = (MoveKind.MOVE_OUT, MoveKind.DEATH)
MAX_NOTE = 1000


# --- Who may write where ----------------------------------------------------------------------


def is_person(actor) -> bool:
    return isinstance(actor, models.Model)


def may_write_ledgers(actor, roles=LEDGER_WRITERS) -> bool:
    """Whether the actor's role keeps ledgers at all (their area decides where)."""
    if not is_person(actor):
        return True
    if actor.is_superuser:
        return True
    post = post_of(actor)
    return post is not None and post.is_active and post.role in roles


def check_writes_in(actor, *places, roles=LEDGER_WRITERS) -> None:
    """A person acting needs a ledger-keeping role and every place inside their area; outside
    it, what they name does not exist for them (404, as for every out-of-scope read)."""
    if not is_person(actor):
        return
    if not may_write_ledgers(actor, roles):
        raise NotPermitted(_("Your role may not change the household ledgers."))
    scope = scope_of(actor)
    for place in places:
        if not scope.covers_region(place):
            raise NotFound(_("This is outside your area."))


# --- Buildings ----------------------------------------------------------------------------------


@dataclass
class BuildingData:
    """A building as people describe it: placed by a point (GCJ-02 from phone maps, or WGS84)
    or, without one, by the code of its micro-grid."""

    name: str
    address: str
    address_code: str = ""  # the address authority's code; made up when empty
    lon: float | str | None = None
    lat: float | str | None = None
    crs: str = CRS.GCJ02
    microgrid: str = ""  # a micro-grid's code
    floors: int | str | None = None


def _floors(value, problems) -> int | None:
    if value in (None, ""):
        return None
    try:
        floors = int(value)
    except (TypeError, ValueError):
        floors = -1
    if not 0 < floors <= 200:
        problems.append(field_problem("floors", _("A whole number from 1 to 200.")))
        return None
    return floors


def _placed_by(
    data: BuildingData, problems: list
) -> tuple[Region | None, float | None, float | None]:
    """The micro-grid a building goes in, and its WGS84 point when it has one."""
    if data.lon not in (None, "") or data.lat not in (None, ""):
        try:
            lon, lat = wgs84_point(data.lon, data.lat, data.crs)
        except ValueError:
            problems.append(field_problem("location", _("The location is not a valid point.")))
            return None, None, None
        return locate_or_refuse(lon, lat), lon, lat
    code = (data.microgrid or "").strip()
    if not code:
        problems.append(
            field_problem("location", _("Give the building's location or its micro-grid's code."))
        )
        return None, None, None
    microgrid = Region.objects.filter(code=code, level=RegionLevel.MICROGRID).first()
    if microgrid is None:
        problems.append(field_problem("microgrid", _("No micro-grid has this code.")))
    return microgrid, None, None


def _check_building(data: BuildingData):
    problems = []
    name = text(data.name, "name", 60, problems)
    address = text(data.address, "address", 200, problems)
    code = text(data.address_code, "address_code", 40, problems, required=False)
    floors = _floors(data.floors, problems)
    if problems:  # before locating: a half-filled form is refused without touching the map
        refuse_if_any(_("The building is not complete."), problems)
    microgrid, lon, lat = _placed_by(data, problems)
    refuse_if_any(_("The building is not complete."), problems)
    return name, address, code, floors, microgrid, lon, lat


def _made_up_address_code(microgrid: Region) -> str:
    """For villages without standard address codes yet: the micro-grid's code and the next
    number of its buildings."""
    stem = f"{microgrid.code}-"
    taken = Building.objects.filter(address_code__startswith=stem).count()
    return f"{stem}{taken + 1:04d}"


def _save_unique(row, message) -> None:
    """Save, and turn a unique-constraint clash (another request first) into a 409."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(message) from None


@transaction.atomic
def do_add_building(data: BuildingData, *, actor) -> Building:
    name, address, code, floors, microgrid, lon, lat = _check_building(data)
    check_writes_in(actor, microgrid)
    building = Building(
        address_code=code or _made_up_address_code(microgrid),
        address=address,
        name=name,
        lon=lon,
        lat=lat,
        floors=floors,
    )
    building.place_in(microgrid)
    if Building.objects.filter(address_code=building.address_code).exists():
        raise Conflict(_("Another building already has this standard address code."))
    _save_unique(building, _("Another building already has this standard address code."))
    audit.record(
        "households.building.add",
        actor=actor,
        target=building,
        summary=f"{building.address_code} @ {microgrid.code}",
    )
    return building


def _levels_of(region: Region) -> dict:
    return {f"{level}_id": getattr(region, f"{level}_id") for level in LEVELS}


def replace_building(building: Building, microgrid: Region) -> None:
    """Move a building and everything in it to another micro-grid: one statement per table,
    and the households' rows in running canvasses with their counters."""
    building.place_in(microgrid)
    levels = _levels_of(microgrid)
    House.objects.filter(building=building).update(**levels)
    households = Household.objects.filter(house__building=building)
    households.update(**levels)
    Resident.objects.filter(household__house__building=building).update(**levels)
    follow_households(households, microgrid)


@transaction.atomic
def do_edit_building(building: Building, data: BuildingData, *, actor) -> Building:
    building = Building.objects.select_for_update().get(pk=building.pk)
    check_writes_in(actor, building)
    name, address, code, floors, microgrid, lon, lat = _check_building(data)
    check_writes_in(actor, microgrid)
    code = code or building.address_code
    if Building.objects.filter(address_code=code).exclude(pk=building.pk).exists():
        raise Conflict(_("Another building already has this standard address code."))
    moved = building.microgrid_id != microgrid.pk
    before = building.microgrid_id
    building.name, building.address, building.address_code = name, address, code
    building.floors = floors
    if lon is not None:
        building.lon, building.lat = lon, lat
    if moved:
        replace_building(building, microgrid)
    _save_unique(building, _("Another building already has this standard address code."))
    audit.record(
        "households.building.edit",
        actor=actor,
        target=building,
        summary=building.address_code,
        changes={"microgrid": [before, microgrid.pk]} if moved else {},
    )
    return building


# --- Houses -------------------------------------------------------------------------------------


@dataclass
class HouseData:
    use: str
    unit: str = ""  # 单元
    floor: int | str | None = None
    room: str = ""


def _check_house(data: HouseData):
    problems = []
    unit = text(data.unit, "unit", 20, problems, required=False)
    room = text(data.room, "room", 20, problems, required=False)
    floor = None
    if data.floor not in (None, ""):
        try:
            floor = int(data.floor)
        except (TypeError, ValueError):
            floor = 10_000
        if not -10 <= floor <= 200:
            problems.append(field_problem("floor", _("A whole number from -10 to 200.")))
    if data.use not in HouseUse.values:
        problems.append(field_problem("use", _("Pick a use from the list.")))
    refuse_if_any(_("The house is not complete."), problems)
    return unit, floor, room


def _house_taken(building, unit, room, exclude=None) -> bool:
    houses = House.objects.filter(building=building, unit=unit, room=room)
    if exclude is not None:
        houses = houses.exclude(pk=exclude.pk)
    return houses.exists()


HOUSE_TAKEN = "This building already has a house with this unit and room."


@transaction.atomic
def do_add_house(building: Building, data: HouseData, *, actor) -> House:
    check_writes_in(actor, building)
    unit, floor, room = _check_house(data)
    if _house_taken(building, unit, room):
        raise Conflict(_(HOUSE_TAKEN))
    house = House(building=building, unit=unit, floor=floor, room=room, use=data.use)
    house.place_in(building)
    _save_unique(house, _(HOUSE_TAKEN))
    audit.record("households.house.add", actor=actor, target=house, summary=str(house)[:255])
    return house


@transaction.atomic
def do_edit_house(house: House, data: HouseData, *, actor) -> House:
    check_writes_in(actor, house)
    unit, floor, room = _check_house(data)
    if _house_taken(house.building, unit, room, exclude=house):
        raise Conflict(_(HOUSE_TAKEN))
    before = house.use
    house.unit, house.floor, house.room, house.use = unit, floor, room, data.use
    _save_unique(house, _(HOUSE_TAKEN))
    audit.record(
        "households.house.edit",
        actor=actor,
        target=house,
        summary=str(house)[:255],
        changes={"use": [before, house.use]} if before != house.use else {},
    )
    return house


# --- Households ---------------------------------------------------------------------------------


@transaction.atomic
def do_add_household(house: House, *, actor, number: str = "", note: str = "") -> Household:
    """A household at a house. `number` is the 户号 when the village has one; otherwise one
    is drawn (HH + day + sequence)."""
    check_writes_in(actor, house)
    problems = []
    number = text(number, "number", 40, problems, required=False)
    note = text(note, "note", MAX_NOTE, problems, required=False)
    refuse_if_any(_("The household is not complete."), problems)
    if number and Household.objects.filter(number=number).exists():
        raise Conflict(_("Another household already has this number."))
    household = Household(number=number or next_number("HH", Household), house=house, note=note)
    household.place_in(house)
    _save_unique(household, _("Another household already has this number."))
    audit.record(
        "households.household.add", actor=actor, target=household, summary=str(house)[:255]
    )
    return household


@transaction.atomic
def do_edit_household(household: Household, *, actor, note: str, house: House | None = None):
    """Change a household's notes, or move it to another house (its members go with it)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_writes_in(actor, household)
    problems = []
    household.note = text(note, "note", MAX_NOTE, problems, required=False)
    refuse_if_any(_("The household is not complete."), problems)
    changes = {}
    if house is not None and house.pk != household.house_id:
        check_writes_in(actor, house)
        changes["house"] = [household.house_id, house.pk]
        household.house = house
        was_in = household.microgrid_id
        household.place_in(house)
        Resident.objects.filter(household=household).update(**_levels_of(house))
        if house.microgrid_id not in (None, was_in):
            follow_households([household.pk], house.microgrid)
    household.save()
    audit.record("households.household.edit", actor=actor, target=household, changes=changes)
    return household


# --- Residents ----------------------------------------------------------------------------------


def _groups_by_hand(groups, problems) -> list[SpecialGroup]:
    """Groups given as objects or codes; only groups kept by hand (the others follow ages)."""
    wanted = [g if isinstance(g, SpecialGroup) else str(g).strip() for g in groups or ()]
    codes = [g for g in wanted if isinstance(g, str) and g]
    found = {g.code: g for g in SpecialGroup.objects.filter(code__in=codes, is_active=True)}
    chosen = []
    for group in wanted:
        group = found.get(group, group) if isinstance(group, str) else group
        if isinstance(group, str):
            if group:
                problems.append(
                    field_problem("groups", _("No special group %(code)s.") % {"code": group})
                )
        elif group.by_rule:
            problems.append(
                field_problem(
                    "groups",
                    _("Members of “%(group)s” follow their age; they are not added by hand.")
                    % {"group": group.name},
                )
            )
        elif group not in chosen:
            chosen.append(group)
    return chosen


@dataclass
class PersonData:
    name: str
    id_number: str
    phone: str = ""
    residence: str = ResidenceKind.REGISTERED
    relation: str = Relation.HEAD
    note: str = ""
    groups: list = field(default_factory=list)


def _check_person(data: PersonData, problems: list):
    name = text(data.name, "name", 64, problems)
    facts = None
    try:
        facts = parse_id_number(data.id_number)
    except ValidationError as error:
        problems.append(field_problem("id_number", " ".join(error.messages)))
    phone = (data.phone or "").strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            problems.append(field_problem("phone", " ".join(error.messages)))
    if data.residence not in ResidenceKind.values:
        problems.append(field_problem("residence", _("Pick a kind of residence from the list.")))
    if data.relation not in Relation.values:
        problems.append(field_problem("relation", _("Pick a relation from the list.")))
    note = text(data.note, "note", MAX_NOTE, problems, required=False)
    groups = _groups_by_hand(data.groups, problems)
    return name, facts, phone, note, groups


def _check_id_free(number: str, exclude: Resident | None = None) -> None:
    others = Resident.objects.filter(id_digest=digest(number))
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        # Never say where: the other row may lie outside the actor's area.
        raise Conflict(
            _("A person with this ID number is already in the ledgers."),
            details=[field_problem("id_number", _("Already in the ledgers."))],
        )


def _person_label(resident: Resident) -> str:
    return f"{mask_name(resident.name)} {mask_id_number(resident.id_number)}"


@transaction.atomic
def do_add_resident(
    household: Household,
    *,
    actor,
    name: str,
    id_number: str,
    phone: str = "",
    residence: str = ResidenceKind.REGISTERED,
    relation: str = Relation.HEAD,
    groups=(),
    note: str = "",
    on: dt.date | str | None = None,
    arrival: str = MoveKind.MOVE_IN,
) -> Resident:
    """A person arrives in a household — moved in, or born (`arrival`) — on `on` (today by
    default; a birth on the birth date the ID number gives)."""
    check_writes_in(actor, household)
    problems = []
    data = PersonData(name, id_number, phone, residence, relation, note, list(groups or ()))
    name, facts, phone, note, chosen = _check_person(data, problems)
    if arrival not in ARRIVALS:
        problems.append(field_problem("arrival", _("A person arrives by birth or moving in.")))
    default_day = facts.birth_date if facts and arrival == MoveKind.BIRTH else timezone.localdate()
    day = past_day(on, "on", problems, default=default_day)
    if facts and day and day < facts.birth_date:
        problems.append(field_problem("on", _("The date is before the person was born.")))
    refuse_if_any(_("The resident is not complete."), problems)
    _check_id_free(facts.number)
    resident = Resident(
        household=household,
        name=name,
        id_number=facts.number,
        birth_date=facts.birth_date,
        sex=facts.sex,
        phone=phone,
        residence=residence,
        relation=relation,
        note=note,
        presence=Presence.PRESENT,
    )
    resident.place_in(household)
    _save_unique(resident, _("A person with this ID number is already in the ledgers."))
    resident.groups.set(chosen)
    _move_row(resident, household, arrival, day, actor, "")
    audit.record(
        "households.resident.add",
        actor=actor,
        target=resident,
        summary=f"{_person_label(resident)} → {household.number}",
    )
    return resident


@transaction.atomic
def do_edit_resident(resident: Resident, data: PersonData, *, actor) -> Resident:
    """Correct a person's facts (not where they live: that is a move). A new ID number gives a
    new birth date and sex."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_writes_in(actor, resident)
    problems = []
    name, facts, phone, note, chosen = _check_person(data, problems)
    refuse_if_any(_("The resident is not complete."), problems)
    _check_id_free(facts.number, exclude=resident)
    changed = [
        name
        for name, before, after in (
            ("name", resident.name, name),
            ("id_number", resident.id_number, facts.number),
            ("phone", resident.phone, phone),
            ("residence", resident.residence, data.residence),
            ("relation", resident.relation, data.relation),
            ("note", resident.note, note),
        )
        if before != after
    ]
    resident.name, resident.id_number, resident.phone, resident.note = (
        name,
        facts.number,
        phone,
        note,
    )
    resident.birth_date, resident.sex = facts.birth_date, facts.sex
    resident.residence, resident.relation = data.residence, data.relation
    _save_unique(resident, _("A person with this ID number is already in the ledgers."))
    resident.groups.set(chosen)
    # Which fields changed, never their values (personal information stays out of the log).
    audit.record(
        "households.resident.edit",
        actor=actor,
        target=resident,
        summary=_person_label(resident),
        changes={"fields": changed},
    )
    return resident


@transaction.atomic
def do_set_groups(resident: Resident, groups, *, actor) -> Resident:
    """The special groups a person belongs to by hand (pregnant, disabled, key care…)."""
    check_writes_in(actor, resident)
    problems = []
    chosen = _groups_by_hand(groups, problems)
    refuse_if_any(_("The special groups are not valid."), problems)
    before = sorted(resident.groups.values_list("code", flat=True))
    resident.groups.set(chosen)
    audit.record(
        "households.resident.groups",
        actor=actor,
        target=resident,
        summary=mask_name(resident.name),
        changes={"groups": [before, sorted(g.code for g in chosen)]},
    )
    return resident


# --- Moves --------------------------------------------------------------------------------------


def _move_row(resident, household, kind, day, actor, note) -> None:
    """Keep the move, and the household's size with it (in the same transaction)."""
    Move.objects.create(
        resident=resident,
        household=household,
        kind=kind,
        on=day,
        note=note,
        recorded_by=actor if is_person(actor) else None,
    )
    sizes = Household.objects.filter(pk=household.pk)
    if kind in ARRIVALS:
        sizes.update(size=F("size") + 1, updated_at=timezone.now())
    else:
        sizes.filter(size__gt=0).update(size=F("size") - 1, updated_at=timezone.now())


def _check_move(resident, kind, day, household, problems) -> None:
    if kind not in MoveKind.values:
        problems.append(field_problem("kind", _("Pick a kind of move from the list.")))
        return
    if resident.presence == Presence.DECEASED:
        problems.append(field_problem("kind", _("This person has died.")))
    elif kind == MoveKind.BIRTH:
        problems.append(
            field_problem("kind", _("A birth is recorded by adding the baby to the household."))
        )
    elif resident.presence == Presence.PRESENT and (
        (kind == MoveKind.MOVE_IN and household is None)
        or (household is not None and household.pk == resident.household_id)
    ):
        problems.append(field_problem("household", _("This person already lives here.")))
    elif kind in DEPARTURES and resident.presence != Presence.PRESENT:
        problems.append(field_problem("kind", _("This person does not live here now.")))
    if household is not None and kind == MoveKind.DEATH:
        problems.append(field_problem("household", _("A death names no other household.")))
    last = resident.moves.order_by("-on", "-id").values_list("on", flat=True).first()
    if day and last and day < last:
        problems.append(
            field_problem(
                "on",
                _("The date is before the person's last recorded move (%(day)s).")
                % {"day": last.isoformat()},
            )
        )
    if day and resident.birth_date and day < resident.birth_date:
        problems.append(field_problem("on", _("The date is before the person was born.")))


@transaction.atomic
def do_record_move(
    resident: Resident,
    kind: str,
    on: dt.date | str | None,
    *,
    actor,
    household: Household | None = None,
    note: str = "",
) -> Resident:
    """A person moves out, moves (back) in, or dies; the household's size follows, and the
    move is kept. Moving to another household (`household`) is a move out of the old one and
    a move into the new one, in one action."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    check_writes_in(actor, resident)
    if household is not None:
        check_writes_in(actor, household)
    problems = []
    day = past_day(on, "on", problems, default=timezone.localdate())
    note = text(note, "note", 200, problems, required=False)
    _check_move(resident, kind, day, household, problems)
    refuse_if_any(_("The move is not valid."), problems)
    old = resident.household
    changes = {"kind": kind, "on": day.isoformat(), "from": old.number}
    if resident.presence == Presence.PRESENT and kind in (MoveKind.MOVE_OUT, MoveKind.MOVE_IN):
        _move_row(resident, old, MoveKind.MOVE_OUT, day, actor, note)
    if kind == MoveKind.DEATH:
        _move_row(resident, old, MoveKind.DEATH, day, actor, note)
        resident.presence = Presence.DECEASED
    elif kind == MoveKind.MOVE_OUT and household is None:
        resident.presence = Presence.MOVED_OUT
    else:  # moving in: back home, or into another household
        target = household or old
        _move_row(resident, target, MoveKind.MOVE_IN, day, actor, note)
        resident.household = target
        resident.place_in(target)
        resident.presence = Presence.PRESENT
        changes["to"] = target.number
    resident.save()
    audit.record(
        "households.resident.move",
        actor=actor,
        target=resident,
        summary=f"{mask_name(resident.name)} {MoveKind(kind).label}",
        changes=changes,
    )
    return resident


# --- Units at buildings -------------------------------------------------------------------------


@transaction.atomic
def do_place_unit(target, building: Building, *, actor) -> UnitPlacement:
    """An actual unit (实有单位) — an inspection target — is at this building."""
    check_writes_in(actor, target, building)
    placement, _created = UnitPlacement.objects.update_or_create(
        target=target, defaults={"building": building}
    )
    audit.record(
        "households.unit.place",
        actor=actor,
        target=placement,
        summary=f"{target.name} @ {building.address_code}"[:255],
    )
    return placement


@transaction.atomic
def do_unplace_unit(placement: UnitPlacement, *, actor) -> None:
    check_writes_in(actor, placement.building)
    audit.record(
        "households.unit.unplace",
        actor=actor,
        target=placement,
        summary=f"{placement.target_id} @ {placement.building.address_code}",
    )
    placement.delete()


# --- Erasure on request (PIPL) ------------------------------------------------------------------


@transaction.atomic
def do_erase_resident(resident: Resident, *, actor, reason: str) -> None:
    """Delete a person's row on their request: their moves and colour history go with it, the
    answers they gave stay without them (counts keep). The audit keeps who erased whom — by a
    masked ID only — and why."""
    resident = Resident.objects.select_for_update().filter(pk=resident.pk).first()
    if resident is None:
        raise NotFound(_("Not found."))
    check_writes_in(actor, resident, roles=ERASERS)
    problems = []
    reason = text(reason, "reason", 200, problems)
    refuse_if_any(_("Say why the person is erased."), problems)
    if resident.presence == Presence.PRESENT:
        Household.objects.filter(pk=resident.household_id, size__gt=0).update(
            size=F("size") - 1, updated_at=timezone.now()
        )
    audit.record(
        "households.resident.erase",
        actor=actor,
        target=resident,
        summary=mask_id_number(resident.id_number),
        changes={"reason": reason, "household": resident.household.number},
    )
    resident.delete()
