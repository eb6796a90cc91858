"""Importing ledgers: buildings, houses, households and residents made as needed; the same file
twice changes nothing; a changed phone is updated; all or nothing unless bad rows are skipped;
only places and people of the importer's area."""

import pytest

from gridgov.core.errors import InvalidInput, NotFound
from gridgov.core.models import AuditEntry
from gridgov.core.pii import digest
from gridgov.households.choices import MoveKind, ResidenceKind
from gridgov.households.ledger_import import import_ledger_file
from gridgov.households.models import Building, House, Household, Move, Resident, SpecialGroup

from .ledger_fixtures import GRID_B, csv_file, person, xlsx_file

pytestmark = pytest.mark.django_db


def run(user, data, name="台账.csv", **options):
    from gridgov.regions.models import Region

    area = options.pop("area", None) or Region.objects.get(code="330402013001001")
    return import_ledger_file(data, name, area=area, actor=user, **options)


def family_rows():
    return [
        person(3, room="101"),  # the head
        person(4, room="101", 特殊人群="孕产妇"),
        person(5, room="102", 人口类型="流动"),
    ]


def test_a_ledger_makes_its_buildings_houses_households_and_residents(gridworker_a):
    summary = run(gridworker_a, csv_file(family_rows()))
    assert summary["residents_created"] == 3 and summary["rows"] == 3
    assert (summary["buildings_created"], summary["houses_created"]) == (1, 2)
    assert summary["households_created"] == 2 and summary["problems"] == []
    head = Resident.objects.get(id_digest=digest(family_rows()[0][10]))
    assert head.grid.code == "330402013001001" and head.household.size == 2
    assert head.sex == "male" and head.birth_date.year == 1980
    assert head.phone == "13900000003"  # stored encrypted, read back
    assert Resident.objects.get(name="居民5").residence == ResidenceKind.FLOATING
    assert list(Resident.objects.get(name="居民4").groups.values_list("code", flat=True))
    assert (
        Move.objects.filter(kind=MoveKind.MOVE_IN, resident__name__startswith="居民").count() == 3
    )
    assert House.objects.filter(building__name="试验楼").count() == 2


def test_the_same_file_twice_changes_nothing(gridworker_a):
    data = xlsx_file(family_rows())
    run(gridworker_a, data, name="台账.xlsx")
    again = run(gridworker_a, data, name="台账.xlsx")
    assert (again["residents_created"], again["unchanged"]) == (0, 3)
    assert again["residents_updated"] == 0 and again["households_created"] == 0
    assert Resident.objects.filter(name__startswith="居民").count() == 3
    assert Move.objects.filter(resident__name__startswith="居民").count() == 3


def test_a_changed_phone_is_updated(gridworker_a):
    run(gridworker_a, csv_file(family_rows()))
    rows = family_rows()
    rows[0] = person(3, room="101", 联系电话="13812345678")
    summary = run(gridworker_a, csv_file(rows))
    assert (summary["residents_updated"], summary["unchanged"]) == (1, 2)
    head = Resident.objects.get(name="居民3")
    assert head.phone == "13812345678" and head.phone_digest == digest("13812345678")


def test_any_bad_row_writes_nothing_and_lists_every_problem(gridworker_a, english):
    rows = [*family_rows(), person(6, 身份证号="330402198001010011"), person(7, 房屋用途="仓库")]
    with pytest.raises(InvalidInput) as refusal:
        run(gridworker_a, csv_file(rows))
    assert [(p["row"], p["column"]) for p in refusal.value.details] == [
        (5, "身份证号"),
        (6, "房屋用途"),
    ]
    assert not Resident.objects.filter(name__startswith="居民").exists()
    assert not Building.objects.filter(name="试验楼").exists()


def test_bad_rows_are_skipped_on_request(gridworker_a):
    rows = [*family_rows(), person(6, 身份证号="330402900101006")]
    summary = run(gridworker_a, csv_file(rows), skip_bad_rows=True)
    assert summary["residents_created"] == 3 and summary["rows_skipped"] == 1
    assert summary["problems"][0]["row"] == 5 and "15 位" in summary["problems"][0]["reason"]


def test_the_same_person_twice_in_a_file_is_refused_on_the_later_row(gridworker_a):
    rows = [*family_rows(), person(3, room="102")]
    with pytest.raises(InvalidInput) as refusal:
        run(gridworker_a, csv_file(rows))
    assert [(p["row"], p["column"]) for p in refusal.value.details] == [(5, "身份证号")]


