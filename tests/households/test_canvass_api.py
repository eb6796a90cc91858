"""The canvass API and pages: prepare and start through the kernel, coverage and the proof
list by area, visits with Idempotency-Key, scope (a grid worker of grid A cannot read or visit
grid B's households: 404 and nothing written), masking. Its households are in the quiet town
(no demo ledgers), so whole-town counts are exactly the fixture's."""

import pytest

from gridgov.households.models import Answer, Canvass, Canvassed, Coverage, Visit
from tests.conftest import client_for
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(quiet_grid_a, quiet_grid_b):
    return {
        grid.pk: make_households(microgrids_of(grid, 1)[0], count=3, people=2)
        for grid in (quiet_grid_a, quiet_grid_b)
    }


@pytest.fixture
def canvass(households, quiet_dispatcher, quiet_grid_a):
    return running_canvass(quiet_grid_a.town, quiet_dispatcher)


def test_a_dispatcher_prepares_and_starts_a_canvass_through_the_api(
    households, quiet_dispatcher, quiet_grid_a
):
    api = client_for(quiet_dispatcher)
    body = {"title": "敲门行动", "region": quiet_grid_a.town_id, "starts_on": "2030-01-01",
            "ends_on": "2030-01-05"}  # fmt: skip
    made = api.post("/api/v1/canvasses", body, content_type="application/json")
    assert made.status_code == 201, made.json()
    number = made.json()["number"]
    assert made.json()["status"] == "draft" and made.json()["form"][0]["key"] == "whereabouts"
    started = api.post(f"/api/v1/canvasses/{number}/start", {}, content_type="application/json")
    assert started.status_code == 200 and started.json()["status"] == "running"
    cover = api.get(f"/api/v1/canvasses/{number}/coverage").json()
    assert cover["area"]["households_total"] == 6
    assert {c["level"] for c in cover["children"]} == {"village"}
    assert api.get("/api/v1/canvasses").json()["count"] >= 1


def test_bad_input_is_refused_with_details_and_nothing_is_made(quiet_dispatcher, quiet_grid_a):
    api = client_for(quiet_dispatcher)
    before = Canvass.objects.count()
    body = {"title": "x", "region": quiet_grid_a.town_id, "starts_on": "2030-01-05",
            "ends_on": "2030-01-01", "form": [{"key": "Bad Key", "type": "nope"}]}  # fmt: skip
    refused = api.post("/api/v1/canvasses", body, content_type="application/json")
    assert refused.status_code == 400
    fields = {d["field"] for d in refused.json()["errors"]}
    assert {"ends_on", "form[0].key", "form[0].type"} <= fields
    assert Canvass.objects.count() == before


def test_a_one_tap_visit_records_the_defaults_for_everyone_and_a_retry_records_nothing_new(
    canvass, households, quiet_gridworker_a, quiet_grid_a
):
    number = households[quiet_grid_a.pk][0].number
    api = client_for(quiet_gridworker_a)
    url = f"/api/v1/canvasses/{canvass.number}/visits"
    first = api.post(url, {"household": number}, content_type="application/json",
                     headers={"Idempotency-Key": "visit-1"})  # fmt: skip
    again = api.post(url, {"household": number}, content_type="application/json",
                     headers={"Idempotency-Key": "visit-1"})  # fmt: skip
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    visit = Visit.objects.get(pk=first.json()["id"])
    assert Visit.objects.filter(canvassed=visit.canvassed).count() == 1
    answers = list(Answer.objects.filter(visit=visit).values_list("values", flat=True))
    assert len(answers) == 2 and all(a["whereabouts"] == "在家" for a in answers)
    row = Coverage.objects.get(canvass=canvass, region=quiet_grid_a)
    assert (row.households_visited, row.persons_seen) == (1, 2)


def test_a_grid_worker_of_grid_a_cannot_read_or_visit_grid_b_households(
    canvass, households, quiet_gridworker_a, quiet_grid_b
):
    api = client_for(quiet_gridworker_a)
    other = households[quiet_grid_b.pk][0].number
    url = f"/api/v1/canvasses/{canvass.number}"
    visits = Visit.objects.count()
    refused = api.post(f"{url}/visits", {"household": other}, content_type="application/json")
    assert refused.status_code == 404
    assert Visit.objects.count() == visits
    assert Canvassed.objects.get(canvass=canvass, household__number=other).state == "pending"
    assert api.get(f"{url}/households?region={quiet_grid_b.pk}").status_code == 404
    assert api.get(f"{url}/coverage?region={quiet_grid_b.pk}").status_code == 404
    page = client_for(quiet_gridworker_a).get(
        f"/canvasses/{canvass.number}/proof.csv?region={quiet_grid_b.pk}"
    )
    assert page.status_code == 404
    assert (
        client_for(quiet_gridworker_a).get(f"/canvasses/{canvass.number}/h/{other}/").status_code
        == 404
    )


def test_the_proof_list_masks_members_and_lists_only_the_workers_own_grid(
    canvass, households, quiet_gridworker_a, quiet_grid_a
):
    api = client_for(quiet_gridworker_a)
    rows = api.get(f"/api/v1/canvasses/{canvass.number}/households?region={quiet_grid_a.pk}").json()
    assert rows["count"] == 3
    member = rows["results"][0]["members"][0]
    assert "*" in member["id_number"] and len(rows["results"][0]["members"]) == 2
    download = api.get(f"/canvasses/{canvass.number}/proof.csv?region={quiet_grid_a.pk}")
    assert download.status_code == 200
    text = download.content.decode("utf-8-sig")
    assert "19800501" not in text and households[quiet_grid_a.pk][0].number in text


def test_a_grid_worker_visits_on_the_phone_page_in_one_tap(
    canvass, households, quiet_gridworker_a, quiet_grid_a
):
    web = client_for(quiet_gridworker_a)
    mine = web.get(f"/canvasses/{canvass.number}/mine/")
    assert mine.status_code == 200
    number = households[quiet_grid_a.pk][1].number
    page = web.get(f"/canvasses/{canvass.number}/h/{number}/")
    assert page.status_code == 200 and "全部在家" in page.content.decode()
    done = web.post(f"/canvasses/{canvass.number}/h/{number}/visit/", {"outcome": "visited"})
    assert done.status_code == 302
    assert Canvassed.objects.get(canvass=canvass, household__number=number).state == "visited"


def test_the_dashboard_shows_coverage_and_the_proof_list(canvass, quiet_dispatcher):
    page = client_for(quiet_dispatcher).get(canvass.get_absolute_url())
    assert page.status_code == 200
    assert "progress" in page.content.decode()
