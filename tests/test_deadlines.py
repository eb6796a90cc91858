"""The one deadline sweep chases every kind of work item, by the rules of its own table.

The clock is the test's: each test sets it just past an item's deadline, so the item is late
because time went by, not because its deadline was rewritten."""

import datetime as dt
import threading

import pytest
from django.db import connection

from gridgov.alerts.choices import WarningStatus
from gridgov.alerts.models import EarlyWarning
from gridgov.core.models import AuditEntry
from gridgov.events.choices import EventStatus, Step
from gridgov.events.models import Event
from gridgov.filings.choices import FilingStatus
from gridgov.filings.models import NightWorkFiling
from gridgov.inspections.actions import do_escalate_rectification
from gridgov.inspections.choices import InspectionStatus, RectificationStatus
from gridgov.inspections.models import EnforcementCase, InspectionTask, RectificationOrder
from gridgov.org.choices import Role
from gridgov.workflow.deadlines import CHASED, OVERDUE, _chase_one, chase_late, sweep
from gridgov.workflow.engine import WORKFLOWS
from gridgov.workflow.models import Notification
from tests.conftest import staff_user

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def officer_of(department):
    """A login for an officer of the department or one of its sub-units."""
    return staff_user(role=Role.OFFICER, department__path__startswith=department.path)


# Each kind: an open item with a running clock, and a login of someone who must hear it is late.


def late_event():
    event = Event.objects.filter(
        status=EventStatus.REPORTED, step=Step.ACCEPT, command_region__level="town"
    ).order_by("pk")[0]
    county = event.command_region.county
    return event, staff_user(role=Role.DISPATCHER, region=county)


def late_inspection():
    task = InspectionTask.objects.filter(status=InspectionStatus.PLANNED).order_by("pk")[0]
    return task, staff_user(role=Role.DISPATCHER, region=task.command_region)


def late_rectification():
    order = RectificationOrder.objects.filter(status=RectificationStatus.ISSUED).order_by("pk")[0]
    return order, officer_of(order.department)


def late_case():
    order, officer = late_rectification()
    do_escalate_rectification(order.pk, actor=officer, note="逾期未改")
    return EnforcementCase.objects.get(result=order.result), officer


def late_filing():
    filing = NightWorkFiling.objects.filter(status=FilingStatus.SUBMITTED).order_by("pk")[0]
    return filing, officer_of(filing.department)


def late_warning():
    warning = EarlyWarning.objects.filter(status=WarningStatus.NEW).order_by("pk")[0]
    return warning, staff_user(role=Role.DISPATCHER, region_id=warning.town_id)


def late_proxy_request():
    from gridgov.assistance.choices import RequestStatus
    from gridgov.assistance.models import ProxyRequest

    request = ProxyRequest.objects.filter(status=RequestStatus.ACCEPTED).order_by("pk")[0]
    return request, request.agent.user


def late_home_task():
    from gridgov.assistance.choices import TaskStatus
    from gridgov.assistance.models import HomeTask

    task = HomeTask.objects.filter(status=TaskStatus.ASSIGNED).order_by("pk")[0]
    return task, staff_user(role=Role.DISPATCHER, region_id=task.town_id)


KINDS = {
    "assistance": (late_proxy_request, OVERDUE),
    "homecare": (late_home_task, OVERDUE),
    "events": (late_event, "escalate"),
    "inspections": (late_inspection, OVERDUE),
    "rectifications": (late_rectification, OVERDUE),
    "cases": (late_case, OVERDUE),
    "filings": (late_filing, OVERDUE),
    "warnings": (late_warning, OVERDUE),
}