def test_a_row_of_another_grid_is_refused_and_nothing_of_it_written(gridworker_a):
    rows = [*family_rows(), person(9, region=GRID_B, room="301")]
    summary = run(gridworker_a, csv_file(rows), skip_bad_rows=True)
    assert summary["residents_created"] == 3
    assert summary["problems"][0]["column"] == "区域编码"
    assert not Household.objects.filter(number__startswith=f"HH-{GRID_B}").exists()


def test_a_person_on_another_areas_ledger_is_not_changed(gridworker_a, gridworker_b):
    from gridgov.regions.models import Region

    grid_b = Region.objects.get(code=GRID_B)
    run(gridworker_b, csv_file([person(3, region=GRID_B)]), area=grid_b)
    summary = run(gridworker_a, csv_file(family_rows()), skip_bad_rows=True)
    assert summary["residents_created"] == 2
    assert summary["problems"][0]["reason"] == "此人已在其他辖区的台账上"
    assert Resident.objects.get(name="居民3").grid == grid_b


def test_an_area_outside_the_importers_is_not_found(gridworker_a):
    from gridgov.regions.models import Region

    with pytest.raises(NotFound):
        run(gridworker_a, csv_file(family_rows()), area=Region.objects.get(code=GRID_B))


def test_an_import_is_audited_once(gridworker_a):
    run(gridworker_a, csv_file(family_rows()))
    entries = AuditEntry.objects.filter(action="households.ledger.import")
    assert entries.count() == 1 and entries.get().changes["residents_created"] == 3


def test_groups_by_age_named_in_a_file_are_accepted_and_not_kept(gridworker_a):
    by_age = SpecialGroup.objects.filter(min_age__isnull=False).first()
    run(gridworker_a, csv_file([person(3, 特殊人群=by_age.name)]))
    assert not Resident.objects.get(name="居民3").groups.exists()


def test_progress_is_reported_as_rows_done_of_the_total(gridworker_a):
    seen = []
    run(
        gridworker_a,
        csv_file(family_rows()),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1][0] == 3 and seen[-1][1] >= 4


def test_on_sqlite_the_import_runs_with_a_roomy_page_cache_and_gives_it_back(gridworker_a):
    from django.db import connection

    from gridgov.households.ledger_import import IMPORT_CACHE_KIB

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    if connection.vendor != "sqlite":  # PostgreSQL's buffers are the server's: nothing to set
        seen = []
        run(gridworker_a, csv_file(family_rows()), progress=lambda *_: seen.append(1))
        assert seen
        return
    usual = cache_size()
    during = []
    run(gridworker_a, csv_file(family_rows()), progress=lambda *_: during.append(cache_size()))
    assert during == [-IMPORT_CACHE_KIB] and cache_size() == usual != -IMPORT_CACHE_KIB


def test_a_region_a_resident_lives_in_cannot_be_deleted(gridworker_a):
    """The place columns keep no database constraint (see regions.models.CopiedPlace); the
    deletion is refused all the same."""
    from django.db.models import ProtectedError

    run(gridworker_a, csv_file(family_rows()))
    head = Resident.objects.get(id_digest=digest(family_rows()[0][10]))
    with pytest.raises(ProtectedError) as refused:
        head.grid.delete()
    assert head in refused.value.protected_objects
    assert Resident.objects.filter(pk=head.pk, grid__isnull=False).exists()


def test_a_big_import_refreshes_the_planners_statistics_and_a_small_one_does_not(
    gridworker_a, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.households import ledger_import

    refresh = "ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize"
    with CaptureQueriesContext(connection) as small:
        run(gridworker_a, csv_file(family_rows()))
    assert not [q for q in small.captured_queries if q["sql"].startswith(refresh)]
    monkeypatch.setattr(ledger_import, "ANALYZE_FROM", 3)  # as if the rows were thousands
    rows = [person(n, room="201") for n in (6, 7, 8)]
    with CaptureQueriesContext(connection) as big:
        run(gridworker_a, csv_file(rows))
    analyzed = [q["sql"] for q in big.captured_queries if q["sql"].startswith(refresh)]
    assert len(analyzed) == 1
    if connection.vendor == "postgresql":
        assert '"households_resident"' in analyzed[0] and '"households_move"' in analyzed[0]
