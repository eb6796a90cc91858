"""Holes found in review, each closed and kept closed."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.events import actions
from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from tests.conftest import DEMO_TOWN, GRID_A, OTHER_TOWN, client_for

from .conftest import jpeg, point_in, report

pytestmark = pytest.mark.django_db


def squad():
    return Department.objects.get(code=f"{DEMO_TOWN}-ZD")


def test_the_kpi_api_needs_the_statistics_capability(gridworker_a, officer_squad):
    for user in (gridworker_a, officer_squad):
        assert client_for(user).get("/api/v1/kpi/events").status_code == 403


def test_merging_into_an_event_out_of_sight_says_only_unknown(
    gridworker_a, dispatcher_town, dispatcher_other_town
):
    theirs = Event.objects.filter(town__code=OTHER_TOWN).first()
    mine = report(gridworker_a)
    response = client_for(dispatcher_town).post(
        f"/api/v1/events/{mine.number}/mark_duplicate",
        {"original": theirs.number},
        content_type="application/json",
    )
    unknown = client_for(dispatcher_town).post(
        f"/api/v1/events/{mine.number}/mark_duplicate",
        {"original": "SJ19990101000001"},
        content_type="application/json",
    )
    assert response.status_code == unknown.status_code == 400
    assert response.json()["detail"].replace(theirs.number, "N") == unknown.json()[
        "detail"
    ].replace("SJ19990101000001", "N")


def test_photos_are_served_only_to_people_who_may_see_the_event(
    gridworker_a, gridworker_b, dispatcher_town
):
    event = report(gridworker_a, photos=[jpeg()])
    url = event.timeline.get().attachments.get().get_absolute_url()
    seen = client_for(dispatcher_town).get(url)
    assert seen.status_code == 200 and seen["Content-Type"] == "image/jpeg"
    assert client_for(gridworker_b).get(url).status_code == 404


def test_bulk_dispatch_does_not_redirect_off_site(dispatcher_town):
    response = client_for(dispatcher_town).post(
        "/events/bulk-dispatch/", {"lead": f"{DEMO_TOWN}-ZD", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/events/"


def test_an_on_the_spot_matter_sent_back_can_be_finished_by_its_grid_worker(
    gridworker_a, dispatcher_town
):
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "rework", actor=dispatcher_town, note="还有残留")
    event = EVENT_WORKFLOW.act(event.pk, "handle", actor=gridworker_a, note="已清理干净")
    assert event.status == EventStatus.HANDLED


def test_a_command_centre_cannot_restart_its_own_late_clock(
    gridworker_a, dispatcher_town, county_leader
):
    event = report(gridworker_a)
    with pytest.raises(NotPermitted):  # not late yet
        EVENT_WORKFLOW.act(event.pk, "urge", actor=county_leader, note="催办")
    Event.objects.filter(pk=event.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(NotPermitted):  # its own accept step
        EVENT_WORKFLOW.act(event.pk, "urge", actor=dispatcher_town, note="催办")
    assert EVENT_WORKFLOW.act(event.pk, "urge", actor=county_leader, note="催办").late


def test_the_sweep_leaves_an_event_someone_acted_on_meanwhile(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    with pytest.raises(Conflict):
        actions.do_escalate_event(event.pk, actor="system", note="超时", version=0)
    assert Event.objects.get(pk=event.pk).command_region.code == DEMO_TOWN


def test_reopening_measures_the_steps_afresh_and_rating_happens_once(gridworker_a, dispatcher_town):
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    actions.do_rate_event(event.pk, actor=gridworker_a, satisfaction=3)
    with pytest.raises(Conflict):
        actions.do_rate_event(event.pk, actor=gridworker_a, satisfaction=5)
    event = EVENT_WORKFLOW.act(event.pk, "reopen", actor=gridworker_a, note="又出现了")
    assert event.handled_at is None and event.accepted_at is None and event.closed_at is None


def test_a_dispatcher_records_a_hotline_call_on_the_page(dispatcher_town):
    lon, lat = point_in(GRID_A)
    page = client_for(dispatcher_town).get("/events/new/").content.decode()
    assert 'name="source"' in page
    response = client_for(dispatcher_town).post(
        "/events/new/",
        {"title": "噪声扰民", "category": "0201", "lon": lon, "lat": lat, "source": "hotline",
         "reporter_name": "王先生", "reporter_phone": "13812345678"},
    )  # fmt: skip
    assert response.status_code == 302
    event = Event.objects.order_by("-pk").first()
    assert event.source == "hotline" and event.reporter_phone == "13812345678"
    detail = client_for(dispatcher_town).get(event.get_absolute_url()).content.decode()
    assert "13812345678" not in detail and "138****5678" in detail


def test_a_decompression_bomb_is_refused_cleanly(gridworker_a):
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
    with pytest.raises(InvalidInput):
        report(gridworker_a, photos=[bomb])


def test_a_bad_rating_on_the_page_is_a_400(gridworker_a, dispatcher_town):
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    response = client_for(gridworker_a).post(
        f"/events/{event.number}/act/rate/", {"satisfaction": "abc"}
    )
    assert response.status_code == 400


def test_a_malformed_bulk_dispatch_is_a_400(dispatcher_town):
    response = client_for(dispatcher_town).post(
        "/api/v1/events/bulk-dispatch",
        {"events": [{}], "lead": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_citizen_sees_what_they_reported_and_nothing_else(db):
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("citizen-1", password="x-very-long-pass")
    event = report(citizen)
    assert event.source == "citizen"
    client = client_for(citizen)
    assert client.get(f"/api/v1/events/{event.number}").status_code == 200
    numbers = [r["number"] for r in client.get("/api/v1/events").json()["results"]]
    assert numbers == [event.number]


def test_the_units_answer_after_giving_an_event_back_is_not_an_error(
    gridworker_a, dispatcher_town, officer_squad
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    response = client_for(officer_squad).post(
        f"/api/v1/events/{event.number}/give_back",
        {"note": "非本单位"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
