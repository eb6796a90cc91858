"""The closed loop's figures, computed from the events' own data."""

import datetime

import pytest

from gridgov.events import actions
from gridgov.events.kpi import KpiQuery, event_kpis
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, client_for

from .conftest import jpeg, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_town(gridworker_a):
    """The demo town with its demo events set aside, so the figures are known exactly."""
    Event.objects.filter(town__code=DEMO_TOWN).update(town=Region.objects.get(code="330402014"))
    return Region.objects.get(code=DEMO_TOWN)


def _close(event, dispatcher, officer, *, rework=False):
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher)
    actions.do_dispatch_event(event.pk, actor=dispatcher, lead=squad)
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer, note="ok")
    if rework:
        EVENT_WORKFLOW.act(event.pk, "rework", actor=dispatcher, note="未到位")
        EVENT_WORKFLOW.act(event.pk, "handle", actor=officer, note="ok")
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher)
    return EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher)


def test_rates_are_computed_from_the_events(
    fresh_town, gridworker_a, gridworker_b, dispatcher_town, officer_squad
):
    closed = _close(report(gridworker_a), dispatcher_town, officer_squad)
    _close(report(gridworker_a), dispatcher_town, officer_squad, rework=True)
    late = _close(report(gridworker_a), dispatcher_town, officer_squad)
    Event.objects.filter(pk=late.pk).update(late=True)
    report(gridworker_a)  # still open
    rejected = report(gridworker_a)
    EVENT_WORKFLOW.act(rejected.pk, "reject", actor=dispatcher_town, note="不予受理")
    original = report(gridworker_a)
    duplicate = report(gridworker_b)
    actions.do_mark_duplicate(duplicate.pk, actor=dispatcher_town, original=original)
    actions.do_rate_event(closed.pk, actor=gridworker_a, satisfaction=5)

    figures = event_kpis(dispatcher_town, KpiQuery(region=fresh_town))
    assert figures["total"] == 6  # the duplicate counts once, through the original
    assert figures["closed"] == 3 and figures["rejected"] == 1
    assert figures["completion_rate"] == 60.0  # 3 closed of 5 taken in
    assert figures["on_time_rate"] == round(100 * 2 / 3, 2)
    assert figures["rework_rate"] == round(100 * 1 / 3, 2)
    assert figures["satisfaction_rate"] == 100.0 and figures["rated"] == 1
    assert figures["hours_per_step"]["accept"] is not None
    by_status = {row["status"]: row["count"] for row in figures["by_status"]}
    assert by_status["closed"] == 3 and by_status["reported"] == 2
    assert figures["by_category"][0]["name"] == "城市管理"


def test_a_date_range_limits_the_events(fresh_town, gridworker_a, dispatcher_town):
    report(gridworker_a)
    future = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    assert event_kpis(dispatcher_town, KpiQuery(region=fresh_town, start=future))["total"] == 0


def test_the_kpi_api_covers_the_users_area_and_refuses_another(county_leader, dispatcher_town):
    body = client_for(county_leader).get("/api/v1/kpi/events", {"from": "2020-01-01"}).json()
    assert body["total"] > 0 and body["by_region"]
    assert (
        client_for(dispatcher_town).get("/api/v1/kpi/events", {"region": "330411"}).status_code
        == 404
    )
    bad = client_for(county_leader).get("/api/v1/kpi/events", {"from": "yesterday"})
    assert bad.status_code == 400


def test_the_demo_has_events_in_every_state(db):
    from gridgov.events.choices import EventStatus

    present = set(Event.objects.values_list("status", flat=True).distinct())
    assert present == set(EventStatus.values)
    assert Event.objects.filter(late=True).exists()
    assert Event.objects.filter(escalation_count__gt=0).exists()
    assert Event.objects.filter(duplicate_of__isnull=False).exists()
    assert len(set(Event.objects.values_list("source", flat=True))) == 6


def test_demo_timelines_replay_to_their_state(db):
    from gridgov.events.workflow import EVENT_WORKFLOW

    for event in Event.objects.order_by("?")[:200]:
        steps = event.timeline.order_by("seq").values_list("action", flat=True)
        assert EVENT_WORKFLOW.replay(steps) == event.status


def test_photos_are_stored_without_their_metadata(gridworker_a):
    event = report(gridworker_a, photos=[jpeg(size=(4000, 3000))])
    photo = event.timeline.get().attachments.get()
    assert max(photo.width, photo.height) <= 2560 and photo.content_type == "image/jpeg"
