"""Booking a slot: by the person with a texted code, by staff on their behalf; every refusal
in Chinese with the field; cancel and reschedule by link; the waiting list; reminders once."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.appointments import actions
from gridgov.appointments.choices import WhoMayBook
from gridgov.appointments.models import Booking, PhoneCode
from gridgov.appointments.workflow import BOOKING_WORKFLOW
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.households.models import Resident
from tests.conftest import client_for

from .conftest import code_in, make_resource, tomorrow_at

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def public_book(resource, slot, texts, *, phone=PHONE, code=None):
    actions.do_send_code(phone, ip="10.1.1.1")
    return actions.do_book_public(
        resource.pk, slot_start=slot, name="小雨", phone=phone, code=code or code_in(texts)
    )


def test_a_person_books_with_the_code_texted_to_their_phone(resource, texts):
    booking, token = public_book(resource, tomorrow_at(10), texts)
    assert booking.status == "booked" and booking.channel == "public"
    assert texts[-1]["to"] == PHONE and booking.number in texts[-1]["text"]
    assert token in texts[-1]["text"]
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.name == "小雨" and stored.phone_digest
    assert PhoneCode.objects.get(used_at__isnull=False)


def test_the_public_page_books_in_two_steps_in_chinese(resource, texts, client):
    page = client.get(f"/public/appointments/{resource.pk}/?day={tomorrow_at(10).date()}")
    assert page.status_code == 200 and "验证码" in page.content.decode()
    form = {"phone": PHONE, "name": "阿青", "slot_start": tomorrow_at(11).isoformat(),
            "day": str(tomorrow_at(11).date())}  # fmt: skip
    asked = client.post(f"/public/appointments/{resource.pk}/", form)
    assert asked.status_code == 200 and 'id="code-form"' in asked.content.decode()
    done = client.post(f"/public/appointments/{resource.pk}/", {**form, "code": code_in(texts)})
    assert done.status_code == 200 and 'id="my-booking"' in done.content.decode()
    assert Booking.objects.filter(resource=resource, status="booked").count() == 1


def test_the_loser_of_a_slot_gets_409_in_chinese(resource, dispatcher_town):
    client = client_for(dispatcher_town)
    body = {"resource": resource.pk, "slot_start": tomorrow_at(9).isoformat(),
            "name": "小林", "phone": PHONE}  # fmt: skip
    first = client.post("/api/v1/appointments/bookings", body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/appointments/bookings", body, content_type="application/json")
    assert again.status_code == 409 and "该时段已被预约" in again.content.decode()
    assert Booking.objects.filter(resource=resource).count() == 1


@pytest.mark.parametrize(
    "when, message",
    [
        (lambda: timezone.now().replace(minute=0, second=0, microsecond=0), "passed"),
        (lambda: tomorrow_at(23), "not one of"),
        (lambda: tomorrow_at(10) + dt.timedelta(minutes=30), "not one of"),
        (lambda: tomorrow_at(10) + dt.timedelta(days=60), "days ahead"),
    ],
    ids=["past slot", "outside hours", "not a slot's start", "too far ahead"],
)
def test_a_slot_that_cannot_be_booked_is_refused(resource, dispatcher_town, english, when, message):
    with pytest.raises(InvalidInput) as refused:
        actions.do_book(
            resource, slot_start=when(), name="小林", phone=PHONE, actor=dispatcher_town
        )
    assert message in str(refused.value) and refused.value.details[0]["field"] == "slot_start"
    assert not Booking.objects.filter(resource=resource).exists()


def test_a_closed_day_is_refused(resource, dispatcher_town, english):
    actions.do_add_exception(resource, day=tomorrow_at(10).date(), closed=True, actor="test",
                             reason="培训")  # fmt: skip
    with pytest.raises(InvalidInput, match="closed on that day"):
        actions.do_book(resource, slot_start=tomorrow_at(10), name="小林", phone=PHONE,
                        actor=dispatcher_town)  # fmt: skip


def test_extra_hours_open_slots_outside_the_week(resource, dispatcher_town):
    day = tomorrow_at(10).date()
    actions.do_add_exception(resource, day=day, opens=dt.time(22), closes=dt.time(23),
                             actor="test")  # fmt: skip
    booking, _token = actions.do_book(resource, slot_start=tomorrow_at(22), name="小林",
                                      phone=PHONE, actor=dispatcher_town)  # fmt: skip
    assert booking.slot_end == tomorrow_at(23)


def test_a_wrong_code_is_refused_and_counted(resource, texts, english):
    actions.do_send_code(PHONE)
    right = code_in(texts)
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(InvalidInput, match="not right"):
        actions.do_book_public(resource.pk, slot_start=tomorrow_at(10), name="小雨", phone=PHONE,
                               code=wrong)  # fmt: skip
    assert PhoneCode.objects.get().attempts == 1
    assert not Booking.objects.filter(resource=resource).exists()


def test_an_expired_code_is_refused(resource, texts, clock, english):
    actions.do_send_code(PHONE)
    clock.now = clock.now + dt.timedelta(minutes=actions.CODE_MINUTES + 1)
    with pytest.raises(InvalidInput, match="expired"):
        actions.do_book_public(resource.pk, slot_start=tomorrow_at(10), name="小雨", phone=PHONE,
                               code=code_in(texts))  # fmt: skip


def test_too_many_wrong_codes_lock_the_code_even_the_right_one(resource, texts, english):
    actions.do_send_code(PHONE)
    right = code_in(texts)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(actions.CODE_ATTEMPTS):
        with pytest.raises(InvalidInput):
            actions.do_book_public(resource.pk, slot_start=tomorrow_at(10), name="x", phone=PHONE,
                                   code=wrong)  # fmt: skip
    with pytest.raises(InvalidInput, match="Too many wrong codes"):
        actions.do_book_public(resource.pk, slot_start=tomorrow_at(10), name="x", phone=PHONE,
                               code=right)  # fmt: skip


def test_codes_are_rate_limited_per_phone_and_per_address(resource, texts, client):
    for _ in range(actions.CODES_PER_PHONE_HOUR):
        actions.do_send_code(PHONE)
    answer = client.post("/api/v1/appointments/public/codes", {"phone": PHONE})
    assert answer.status_code == 429
    assert len(texts) == actions.CODES_PER_PHONE_HOUR
    for n in range(actions.CODES_PER_ADDRESS_HOUR):
        actions.do_send_code(f"1380000{n:04d}", ip="10.9.9.9")
    with pytest.raises(actions.TooManyRequests):
        actions.do_send_code("13700000000", ip="10.9.9.9")


def test_only_residents_of_the_area_may_book_a_residents_resource(dispatcher_town, texts):
    resident = Resident.objects.exclude(phone_digest="").filter(town__code="330402013").first()
    resource = make_resource(dispatcher_town, name="居民服务窗口", sensitive=False,
                             who_may_book=WhoMayBook.RESIDENTS)  # fmt: skip
    with pytest.raises(NotPermitted) as refused:
        public_book(resource, tomorrow_at(10), texts, phone="13799998888")
    assert "居民" in str(refused.value.message) or "resident" in str(refused.value.message)
    assert not Booking.objects.filter(resource=resource).exists()
    if resident is not None:  # the ledger's residents of the town book
        booking, _t = public_book(resource, tomorrow_at(11), texts, phone=resident.phone)
        assert booking.status == "booked"


def test_the_link_cancels_and_the_first_waiting_person_is_offered_the_slot(
    resource, texts, dispatcher_town, client, django_capture_on_commit_callbacks
):
    booking, token = public_book(resource, tomorrow_at(15), texts)
    waiting = actions.do_join_waiting_list(resource, day=tomorrow_at(15).date(), name="晚风",
                                           phone="13600001111", actor=dispatcher_town)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/public/appointments/b/{token}/", {"what": "cancel"})
    assert answer.status_code == 200
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == "cancelled" and waiting.offered_slot == tomorrow_at(15)
    assert texts[-1]["to"] == "13600001111"
    # The freed slot can be booked again.
    again, _t = actions.do_book(resource, slot_start=tomorrow_at(15), name="晚风",
                                phone="13600001111", actor=dispatcher_town)  # fmt: skip
    assert again.status == "booked"


def test_the_link_reschedules_to_a_free_slot_and_not_to_a_taken_one(
    resource, texts, dispatcher_town, client
):
    booking, token = public_book(resource, tomorrow_at(15), texts)
    actions.do_book(resource, slot_start=tomorrow_at(17), name="阿杰", phone="13600002222",
                    actor=dispatcher_town)  # fmt: skip
    mine = f"/public/appointments/b/{token}/"
    taken = client.post(mine, {"what": "reschedule", "slot_start": tomorrow_at(17).isoformat()})
    assert taken.status_code == 409 and "该时段已被预约" in taken.content.decode()
    moved = client.post(mine, {"what": "reschedule", "slot_start": tomorrow_at(16).isoformat()})
    assert moved.status_code == 200
    booking.refresh_from_db()
    assert booking.slot_start == tomorrow_at(16) and booking.status == "booked"
    assert client.get("/public/appointments/b/not-a-token/").status_code == 404


def test_a_link_acts_on_its_own_booking_only(resource, texts):
    first, _token = public_book(resource, tomorrow_at(10), texts)
    second, _t = public_book(resource, tomorrow_at(11), texts, phone="13600003333")
    with pytest.raises(NotPermitted):
        BOOKING_WORKFLOW.act(second.pk, "cancel", actor=actions.holder_of(first))
    second.refresh_from_db()
    assert second.status == "booked"


def test_staff_mark_a_no_show_and_record_a_walk_in(resource, dispatcher_town):
    booking, _t = actions.do_book(resource, slot_start=tomorrow_at(10), name="小林",
                                  phone=PHONE, actor=dispatcher_town)  # fmt: skip
    client = client_for(dispatcher_town)
    marked = client.post(f"/api/v1/bookings/{booking.number}/no_show", {},
                         content_type="application/json")  # fmt: skip
    assert marked.status_code == 200 and marked.json()["status"] == "no_show"
    body = {"resource": resource.pk, "name": "路人"}
    walk_in = client.post("/api/v1/appointments/walk-ins", body, content_type="application/json")
    assert walk_in.status_code == 201 and walk_in.json()["status"] == "attended"


def test_reminders_are_sent_once_per_booking(resource, dispatcher_town, texts):
    actions.do_book(resource, slot_start=tomorrow_at(10), name="小林", phone=PHONE,
                    actor=dispatcher_town)  # fmt: skip
    now = tomorrow_at(10) - dt.timedelta(hours=3)
    assert actions.send_reminders(now=now) >= 1
    sent = len(texts)
    assert actions.send_reminders(now=now) == 0 and len(texts) == sent


def test_the_notes_are_encrypted_and_kept_by_the_resources_people_only(
    resource, dispatcher_town, gridworker_a
):
    booking, _t = actions.do_book(resource, slot_start=tomorrow_at(10), name="小林",
                                  phone=PHONE, actor=dispatcher_town)  # fmt: skip
    actions.do_write_notes(booking, notes="情绪低落，建议复诊", actor=dispatcher_town)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM appointments_booking WHERE id = %s", [booking.pk])
        assert "复诊" not in cursor.fetchone()[0]
    assert Booking.objects.get(pk=booking.pk).notes == "情绪低落，建议复诊"
    with pytest.raises(NotPermitted):
        actions.do_write_notes(booking, notes="x", actor=gridworker_a)


def test_a_second_waiting_entry_of_a_phone_for_a_day_is_refused(resource, dispatcher_town):
    day = tomorrow_at(10).date()
    actions.do_join_waiting_list(resource, day=day, name="a", phone=PHONE, actor=dispatcher_town)
    with pytest.raises(Conflict):
        actions.do_join_waiting_list(resource, day=day, name="a", phone=PHONE,
                                     actor=dispatcher_town)  # fmt: skip
