"""The events API: report (with Idempotency-Key), read, act, bulk dispatch, duplicates, KPIs,
and the 4xx answers that change nothing."""

import pytest

from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from tests.conftest import DEMO_TOWN, GRID_A, client_for

from .conftest import jpeg, point_in, report

pytestmark = pytest.mark.django_db


def _report_body(**overrides):
    lon, lat = point_in(GRID_A)
    body = {"title": "井盖缺失", "category": "0105", "lon": lon, "lat": lat, "address": "化东路"}
    body.update(overrides)
    return body


def test_a_grid_worker_reports_through_the_api(gridworker_a):
    response = client_for(gridworker_a).post(
        "/api/v1/events", _report_body(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "reported" and body["grid"]["code"] == GRID_A
    assert body["url"] == f"/events/{body['number']}/" and body["due_at"]
    assert body["routing_reason"]
    detail = client_for(gridworker_a).get(f"/api/v1/events/{body['number']}").json()
    assert detail["timeline"][0]["action"] == "report"


def test_a_report_with_photos_is_accepted_as_multipart(gridworker_a):
    body = _report_body()
    body["photos"] = [jpeg("a.jpg"), jpeg("b.jpg")]
    response = client_for(gridworker_a).post("/api/v1/events", body)
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 2


def test_a_retried_report_with_the_same_idempotency_key_creates_one_event(gridworker_a):
    client = client_for(gridworker_a)
    before = Event.objects.count()
    headers = {"HTTP_IDEMPOTENCY_KEY": "phone-42-report-7"}
    first = client.post(
        "/api/v1/events", _report_body(), content_type="application/json", **headers
    )
    again = client.post(
        "/api/v1/events", _report_body(), content_type="application/json", **headers
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Event.objects.count() == before + 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"lon": 100.0, "lat": 30.0}, "location"),
        ({"title": ""}, "title"),
        ({"lon": "east"}, "lon"),
    ],
)
def test_bad_reports_get_a_clear_400_and_nothing_is_written(gridworker_a, overrides, field):
    before = Event.objects.count()
    response = client_for(gridworker_a).post(
        "/api/v1/events", _report_body(**overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert field in str(response.json().get("errors", "")) or field == "location"
    assert Event.objects.count() == before


@pytest.mark.parametrize("body", ["[null, null]", '"a title"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_a_400(gridworker_a, dispatcher_town, body):
    """Found by the fuzz run (tests/fuzz): a list, a string or a number as the JSON body of a
    report or of a step was a 500."""
    event = report(gridworker_a)
    before = Event.objects.count()
    for client, url in [
        (client_for(gridworker_a), "/api/v1/events"),
        (client_for(dispatcher_town), f"/api/v1/events/{event.number}/accept"),
    ]:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.content)
        assert response.json()["code"] == "parse_error" and response.json()["detail"]
    assert Event.objects.count() == before
    event.refresh_from_db()
    assert event.status == EventStatus.REPORTED and event.version == 1


def test_the_loop_through_the_api(gridworker_a, dispatcher_town, officer_squad):
    event = report(gridworker_a)
    url = f"/api/v1/events/{event.number}"
    dispatcher, officer = client_for(dispatcher_town), client_for(officer_squad)
    assert "accept" in dispatcher.get(url).json()["actions"]
    assert (
        dispatcher.post(
            f"{url}/accept", {"version": 1}, content_type="application/json"
        ).status_code
        == 200
    )
    response = dispatcher.post(
        f"{url}/dispatch", {"lead": f"{DEMO_TOWN}-ZD"}, content_type="application/json"
    )
    assert response.json()["status"] == "dispatched"
    assert officer.post(f"{url}/start", {}, content_type="application/json").status_code == 200
    response = officer.post(f"{url}/handle", {"note": "已处置", "photos": [jpeg()]})
    assert response.status_code == 200 and response.json()["status"] == "handled"
    assert dispatcher.post(f"{url}/verify", {}, content_type="application/json").status_code == 200
    closed = dispatcher.post(f"{url}/close", {}, content_type="application/json").json()
    # Closed: only a reopen remains possible (a caller may come back within the period).
    assert closed["status"] == "closed" and closed["actions"] == ["reopen"]


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("gridworker_a", "accept", 403),  # role
        ("dispatcher_town", "close", 409),  # state
        ("dispatcher_other_town", "accept", 404),  # scope
        ("dispatcher_town", "fly", 404),  # no such action
    ],
)
def test_refused_actions_get_403_409_404_and_change_nothing(
    request, gridworker_a, who, action, status
):
    event = report(gridworker_a)
    client = client_for(request.getfixturevalue(who))
    response = client.post(
        f"/api/v1/events/{event.number}/{action}", {}, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["detail"]
    event.refresh_from_db()
    assert event.status == EventStatus.REPORTED and event.version == 1


def test_a_stale_version_gets_409(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    client = client_for(dispatcher_town)
    url = f"/api/v1/events/{event.number}"
    assert (
        client.post(f"{url}/accept", {"version": 1}, content_type="application/json").status_code
        == 200
    )
    response = client.post(
        f"{url}/reject", {"version": 1, "note": "x"}, content_type="application/json"
    )
    assert response.status_code == 409


def test_bulk_dispatch_reports_each_event(gridworker_a, dispatcher_town, dispatcher_other_town):

    first, second, third = report(gridworker_a), report(gridworker_a), report(gridworker_a)
    for e in (first, second):
        EVENT_WORKFLOW.act(e.pk, "accept", actor=dispatcher_town)
    response = client_for(dispatcher_town).post(
        "/api/v1/events/bulk-dispatch",
        {"events": [first.number, second.number, third.number, "SJ000"], "lead": f"{DEMO_TOWN}-ZD"},
        content_type="application/json",
    )
    body = response.json()
    assert sorted(body["dispatched"]) == sorted([first.number, second.number])
    assert len(body["failed"]) == 2


def test_duplicate_suggestions_find_the_open_event_nearby(gridworker_a, gridworker_b):
    event = report(gridworker_a, category="0105")
    lon, lat = point_in(GRID_A)
    rows = (
        client_for(gridworker_a)
        .get("/api/v1/events/duplicates", {"category": "0105", "lon": lon + 0.0001, "lat": lat})
        .json()
    )
    assert event.number in [r["number"] for r in rows]
    assert all(r["distance_m"] <= 200 for r in rows)
    far = (
        client_for(gridworker_a)
        .get("/api/v1/events/duplicates", {"category": "0105", "lon": lon + 0.05, "lat": lat})
        .json()
    )
    assert event.number not in [r["number"] for r in far]


def test_categories_are_listed_with_their_limits(gridworker_a):
    rows = client_for(gridworker_a).get("/api/v1/event-categories").json()
    names = {r["name"] for r in rows if r["parent"] is None}
    assert {
        "城市管理",
        "生态环境",
        "安全生产",
        "矛盾纠纷",
        "社会治安",
        "市场监管",
        "民生服务",
        "消防安全",
        "交通运输",
    } <= names
    assert all(r["hours"]["handle"] > 0 for r in rows)


def test_the_api_takes_a_bearer_token(gridworker_a):
    from django.test import Client

    from gridgov.accounts.actions import do_issue_token

    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a, name="phone")
    response = Client().post(
        "/api/v1/events", _report_body(), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )  # fmt: skip
    assert response.status_code == 201, response.content


def test_the_schema_documents_every_event_endpoint(admin_user):
    schema = client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    for path in ("/api/v1/events", "/api/v1/events/{number}/{action}", "/api/v1/kpi/events"):
        assert path in text
