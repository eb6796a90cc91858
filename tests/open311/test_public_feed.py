"""The anonymous Open311 feed shows only what came in through a public channel (an Open311
client, the public web form) or what the command centre explicitly published (audited): never
the hotline's, supervisors', inspectors', warnings' or grid workers' reports, nor what staff
wrote about them. Staff text is as long as a citizen's at most."""

import json

import pytest
from django.test import Client

from gridgov.citizens.actions import Complaint, do_submit_complaint
from gridgov.core.errors import NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.core.validators import MAX_TEXT
from gridgov.events.actions import ReportData, do_report_event
from gridgov.events.choices import EventSource
from gridgov.open311.actions import (
    PublicRequest,
    do_issue_client_key,
    do_publish_event,
    do_submit_public_request,
    do_unpublish_event,
)
from gridgov.open311.models import ClientApplication, Publication
from tests.conftest import GRID_A, client_for
from tests.events.conftest import point_in
from tests.fuzzing import bearer_headers

pytestmark = pytest.mark.django_db

STAFF_TEXT = "内部：线人张某反映，门牌 17 号后院"


def internal_report(actor, source: str, category="0201"):
    lon, lat = point_in(GRID_A)
    return do_report_event(
        ReportData(
            title="夜间施工噪声",
            category=category,
            lon=lon,
            lat=lat,
            description=STAFF_TEXT,
            address="东栅街道某小区 17 号",
            source=source,
        ),
        actor=actor,
    )


def feed() -> dict:
    """Every request and update the anonymous feed shows, by number."""
    client = Client()
    requests = client.get("/open311/v2/requests.json", {"page_size": 500}).json()
    updates = client.get("/open311/v2/servicerequestupdates.json", {"page_size": 500}).json()
    return {
        "requests": {r["service_request_id"]: r for r in requests},
        "updates": {u["service_request_id"] for u in updates},
    }


def open311_request(description="楼下烧烤店油烟很大"):
    client, _key = do_issue_client_key("嘉兴市民APP", actor="test")
    lon, lat = point_in(GRID_A)
    event, _code = do_submit_public_request(
        PublicRequest(
            service_code="0201", lat=lat, long=lon, description=description,
            answers={"when": "night"}, address_string="东栅街道",
        ),
        client=ClientApplication.objects.get(pk=client.pk),
    )  # fmt: skip
    return event


@pytest.mark.parametrize(
    "source",
    [
        EventSource.HOTLINE,
        EventSource.SUPERVISION,
        EventSource.INSPECTION,
        EventSource.WARNING,
        EventSource.GRID_WORKER,
        EventSource.CITIZEN,  # a walk-in citizen whose words a staff member typed
    ],
)
def test_internal_reports_of_a_public_category_are_not_in_the_feed(admin_user, source):
    event = internal_report(admin_user, source)
    shown = feed()
    assert event.number not in shown["requests"] and event.number not in shown["updates"]
    one = Client().get(f"/open311/v2/requests/{event.number}.json")
    assert one.status_code == 404
    assert STAFF_TEXT not in one.content.decode()


def test_no_request_in_the_feed_came_from_inside(admin_user):
    internal_report(admin_user, EventSource.HOTLINE)
    open311_request()
    numbers = set(feed()["requests"])
    assert numbers
    assert (
        not Publication.objects.filter(event__number__in=numbers)
        .exclude(channel__in=("open311", "web"))
        .exists()
    )
    from gridgov.events.models import Event

    sources = set(Event.objects.filter(number__in=numbers).values_list("source", flat=True))
    assert sources == {EventSource.CITIZEN}


def test_an_open311_request_is_shown_with_the_citizens_own_words():
    event = open311_request("楼下烧烤店油烟很大，晚上十点后还在营业")
    shown = feed()["requests"][event.number]
    assert shown["description"] == "楼下烧烤店油烟很大，晚上十点后还在营业"
    assert event.number in feed()["updates"]
    # where the problem is, not which door: about ten metres
    assert shown["lat"] == round(event.lat, 4) and shown["long"] == round(event.lon, 4)


