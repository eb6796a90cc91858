"""The public pages: a person without an account reports a problem (anonymously or not), gets a
number and a tracking code, follows the public part of the timeline, and rates or reopens it
after it is closed; every bad or abusive request gets a clear 4xx and changes nothing."""

import re

import pytest
from django.test import Client

from gridgov.citizens.actions import event_for_ticket
from gridgov.citizens.models import Ticket
from gridgov.core.models import AuditEntry
from gridgov.events import actions
from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from tests.conftest import DEMO_TOWN, GRID_A, client_for
from tests.events.conftest import jpeg, point_in

pytestmark = pytest.mark.django_db


def complaint(**extra):
    lon, lat = point_in(GRID_A)
    fields = {
        "category": "0101", "description": "人行道上有摊点占道\n已经好几天了",
        "lon": f"{lon:.7f}", "lat": f"{lat:.7f}", "address": "化东社区门口",
    }  # fmt: skip
    fields.update(extra)
    return fields


def submit(client, **extra):
    return client.post("/public/new/", complaint(**extra))


def submitted_ticket(client) -> tuple[str, str]:
    """Submit a complaint; the number and tracking code the person is shown (in the answer to
    the POST itself)."""
    response = submit(client, name="李女士", phone="13900001111")
    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    number = re.search(r'id="ticket-number"><strong>(\w+)<', page).group(1)
    code = re.search(r'id="ticket-code"><strong>(\w+)<', page).group(1)
    return number, code


def close(event, dispatcher, officer):
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher)
    actions.do_dispatch_event(event.pk, actor=dispatcher, lead=squad)
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer, note="执法队员王强已劝离摊主")
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher)
    return EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher)


def test_the_pages_are_in_chinese_and_need_no_account():
    client = Client()
    assert "反映身边的问题" in client.get("/public/").content.decode()
    page = client.get("/public/new/").content.decode()
    assert 'id="map"' in page and "匿名" in page and "占道" in page
    assert client.get("/public/areas.geojson").json()["type"] == "FeatureCollection"


def test_a_complaint_enters_the_loop_with_a_code_shown_once():
    client = Client()
    number, code = submitted_ticket(client)
    event = Event.objects.get(number=number)
    assert event.source == "citizen" and event.status == EventStatus.REPORTED
    assert event.grid.code == GRID_A and event.category.code == "0101"
    assert event.title == "人行道上有摊点占道"
    assert event.reporter_name == "李女士" and event.reporter_phone == "13900001111"
    assert event.timeline.get().actor_label == "web:citizen"
    assert AuditEntry.objects.filter(action="events.report", target_id=str(event.pk)).exists()
    # Only the code's digest is kept, and the code is not shown a second time.
    assert code not in Ticket.objects.get(event=event).code_digest
    assert event_for_ticket(number, code) == event
    assert client.get("/public/new/done/").status_code == 302


def test_the_tracking_code_is_kept_nowhere_readable_not_even_in_the_session():
    from django.contrib.sessions.models import Session

    client = Client()
    response = submit(client, name="李女士", phone="13900001111")
    assert response["Cache-Control"] == "no-store"
    code = re.search(r'id="ticket-code"><strong>(\w+)<', response.content.decode()).group(1)
    stored = [str(s.get_decoded()) + s.session_data for s in Session.objects.all()]
    assert stored and not any(code in text for text in stored)
    assert dict(client.session) == {"citizen_tickets": [client.session["citizen_tickets"][0]]}


def test_an_anonymous_complaint_keeps_no_contact_details():
    client = Client()
    response = submit(client, photos=[jpeg()])
    assert response.status_code == 200
    event = Event.objects.latest("id")
    assert event.reporter_name == "市民" and event.reporter_phone == ""  # the label, no name
    assert event.timeline.get().data["anonymous"] is True
    assert len(event.timeline.get().photos()) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "0301"}, "请从列表中选择"),  # 安全生产 is not offered to the public
        ({"category": ""}, "请从列表中选择"),
        ({"description": "  "}, "请说明"),
        ({"description": "长" * 4001}, "4000"),
        ({"lon": "", "lat": ""}, ""),
        ({"lon": "121.9", "lat": "31.9"}, ""),  # outside every micro-grid
    ],
)
def test_a_bad_complaint_is_refused_and_nothing_is_written(fields, message):
    before = Event.objects.count()
    response = submit(Client(), **fields)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert message in response.content.decode()
    assert Event.objects.count() == before and Ticket.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Event.objects.count()
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    assert submit(Client(), photos=[fake]).status_code == 400
    assert submit(Client(), photos=[jpeg() for _ in range(7)]).status_code == 400
    assert Event.objects.count() == before


