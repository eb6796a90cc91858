"""Two visits of one household at the same moment count it once at every level.

Real threads with their own connections and transactions, so the row lock (PostgreSQL) or the
write lock taken at BEGIN (SQLite) decides. The test is transactional — threads cannot see the
rows of a test transaction — so every step runs in a thread of its own and commits, and the demo
is put back after it (``_demo_snapshot``, tests/conftest.py).

SQLite's in-memory test database is shared between threads through its shared cache, where a
second writer fails at once ("database table is locked") instead of waiting its turn as on the
database file the product runs on; there the threads work on a file copy of the demo, with the
product's own settings (WAL, BEGIN IMMEDIATE, busy timeout)."""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection

from gridgov.households.canvass_actions import VisitData, do_record_visit
from gridgov.households.choices import HouseholdState
from gridgov.households.models import Canvassed, Coverage, Visit
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, staff_user
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass


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
    name = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = name


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
def test_two_visits_of_one_household_at_once_count_it_once_at_every_level(
    _demo_snapshot, transactional_db, tmp_path
):
    with threads_on_a_database_file(tmp_path):

        def prepare():
            grid = Region.objects.get(code=GRID_A)
            microgrid = microgrids_of(grid, 1)[0]
            organiser = staff_user(role=Role.DISPATCHER, region__code=DEMO_TOWN)
            household = make_households(microgrid, count=1, people=2)[0]
            return grid, microgrid, organiser, household, running_canvass(grid, organiser)

        grid, microgrid, organiser, household, canvass = committed(prepare)

        def visit():
            data = VisitData(household=household.number)
            return do_record_visit(canvass, data, actor=organiser).pk

        visits = in_threads(visit, visit)
        assert all(isinstance(pk, int) for pk in visits), visits
        assert len(set(visits)) == 2

        def read():
            row = Canvassed.objects.get(canvass=canvass, household=household)
            counters = {
                c.region_id: (c.households_visited, c.persons_seen)
                for c in Coverage.objects.filter(canvass=canvass, region__in=[microgrid, grid])
            }
            recorded = Visit.objects.filter(canvassed=row).count()
            return (row.state, row.visits, row.persons_seen), recorded, counters

        household_row, recorded, counters = committed(read)
    assert household_row == (HouseholdState.VISITED, 2, 2)
    assert recorded == 2
    assert counters == {microgrid.pk: (1, 2), grid.pk: (1, 2)}
