"""The "预计办结" date is when the whole loop should be done, not the acceptance deadline:
the running step's deadline plus the category's limits of the steps still to come, on the
working-day calendar — the same moment on the tracking page and in Open311's expected_datetime."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.worktime.calendar import add_working_hours

from .test_public_pages import submitted_ticket

pytestmark = pytest.mark.django_db


def shown_on_ticket(client, number) -> str:
    page = client.get(f"/public/track/{number}/").content.decode()
    return re.search(r'id="ticket-expected">([^<]+)<', page).group(1)


def shown_by_open311(number) -> str:
    (request,) = Client().get(f"/open311/v2/requests/{number}.json").json()
    return request["expected_datetime"]


def test_a_new_report_is_expected_done_after_every_steps_limit_not_an_hour_after_filing():
    client = Client()
    number, _code = submitted_ticket(client)
    event = Event.objects.select_related("category").get(number=number)
    category = event.category
    expected = add_working_hours(
        event.due_at, category.dispatch_hours + category.handle_hours + category.verify_hours
    )
    assert expected > event.due_at
    local = timezone.localtime(expected)
    assert shown_on_ticket(client, number) == local.strftime("%Y-%m-%d %H:%M")
    assert shown_by_open311(number) == local.isoformat(timespec="seconds")


def test_once_accepted_the_expectation_runs_from_the_dispatch_deadline(dispatcher_town):
    client = Client()
    number, _code = submitted_ticket(client)
    event = EVENT_WORKFLOW.act(Event.objects.get(number=number).pk, "accept", actor=dispatcher_town)
    category = event.category
    expected = add_working_hours(event.due_at, category.handle_hours + category.verify_hours)
    assert shown_by_open311(number) == timezone.localtime(expected).isoformat(timespec="seconds")
    assert shown_on_ticket(client, number) == timezone.localtime(expected).strftime(
        "%Y-%m-%d %H:%M"
    )
