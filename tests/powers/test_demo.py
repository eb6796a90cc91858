"""The demo catalogue reproduces the seed's figures for 南湖区 exactly."""

import pytest
from django.db.models import Count

from gridgov.core.models import AuditEntry
from gridgov.org.demo import FUNCTIONAL_DEPARTMENTS
from gridgov.powers.choices import PowerKind
from gridgov.powers.demo import TRANSFER_DOCUMENT
from gridgov.powers.kpi import power_kpis
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.powers.selectors import powers_held, versions_in_effect

from .conftest import BEFORE_TRANSFER, BUREAU, TRANSFER_DAY

pytestmark = pytest.mark.django_db


def test_nanhu_has_8995_items_of_which_4932_penalties(nanhu):
    items = PowerItem.objects.filter(jurisdiction=nanhu)
    assert items.count() == 8995
    assert items.filter(kind=PowerKind.PENALTY).count() == 4932


def test_the_bureau_holds_957_penalty_items_until_may_2022_and_1375_from_june(nanhu, county_leader):
    before = power_kpis(county_leader, nanhu, BEFORE_TRANSFER)["penalty_share"]
    assert before == {
        "penalty_items": 4932,
        "comprehensive_enforcement": 957,
        "share": 19.40,
        "target": 20.88,
        "difference": -1.48,
    }
    after = power_kpis(county_leader, nanhu, TRANSFER_DAY)["penalty_share"]
    assert after["comprehensive_enforcement"] == 1375
    assert after["share"] == 27.88
    assert after["difference"] == 7.00


def test_the_418_items_arrive_by_one_transfer_with_its_document_number(nanhu, bureau):
    moved = PowerItemVersion.objects.filter(
        item__jurisdiction=nanhu, effective_from=TRANSFER_DAY, department=bureau
    )
    assert moved.count() == 418
    assert set(moved.values_list("document_number", flat=True)) == {TRANSFER_DOCUMENT}
    assert not moved.exclude(item__kind=PowerKind.PENALTY).exists()
    transfer = AuditEntry.objects.get(action="powers.transfer")
    assert transfer.target_id == str(bureau.pk) and len(transfer.changes["items"]) == 418
    assert sum(transfer.changes["from"].values()) == 418 and BUREAU not in transfer.changes["from"]


def test_the_load_leaves_one_audit_row_for_the_catalogue():
    assert AuditEntry.objects.filter(action="powers.import").count() == 1


def test_every_functional_department_holds_matching_inspection_and_penalty_items(nanhu):
    holders = dict(
        versions_in_effect(TRANSFER_DAY)
        .filter(item__jurisdiction=nanhu)
        .values_list("department__code")
        .annotate(n=Count("pk"))
    )
    assert len(holders) == 16
    for suffix, _kind, _name in FUNCTIONAL_DEPARTMENTS:
        unit = nanhu.departments.get(code=f"{nanhu.code}-{suffix}")
        inspections = powers_held(nanhu, unit, PowerKind.INSPECTION, TRANSFER_DAY)
        penalties = powers_held(nanhu, unit, PowerKind.PENALTY, TRANSFER_DAY)
        assert inspections.count() >= 3 and penalties.count() >= 3, suffix


@pytest.mark.parametrize(
    ("unit", "inspection", "penalty"),
    [
        ("ZHZFJ", "对校园周边占道经营和流动摊贩的行政检查", "校园周边公共场所摆摊设点经营"),
        (
            "SCJGJ",
            "对校园及周边食品经营者经营条件和食品安全状况的行政检查",
            "对未取得食品经营许可从事食品经营活动的行政处罚",
        ),
        ("ZHZFJ", "对建筑施工工地夜间施工噪声污染防治的行政检查", "夜间进行产生噪声的建筑施工作业"),
        ("ZJJ", "对建筑工地安全文明施工和施工许可情况的行政检查", "未取得施工许可证擅自施工"),
        ("ZHZFJ", "对餐饮服务单位油烟净化设施安装使用情况的行政检查", "油烟净化设施"),
        ("GAFJ", "对派出所辖区单位日常消防安全的行政检查", "疏散通道、安全出口"),
    ],
)
def test_the_scenarios_find_their_inspection_and_penalty_items(nanhu, unit, inspection, penalty):
    holder = nanhu.departments.get(code=f"{nanhu.code}-{unit}")
    assert (
        powers_held(nanhu, holder, PowerKind.INSPECTION, TRANSFER_DAY)
        .filter(name=inspection)
        .exists()
    )
    assert (
        powers_held(nanhu, holder, PowerKind.PENALTY, TRANSFER_DAY)
        .filter(name__contains=penalty)
        .exists()
    )
