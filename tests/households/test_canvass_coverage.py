"""Starting a canvass makes its households and counters; visits move the counters of every level
exactly; the proof list is what is left; a canvass closes only when nothing is left. The
households are made in the quiet town (no demo ledgers), so every count is of exactly them."""

import contextlib
import random

import pytest

from gridgov.core.errors import Conflict, InvalidInput
from gridgov.households import coverage
from gridgov.households.canvass_actions import (
    VisitData,
    do_close_canvass,
    do_excuse_household,
    do_record_visit,
)
from gridgov.households.choices import CanvassStatus, HouseholdState
from gridgov.households.models import Canvassed, Coverage
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_households(quiet_grid_a, quiet_grid_b):
    made = []
    for grid in (quiet_grid_a, quiet_grid_b):
        for micro in microgrids_of(grid):
            made += make_households(micro, count=3, people=2)
    return made


def raw_counts(canvass, region) -> tuple:
    rows = Canvassed.objects.filter(canvass=canvass, **{f"{region.level}_id": region.pk})
    return (
        rows.count(),
        rows.filter(state__in=[HouseholdState.VISITED, HouseholdState.REFUSED]).count(),
        rows.filter(state=HouseholdState.EXCUSED).count(),
        sum(rows.values_list("persons_total", flat=True)),
        sum(rows.values_list("persons_seen", flat=True)),
    )


def counted(row) -> tuple:
    return (row.households_total, row.households_visited, row.households_excused,
            row.persons_total, row.persons_seen)  # fmt: skip


def assert_counters_exact(canvass):
    for row in Coverage.objects.filter(canvass=canvass).select_related("region"):
        assert counted(row) == raw_counts(canvass, row.region), row.region


def test_starting_a_canvass_makes_its_households_and_a_counter_for_every_level(
    town_households, quiet_dispatcher, quiet_grid_a
):
    town = quiet_grid_a.town
    canvass = running_canvass(town, quiet_dispatcher)
    assert canvass.status == CanvassStatus.RUNNING and canvass.due_at is not None
    assert canvass.households.count() == len(town_households)
    levels = set(Coverage.objects.filter(canvass=canvass).values_list("region__level", flat=True))
    assert levels == {"town", "village", "grid", "microgrid"}
    row, children = coverage.area_coverage(canvass, town)
    assert row.households_total == len(town_households) and row.persons_total == 2 * len(
        town_households
    )
    assert {c.region.level for c in children} == {"village"}
    assert_counters_exact(canvass)


def test_random_visits_nobody_home_and_excuses_keep_every_counter_equal_to_the_raw_counts(
    town_households, quiet_dispatcher, quiet_gridworker_a, quiet_grid_a
):
    canvass = running_canvass(quiet_grid_a.town, quiet_dispatcher)
    rng = random.Random(15)
    numbers = [h.number for h in town_households]
    members = {h.number: list(h.residents.values_list("pk", flat=True)) for h in town_households}
    for _ in range(40):
        number = rng.choice(numbers)
        roll = rng.random()
        if roll < 0.2:
            with contextlib.suppress(Conflict):  # visited already
                do_excuse_household(canvass, number, actor=quiet_dispatcher, reason="拆迁")
            continue
        outcome = "nobody_home" if roll < 0.4 else "refused" if roll < 0.5 else "visited"
        persons = {str(pk): {"seen": rng.random() < 0.7} for pk in members[number]}
        do_record_visit(
            canvass, VisitData(household=number, outcome=outcome, persons=persons),
            actor=quiet_dispatcher,
        )  # fmt: skip
        assert_counters_exact(canvass)
    assert_counters_exact(canvass)


def test_a_canvass_closes_only_when_every_household_is_visited_or_has_a_reason(
    town_households, quiet_dispatcher, quiet_grid_a, english
):
    canvass = running_canvass(quiet_grid_a, quiet_dispatcher)
    mine = [h for h in town_households if h.grid_id == quiet_grid_a.pk]
    do_record_visit(canvass, VisitData(household=mine[0].number), actor=quiet_dispatcher)
    do_record_visit(
        canvass, VisitData(household=mine[1].number, outcome="nobody_home"), actor=quiet_dispatcher
    )
    with pytest.raises(Conflict) as refused:
        do_close_canvass(canvass.pk, actor=quiet_dispatcher)
    assert "have not been reached" in str(refused.value.message)
    assert {d["field"] for d in refused.value.details} == {h.number for h in mine[1:]}
    canvass.refresh_from_db()
    assert canvass.status == CanvassStatus.RUNNING

    proof = coverage.proof_list(canvass, quiet_grid_a)
    assert [r.household.number for r in proof] == sorted(h.number for h in mine[1:])
    for household in mine[1:]:
        do_excuse_household(canvass, household.number, actor=quiet_dispatcher, reason="长期外出")
    assert not coverage.proof_list(canvass, quiet_grid_a).exists()  # 不落一户
    closed = do_close_canvass(canvass.pk, actor=quiet_dispatcher)
    assert closed.status == CanvassStatus.CLOSED and closed.retain_until is not None


def test_an_excuse_needs_a_reason(town_households, quiet_dispatcher, quiet_grid_a):
    canvass = running_canvass(quiet_grid_a, quiet_dispatcher)
    with pytest.raises(InvalidInput):
        do_excuse_household(canvass, town_households[0].number, actor=quiet_dispatcher, reason=" ")
    assert not Canvassed.objects.filter(canvass=canvass, state=HouseholdState.EXCUSED).exists()


def test_a_refusal_reaches_the_household_but_sees_none_of_its_people(
    town_households, quiet_dispatcher, quiet_grid_a
):
    canvass = running_canvass(quiet_grid_a, quiet_dispatcher)
    household = next(h for h in town_households if h.grid_id == quiet_grid_a.pk)
    do_record_visit(
        canvass, VisitData(household=household.number, outcome="refused"), actor=quiet_dispatcher
    )
    row = Canvassed.objects.get(canvass=canvass, household=household)
    assert (row.state, row.persons_seen, row.visits) == (HouseholdState.REFUSED, 0, 1)
    assert not row.visit_log.get().answers.exists()
    counters = Coverage.objects.get(canvass=canvass, region=quiet_grid_a)
    assert (counters.households_visited, counters.persons_seen) == (1, 0)
    assert household.number not in {
        r.household.number for r in coverage.proof_list(canvass, quiet_grid_a)
    }
    with pytest.raises(Conflict):  # reached: it needs no reason
        do_excuse_household(canvass, household.number, actor=quiet_dispatcher, reason="拒绝")

    # Nobody home afterwards leaves it reached; a later visit sees its people, counted once.
    do_record_visit(
        canvass, VisitData(household=household.number, outcome="nobody_home"),
        actor=quiet_dispatcher,
    )  # fmt: skip
    assert Canvassed.objects.get(pk=row.pk).state == HouseholdState.REFUSED
    do_record_visit(canvass, VisitData(household=household.number), actor=quiet_dispatcher)
    counters.refresh_from_db()
    assert (counters.households_visited, counters.persons_seen) == (1, 2)
    assert_counters_exact(canvass)
