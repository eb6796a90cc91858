"""People hear about the steps that concern them, in their message list."""

import pytest

from gridgov.events import actions
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.workflow.models import Notification
from tests.conftest import client_for

from .conftest import report

pytestmark = pytest.mark.django_db


def test_the_command_centre_hears_of_an_escalated_event_and_reads_it(
    gridworker_a, dispatcher_town, dispatcher_county, django_capture_on_commit_callbacks
):
    event = report(gridworker_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_escalate_event(event.pk, actor=dispatcher_town, note="需区级协调")
    assert Notification.objects.filter(
        user=dispatcher_county, url=event.get_absolute_url()
    ).exists()
    client = client_for(dispatcher_county)
    page = client.get("/messages/").content.decode()
    assert event.number in page
    client.post("/messages/read/")
    assert not Notification.objects.filter(user=dispatcher_county, read_at__isnull=True).exists()


def test_a_new_report_waits_in_the_queue_without_a_message(
    gridworker_a, dispatcher_town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = report(gridworker_a)
    assert not Notification.objects.filter(url=event.get_absolute_url()).exists()


def test_the_reporter_is_not_told_of_their_own_step(
    gridworker_a, dispatcher_town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = report(gridworker_a)
    assert not Notification.objects.filter(user=gridworker_a, url=event.get_absolute_url()).exists()


def test_nobody_reads_another_persons_messages(
    gridworker_a, dispatcher_town, dispatcher_county, django_capture_on_commit_callbacks
):
    event = report(gridworker_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_escalate_event(event.pk, actor=dispatcher_town, note="需区级协调")
    assert event.number not in client_for(gridworker_a).get("/messages/").content.decode()


def test_the_unit_hears_of_a_dispatch(
    gridworker_a, dispatcher_town, officer_squad, django_capture_on_commit_callbacks
):
    from gridgov.org.models import Department

    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_dispatch_event(
            event.pk, actor=dispatcher_town, lead=Department.objects.get(code="330402013-ZD")
        )
    assert Notification.objects.filter(user=officer_squad, url=event.get_absolute_url()).exists()
