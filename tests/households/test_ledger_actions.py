import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.households import actions
from gridgov.households.choices import HouseUse, MoveKind, Presence, Sex
from gridgov.households.models import House, Household, Move, Resident, SpecialGroup
from gridgov.households.selectors import area_counts_on, household_size_on, members_of
from gridgov.regions.crs import wgs84_to_gcj02
from gridgov.regions.locate import get_index
from tests.households.conftest import (
    ID_A,
    SYSTEM,
    id_number,
    microgrid_of,
    new_household,
)

pytestmark = pytest.mark.django_db


def add_person(household, born, serial, on=dt.date(2020, 1, 1), **extra):
    return actions.do_add_resident(
        household, actor=SYSTEM, name=f"居民{serial}", id_number=id_number(born, serial),
        on=on, **extra,
    )  # fmt: skip


def a_point_in(microgrid):
    """A WGS84 point that locate puts in this micro-grid."""
    index = get_index()
    geometry = microgrid.geometry()
    point = geometry.representative_point()
    assert index.locate(point.x, point.y) == microgrid.pk
    return point.x, point.y


def test_a_building_placed_by_a_phone_map_point_lands_in_its_micro_grid(grid_a):
    microgrid = microgrid_of(grid_a)
    lon, lat = a_point_in(microgrid)
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    building = actions.do_add_building(
        actions.BuildingData(
            name="3幢", address="化东路3号", lon=float(gcj_lon), lat=float(gcj_lat)
        ),
        actor=SYSTEM,
    )
    assert building.microgrid_id == microgrid.pk and building.grid_id == grid_a.pk
    assert abs(building.lon - lon) < 1e-7 and abs(building.lat - lat) < 1e-7
    assert building.address_code.startswith(microgrid.code)


def test_a_building_without_a_place_is_refused_with_the_field_named(english):
    with pytest.raises(InvalidInput) as refused:
        actions.do_add_building(actions.BuildingData(name="1幢", address="某路"), actor=SYSTEM)
    assert refused.value.details[0]["field"] == "location"


def test_a_resident_gets_birth_date_and_sex_from_the_id_number_and_the_audit_keeps_no_pii(
    ledger_a,
):
    resident = ledger_a.resident
    assert resident.birth_date == dt.date(1950, 3, 14) and resident.sex == Sex.MALE
    assert Household.objects.get(pk=ledger_a.household.pk).size == 1
    entry = AuditEntry.objects.get(action="households.resident.add", target_id=str(resident.pk))
    assert ID_A not in entry.summary and resident.name not in entry.summary
    assert resident.masked_id_number in entry.summary


def test_the_same_id_number_twice_is_a_conflict_and_nothing_is_written(ledger_a, ledger_b):
    before = Resident.objects.count()
    with pytest.raises(Conflict):
        actions.do_add_resident(
            ledger_b.household, actor=SYSTEM, name="冒名", id_number=ID_A.lower()
        )
    assert Resident.objects.count() == before
    assert Household.objects.get(pk=ledger_b.household.pk).size == 1


def test_a_group_kept_by_age_cannot_be_given_by_hand(ledger_a, english):
    with pytest.raises(InvalidInput, match="special groups"):
        actions.do_set_groups(ledger_a.resident, ["age80"], actor=SYSTEM)


def test_moving_a_building_replaces_its_houses_households_and_residents(ledger_a, grid_b):
    other = microgrid_of(grid_b)
    building = ledger_a.building
    data = actions.BuildingData(
        name=building.name, address=building.address, address_code=building.address_code,
        microgrid=other.code,
    )  # fmt: skip
    actions.do_edit_building(building, data, actor=SYSTEM)
    for model, pk in (
        (House, ledger_a.house.pk),
        (Household, ledger_a.household.pk),
        (Resident, ledger_a.resident.pk),
    ):
        row = model.objects.get(pk=pk)
        assert (row.microgrid_id, row.grid_id, row.village_id) == (
            other.pk,
            other.grid_id,
            other.village_id,
        )


def test_moves_keep_the_household_size_and_its_history(ledger_a):
    household = ledger_a.household
    wife = add_person(household, dt.date(1952, 6, 1), 22, on=dt.date(2020, 1, 1))
    actions.do_record_move(wife, MoveKind.MOVE_OUT, dt.date(2022, 3, 1), actor=SYSTEM)
    actions.do_record_move(ledger_a.resident, MoveKind.DEATH, dt.date(2023, 8, 8), actor=SYSTEM)
    assert Household.objects.get(pk=household.pk).size == 0
    assert household_size_on(household, dt.date(2019, 12, 31)) == 0
    assert household_size_on(household, dt.date(2021, 6, 1)) == 2
    assert household_size_on(household, dt.date(2022, 3, 1)) == 1
    assert household_size_on(household, timezone.localdate()) == 0
    actions.do_record_move(wife, MoveKind.MOVE_IN, dt.date(2024, 1, 1), actor=SYSTEM)
    assert Household.objects.get(pk=household.pk).size == 1
    assert Resident.objects.get(pk=wife.pk).presence == Presence.PRESENT