def test_submitting_is_rate_limited_per_address(settings):
    settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT = {"limit": 2, "seconds": 3600}
    client = Client()
    assert submit(client).status_code == 200
    assert submit(client).status_code == 200
    before = Event.objects.count()
    response = submit(client)
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert Event.objects.count() == before
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.1.2.3").post("/public/new/", complaint()).status_code == 200


def test_looking_up_needs_the_right_code_and_is_rate_limited(settings):
    number, code = submitted_ticket(Client())
    stranger = Client()
    assert stranger.get(f"/public/track/{number}/").status_code == 302  # to the lookup form
    wrong = stranger.post("/public/track/", {"number": number, "code": "AAAAAAAA"})
    assert wrong.status_code == 404 and "查询码" in wrong.content.decode()
    right = stranger.post("/public/track/", {"number": number.lower(), "code": code.lower()})
    assert right.status_code == 302 and right["Location"] == f"/public/track/{number}/"
    assert stranger.get(right["Location"]).status_code == 200

    settings.GRIDGOV_PUBLIC_LOOKUP_LIMIT = {"limit": 1, "seconds": 3600}
    guesser = Client(REMOTE_ADDR="10.9.9.9")
    guesser.post("/public/track/", {"number": number, "code": "BBBBBBBB"})
    refused = guesser.post("/public/track/", {"number": number, "code": code})
    assert refused.status_code == 429


def test_the_public_timeline_shows_steps_but_no_staff_or_their_notes(
    dispatcher_town, officer_squad
):
    client = Client()
    number, _code = submitted_ticket(client)
    close(Event.objects.get(number=number), dispatcher_town, officer_squad)
    page = client.get(f"/public/track/{number}/").content.decode()
    for step in ("已收到", "已受理", "已派至责任单位", "处置中", "已办结"):
        assert step in page, step
    assert "东栅街道综合行政执法中队" in page or "执法" in page  # the unit responsible
    staff_names = {dispatcher_town.get_full_name(), officer_squad.get_full_name()} - {""}
    assert not any(name in page for name in staff_names)
    assert "王强" not in page  # what the officer wrote stays inside
    assert "13900001111" not in page and "李女士" not in page


def test_after_closing_the_reporter_rates_and_reopens_with_the_code(dispatcher_town, officer_squad):
    client = Client()
    number, _code = submitted_ticket(client)
    event = close(Event.objects.get(number=number), dispatcher_town, officer_squad)
    page = client.get(f"/public/track/{number}/").content.decode()
    assert 'id="rate-form"' in page and 'id="reopen-form"' in page

    assert client.post(f"/public/track/{number}/rate/", {"satisfaction": "9"}).status_code == 400
    rated = client.post(f"/public/track/{number}/rate/", {"satisfaction": "4", "note": "还行"})
    assert rated.status_code == 302
    event.refresh_from_db()
    assert event.satisfaction == 4
    assert client.post(f"/public/track/{number}/rate/", {"satisfaction": "5"}).status_code == 409

    assert client.post(f"/public/track/{number}/reopen/", {"reason": ""}).status_code == 400
    reopened = client.post(f"/public/track/{number}/reopen/", {"reason": "摊点又回来了"})
    assert reopened.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.REPORTED and event.reopen_count == 1
    assert event.timeline.last().actor_label == "web:citizen"


def test_a_code_opens_its_own_report_only(dispatcher_town, officer_squad):
    mine = Client()
    submitted_ticket(mine)
    other_number, _ = submitted_ticket(Client())
    close(Event.objects.get(number=other_number), dispatcher_town, officer_squad)
    # Knowing another report's number is not enough to act on it.
    response = mine.post(f"/public/track/{other_number}/rate/", {"satisfaction": "1"})
    assert response.status_code == 302 and "/public/track/?number=" in response["Location"]
    assert Event.objects.get(number=other_number).satisfaction is None


def test_staff_see_the_contact_details_masked_and_in_scope_only(
    dispatcher_town, dispatcher_other_town
):
    number, _ = submitted_ticket(Client())
    page = client_for(dispatcher_town).get(f"/events/{number}/").content.decode()
    assert "李女士" in page and "139****1111" in page and "13900001111" not in page
    assert client_for(dispatcher_other_town).get(f"/events/{number}/").status_code == 404
