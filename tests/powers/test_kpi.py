"""The catalogue's figures come from two grouped queries, as of the day asked."""

import datetime

import pytest

from gridgov.org.models import Department
from gridgov.org.roles import post_of
from gridgov.powers.actions import do_import_power_items, do_transfer_power_items
from gridgov.powers.choices import PowerKind, PowerStatus
from gridgov.powers.files import PowerRow
from gridgov.powers.kpi import power_kpis
from gridgov.powers.models import PowerItem
from gridgov.powers.selectors import versions_in_effect

from .conftest import TRANSFER_DAY

pytestmark = pytest.mark.django_db
LATER = datetime.date(2023, 1, 1)


def test_the_figures_are_two_grouped_queries(nanhu, county_leader, django_assert_num_queries):
    post_of(county_leader)  # the staff post is read once per request anyway
    with django_assert_num_queries(2):
        figures = power_kpis(county_leader, nanhu, TRANSFER_DAY)
    assert figures["total"] == figures["in_force"] == 8995
    assert {k["kind"]: k["count"] for k in figures["by_kind"]}[PowerKind.PENALTY] == 4932


def test_a_repealed_penalty_item_leaves_the_share(nanhu, bureau, admin_user, county_leader):
    held = versions_in_effect(LATER).filter(department=bureau, item__kind=PowerKind.PENALTY)
    item = held.select_related("item").first().item
    repeal = PowerRow(
        None,
        item.code,
        item.name,
        item.kind,
        bureau,
        item.legal_basis,
        PowerStatus.REPEALED,
        LATER,
        "南政发〔2022〕99号",
    )
    do_import_power_items(nanhu, [repeal], actor=admin_user)
    share = power_kpis(county_leader, nanhu, LATER)["penalty_share"]
    assert (share["penalty_items"], share["comprehensive_enforcement"]) == (4931, 1374)
    assert share["share"] == round(100 * 1374 / 4931, 2)
    figures = power_kpis(county_leader, nanhu, LATER)
    assert (figures["total"], figures["in_force"]) == (8995, 8994)


def test_every_comprehensive_enforcement_unit_counts_towards_the_share(
    nanhu, admin_user, county_leader, housing
):
    squad = Department.objects.get(code="330402013-ZD")  # a town squad of the enforcement team
    items = PowerItem.objects.filter(
        pk__in=versions_in_effect(LATER)
        .filter(department=housing, item__kind=PowerKind.PENALTY)
        .values("item_id")[:5]
    )
    do_transfer_power_items(
        items,
        to_department=squad,
        effective_from=LATER,
        document_number="南政发〔2023〕1号",
        actor=admin_user,
    )
    share = power_kpis(county_leader, nanhu, LATER)["penalty_share"]
    assert share["comprehensive_enforcement"] == 1375 + 5


def test_a_day_before_the_catalogue_has_no_figures(nanhu, county_leader):
    figures = power_kpis(county_leader, nanhu, datetime.date(2019, 1, 1))
    assert figures["total"] == 0 and figures["by_department"] == []
    assert figures["penalty_share"]["share"] is None
    assert figures["penalty_share"]["difference"] is None
