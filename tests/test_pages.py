"""Every page renders for the roles that may open it, in Chinese, and refuses the others."""

import pytest
from django.test import Client

from tests.conftest import DEMO_TOWN, GRID_A, client_for

pytestmark = pytest.mark.django_db

ROLES = ["gridworker_a", "dispatcher_town", "officer_squad", "county_leader", "admin_user"]


@pytest.mark.parametrize("who", ROLES)
def test_the_workbench_and_own_map_render_for_every_role(request, who):
    client = client_for(request.getfixturevalue(who))
    home = client.get("/")
    assert home.status_code == 200 and "工作台" in home.content.decode()
    regions = client.get("/regions/", follow=True)
    assert regions.status_code == 200
    assert 'id="map"' in regions.content.decode()


def test_a_grid_workers_map_lists_their_micro_grids(gridworker_a, grid_a):
    page = client_for(gridworker_a).get(f"/regions/{GRID_A}/").content.decode()
    for micro in grid_a.children.all():
        assert micro.name in page


def test_the_map_data_is_geojson_of_the_region_and_its_children(dispatcher_town):
    body = client_for(dispatcher_town).get(f"/api/v1/regions/{DEMO_TOWN}/children.geojson").json()
    assert body["type"] == "FeatureCollection"
    roles = [f["properties"]["role"] for f in body["features"]]
    assert roles.count("focus") == 1 and roles.count("child") >= 5
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in body["features"])


def test_the_staff_directory_is_refused_to_micro_grid_leaders(db):
    from tests.conftest import staff_user

    leader = staff_user(role="microgrid_leader", region__grid__code=GRID_A)
    assert client_for(leader).get("/org/staff/").status_code == 403
    assert "不允许" in client_for(leader).get("/org/staff/").content.decode()


def test_the_statistics_page_is_refused_to_grid_workers(gridworker_a):
    assert client_for(gridworker_a).get("/org/kpi/enforcement-sinking/").status_code == 403


def test_pages_ask_anonymous_visitors_to_sign_in():
    for url in ["/", "/regions/", "/org/staff/", "/org/kpi/enforcement-sinking/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_api_documentation_and_schema_are_served(gridworker_a):
    client = client_for(gridworker_a)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/locate" in schema.content.decode()
    assert client.get("/api/docs/").status_code == 200


def test_the_next_page_keeps_the_filters(admin_user):
    page = client_for(admin_user).get("/org/staff/", {"role": "officer"}).content.decode()
    assert "?role=officer&amp;page=2" in page
