"""Many people booking one slot at the same moment, each on their own connection: the database
lets one win and every other gets 409 "该时段已被预约" — on SQLite and on PostgreSQL.

The test is transactional (threads cannot see a test transaction's rows), so the resource and the
sign-ins are made and committed before the race, and the demo is put back after it
(``_demo_snapshot``, tests/conftest.py).

SQLite's in-memory test database is shared between threads through its shared cache, where a
second writer fails at once ("database table is locked") instead of waiting its turn as on the
database file the product runs on; there the threads work on a file copy of the demo, with the
product's own settings (WAL, BEGIN IMMEDIATE, busy timeout)."""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection

from gridgov.appointments.models import Booking
from gridgov.org.choices import Role
from tests.conftest import DEMO_TOWN, client_for, staff_user

from .conftest import make_resource, tomorrow_at

CLIENTS = 8


@contextlib.contextmanager
def threads_on_a_database_file(folder):
    """On SQLite, connections opened meanwhile (by threads) use a file copy of the database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = folder / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings = connection.settings_dict  # shared by every thread's connection
    name, options = settings["NAME"], settings["OPTIONS"]
    settings["NAME"] = str(path)
    settings["OPTIONS"] = {  # the product's own (gridgov/settings/base.py)
        **options,
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
    }
    try:
        yield
    finally:
        settings["NAME"], settings["OPTIONS"] = name, options


def in_threads(*works) -> list:
    """Run each work in a thread of its own, released together; each thread closes its
    connection. Returns what each returned, or raised."""
    lined_up = threading.Barrier(len(works), timeout=20)
    results = [None] * len(works)

    def one(index, work):
        try:
            lined_up.wait()
            results[index] = work()
        except Exception as error:  # handed back to the test, which checks it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def committed(work):
    """`work` run and committed by a connection of its own; its result, or what it raised."""
    (result,) = in_threads(work)
    if isinstance(result, Exception):
        raise result
    return result


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
