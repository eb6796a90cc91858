"""Importing a catalogue file: every problem at once, all or nothing unless bad rows are
skipped, and the same file twice changes nothing."""

import datetime

import pytest
from django.core.management import call_command

from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.core.exports import write_xlsx
from gridgov.core.models import AuditEntry
from gridgov.powers.actions import import_power_item_file
from gridgov.powers.choices import PowerKind, PowerStatus
from gridgov.powers.files import COLUMNS
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.regions.models import Region

from .conftest import catalogue_file, row

pytestmark = pytest.mark.django_db
XIUZHOU = "330411"
MARKET = f"{XIUZHOU}-SCJGJ"
BUREAU = f"{XIUZHOU}-ZHZFJ"


@pytest.fixture
def xiuzhou(db):
    return Region.objects.get(code=XIUZHOU)


def good_rows() -> list[list[str]]:
    return [
        row("XZ-JC-1", "对食品经营者经营条件的行政检查", "行政检查", MARKET),
        row(
            "XZ-CF-1",
            "对未取得食品经营许可从事食品经营活动的行政处罚",
            "行政处罚",
            MARKET,
            day="2021-03-01",
        ),
        # a name instead of a code, another spelling of the date, and a blank status
        row(
            "XZ-CF-2",
            "对擅自设置大型户外广告设施的行政处罚",
            "行政处罚",
            "秀洲区综合行政执法局",
            status="",
            day="2021/7/1",
        ),
        # the same item's later version: the bureau holds it from 2022
        row(
            "XZ-CF-1",
            "对未取得食品经营许可从事食品经营活动的行政处罚",
            "行政处罚",
            BUREAU,
            day="2022-06-01",
            document="秀政发〔2022〕3号",
        ),
    ]


def load(data, name, area, actor, **options):
    return import_power_item_file(data, name, jurisdiction=area, actor=actor, **options)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_file_creates_items_and_their_versions(xiuzhou, admin_user, fmt):
    summary = load(catalogue_file(good_rows(), fmt), f"清单.{fmt}", xiuzhou, admin_user)
    assert summary == {
        "rows": 4,
        "items_created": 3,
        "items_updated": 0,
        "versions_created": 4,
        "unchanged": 0,
        "rows_skipped": 0,
        "problems": [],
    }
    item = PowerItem.objects.get(jurisdiction=xiuzhou, code="XZ-CF-1")
    assert item.kind == PowerKind.PENALTY
    history = list(item.versions.order_by("effective_from"))
    assert [(v.effective_from, v.department.code) for v in history] == [
        (datetime.date(2021, 3, 1), MARKET),
        (datetime.date(2022, 6, 1), BUREAU),
    ]
    assert history[1].document_number == "秀政发〔2022〕3号"
    assert history[1].recorded_by == admin_user
    by_name = PowerItemVersion.objects.get(item__code="XZ-CF-2")
    assert by_name.department.code == BUREAU and by_name.status == PowerStatus.ACTIVE
    assert by_name.effective_from == datetime.date(2021, 7, 1)
    assert AuditEntry.objects.filter(action="powers.import", target_id=str(xiuzhou.pk)).count() == 1


def test_importing_the_same_file_again_changes_nothing(xiuzhou, admin_user):
    data = catalogue_file(good_rows())
    load(data, "清单.csv", xiuzhou, admin_user)
    again = load(data, "清单.csv", xiuzhou, admin_user)
    assert again["items_created"] == again["items_updated"] == again["versions_created"] == 0
    assert again["unchanged"] == 4
    assert PowerItemVersion.objects.filter(item__jurisdiction=xiuzhou).count() == 4


def test_a_changed_name_updates_the_item_and_a_new_holder_from_a_date_adds_a_version(
    xiuzhou, admin_user
):
    load(catalogue_file(good_rows()), "清单.csv", xiuzhou, admin_user)
    changed = [
        row("XZ-JC-1", "对食品经营者经营条件和食品安全状况的行政检查", "行政检查", MARKET),
        row(
            "XZ-JC-1",
            "对食品经营者经营条件和食品安全状况的行政检查",
            "行政检查",
            MARKET,
            status="已废止",
            day="2024-01-01",
            document="秀政发〔2023〕9号",
        ),
    ]
    summary = load(catalogue_file(changed), "改.csv", xiuzhou, admin_user)
    assert (summary["items_updated"], summary["versions_created"], summary["unchanged"]) == (
        1,
        1,
        1,
    )
    item = PowerItem.objects.get(code="XZ-JC-1")
    assert item.name == "对食品经营者经营条件和食品安全状况的行政检查"
    assert list(item.versions.values_list("status", flat=True).order_by("effective_from")) == [
        PowerStatus.ACTIVE,
        PowerStatus.REPEALED,
    ]


