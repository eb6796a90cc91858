"""A canvass's coverage: the households it must reach (`Canvassed`), made in bulk when it starts,
and counters per region at every level from micro-grid to the canvass's area (`Coverage`),
moved by each visit in its transaction with F() updates. "How far is the county" is one row and
its towns' a handful, never a scan of a million residents; the proof of 不落一户 is the list of
households still pending or nobody home (empty means every household was reached).
"""

import datetime as dt

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gridgov.regions.models import Region

from .choices import CanvassStatus, CanvassTarget, HouseholdState, Presence
from .models import Canvassed, Coverage, Household, Resident

# From the bottom of the tree up: the levels a canvass counts at.
COUNTED = ("microgrid", "grid", "village", "town", "county")
OPEN = (HouseholdState.PENDING, HouseholdState.NOBODY_HOME)
# Counted as households reached (`households_visited`): a refusal is a contact at the door.
REACHED = (HouseholdState.VISITED, HouseholdState.REFUSED)
PLACE = ("city", "county", "town", "village", "grid", "microgrid")


def levels_up_to(level: str) -> tuple[str, ...]:
    """The counted levels from micro-grid up to `level` (the canvass's area)."""
    return COUNTED[: COUNTED.index(level) + 1] if level in COUNTED else COUNTED


# --- Which households -----------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def group_member_q(groups, today: dt.date) -> Q:
    """Residents in any of the special groups: by age on the birth date, living alone on the
    household's size, by hand on the membership table."""
    by_hand = [g.pk for g in groups if not g.by_rule]
    q = Q(groups__in=by_hand) if by_hand else Q(pk__in=[])
    for group in groups:
        if not group.by_rule:
            continue
        rule = Q(birth_date__isnull=False)
        if group.min_age is not None:
            rule &= Q(birth_date__lte=years_before(today, group.min_age))
        if group.max_age is not None:
            rule &= Q(birth_date__gt=years_before(today, group.max_age + 1))
        if group.living_alone:
            rule &= Q(household__size=1)
        q |= rule
    return q


def target_households(canvass, today: dt.date, region=None):
    """The households of the canvass's area (or of `region` in it) it must reach: all, those
    with people of its target groups, or those with people of its target colour."""
    region = region or canvass.region
    households = Household.objects.filter(**{f"{region.level}_id": region.pk})
    present = Resident.objects.filter(household=OuterRef("pk"), presence=Presence.PRESENT)
    if canvass.target == CanvassTarget.GROUPS:
        groups = list(canvass.target_groups.all())
        households = households.filter(Exists(present.filter(group_member_q(groups, today))))
    elif canvass.target == CanvassTarget.COLOUR:
        households = households.filter(Exists(present.filter(colour=canvass.target_colour)))
    return households


def materialise(canvass, today: dt.date) -> int:
    """The canvass's households and its counters; returns how many households."""
    made = materialise_rows(canvass, target_households(canvass, today))
    make_counters(canvass)
    return made


