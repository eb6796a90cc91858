"""A kind of work item defined only here works through the kernel's page, API, OpenAPI
description and timeline, with nothing written for it anywhere else."""

import datetime as dt

import pytest
from django.db.models import Max

from gridgov.regions.models import Region
from gridgov.workflow.deadlines import OVERDUE, sweep
from gridgov.workflow.engine import SYSTEM
from tests.conftest import GRID_A, client_for
from tests.errands.models import Errand
from tests.errands.workflow import ERRAND_WORKFLOW
from tests.events.conftest import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def errand(grid_a):
    microgrid = Region.objects.filter(level="microgrid", code__startswith=GRID_A).first()
    item = Errand(number=f"ER{(Errand.objects.aggregate(n=Max('pk'))['n'] or 0) + 1:06d}")
    item.place_in(microgrid)
    return ERRAND_WORKFLOW.start(item, "post", actor=SYSTEM)


def test_the_api_takes_its_steps_and_answers_with_the_item(errand, gridworker_a):
    client = client_for(gridworker_a)
    taken = client.post(f"/api/v1/errands/{errand.number}/take", {"version": 1})
    assert taken.status_code == 200, taken.content
    assert taken.json()["status"] == "taken" and taken.json()["actions"] == ["finish"]
    refused = client.post(f"/api/v1/errands/{errand.number}/finish", {"note": "好了"})
    assert refused.status_code == 400  # the table requires a photo
    done = client.post(f"/api/v1/errands/{errand.number}/finish", {"photos": [jpeg()]})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "done" and body["due_at"] is None
    assert [s["action"] for s in body["timeline"]] == ["post", "take", "finish"]
    assert len(body["timeline"][-1]["photos"]) == 1
    errand.refresh_from_db()
    assert errand.taken_at and errand.done_at


def test_the_page_shows_the_item_and_takes_a_step(errand, gridworker_a, dispatcher_town):
    page = client_for(gridworker_a).get(errand.get_absolute_url())
    assert page.status_code == 200 and 'id="act-take"' in page.content.decode()
    client = client_for(dispatcher_town)
    refused = client.post(f"{errand.get_absolute_url()}act/drop/", {"note": ""})
    assert refused.status_code == 400  # a reason is required; nothing changed
    errand.refresh_from_db()
    assert errand.status == "open" and errand.version == 1
    dropped = client.post(f"{errand.get_absolute_url()}act/drop/", {"note": "不用了"})
    assert dropped.status_code == 302
    errand.refresh_from_db()
    assert errand.status == "dropped" and errand.times_dropped == 1


def test_someone_out_of_its_area_cannot_see_it(errand, dispatcher_other_town):
    client = client_for(dispatcher_other_town)
    assert client.post(f"/api/v1/errands/{errand.number}/drop", {"note": "x"}).status_code == 404
    assert client.get(errand.get_absolute_url()).status_code == 404


def test_its_steps_are_described_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/errands/{number}/{action}"]["post"]
    assert operation["operationId"] == "errands_act"
    (action,) = [p for p in operation["parameters"] if p["name"] == "action"]
    assert sorted(action["schema"]["enum"]) == ["drop", "finish", "take"]


def test_the_deadline_sweep_chases_a_late_errand_once(errand, clock):
    clock.now = errand.due_at + dt.timedelta(minutes=1)
    assert sweep()["errands"] == {OVERDUE: 1}
    errand.refresh_from_db()
    assert errand.late and errand.status == "open"
    assert errand.timeline.order_by("-seq").first().action == OVERDUE
    assert sweep()["errands"] == {}  # a second run changes nothing
