"""Who sees what: every list and detail goes through the scoping helper."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from gridgov.accounts.models import User
from gridgov.org.actions import do_deactivate_staff
from gridgov.org.models import Staff
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, GRID_B, OTHER_TOWN, client_for, staff_user

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def all_pages(client, url, params=None) -> list[dict]:
    rows, page = [], 1
    while True:
        body = client.get(url, {**(params or {}), "page": page, "page_size": 500}).json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


# --- Grid workers ---------------------------------------------------------------------------


def test_a_grid_worker_lists_only_their_own_grid(gridworker_a):
    rows = all_pages(client_for(gridworker_a), "/api/v1/regions")
    assert rows and all(row["code"].startswith(GRID_A) for row in rows)


def test_a_grid_worker_cannot_read_another_grid(gridworker_a, grid_b):
    client = client_for(gridworker_a)
    assert client.get(f"/api/v1/regions/{GRID_B}").status_code == 404
    assert client.get(f"/api/v1/regions/{GRID_B}/children.geojson").status_code == 404
    assert client.get(f"/regions/{GRID_B}/").status_code == 404
    micro_b = grid_b.children.first()
    assert client.get(f"/api/v1/regions/{micro_b.code}").status_code == 404


def test_a_grid_worker_sees_only_the_staff_of_their_grid(gridworker_a, grid_a):
    rows = all_pages(client_for(gridworker_a), "/api/v1/staff")
    assert rows
    allowed = {grid_a.code, *grid_a.children.values_list("code", flat=True)}
    assert {row["region_code"] for row in rows} <= allowed


def test_a_grid_worker_cannot_read_a_staff_member_of_another_grid(gridworker_a, gridworker_b):
    response = client_for(gridworker_a).get(f"/api/v1/staff/{gridworker_b.staff.pk}")
    assert response.status_code == 404


# --- Dispatchers ----------------------------------------------------------------------------


def test_a_town_dispatcher_sees_only_their_town(dispatcher_town):
    rows = all_pages(client_for(dispatcher_town), "/api/v1/regions")
    assert {row["code"][:9] for row in rows} == {DEMO_TOWN}
    assert len(rows) == Region.objects.filter(town__code=DEMO_TOWN).count()


def test_a_town_dispatcher_cannot_open_the_next_town(dispatcher_town):
    client = client_for(dispatcher_town)
    assert client.get(f"/api/v1/regions/{OTHER_TOWN}").status_code == 404
    assert client.get("/api/v1/regions", {"parent": OTHER_TOWN}).json()["count"] == 0
    assert client.get("/api/v1/staff", {"region": OTHER_TOWN}).status_code == 404


def test_a_town_dispatcher_sees_the_staff_of_their_town_only(dispatcher_town):
    rows = all_pages(client_for(dispatcher_town), "/api/v1/staff")
    expected = Staff.objects.filter(region__town__code=DEMO_TOWN).count()
    assert len(rows) == expected
    assert all(row["region_code"].startswith(DEMO_TOWN) for row in rows)


# --- Department officers --------------------------------------------------------------------


def test_a_department_officer_sees_only_their_departments_staff(officer_squad):
    rows = all_pages(client_for(officer_squad), "/api/v1/staff")
    assert rows
    assert {row["department_code"] for row in rows} == {f"{DEMO_TOWN}-ZD"}


def test_a_county_department_officer_sees_their_department_across_the_county(officer_market):
    rows = all_pages(client_for(officer_market), "/api/v1/staff")
    assert {row["department_code"] for row in rows} == {"330402-SCJGJ"}


def test_a_bureau_sees_the_squads_under_it():
    user = staff_user(department__code="330402-ZHZF")
    rows = all_pages(client_for(user), "/api/v1/staff")
    departments = {row["department_code"] for row in rows}
    assert "330402-ZHZF" in departments and f"{DEMO_TOWN}-ZD" in departments
    assert all(code == "330402-ZHZF" or code.endswith("-ZD") for code in departments)


def test_every_staff_member_may_read_the_department_directory(gridworker_a):
    response = client_for(gridworker_a).get("/api/v1/departments", {"page_size": 5})
    assert response.status_code == 200
    assert response.json()["count"] > 100


# --- Everyone else --------------------------------------------------------------------------


def test_an_account_without_a_post_sees_nothing():
    user = get_user_model().objects.create_user("nobody", password="x-unused-123")
    assert not scoped(Region.objects.all(), user).exists()
    assert not scoped(Staff.objects.all(), user).exists()
    assert client_for(user).get("/api/v1/regions").status_code == 403


def test_a_deactivated_staff_member_sees_nothing(gridworker_a):
    do_deactivate_staff(Staff.objects.get(user=gridworker_a), actor="test")
    gridworker_a.refresh_from_db()
    assert client_for(gridworker_a).get("/api/v1/regions").status_code == 403


def test_the_superuser_sees_everything(admin_user):
    assert client_for(admin_user).get("/api/v1/regions").json()["count"] == Region.objects.count()


def test_anonymous_visitors_see_nothing():
    client = Client()
    assert client.get("/api/v1/regions").status_code == 403
    assert client.get("/api/v1/staff").status_code == 403
    assert client.get("/regions/").status_code == 302  # to the login page


def test_a_model_without_a_scope_rule_cannot_be_scoped(admin_user):
    with pytest.raises(ImproperlyConfigured, match="scope_rule"):
        scoped(User.objects.all(), admin_user)


def test_an_unknown_role_filter_is_a_clear_400(dispatcher_town):
    response = client_for(dispatcher_town).get("/api/v1/staff", {"role": "mayor"})
    assert response.status_code == 400 and "mayor" in response.json()["detail"]
