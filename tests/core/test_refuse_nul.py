"""Requests carrying NUL (U+0000) are refused with a 400 before any view or session lookup.

PostgreSQL can neither store nor compare text holding NUL: each of these requests was a 500
there (found by the fuzz run, tests/fuzz). They are refused the same way on SQLite.
"""

import json

import pytest
from django.test import Client

from gridgov.events.models import Event
from tests.conftest import GRID_A, client_for
from tests.events.conftest import point_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions?q=%00",
        "/api/v1/events?region=33%00",
        "/api/v1/kpi/events?unit=%00",
        "/api/v1/events/SJ%00",
        "/api/v1/regions/33%00/children.geojson",
    ],
)
def test_the_api_answers_a_nul_in_its_url_with_its_own_400(dispatcher_town, url):
    response = client_for(dispatcher_town).get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["detail"]


@pytest.mark.parametrize("url", ["/events/?q=%00", "/regions/?q=%00", "/public/track/?number=%00"])
def test_pages_answer_a_nul_in_their_url_with_a_400(dispatcher_town, url):
    assert client_for(dispatcher_town).get(url).status_code == 400


def test_a_nul_in_the_session_cookie_is_a_400_not_a_session_lookup():
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400
    assert client.get("/api/v1/me").status_code == 400


def test_form_fields_with_nul_are_refused_and_write_nothing(gridworker_a):
    lon, lat = point_in(GRID_A)
    before = Event.objects.count()
    public = Client().post(
        "/public/new/", {"category": "0201", "description": "噪声\x00", "lon": lon, "lat": lat}
    )
    assert public.status_code == 400
    assert Client().post("/public/track/", {"number": "SJ\x00", "code": "x"}).status_code == 400
    staff = client_for(gridworker_a).post(
        "/events/new/", {"title": "井盖\x00", "category": "0101", "lon": lon, "lat": lat}
    )
    assert staff.status_code == 400
    assert Event.objects.count() == before


def test_open311_answers_in_the_specs_shape():
    response = Client().get("/open311/v2/requests.json?status=%00")
    assert response.status_code == 400
    (problem,) = json.loads(response.content)
    assert problem["code"] == 400 and problem["description"]


def test_file_contents_may_hold_nul(gridworker_a):
    """Only names and fields are looked at: a JPEG is full of zero bytes."""
    from tests.events.conftest import jpeg

    lon, lat = point_in(GRID_A)
    body = {"title": "井盖缺失", "category": "0105", "lon": lon, "lat": lat, "photos": [jpeg()]}
    response = client_for(gridworker_a).post("/api/v1/events", body)
    assert response.status_code == 201, response.content
