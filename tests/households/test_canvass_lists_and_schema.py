"""The canvass lists cost a fixed number of queries whatever they show; every canvass endpoint
is in the OpenAPI schema with its serializers; a big area's households are made by a background
job; a visit's photos are seen by whoever may see the visit; the demo's canvasses load."""

import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core.models import Job
from gridgov.households import canvass_actions
from gridgov.households.canvass_actions import VisitData, do_record_visit
from gridgov.households.choices import CanvassStatus, HouseholdState
from gridgov.households.demo_canvasses import load_demo_canvasses
from gridgov.households.models import Canvass, Canvassed, Coverage, Visit
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, client_for
from tests.events.conftest import jpeg
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass

pytestmark = pytest.mark.django_db


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


# Each list and what it costs (session, user, post, the canvass, count, rows, members…):
# the same for one household, canvass or page as for many.
LISTS = {
    "/canvasses/": 5,
    "/api/v1/canvasses": 5,
    "/canvasses/{number}/mine/": 7,
    "/api/v1/canvasses/{number}/households?region={grid}": 10,
    "/canvasses/{number}/?region={grid}": 17,
}


@pytest.mark.parametrize(("url", "queries"), LISTS.items())
def test_a_canvass_list_costs_the_same_queries_however_many_rows_it_shows(
    url, queries, grid_a, gridworker_a, dispatcher_town
):
    micro = microgrids_of(grid_a, 1)[0]
    make_households(micro, count=1, people=1)
    small = running_canvass(grid_a, dispatcher_town)
    client = client_for(gridworker_a)
    few = queries_of(client, url.format(number=small.number, grid=grid_a.pk))

    make_households(micro, count=12, people=3)
    big = running_canvass(grid_a, dispatcher_town)
    running_canvass(grid_a, dispatcher_town)
    many = queries_of(client, url.format(number=big.number, grid=grid_a.pk))
    assert (few, many) == (queries, queries)


# --- OpenAPI ------------------------------------------------------------------------------

ENDPOINTS = {
    ("/api/v1/canvasses", "get"): "PaginatedCanvassListList",
    ("/api/v1/canvasses", "post"): "CanvassDetail",
    ("/api/v1/canvasses/{number}", "get"): "CanvassDetail",
    ("/api/v1/canvasses/{number}/{action}", "post"): "CanvassDetail",
    ("/api/v1/canvasses/{number}/coverage", "get"): "Coverage",
    ("/api/v1/canvasses/{number}/households", "get"): "PaginatedCanvassedList",
    ("/api/v1/canvasses/{number}/households/{household}/excuse", "post"): "Canvassed",
    ("/api/v1/canvasses/{number}/visits", "post"): "Visit",
    ("/api/v1/canvasses/{number}/assignments", "post"): "CanvassAssignment",
    ("/api/v1/colours", "get"): "ColourCounts",
    ("/api/v1/residents/{id}/colour", "post"): "ColourSet",
}
REQUESTS = {
    ("/api/v1/canvasses", "post"): "CanvassInput",
    ("/api/v1/canvasses/{number}/visits", "post"): "VisitInput",
    ("/api/v1/canvasses/{number}/households/{household}/excuse", "post"): "ExcuseInput",
    ("/api/v1/canvasses/{number}/assignments", "post"): "AssignmentInput",
    ("/api/v1/residents/{id}/colour", "post"): "ColourInput",
}


def test_every_canvass_endpoint_is_in_the_schema_with_its_serializers(admin_user):
    schema = client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    for (path, method), name in ENDPOINTS.items():
        operation = schema["paths"][path][method]
        ok = next(r for code, r in operation["responses"].items() if code.startswith("2"))
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(f"/{name}"), path
        assert name in components
    for (path, method), name in REQUESTS.items():
        body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert body["schema"]["$ref"].endswith(f"/{name}") and name in components, path


# --- Starting a big area --------------------------------------------------------------------


def test_starting_a_big_area_makes_its_households_in_a_background_job_with_progress(
    quiet_grid_a, quiet_grid_b, quiet_dispatcher, monkeypatch, django_capture_on_commit_callbacks
):
    made = []
    for grid in (quiet_grid_a, quiet_grid_b):
        made += make_households(microgrids_of(grid, 1)[0], count=2, people=2)
    monkeypatch.setattr(canvass_actions, "BACKGROUND_FROM", 0)
    progress = []
    monkeypatch.setattr(
        canvass_actions, "report_progress", lambda job, message: progress.append(message)
    )
    with django_capture_on_commit_callbacks(execute=True):
        canvass = running_canvass(quiet_grid_a.town, quiet_dispatcher)
    assert canvass.status == CanvassStatus.RUNNING
    job = Job.objects.get(kind="canvass_households", params__canvass=canvass.pk)
    assert job.status == "succeeded", job.message
    assert job.summary == {"households": len(made)}
    villages = Region.objects.filter(town=quiet_grid_a.town, level="village").count()
    assert progress == [f"{i}/{villages}" for i in range(1, villages + 1)]  # village by village
    town_row = Coverage.objects.get(canvass=canvass, region=quiet_grid_a.town)
    assert (town_row.households_total, town_row.persons_total) == (len(made), 2 * len(made))
    assert Coverage.objects.filter(canvass=canvass, parent=quiet_grid_a.town).count() == villages

    # Delivered twice: nothing made again.
    assert canvass_actions.make_households_job(job) == {"households": len(made)}
    assert Canvassed.objects.filter(canvass=canvass).count() == len(made)


# --- A visit's photos -------------------------------------------------------------------------


def test_a_visits_photo_is_seen_by_whoever_may_see_the_visit_and_no_one_else(
    grid_a, gridworker_a, gridworker_b, dispatcher_town, dispatcher_other_town
):
    household = make_households(microgrids_of(grid_a, 1)[0], count=1, people=1)[0]
    canvass = running_canvass(grid_a, dispatcher_town)
    visit = do_record_visit(
        canvass, VisitData(household=household.number, photos=[jpeg()]), actor=dispatcher_town
    )
    photo = visit.photos.get()
    url = f"/photos/{photo.pk}/"
    for user, status in ((gridworker_a, 200), (dispatcher_town, 200),
                         (gridworker_b, 404), (dispatcher_other_town, 404)):  # fmt: skip
        assert client_for(user).get(url).status_code == status, user


# --- The demo -----------------------------------------------------------------------------


def test_the_demo_makes_a_closed_canvass_and_a_running_one_over_the_towns_households(
    grid_a, grid_b, dispatcher_town, admin_user
):
    Canvass.objects.filter(region__code__startswith=DEMO_TOWN).delete()
    for grid in (grid_a, grid_b):
        make_households(microgrids_of(grid, 1)[0], count=4, people=2)
    demo = types.SimpleNamespace(seed=2022, actor=admin_user)

    made = load_demo_canvasses(demo)

    assert made["canvasses"] == 2 and made["visits"] > 0
    closed = Canvass.objects.get(region__code__startswith=DEMO_TOWN, status=CanvassStatus.CLOSED)
    assert not closed.households.filter(
        state__in=[HouseholdState.PENDING, HouseholdState.NOBODY_HOME], excuse=""
    ).exists()
    running = Canvass.objects.get(region__code=DEMO_TOWN, status=CanvassStatus.RUNNING)
    row = Coverage.objects.get(canvass=running, region=running.region)
    assert 0 < row.households_visited <= row.households_total
    assert Visit.objects.filter(canvass=running).exists()
    assert load_demo_canvasses(demo) == {"canvasses": 0}  # loaded once
