"""The work-item kernel: what the engine saves with every step, who the timeline says took it,
what the tables declare and the one action endpoint and panel read from them."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.core.errors import InvalidInput
from gridgov.events.actions import do_dispatch_event
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.open311.actions import do_publish_event
from gridgov.org.models import Department, Staff
from gridgov.workflow.engine import WORKFLOWS
from tests.conftest import DEMO_TOWN, client_for
from tests.events.conftest import jpeg, report

pytestmark = pytest.mark.django_db


def test_every_step_moves_the_open311_updated_datetime(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    do_publish_event(event, actor=dispatcher_town)  # a grid worker's report is internal
    long_ago = timezone.now() - dt.timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(updated_at=long_ago)
    before = Client().get(f"/open311/v2/requests/{event.number}.json").json()[0]
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    after = Client().get(f"/open311/v2/requests/{event.number}.json").json()[0]
    assert after["updated_datetime"] > before["updated_datetime"]
    assert Event.objects.get(pk=event.pk).updated_at > long_ago + dt.timedelta(days=2)


def test_the_timeline_names_the_person_their_unit_and_where_a_step_sent_the_item(
    gridworker_a, dispatcher_town
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "escalate", actor=dispatcher_town, note="跨街道，需区里协调")
    post = Staff.objects.select_related("region", "department").get(user=dispatcher_town)
    reporter = Staff.objects.select_related("region", "department").get(user=gridworker_a)

    county = Event.objects.select_related("command_region").get(pk=event.pk).command_region
    timeline = (
        client_for(_county_dispatcher()).get(f"/api/v1/events/{event.number}").json()["timeline"]
    )
    reported, accepted, escalated = timeline
    assert reported["by_name"] == reporter.name
    assert reported["by_unit"] == (reporter.department or reporter.region).name
    assert accepted["by_name"] == post.name
    assert accepted["by_unit"] == (post.department or post.region).name
    assert escalated["to"] == county.name and accepted["to"] == ""
    assert escalated["by"] == dispatcher_town.get_username()  # the documented field stays

    page = client_for(_county_dispatcher()).get(f"/events/{event.number}/").content.decode()
    assert post.name in page and f"→ {county.name}" in page
    assert dispatcher_town.get_username() not in page


def test_handing_down_names_the_lower_command_centre(gridworker_a, dispatcher_town):
    county_dispatcher = _county_dispatcher()
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "escalate", actor=dispatcher_town, note="上报")
    EVENT_WORKFLOW.act(event.pk, "hand_down", actor=county_dispatcher)
    entry = Event.objects.get(pk=event.pk).timeline.order_by("seq").last()
    assert entry.action == "hand_down" and entry.data["to"] == event.town.name


def _county_dispatcher():
    from gridgov.org.choices import Role
    from tests.conftest import staff_user

    return staff_user(role=Role.DISPATCHER, region__code="330402")


def test_a_step_that_takes_no_photos_refuses_them_and_changes_nothing(
    gridworker_a, dispatcher_town
):
    event = report(gridworker_a)
    with pytest.raises(InvalidInput):
        EVENT_WORKFLOW.perform(event.pk, "accept", actor=dispatcher_town, photos=[object()])
    assert Event.objects.get(pk=event.pk).version == 1


def test_the_panel_offers_photos_only_where_the_table_takes_them(
    gridworker_a, dispatcher_town, officer_squad
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad)
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer_squad)
    page = client_for(officer_squad).get(f"/events/{event.number}/").content.decode()
    handle = page[page.index('id="act-handle"') :].split("</form>")[0]
    give_back = page[page.index('id="act-give_back"') :].split("</form>")[0]
    assert 'name="photos"' in handle and 'name="photos"' not in give_back
    assert EVENT_WORKFLOW.transition("handle").takes_photos
    assert not EVENT_WORKFLOW.transition("give_back").takes_photos


def test_photos_sent_through_the_endpoint_to_a_step_that_takes_them_are_kept(
    gridworker_a, dispatcher_town, officer_squad
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad)
    client = client_for(officer_squad)
    client.post(f"/api/v1/events/{event.number}/start", {"version": 3})
    response = client.post(
        f"/api/v1/events/{event.number}/handle", {"note": "已清理", "photos": [jpeg()]}
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["timeline"][-1]["photos"]) == 1


def test_every_kind_declares_its_terminal_states_once_and_they_end_the_clock():
    for flow in WORKFLOWS.values():
        assert flow.terminal and flow.terminal <= set(flow.states.values)
        assert flow.open_states == set(flow.states.values) - flow.terminal
        for t in flow.transitions:
            assert t.stamps is None or hasattr(flow.model, t.stamps), (flow.name, t.action)
            assert set(t.spawns) <= set(WORKFLOWS), (flow.name, t.action)


def test_the_openapi_description_of_every_kinds_steps_comes_from_its_table(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    for name, flow in WORKFLOWS.items():
        if not flow.endpoint:
            assert f"/api/v1/{name}/{{number}}/{{action}}" not in schema["paths"]
            continue
        operation = schema["paths"][f"/api/v1/{name}/{{number}}/{{action}}"]["post"]
        assert operation["operationId"] == f"{name}_act"
        (action,) = [p for p in operation["parameters"] if p["name"] == "action"]
        assert sorted(action["schema"]["enum"]) == sorted(t.action for t in flow.steps())


def test_who_may_bulk_dispatch_on_the_page_is_who_the_table_lets_dispatch(
    dispatcher_town, officer_squad
):
    from gridgov.events.views import _may_dispatch

    roles = EVENT_WORKFLOW.transition("dispatch").roles
    for user in (dispatcher_town, officer_squad):
        assert _may_dispatch(user) == (EVENT_WORKFLOW.role_of(user) in roles)
    assert _may_dispatch(dispatcher_town) and not _may_dispatch(officer_squad)
