"""Many people booking one slot at the same moment, each on their own connection: the database
lets one win and every other gets 409 "该时段已被预约" — on SQLite and on PostgreSQL.

Real threads with their own connections (tests/threads.py): on SQLite they run on a database
file with the product's locking settings, where a second writer waits its turn."""

import pytest

from gridgov.appointments.models import Booking
from gridgov.org.choices import Role
from tests.conftest import DEMO_TOWN, client_for, staff_user
from tests.threads import committed, in_threads, threads_on_a_database_file

from .conftest import make_resource, tomorrow_at

CLIENTS = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_book_it_once(_demo_snapshot, transactional_db, tmp_path):
    with threads_on_a_database_file(tmp_path):

        def prepare():
            manager = staff_user(role=Role.DISPATCHER, region__code=DEMO_TOWN)
            resource = make_resource(manager, name="并发测试室")
            # signed in before the race: the sessions are written now, not by the racers
            return resource, [client_for(manager) for _ in range(CLIENTS)]

        resource, clients = committed(prepare)
        slot = tomorrow_at(10)

        def booker(n):
            def book():
                body = {"resource": resource.pk, "slot_start": slot.isoformat(),
                        "name": f"用户{n}", "phone": f"1390000{n:04d}"}  # fmt: skip
                answer = clients[n].post(
                    "/api/v1/appointments/bookings", body, content_type="application/json"
                )
                return answer.status_code, answer.content.decode()

            return book

        answers = in_threads(*(booker(n) for n in range(CLIENTS)))
        booked = committed(
            lambda: Booking.objects.filter(resource=resource, slot_start=slot).count()
        )
    codes = sorted(code for code, _body in answers)
    assert codes == [201] + [409] * (CLIENTS - 1), answers
    assert all("该时段已被预约" in body for code, body in answers if code == 409)
    assert booked == 1
