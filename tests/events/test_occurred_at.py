"""A hotline operator records when something happened, apart from when it is reported: on the
report form and in the API, shown on the event; never in the future, never years back."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.events.models import Event
from tests.conftest import GRID_A, client_for

from .conftest import point_in

pytestmark = pytest.mark.django_db


def local_text(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def hotline_form(**extra) -> dict:
    lon, lat = point_in(GRID_A)
    fields = {
        "title": "昨晚有人倾倒建筑垃圾", "category": "0101", "lon": lon, "lat": lat,
        "crs": "wgs84", "source": "hotline", "reporter_name": "陈先生",
        "reporter_phone": "13800001234",
    }  # fmt: skip
    fields.update(extra)
    return fields


def test_a_dispatcher_types_in_when_a_callers_problem_happened(dispatcher_town):
    client = client_for(dispatcher_town)
    assert 'name="occurred_at"' in client.get("/events/new/").content.decode()
    last_night = timezone.now() - dt.timedelta(hours=14)
    response = client.post("/events/new/", hotline_form(occurred_at=local_text(last_night)))
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get(title="昨晚有人倾倒建筑垃圾")
    assert local_text(event.occurred_at) == local_text(last_night)
    assert event.reported_at > event.occurred_at
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'id="event-occurred">{local_text(last_night).replace("T", " ")}<' in page
    body = client.get(f"/api/v1/events/{event.number}").json()
    assert body["occurred_at"] is not None


def test_without_an_occurred_time_the_report_time_stands(dispatcher_town):
    response = client_for(dispatcher_town).post("/events/new/", hotline_form())
    assert response.status_code == 302
    assert Event.objects.get(title="昨晚有人倾倒建筑垃圾").occurred_at is None


@pytest.mark.parametrize(
    "when",
    [
        timezone.now() + dt.timedelta(hours=2),  # the future
        timezone.now() - dt.timedelta(days=400),  # more than a year back
        "yesterday evening",
        "2026-13-01T10:00",
    ],
)
def test_an_impossible_occurred_time_is_refused_with_the_other_problems(dispatcher_town, when):
    before = Event.objects.count()
    text = when if isinstance(when, str) else when.isoformat()
    body = hotline_form(category="9999", occurred_at=text)
    response = client_for(dispatcher_town).post(
        "/api/v1/events", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    answer = str(response.json())
    assert "occurred_at" in answer
    if not isinstance(when, str):  # a readable time: checked beside the unknown category
        assert "category" in answer
    assert Event.objects.count() == before