def materialise_rows(canvass, households) -> int:
    """One INSERT … SELECT of the households with their people to see."""
    people = (
        Resident.objects.filter(household=OuterRef("pk"), presence=Presence.PRESENT)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = households.annotate(
        c_canvass=Value(canvass.pk, output_field=IntegerField()),
        c_state=Value(HouseholdState.PENDING),
        c_people=Coalesce(Subquery(people, output_field=IntegerField()), 0),
        c_zero=Value(0, output_field=IntegerField()),
        c_blank=Value(""),
    )
    columns = ["canvass_id", "household_id", "state", "persons_total", "persons_seen", "visits",
               "excuse", *(f"{level}_id" for level in PLACE)]  # fmt: skip
    select = rows.order_by().values_list(
        "c_canvass", "pk", "c_state", "c_people", "c_zero", "c_zero", "c_blank",
        *(f"{level}_id" for level in PLACE),
    )  # fmt: skip
    sql, params = select.query.sql_with_params()
    qn = connection.ops.quote_name
    insert = f"INSERT INTO {qn(Canvassed._meta.db_table)} ({', '.join(map(qn, columns))}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def make_counters(canvass, *, batch: int = 2000) -> int:
    """A counter row for every region of the canvass's area at every counted level (empty
    areas too: the table shows them as nothing to do), filled from its households."""
    area = canvass.region
    regions = Region.objects.filter(
        **{f"{area.level}_id": area.pk}, level__in=levels_up_to(area.level)
    ).values_list("pk", "parent_id")
    counts: dict[int, list[int]] = {}
    mine = Canvassed.objects.filter(canvass=canvass).order_by()
    for level in levels_up_to(area.level):
        for region_id, households, people in mine.values_list(f"{level}_id").annotate(
            n=Count("pk"), p=Sum("persons_total")
        ):
            if region_id is not None:
                counts[region_id] = [households, people or 0]
    rows = [
        Coverage(
            canvass=canvass,
            region_id=pk,
            parent_id=None if pk == area.pk else parent,
            households_total=counts.get(pk, (0, 0))[0],
            persons_total=counts.get(pk, (0, 0))[1],
        )
        for pk, parent in regions.iterator()
    ]
    Coverage.objects.bulk_create(rows, batch_size=batch)
    return len(rows)


# --- Moving the counters --------------------------------------------------------------------


def region_ids(canvassed) -> list[int]:
    """The regions of every counted level a household is in (only the canvass's area and
    those below it have counter rows)."""
    return [pk for level in COUNTED if (pk := getattr(canvassed, f"{level}_id")) is not None]


def record_visit(canvassed, *, was: str, seen_before: int) -> bool:
    """Move the counters of every level after a household's row changed from (`was`,
    `seen_before`) to its current state and persons seen: one UPDATE, only when something
    counted changed. Call in the transaction that locked and saved the household's row."""
    visited = (canvassed.state in REACHED) - (was in REACHED)
    excused = (canvassed.state == HouseholdState.EXCUSED) - (was == HouseholdState.EXCUSED)
    seen = canvassed.persons_seen - seen_before
    if not (visited or excused or seen):
        return False
    rows = Coverage.objects.filter(
        canvass_id=canvassed.canvass_id, region_id__in=region_ids(canvassed)
    )
    rows.update(
        households_visited=F("households_visited") + visited,
        households_excused=F("households_excused") + excused,
        persons_seen=F("persons_seen") + seen,
    )
    return True


def follow_households(households, microgrid: Region) -> int:
    """Households re-placed in `microgrid` (their building moved, or they moved to a house
    elsewhere): their rows in running canvasses follow them, and every level's counters move
    with them exactly — the rows' totals leave the old place's chain and join the new one's, in
    the caller's transaction. A household now outside a canvass's area leaves that canvass.
    Closed canvasses keep the places they were counted in. Returns the rows moved or removed."""
    rows = list(
        Canvassed.objects.select_for_update()
        .filter(household__in=households, canvass__status=CanvassStatus.RUNNING)
        .select_related("canvass__region")
        .order_by("pk")
    )
    for (canvass, old_ids), moved in _by_canvass_and_place(rows).items():
        totals = _counted(moved)
        _shift(canvass.pk, old_ids, totals, sign=-1)
        ids = [row.pk for row in moved]
        if canvass.region.contains(microgrid):
            _shift(canvass.pk, region_ids(microgrid), totals, sign=+1)
            Canvassed.objects.filter(pk__in=ids).update(
                **{f"{level}_id": getattr(microgrid, f"{level}_id") for level in PLACE}
            )
        else:
            Canvassed.objects.filter(pk__in=ids).delete()
    return len(rows)


def _by_canvass_and_place(rows) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault((row.canvass, tuple(region_ids(row))), []).append(row)
    return groups


def _counted(rows) -> dict:
    """What a set of rows adds to each counter of their chain."""
    return {
        "households_total": len(rows),
        "households_visited": sum(row.state in REACHED for row in rows),
        "households_excused": sum(row.state == HouseholdState.EXCUSED for row in rows),
        "persons_total": sum(row.persons_total for row in rows),
        "persons_seen": sum(row.persons_seen for row in rows),
    }


def _shift(canvass_id: int, region_ids_: list[int], totals: dict, *, sign: int) -> None:
    """Add (or take away) `totals` on the canvass's counters of these regions: one UPDATE."""
    Coverage.objects.filter(canvass_id=canvass_id, region_id__in=region_ids_).update(
        **{name: F(name) + sign * value for name, value in totals.items()}
    )


# --- Reading them ---------------------------------------------------------------------------


def area_coverage(canvass, region) -> tuple[Coverage | None, list[Coverage]]:
    """The counters of an area and of each area directly below it: two indexed queries."""
    rows = Coverage.objects.select_related("region").only(
        "households_total", "households_visited", "households_excused", "persons_total",
        "persons_seen", "region__name", "region__code", "region__level", "parent_id",
    )  # fmt: skip
    row = rows.filter(canvass=canvass, region=region).first()
    children = list(rows.filter(canvass=canvass, parent=region).order_by("region__code"))
    return row, children


def done_share(row) -> float:
    """The share of households reached (visited or excused), 0 to 1."""
    if row is None or not row.households_total:
        return 1.0 if row is not None else 0.0
    return (row.households_visited + row.households_excused) / row.households_total


def proof_list(canvass, region, *, states=OPEN):
    """The households of an area not yet reached (pending or nobody home): empty means 不落一户."""
    return (
        Canvassed.objects.filter(canvass=canvass, **{f"{region.level}_id": region.pk})
        .filter(state__in=states)
        .select_related("household__house__building")
        .order_by("household__number")
    )


def residents_of(households) -> dict[int, list[Resident]]:
    """The present members of the listed households, by household: one query."""
    members: dict[int, list[Resident]] = {}
    rows = Resident.objects.filter(
        household_id__in=[h.household_id for h in households], presence=Presence.PRESENT
    ).order_by("household_id", "pk")
    for resident in rows:
        members.setdefault(resident.household_id, []).append(resident)
    return members