@pytest.mark.usefixtures("english")
def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(xiuzhou, admin_user):
    rows = [
        *good_rows(),
        # row 6: no name
        row("XZ-9", "", "行政处罚", MARKET),
        # row 7: an unknown kind, and a unit of 南湖区
        row("XZ-10", kind="行政批评", unit="330402-SCJGJ"),
        # row 8: an unknown status, a day that does not exist
        row("XZ-11", unit=MARKET, status="作废", day="2022-02-30"),
        # row 9: a space in the code
        row("XZ 12", unit=MARKET),
        # row 10: another name than row 2 for the same item
        row("XZ-JC-1", unit=MARKET, day="2023-02-01"),
        # row 11: the same item and date as row 4
        row(
            "XZ-CF-2", "对擅自设置大型户外广告设施的行政处罚", "行政处罚", BUREAU, day="2021-07-01"
        ),
    ]
    with pytest.raises(InvalidInput) as refused:
        load(catalogue_file(rows), "错.csv", xiuzhou, admin_user)
    found = {(p["row"], p["column"]) for p in refused.value.details}
    assert found == {
        (6, "事项名称"),
        (7, "事项类型"),
        (7, "实施部门"),
        (8, "状态"),
        (8, "生效日期"),
        (9, "事项编码"),
        (10, "事项名称"),
        (11, "生效日期"),
    }
    assert all(p["reason"] for p in refused.value.details)
    assert not PowerItem.objects.filter(jurisdiction=xiuzhou).exists()


@pytest.mark.usefixtures("english")
def test_another_holder_on_a_date_that_already_has_a_version_is_a_problem(xiuzhou, admin_user):
    load(catalogue_file(good_rows()), "清单.csv", xiuzhou, admin_user)
    clash = [row("XZ-JC-1", "对食品经营者经营条件的行政检查", "行政检查", BUREAU)]
    with pytest.raises(InvalidInput) as refused:
        load(catalogue_file(clash), "改.csv", xiuzhou, admin_user)
    [problem] = refused.value.details
    assert (problem["row"], problem["column"]) == (2, "生效日期")
    assert "already has a version from 2023-01-01" in problem["reason"]


def test_skipping_bad_rows_writes_the_good_ones_and_reports_the_others(xiuzhou, admin_user):
    rows = [*good_rows(), row("XZ-9", "", unit=MARKET), row("XZ-10", unit="没有这个部门")]
    summary = load(
        catalogue_file(rows, "xlsx"), "清单.xlsx", xiuzhou, admin_user, skip_bad_rows=True
    )
    assert summary["items_created"] == 3 and summary["rows_skipped"] == 2
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [
        (6, "事项名称"),
        (7, "实施部门"),
    ]
    assert set(PowerItem.objects.filter(jurisdiction=xiuzhou).values_list("code", flat=True)) == {
        "XZ-JC-1",
        "XZ-CF-1",
        "XZ-CF-2",
    }


@pytest.mark.usefixtures("english")
def test_a_file_without_the_header_is_refused_whole(xiuzhou, admin_user):
    data = catalogue_file(
        [row()], header=["code", "name", "kind", "unit", "basis", "status", "date", "document"]
    )
    with pytest.raises(InvalidInput, match="header"):
        load(data, "清单.csv", xiuzhou, admin_user)


@pytest.mark.usefixtures("english")
def test_a_file_that_is_not_a_workbook_is_refused(xiuzhou, admin_user):
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        load(b"not a zip", "清单.xlsx", xiuzhou, admin_user)


def test_a_csv_saved_by_excel_in_gb18030_is_read(xiuzhou, admin_user):
    text = "\n".join(",".join(cells) for cells in [COLUMNS, row("XZ-GB", unit=MARKET)])
    load(text.encode("gb18030"), "清单.csv", xiuzhou, admin_user)
    assert PowerItem.objects.get(code="XZ-GB").name == "对测试事项的行政检查"


def test_workbook_cells_are_read_as_people_see_them(xiuzhou, admin_user):
    # A code typed as a number, a date cell, and trailing empty cells Excel leaves out.
    data = write_xlsx(
        COLUMNS,
        [
            [
                20230001,
                "对测试事项的行政检查",
                "行政检查",
                MARKET,
                "",
                "有效",
                datetime.date(2023, 5, 4),
            ]
        ],
    )
    load(data, "清单.xlsx", xiuzhou, admin_user)
    version = PowerItemVersion.objects.get(item__code="20230001")
    assert version.effective_from == datetime.date(2023, 5, 4) and version.document_number == ""


def test_people_without_the_capability_may_not_import(xiuzhou, officer_market):
    with pytest.raises(NotPermitted):
        load(catalogue_file(good_rows()), "清单.csv", xiuzhou, officer_market)
    assert not PowerItem.objects.filter(jurisdiction=xiuzhou).exists()


def test_the_command_imports_a_file_and_skips_bad_rows_when_asked(xiuzhou, tmp_path, capsys):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(catalogue_file([*good_rows(), row("XZ-9", "", unit=MARKET)], "xlsx"))
    call_command("import_power_items", str(path), jurisdiction=XIUZHOU, skip_bad_rows=True)
    assert PowerItem.objects.filter(jurisdiction=xiuzhou).count() == 3
    assert AuditEntry.objects.filter(
        action="powers.import", actor_label="command:import_power_items"
    ).exists()
