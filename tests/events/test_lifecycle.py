"""The closed loop through the action functions: report → accept → dispatch → handle →
verify → close, and the side roads (reject, return, rework, escalate, hand down, on-the-spot,
duplicates, reopen and rating)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.events import actions
from gridgov.events.choices import EventSource, EventStatus
from gridgov.events.models import Event, EventTimelineEntry
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from gridgov.workflow.deadlines import sweep
from gridgov.workflow.models import Notification
from tests.conftest import DEMO_TOWN, GRID_A

from .conftest import jpeg, point_in, report

pytestmark = pytest.mark.django_db


def squad():
    return Department.objects.get(code=f"{DEMO_TOWN}-ZD")


def test_a_report_is_numbered_located_routed_and_timed(gridworker_a):
    event = report(gridworker_a, photos=[jpeg()])
    today = timezone.localdate()
    assert event.number.startswith(f"SJ{today:%Y%m%d}")
    assert event.status == EventStatus.REPORTED
    assert event.source == EventSource.GRID_WORKER
    assert event.grid.code == GRID_A and event.town.code == DEMO_TOWN
    assert event.command_region.code == DEMO_TOWN
    # 占道经营 is routed by the default rules to the town's enforcement squad, and says why.
    assert event.routed_unit == squad()
    assert "#" in event.routing_reason
    assert event.step == "accept" and event.due_at > event.reported_at
    entry = event.timeline.get()
    assert (entry.seq, entry.action, entry.to_state) == (1, "report", "reported")
    assert entry.attachments.count() == 1
    assert AuditEntry.objects.filter(action="events.report", target_id=str(event.pk)).exists()


def test_numbers_count_up_within_a_day(gridworker_a):
    first, second = report(gridworker_a), report(gridworker_a)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_the_whole_loop_closes_with_a_timeline_of_every_step(
    gridworker_a, dispatcher_town, officer_squad, django_capture_on_commit_callbacks
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer_squad)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer_squad, note="已劝离", photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    with django_capture_on_commit_callbacks(execute=True):
        event = EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    assert event.status == EventStatus.CLOSED
    assert event.closed_at and event.handled_at and event.dispatched_at and event.accepted_at
    assert event.step == "" and event.due_at is None
    steps = list(event.timeline.values_list("action", flat=True))
    assert steps == ["report", "accept", "dispatch", "start", "handle", "verify", "close"]
    assert EVENT_WORKFLOW.replay(steps) == event.status
    # The reporter hears that it was closed.
    assert Notification.objects.filter(user=gridworker_a, url=event.get_absolute_url()).exists()


def test_an_action_not_allowed_in_this_state_is_a_conflict_and_changes_nothing(
    gridworker_a, dispatcher_town
):
    event = report(gridworker_a)
    with pytest.raises(Conflict):
        EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    event.refresh_from_db()
    assert event.status == EventStatus.REPORTED and event.version == 1
    assert event.timeline.count() == 1


def test_a_grid_worker_may_not_accept(gridworker_a):
    event = report(gridworker_a)
    with pytest.raises(NotPermitted):
        EVENT_WORKFLOW.act(event.pk, "accept", actor=gridworker_a)


def test_another_towns_dispatcher_cannot_even_see_the_event(gridworker_a, dispatcher_other_town):
    event = report(gridworker_a)
    with pytest.raises(NotFound):
        EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_other_town)


def test_a_stale_version_is_a_conflict(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town, version=1)
    with pytest.raises(Conflict):
        EVENT_WORKFLOW.act(event.pk, "reject", actor=dispatcher_town, note="重复", version=1)


def test_rejecting_needs_a_reason(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    with pytest.raises(InvalidInput):
        EVENT_WORKFLOW.act(event.pk, "reject", actor=dispatcher_town, note="  ")
    event = EVENT_WORKFLOW.act(event.pk, "reject", actor=dispatcher_town, note="不属于受理范围")
    assert event.status == EventStatus.REJECTED and event.due_at is None


def test_only_the_lead_unit_handles(gridworker_a, dispatcher_town, officer_market):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    with pytest.raises((NotPermitted, NotFound)):
        EVENT_WORKFLOW.act(event.pk, "start", actor=officer_market)


def test_an_assisting_unit_sees_the_event(gridworker_a, dispatcher_town, officer_market):
    market = Department.objects.get(code="330402-SCJGJ")
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad(), assisting=[market])
    assert EVENT_WORKFLOW.visible(Event.objects.get(pk=event.pk), officer_market)


def test_a_unit_outside_the_events_area_cannot_lead(gridworker_a, dispatcher_town):
    elsewhere = Department.objects.filter(region__code="330411").first()  # 秀洲区
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    with pytest.raises(InvalidInput):
        actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=elsewhere)
    assert Event.objects.get(pk=event.pk).status == EventStatus.ACCEPTED


def test_a_unit_returns_it_and_the_dispatcher_dispatches_again(
    gridworker_a, dispatcher_town, officer_squad
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    event = actions.do_give_back_event(event.pk, actor=officer_squad, note="非本单位职责")
    assert event.status == EventStatus.ACCEPTED and event.lead_unit is None
    assert not event.assignments.exists()


def test_failed_verification_sends_it_back_for_rework(
    gridworker_a, dispatcher_town, officer_squad, supervisor_town
):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer_squad)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer_squad, note="已处理")
    event = EVENT_WORKFLOW.act(event.pk, "rework", actor=supervisor_town, note="仍有摊点")
    assert event.status == EventStatus.HANDLING and event.rework_count == 1
    assert event.step == "handle"


def test_escalation_climbs_the_levels_and_stops_at_the_city(
    gridworker_a, dispatcher_town, dispatcher_county
):
    event = report(gridworker_a)
    event = actions.do_escalate_event(event.pk, actor=dispatcher_town, note="需区级协调")
    assert event.command_region.code == "330402" and event.escalation_count == 1
    # The town no longer holds it; the county does.
    with pytest.raises(NotPermitted):
        EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    event = actions.do_escalate_event(event.pk, actor=dispatcher_county, note="需市级协调")
    assert event.command_region.level == "city"
    with pytest.raises((Conflict, NotPermitted)):
        actions.do_escalate_event(event.pk, actor="system", note="again")


def test_the_county_hands_an_event_down_to_the_town(
    gridworker_a, dispatcher_town, dispatcher_county
):
    event = report(gridworker_a)
    actions.do_escalate_event(event.pk, actor=dispatcher_town, note="需区级协调")
    event = actions.do_hand_down_event(event.pk, actor=dispatcher_county)
    assert event.command_region.code == DEMO_TOWN


def test_a_small_matter_is_handled_on_the_spot_with_photo_evidence(gridworker_a, dispatcher_town):
    with pytest.raises(InvalidInput):
        report(gridworker_a, on_the_spot=True)  # no photo
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    assert event.status == EventStatus.HANDLED and event.step == "verify"
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    assert EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town).status == EventStatus.CLOSED


def test_a_duplicate_is_merged_and_its_reporter_hears_of_the_close(
    gridworker_a, gridworker_b, dispatcher_town, officer_squad, django_capture_on_commit_callbacks
):
    first = report(gridworker_a)
    second = report(gridworker_b)
    second = actions.do_mark_duplicate(second.pk, actor=dispatcher_town, original=first)
    assert second.status == EventStatus.MERGED and second.duplicate_of == first
    for step in (
        lambda: EVENT_WORKFLOW.act(first.pk, "accept", actor=dispatcher_town),
        lambda: actions.do_dispatch_event(first.pk, actor=dispatcher_town, lead=squad()),
        lambda: EVENT_WORKFLOW.act(first.pk, "start", actor=officer_squad),
        lambda: EVENT_WORKFLOW.act(first.pk, "handle", actor=officer_squad, note="ok"),
        lambda: EVENT_WORKFLOW.act(first.pk, "verify", actor=dispatcher_town),
    ):
        step()
    with django_capture_on_commit_callbacks(execute=True):
        EVENT_WORKFLOW.act(first.pk, "close", actor=dispatcher_town)
    assert Notification.objects.filter(user=gridworker_b, url=first.get_absolute_url()).exists()


def test_the_reporter_reopens_within_the_period_and_rates(gridworker_a, dispatcher_town, settings):
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    event = actions.do_rate_event(event.pk, actor=gridworker_a, satisfaction=4)
    assert event.satisfaction == 4 and event.status == EventStatus.CLOSED
    with pytest.raises(InvalidInput):
        actions.do_rate_event(event.pk, actor=gridworker_a, satisfaction=9)
    event = EVENT_WORKFLOW.act(event.pk, "reopen", actor=gridworker_a, note="又出现了")
    assert event.status == EventStatus.REPORTED and event.reopen_count == 1


def test_reopening_after_the_period_is_refused(gridworker_a, dispatcher_town):
    event = report(gridworker_a, on_the_spot=True, photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    Event.objects.filter(pk=event.pk).update(closed_at=timezone.now() - timedelta(days=30))
    with pytest.raises(NotPermitted):
        EVENT_WORKFLOW.act(event.pk, "reopen", actor=gridworker_a, note="又出现了")


def test_a_point_outside_the_region_is_refused_and_nothing_is_written(gridworker_a):
    before = Event.objects.count(), EventTimelineEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        report(gridworker_a, lon=100.0, lat=30.0)
    assert "outside" in str(refused.value.message) or refused.value.details
    assert (Event.objects.count(), EventTimelineEntry.objects.count()) == before


def test_an_unknown_category_is_refused(gridworker_a):
    with pytest.raises(InvalidInput) as refused:
        report(gridworker_a, category="9999")
    assert any(d["field"] == "category" for d in refused.value.details)


def test_a_gcj02_point_is_converted_to_wgs84(gridworker_a):
    from gridgov.regions.crs import wgs84_to_gcj02

    lon, lat = point_in(GRID_A)
    glon, glat = wgs84_to_gcj02(lon, lat)
    event = report(gridworker_a, lon=float(glon), lat=float(glat), crs="gcj02")
    assert abs(event.lon - lon) < 1e-6 and abs(event.lat - lat) < 1e-6


def test_a_file_that_is_not_a_photo_is_refused(gridworker_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(InvalidInput):
        report(gridworker_a, photos=[fake])


def test_a_late_event_is_escalated_by_the_worker_with_the_reason(gridworker_a):
    event = report(gridworker_a)
    Event.objects.filter(pk=event.pk).update(due_at=timezone.now() - timedelta(hours=1))
    result = sweep()
    assert result["events"]["escalate"] >= 1
    event.refresh_from_db()
    assert event.command_region.code == "330402" and event.late
    last = event.timeline.order_by("-seq").first()
    assert last.action == "escalate" and last.actor_label == "system" and last.note


def test_a_late_unit_is_urged_and_its_clock_restarts(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    Event.objects.filter(pk=event.pk).update(due_at=timezone.now() - timedelta(hours=1))
    sweep()
    event.refresh_from_db()
    assert event.late and event.due_at > timezone.now() and event.step == "handle"
    assert event.timeline.order_by("-seq").first().action == "urge"


def test_an_urged_event_stays_red_until_it_is_done(gridworker_a, dispatcher_town):
    from gridgov.events.selectors import EventFilter, filtered_events
    from gridgov.workflow.models import urgency_of

    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad())
    Event.objects.filter(pk=event.pk).update(due_at=timezone.now() - timedelta(hours=1))
    sweep()
    event.refresh_from_db()
    assert event.due_at > timezone.now() and urgency_of(event) == "red"
    red = filtered_events(dispatcher_town, EventFilter(urgency="red"))
    assert red.filter(pk=event.pk).exists()


def test_a_late_event_chased_by_the_worker_is_published_to_the_webhooks(
    gridworker_a, monkeypatch, django_capture_on_commit_callbacks
):
    from gridgov.core import registry

    heard = []
    monkeypatch.setattr(registry, "_push_receivers", [lambda *told: heard.append(told)])
    event = report(gridworker_a)
    Event.objects.filter(pk=event.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    mine = [
        (topic, payload) for topic, payload, _region in heard if payload["number"] == event.number
    ]
    assert [topic for topic, _payload in mine] == ["event.overdue"]
    assert mine[0][1]["url"].endswith(event.get_absolute_url())
    assert [r for t, p, r in heard if p["number"] == event.number] == [
        event.microgrid_id or event.grid_id
    ]