def test_every_kind_of_work_item_with_deadlines_is_chased():
    with_deadlines = [name for name, flow in WORKFLOWS.items() if flow.deadline is not None]
    assert sorted(CHASED) == sorted(with_deadlines)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_late_item_is_chased_once_with_a_timeline_row_and_a_message(
    kind, clock, django_capture_on_commit_callbacks
):
    make, action = KINDS[kind]
    item, responsible = make()
    item.refresh_from_db()
    before = (item.status, item.version)

    clock.now = item.due_at - MINUTE
    sweep()  # this one is not late yet (others may be)
    item.refresh_from_db()
    assert (item.status, item.version) == before

    clock.now = item.due_at + MINUTE
    with django_capture_on_commit_callbacks(execute=True):
        done = sweep(batch=7)  # small batches: the sweep pages through the demo's late items
    assert done[kind][action] >= 1
    item.refresh_from_db()
    last = item.timeline.order_by("-seq").first()
    assert item.late and item.version == before[1] + 1
    assert (last.action, last.actor_label, last.at) == (action, "system", clock.now)
    assert last.note
    if action == OVERDUE:
        assert item.status == before[0]  # marked, not moved
    assert Notification.objects.filter(user=responsible, url=item.get_absolute_url()).exists()

    # A second run changes nothing. A marked item keeps its deadline: a day later it is still
    # chased only once (an escalated or urged one has a new deadline, and may be chased anew).
    assert sweep()[kind] == {}
    if action == OVERDUE:
        clock.now += dt.timedelta(days=1)
        sweep()
        assert item.timeline.count() == last.seq


def test_an_event_the_command_centre_let_sit_goes_up_a_level_with_the_reason(clock, english):
    event, _dispatcher = late_event()
    town = event.command_region
    clock.now = event.due_at + MINUTE
    sweep()
    event.refresh_from_db()
    assert event.command_region_id == town.county_id and event.step == Step.ACCEPT
    assert event.due_at > clock.now  # the centre above has its own clock
    note = event.timeline.order_by("-seq").first().note
    assert "did not accept in time" in note and "escalated automatically" in note


def test_a_late_unit_is_urged_and_its_clock_restarts(clock):
    event = Event.objects.filter(status=EventStatus.HANDLING).order_by("pk")[0]
    clock.now = event.due_at + MINUTE
    sweep()
    event.refresh_from_db()
    assert event.status == EventStatus.HANDLING and event.step == Step.HANDLE
    assert event.late and event.due_at > clock.now
    assert event.timeline.order_by("-seq").first().action == "urge"


def test_an_item_someone_acted_on_since_the_sweep_read_it_is_left_alone(clock, dispatcher_town):
    warning, dispatcher = late_warning()
    read = EarlyWarning.objects.get(pk=warning.pk)
    clock.now = warning.due_at + MINUTE
    WORKFLOWS["warnings"].perform(warning.pk, "dismiss", actor=dispatcher, note="误报")
    assert _chase_one(CHASED["warnings"], read) == "skipped"
    warning.refresh_from_db()
    assert warning.status == WarningStatus.DISMISSED
    assert not warning.timeline.filter(action=OVERDUE).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers at BEGIN and has no row locks to skip",
)
def test_two_workers_sweeping_at_once_chase_a_late_item_once(clock):
    # Far back in time, so that this is the one late item: the demo is committed and shared.
    clock.now = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    warning = EarlyWarning.objects.filter(status=WarningStatus.NEW).order_by("pk")[0]
    saved = {f: getattr(warning, f) for f in ("due_at", "version", "late", "updated_at")}
    lined_up = threading.Barrier(2, timeout=10)
    results = []

    def worker():
        try:
            lined_up.wait()
            results.append(chase_late(CHASED["warnings"]))
        finally:
            connection.close()

    def committed(work):
        def run():
            try:
                work()
            finally:
                connection.close()

        together(run)

    committed(lambda: EarlyWarning.objects.filter(pk=warning.pk).update(due_at=clock.now - MINUTE))
    try:
        together(worker, worker)
        assert sorted(r.get(OVERDUE, 0) for r in results) == [0, 1], results
        rows = []
        committed(lambda: rows.extend(warning.timeline.filter(action=OVERDUE)))
        assert len(rows) == 1
    finally:
        committed(lambda: _put_back(warning, saved))


def _put_back(warning, saved):
    warning.timeline.filter(action=OVERDUE).delete()
    AuditEntry.objects.filter(action="warnings.overdue", target_id=str(warning.pk)).delete()
    Notification.objects.filter(url=warning.get_absolute_url()).delete()
    EarlyWarning.objects.filter(pk=warning.pk).update(**saved)


def together(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
