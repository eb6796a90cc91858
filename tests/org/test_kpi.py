import pytest

from gridgov.org.actions import StaffData, do_create_staff, do_deactivate_staff
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.regions.models import Region
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def sinking(client, region=None):
    params = {"region": region} if region else {}
    return client.get("/api/v1/kpi/enforcement-sinking", params)


def test_the_demo_reproduces_the_seed_share_for_nanhu(county_leader):
    body = sinking(client_for(county_leader)).json()
    assert body["code"] == "330402"
    assert (body["enforcement_staff"], body["sunk"]) == (225, 147)
    assert body["share_percent"] == 65.3
    assert len(body["by_agency"]) == 7  # one comprehensive and six professional agencies


def test_the_share_is_computed_from_staff_records(county_leader):
    client = client_for(county_leader)
    before = sinking(client).json()
    town = Region.objects.get(code="330402013")
    squad = Department.objects.get(code="330402013-ZD")
    for _ in range(3):
        do_create_staff(
            StaffData("新队员", Role.OFFICER, town, squad, phone="13800001111"), actor="test"
        )
    leaving = Staff.objects.filter(department__code="330402-ZHZF").order_by("pk").first()
    do_deactivate_staff(leaving, actor="test")
    after = sinking(client).json()
    assert after["enforcement_staff"] == before["enforcement_staff"] + 3 - 1
    assert after["sunk"] == before["sunk"] + 3
    assert after["share"] == round(after["sunk"] / after["enforcement_staff"], 4)


def test_staff_of_ordinary_departments_do_not_count_as_enforcement(county_leader):
    body = sinking(client_for(county_leader)).json()
    officers_in_county = Staff.objects.filter(
        role=Role.OFFICER, region__county__code="330402"
    ).count()
    assert body["enforcement_staff"] < officers_in_county


def test_the_city_view_ranks_counties_with_nanhu_first(admin_user):
    body = sinking(client_for(admin_user), "3304").json()
    ranking = body["by_subregion"]
    assert len(ranking) == 7
    assert ranking[0]["code"] == "330402"
    shares = [row["share"] for row in ranking]
    assert shares == sorted(shares, reverse=True)
    assert body["enforcement_staff"] == sum(row["enforcement_staff"] for row in ranking)


def test_a_grid_worker_may_not_see_the_kpi(gridworker_a):
    assert sinking(client_for(gridworker_a)).status_code == 403


def test_a_town_dispatcher_cannot_ask_for_the_whole_county(dispatcher_town):
    client = client_for(dispatcher_town)
    assert sinking(client, "330402").status_code == 404
    own = sinking(client).json()
    assert own["code"] == "330402013" and own["share"] == 1.0  # a town's staff are all sunk


def test_the_kpi_page_shows_the_share_in_chinese(county_leader):
    response = client_for(county_leader).get("/org/kpi/enforcement-sinking/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "65.3%" in text and "南湖区" in text and "执法" in text
