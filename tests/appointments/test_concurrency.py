"""Many people booking one slot at the same moment, each on their own connection: the database
lets one win and every other gets 409 "该时段已被预约" — on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connection

from gridgov.appointments.models import Booking
from tests.conftest import DEMO_TOWN, client_for

from .conftest import make_resource, tomorrow_at

CLIENTS = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_book_it_once(_demo_snapshot):
    from gridgov.org.models import Staff

    manager = (
        Staff.objects.filter(role="dispatcher", region__code=DEMO_TOWN, user__isnull=False)
        .select_related("user")
        .first()
        .user
    )
    resource = make_resource(manager, name="并发测试室")
    slot = tomorrow_at(10)
    lined_up = threading.Barrier(CLIENTS, timeout=20)
    answers = []

    def book(n):
        try:
            client = client_for(manager)
            lined_up.wait()
            body = {"resource": resource.pk, "slot_start": slot.isoformat(),
                    "name": f"用户{n}", "phone": f"1390000{n:04d}"}  # fmt: skip
            answer = client.post(
                "/api/v1/appointments/bookings", body, content_type="application/json"
            )
            answers.append((answer.status_code, answer.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _body in answers)
    assert codes == [201] + [409] * (CLIENTS - 1), answers
    assert all("该时段已被预约" in body for code, body in answers if code == 409)
    assert Booking.objects.filter(resource=resource, slot_start=slot).count() == 1
