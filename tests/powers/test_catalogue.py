"""The catalogue as of a date, its filters and an item's history; export and import back."""

import datetime
import io

import pytest
from django.core.management import call_command

from gridgov.core.csvfiles import xlsx_records
from gridgov.core.exports import write_csv
from gridgov.powers.actions import import_power_item_file
from gridgov.powers.choices import PowerKind, PowerStatus
from gridgov.powers.files import COLUMNS
from gridgov.powers.kpi import power_kpis
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.powers.selectors import CatalogueFilter, catalogue, history_of, powers_held
from gridgov.regions.models import Region

from .conftest import BEFORE_TRANSFER, TRANSFER_DAY, catalogue_file, row

pytestmark = pytest.mark.django_db


def test_items_do_not_exist_before_their_first_version(nanhu, county_leader):
    before = catalogue(county_leader, CatalogueFilter(nanhu, datetime.date(2019, 12, 31)))
    assert not before.exists()
    assert (
        catalogue(county_leader, CatalogueFilter(nanhu, datetime.date(2020, 1, 1))).count() == 8995
    )


def test_the_catalogue_as_of_a_date_shows_each_item_once_with_the_holder_then(
    nanhu, bureau, county_leader
):
    def bureau_penalties(day):
        f = CatalogueFilter(nanhu, day, kind=PowerKind.PENALTY, department=bureau)
        return catalogue(county_leader, f)

    assert bureau_penalties(BEFORE_TRANSFER).count() == 957
    assert bureau_penalties(TRANSFER_DAY).count() == 1375
    everything = catalogue(county_leader, CatalogueFilter(nanhu, TRANSFER_DAY))
    assert everything.count() == 8995
    assert len(set(everything.values_list("item_id", flat=True))) == 8995


def test_filters_by_status_and_words(nanhu, county_leader):
    f = CatalogueFilter(nanhu, TRANSFER_DAY, q="油烟")
    rows = list(catalogue(county_leader, f))
    assert rows and all("油烟" in v.item.name for v in rows)
    coded = catalogue(county_leader, CatalogueFilter(nanhu, TRANSFER_DAY, q=rows[0].item.code))
    assert [v.item_id for v in coded] == [rows[0].item_id]
    repealed = CatalogueFilter(nanhu, TRANSFER_DAY, status=PowerStatus.REPEALED)
    assert not catalogue(county_leader, repealed).exists()


def test_an_items_history_lists_every_version_oldest_first(nanhu, bureau):
    moved = PowerItem.objects.filter(jurisdiction=nanhu, versions__effective_from=TRANSFER_DAY)
    history = history_of(moved.first())
    assert [v.effective_from for v in history] == [datetime.date(2020, 1, 1), TRANSFER_DAY]
    assert history[-1].department == bureau and history[0].department != bureau


def test_powers_held_follow_the_transfer(nanhu, bureau, housing):
    moved = PowerItem.objects.filter(
        jurisdiction=nanhu, versions__effective_from=TRANSFER_DAY, versions__department=bureau
    ).first()
    assert (
        powers_held(nanhu, moved.versions.first().department, PowerKind.PENALTY, BEFORE_TRANSFER)
        .filter(pk=moved.pk)
        .exists()
    )
    assert powers_held(nanhu, bureau, PowerKind.PENALTY, TRANSFER_DAY).filter(pk=moved.pk).exists()
    held = powers_held(nanhu, housing, PowerKind.INSPECTION, TRANSFER_DAY)
    assert held.count() > 3 and set(held.values_list("kind", flat=True)) == {PowerKind.INSPECTION}


def catalogue_of(area, day, user) -> list[tuple]:
    rows = catalogue(user, CatalogueFilter(area, day))
    return [
        (v.item.code, v.item.name, v.item.kind, v.item.legal_basis, v.department.code, v.status)
        for v in rows
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_catalogue_imports_back_as_the_same_catalogue(admin_user, tmp_path, fmt):
    xiuzhou = Region.objects.get(code="330411")
    unit = "330411-SCJGJ"
    rows = [
        row("XZ-1", "=对测试事项的行政检查", unit=unit, day="2021-01-01"),  # looks like a formula
        row("XZ-1", "=对测试事项的行政检查", unit="330411-ZHZFJ", day="2022-06-01"),
        row(
            "XZ-2",
            "对未取得食品经营许可从事食品经营活动的行政处罚",
            "行政处罚",
            unit,
            basis="《中华人民共和国食品安全法》第一百二十二条",
            status="暂停",
            day="2021-05-01",
        ),
    ]
    import_power_item_file(catalogue_file(rows), "a.csv", jurisdiction=xiuzhou, actor=admin_user)
    day = datetime.date(2023, 1, 1)
    before = catalogue_of(xiuzhou, day, admin_user)
    path = tmp_path / f"导出.{fmt}"
    call_command("export_power_items", jurisdiction="330411", as_of="2023-01-01", output=str(path))

    again = import_power_item_file(
        path.read_bytes(), path.name, jurisdiction=xiuzhou, actor=admin_user
    )
    assert (again["versions_created"], again["items_updated"], again["unchanged"]) == (0, 0, 3)
    history = stored_history(xiuzhou)
    PowerItem.objects.filter(jurisdiction=xiuzhou).delete()
    fresh = import_power_item_file(
        path.read_bytes(), path.name, jurisdiction=xiuzhou, actor=admin_user
    )
    assert fresh["items_created"] == 2 and fresh["versions_created"] == 3
    assert catalogue_of(xiuzhou, day, admin_user) == before
    # The transfer survives the round trip: before it, the item is its first holder's again.
    assert stored_history(xiuzhou) == history and len(history) == 3
    earlier = datetime.date(2021, 6, 1)
    assert ("XZ-1", "330411-SCJGJ") in {(c, d) for c, _n, _k, _b, d, _s in catalogue_of(
        xiuzhou, earlier, admin_user)}  # fmt: skip


def stored_history(area) -> list[tuple]:
    return list(
        PowerItemVersion.objects.filter(item__jurisdiction=area)
        .order_by("item__code", "effective_from")
        .values_list("item__code", "effective_from", "department__code", "status")
    )


def test_exporting_the_demo_catalogue_and_importing_it_again_changes_nothing(
    nanhu, admin_user, county_leader
):
    out = io.StringIO()
    call_command("export_power_items", jurisdiction="330402", as_of="2022-06-01", stdout=out)
    data = out.getvalue().encode("utf-8")
    summary = import_power_item_file(data, "南湖.csv", jurisdiction=nanhu, actor=admin_user)
    dated = PowerItemVersion.objects.filter(
        item__jurisdiction=nanhu, effective_from__lte=datetime.date(2022, 6, 1)
    )
    assert summary["unchanged"] == dated.count() > 8995 and summary["versions_created"] == 0
    assert power_kpis(county_leader, nanhu, TRANSFER_DAY)["penalty_share"]["share"] == 27.88


def test_the_csv_writer_guards_cells_a_spreadsheet_would_run_as_formulas():
    data = write_csv(COLUMNS[:2], [["=1+1", "@SUM(A1)"], ["-", "正常"]])
    assert data.startswith("\ufeff".encode())
    assert "'=1+1,'@SUM(A1)" in data.decode("utf-8")


def test_the_workbook_reader_numbers_rows_as_the_sheet_does():
    from gridgov.core.exports import write_xlsx

    data = write_xlsx(["a", "b"], [["1", "2"], [None, None], ["3", None]])
    assert list(xlsx_records(data)) == [
        (1, ["a", "b"]),
        (2, ["1", "2"]),
        (3, ["", ""]),
        (4, ["3", ""]),
    ]
