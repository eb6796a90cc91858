"""Two visits of one household at the same moment count it once at every level.

Real threads with their own connections and transactions, so the row lock (PostgreSQL) or the
write lock taken at BEGIN (SQLite) decides (tests/threads.py)."""

import pytest

from gridgov.households.canvass_actions import VisitData, do_record_visit
from gridgov.households.choices import HouseholdState
from gridgov.households.models import Canvassed, Coverage, Visit
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, staff_user
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass
from tests.threads import committed, in_threads, threads_on_a_database_file


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