def test_a_web_form_report_is_in_the_feed():
    lon, lat = point_in(GRID_A)
    event, _code = do_submit_complaint(
        Complaint(category="0201", description="工地夜间施工", lon=lon, lat=lat)
    )
    assert feed()["requests"][event.number]["description"] == "工地夜间施工"


def test_a_dispatcher_publishes_an_internal_event_with_its_title_only(admin_user, dispatcher_town):
    event = internal_report(admin_user, EventSource.HOTLINE)
    do_publish_event(event, actor=dispatcher_town)
    shown = feed()["requests"][event.number]
    text = json.dumps(shown, ensure_ascii=False)
    assert shown["description"] == "夜间施工噪声"
    assert STAFF_TEXT not in text and "17 号" not in text and shown["address"] is None
    entry = AuditEntry.objects.get(action="open311.publish_event", target_id=str(event.pk))
    assert entry.actor == dispatcher_town
    do_unpublish_event(event, actor=dispatcher_town)
    assert event.number not in feed()["requests"]
    assert AuditEntry.objects.filter(action="open311.unpublish_event").count() == 1


def test_only_the_command_centre_of_the_event_publishes_it(
    admin_user, gridworker_a, dispatcher_other_town
):
    event = internal_report(admin_user, EventSource.GRID_WORKER)
    with pytest.raises(NotPermitted):
        do_publish_event(event, actor=gridworker_a)
    with pytest.raises(NotFound):
        do_publish_event(event, actor=dispatcher_other_town)
    assert not Publication.objects.filter(event=event).exists()
    assert not AuditEntry.objects.filter(action="open311.publish_event").exists()


def test_the_command_centre_publishes_from_the_api_and_the_events_page(admin_user, dispatcher_town):
    event = internal_report(admin_user, EventSource.HOTLINE)
    api = Client(HTTP_AUTHORIZATION=bearer_headers(dispatcher_town)["Authorization"])
    url = f"/api/v1/events/{event.number}/publication"
    assert api.post(url).status_code == 201
    assert event.number in feed()["requests"]
    assert api.delete(url).status_code == 204
    assert event.number not in feed()["requests"]
    page = client_for(dispatcher_town)
    assert 'id="publication"' in page.get(f"/events/{event.number}/").content.decode()
    posted = page.post(f"/events/{event.number}/publication/", {"publish": "1"})
    assert posted.status_code == 302 and event.number in feed()["requests"]


# --- Length of staff text -----------------------------------------------------------------


def test_a_staff_description_longer_than_a_citizens_is_refused_on_the_api(gridworker_a):
    lon, lat = point_in(GRID_A)
    body = {"title": "占道", "category": "0101", "lon": lon, "lat": lat,
            "description": "长" * (MAX_TEXT + 1)}  # fmt: skip
    response = Client(HTTP_AUTHORIZATION=bearer_headers(gridworker_a)["Authorization"]).post(
        "/api/v1/events", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "description" in {e["field"] for e in response.json()["errors"]}


def test_a_staff_note_longer_than_a_citizens_is_refused_on_the_api_and_pages(
    admin_user, dispatcher_town
):
    event = internal_report(admin_user, EventSource.HOTLINE)
    client = client_for(dispatcher_town)
    long_note = "长" * (MAX_TEXT + 1)
    api = client.post(
        f"/api/v1/events/{event.number}/accept",
        json.dumps({"note": long_note}),
        content_type="application/json",
    )
    assert api.status_code == 400
    page = client.post(f"/events/{event.number}/act/accept/", {"note": long_note})
    assert page.status_code in (200, 400)
    event.refresh_from_db()
    assert event.status == "reported" and event.timeline.count() == 1


# --- Paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("page", ["9223372036854775807", "100001", "18446744073709551616"])
def test_a_page_past_any_offset_is_a_400_in_the_specs_shape(path, fmt, page):
    response = Client().get(f"/open311/v2/{path}.{fmt}", {"page": page})
    assert response.status_code == 400
    if fmt == "json":
        (problem,) = response.json()
        assert problem["code"] == 400 and "page" in problem["description"]
    else:
        assert b"<errors><error><code>400</code>" in response.content
