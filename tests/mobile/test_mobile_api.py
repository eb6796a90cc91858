"""The phone app's own endpoints: my tasks nearest first (only mine), my messages, who I am;
and the kernel's steps taken once per Idempotency-Key, as the phone's outbox sends them."""

import uuid

import pytest

from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.workflow.models import Notification
from tests.conftest import client_for
from tests.events.conftest import jpeg, point_in, report

from .tasks import rework_for

pytestmark = pytest.mark.django_db


def test_a_grid_worker_sees_the_event_sent_back_to_them_with_its_steps(
    gridworker_a, dispatcher_town
):
    event = rework_for(gridworker_a, dispatcher_town)
    answer = client_for(gridworker_a).get("/api/v1/mobile/tasks")
    assert answer.status_code == 200, answer.content
    tasks = answer.json()["results"]
    assert [t["number"] for t in tasks] == [event.number]
    task = tasks[0]
    assert task["kind"] == "events" and task["status"] == EventStatus.HANDLING
    assert task["version"] == event.version
    steps = {s["action"]: s for s in task["steps"]}
    assert steps["handle"]["note_required"] and steps["handle"]["photos"]


def test_another_grid_worker_does_not_see_my_tasks(gridworker_a, gridworker_b, dispatcher_town):
    rework_for(gridworker_a, dispatcher_town)
    answer = client_for(gridworker_b).get("/api/v1/mobile/tasks")
    assert answer.status_code == 200 and answer.json()["results"] == []


def test_events_i_only_reported_are_not_my_tasks(gridworker_a):
    report(gridworker_a)  # waiting for the command centre, not for me
    assert client_for(gridworker_a).get("/api/v1/mobile/tasks").json()["results"] == []


def test_an_officer_sees_events_dispatched_to_their_unit(
    gridworker_a, dispatcher_town, officer_squad, officer_market
):
    from gridgov.events.workflow import EVENT_WORKFLOW
    from tests.conftest import DEMO_TOWN

    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    client_for(dispatcher_town).post(
        f"/api/v1/events/{event.number}/dispatch",
        {"lead": f"{DEMO_TOWN}-ZD"},
        content_type="application/json",
    )
    mine = client_for(officer_squad).get("/api/v1/mobile/tasks").json()["results"]
    assert event.number in [t["number"] for t in mine]
    theirs = client_for(officer_market).get("/api/v1/mobile/tasks").json()["results"]
    assert event.number not in [t["number"] for t in theirs]


def test_tasks_come_nearest_to_my_position_first(gridworker_a, dispatcher_town):
    lon, lat = point_in("330402013001001")
    far = rework_for(gridworker_a, dispatcher_town, lon=lon + 0.004, lat=lat)
    near = rework_for(gridworker_a, dispatcher_town, lon=lon + 0.0005, lat=lat)
    answer = client_for(gridworker_a).get(f"/api/v1/mobile/tasks?lon={lon}&lat={lat}&crs=wgs84")
    tasks = answer.json()["results"]
    assert [t["number"] for t in tasks] == [near.number, far.number]
    assert 30 < tasks[0]["distance_m"] < tasks[1]["distance_m"] < 600


def test_a_position_that_is_not_on_earth_is_a_clear_400(gridworker_a):
    answer = client_for(gridworker_a).get("/api/v1/mobile/tasks?lon=500&lat=30")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "lon"


def test_the_task_list_reads_a_fixed_number_of_queries(
    gridworker_a, dispatcher_town, django_assert_max_num_queries
):
    client = client_for(gridworker_a)
    rework_for(gridworker_a, dispatcher_town)
    client.get("/api/v1/mobile/tasks")  # warm the session and the post
    with django_assert_max_num_queries(12) as one:
        client.get("/api/v1/mobile/tasks")
    for _ in range(3):
        rework_for(gridworker_a, dispatcher_town)
    with django_assert_max_num_queries(len(one.captured_queries)):
        answer = client.get("/api/v1/mobile/tasks")
    assert answer.json()["count"] == 4


def test_my_messages_are_mine_only(gridworker_a, gridworker_b):
    Notification.objects.filter(user__in=[gridworker_a, gridworker_b]).delete()  # the demo's
    Notification.objects.create(user=gridworker_a, text="事件已退回", url="/events/")
    Notification.objects.create(user=gridworker_b, text="别人的消息", url="/events/")
    texts = [
        m["text"] for m in client_for(gridworker_a).get("/api/v1/mobile/messages").json()["results"]
    ]
    assert texts == ["事件已退回"]


def test_me_names_my_micro_grid_and_its_label_point(gridworker_a):
    me = client_for(gridworker_a).get("/api/v1/mobile/me").json()
    assert me["role"] == "grid_worker" and me["id"] == gridworker_a.pk  # whose outbox it is
    assert me["region"]["code"] == "330402013001001"
    assert me["region"]["lon"] is not None and me["region"]["id"] > 0


def test_signed_out_the_endpoints_answer_403(client):
    for url in ("/api/v1/mobile/tasks", "/api/v1/mobile/messages", "/api/v1/mobile/me"):
        assert client.get(url).status_code in (401, 403)


def test_a_step_sent_twice_with_one_key_is_taken_once(gridworker_a, dispatcher_town):
    event = rework_for(gridworker_a, dispatcher_town)
    client = client_for(gridworker_a)
    key = str(uuid.uuid4())
    url = f"/api/v1/events/{event.number}/handle"
    body = {"version": event.version, "note": "已清理"}
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 200, (first.content, again.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert event.timeline.filter(action="handle").count() == 1


def test_a_multipart_step_with_a_photo_sent_twice_is_taken_once(gridworker_a, dispatcher_town):
    event = rework_for(gridworker_a, dispatcher_town)
    client = client_for(gridworker_a)
    key = str(uuid.uuid4())
    url = f"/api/v1/events/{event.number}/handle"
    for _ in range(2):
        answer = client.post(
            url, {"version": event.version, "note": "已清理", "photos": [jpeg()]},
            HTTP_IDEMPOTENCY_KEY=key,
        )  # fmt: skip
        assert answer.status_code == 200, answer.content
    assert event.timeline.filter(action="handle").count() == 1


def test_a_step_on_an_item_someone_moved_is_a_409_and_changes_nothing(
    gridworker_a, dispatcher_town
):
    event = rework_for(gridworker_a, dispatcher_town)
    stale = event.version - 1
    answer = client_for(gridworker_a).post(
        f"/api/v1/events/{event.number}/handle",
        {"version": stale, "note": "已清理"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert answer.status_code == 409 and answer.json()["detail"]
    event.refresh_from_db()
    assert event.status == EventStatus.HANDLING
    assert Event.objects.get(pk=event.pk).version == event.version