def test_a_move_to_another_household_is_one_action_out_and_in(ledger_a, ledger_b):
    resident = ledger_a.resident
    actions.do_record_move(
        resident, MoveKind.MOVE_OUT, dt.date(2024, 2, 1), actor=SYSTEM,
        household=ledger_b.household,
    )  # fmt: skip
    resident.refresh_from_db()
    assert resident.household_id == ledger_b.household.pk
    assert resident.grid_id == ledger_b.household.grid_id
    assert Household.objects.get(pk=ledger_a.household.pk).size == 0
    assert Household.objects.get(pk=ledger_b.household.pk).size == 2
    kinds = list(Move.objects.filter(resident=resident).values_list("household_id", "kind"))
    assert kinds[-2:] == [
        (ledger_a.household.pk, MoveKind.MOVE_OUT),
        (ledger_b.household.pk, MoveKind.MOVE_IN),
    ]


def test_area_counts_as_of_a_date_follow_the_moves(quiet_ledger, quiet_grid_a, admin_user):
    grid = quiet_grid_a  # the demo's residents (arrived today) live elsewhere
    before = area_counts_on(admin_user, grid, dt.date(2019, 1, 1))
    add_person(quiet_ledger.household, dt.date(1990, 1, 1), 33, on=dt.date(2021, 1, 1))
    then = area_counts_on(admin_user, grid, dt.date(2020, 6, 1))
    now = area_counts_on(admin_user, grid, timezone.localdate())
    assert (then["people"], then["households"]) == (before["people"] + 1, before["households"] + 1)
    assert now["people"] == then["people"] + 1 and now["households"] == then["households"]


def test_impossible_moves_are_refused_and_nothing_changes(ledger_a, english):
    resident = ledger_a.resident
    with pytest.raises(InvalidInput):
        actions.do_record_move(resident, MoveKind.MOVE_IN, None, actor=SYSTEM)
    with pytest.raises(InvalidInput):
        actions.do_record_move(resident, MoveKind.MOVE_OUT, dt.date(2019, 1, 1), actor=SYSTEM)
    with pytest.raises(InvalidInput):
        actions.do_record_move(resident, MoveKind.BIRTH, None, actor=SYSTEM)
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(InvalidInput):
        actions.do_record_move(resident, MoveKind.DEATH, future, actor=SYSTEM)
    assert Move.objects.filter(resident=resident).count() == 1
    assert Household.objects.get(pk=ledger_a.household.pk).size == 1


def test_a_birth_is_an_arrival_on_the_birth_date(ledger_a):
    born = timezone.localdate() - dt.timedelta(days=40)
    baby = add_person(ledger_a.household, born, 44, on=None, arrival=MoveKind.BIRTH)
    move = Move.objects.get(resident=baby)
    assert (move.kind, move.on) == (MoveKind.BIRTH, born)


def test_special_groups_by_age_living_alone_and_by_hand_are_sql_filters(quiet_ledger, quiet_grid_a):
    today = timezone.localdate()
    group = {g.code: g for g in SpecialGroup.objects.all()}
    in_grid = Resident.objects.filter(grid=quiet_grid_a)  # none of the demo's residents
    wang = quiet_ledger.resident
    elder = add_person(new_household(microgrid_of(quiet_grid_a), "Q2"), dt.date(1930, 1, 1), 55)
    infant = add_person(quiet_ledger.household, today - dt.timedelta(days=300), 66, on=today)
    actions.do_set_groups(wang, ["disabled"], actor=SYSTEM)
    assert set(members_of(group["age80"], in_grid, today)) >= {elder}
    assert wang not in members_of(group["age80"], in_grid, today)
    alone = set(members_of(group["alone60"], in_grid, today))
    assert elder in alone and wang not in alone  # lives with the infant
    assert infant in set(members_of(group["infant"], in_grid, today))
    assert list(members_of(group["disabled"], in_grid, today)) == [wang]


def test_erasure_deletes_the_person_and_audits_a_masked_id_with_the_reason(
    ledger_a, dispatcher_town
):
    resident = ledger_a.resident
    actions.do_erase_resident(resident, actor=dispatcher_town, reason="本人申请删除")
    assert not Resident.objects.filter(pk=resident.pk).exists()
    assert Household.objects.get(pk=ledger_a.household.pk).size == 0
    entry = AuditEntry.objects.get(action="households.resident.erase")
    assert entry.summary == resident.masked_id_number and ID_A not in str(entry.changes)
    assert entry.changes["reason"] == "本人申请删除" and entry.actor == dispatcher_town


def test_a_grid_worker_may_not_erase_and_erasure_needs_a_reason(
    ledger_a, gridworker_a, dispatcher_town
):
    with pytest.raises(NotPermitted):
        actions.do_erase_resident(ledger_a.resident, actor=gridworker_a, reason="申请")
    with pytest.raises(InvalidInput):
        actions.do_erase_resident(ledger_a.resident, actor=dispatcher_town, reason=" ")
    assert Resident.objects.filter(pk=ledger_a.resident.pk).exists()


def test_a_grid_worker_adds_households_in_their_grid_but_not_in_another(
    gridworker_a, grid_a, grid_b, ledger_b
):
    household = new_household(microgrid_of(grid_a), "A9", actor=gridworker_a)
    assert household.grid_id == grid_a.pk
    before = (House.objects.count(), Household.objects.count())
    with pytest.raises(NotFound):
        actions.do_add_house(
            ledger_b.building, actions.HouseData(use=HouseUse.RENTED, room="202"),
            actor=gridworker_a,
        )  # fmt: skip
    with pytest.raises(NotFound):
        new_household(microgrid_of(grid_b), "B9", actor=gridworker_a)
    assert (House.objects.count(), Household.objects.count()) == before
