"""The "综合查一次" planner on small, hand-made cases (pure: no database)."""

from datetime import date, timedelta

import pytest

from gridgov.inspections.planner import (
    Need,
    Officer,
    PlanRequest,
    Reason,
    Unplanned,
    Visit,
    lower_bound,
    plan,
)

MONDAY = date(2025, 3, 3)
MARKET, FIRE, HEALTH = 1, 2, 3  # departments
SHOP, SCHOOL = 10, 11  # targets


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def need(id, target, department, first, last) -> Need:
    return Need(id, target, department, items=(id,), earliest=day(first), latest=day(last))


def officers(capacity=5) -> list[Officer]:
    return [Officer(id=100 + d, department=d, capacity=capacity) for d in (MARKET, FIRE, HEALTH)]


def request(needs, staff=None, caps=None, days=7, **options) -> PlanRequest:
    return PlanRequest(
        start=MONDAY,
        end=day(days - 1),
        needs=needs,
        officers=officers() if staff is None else staff,
        target_caps=caps or {},
        **options,
    )


def test_two_departments_due_at_one_shop_in_overlapping_windows_make_one_visit():
    result = plan(request([need(1, SHOP, MARKET, 0, 4), need(2, SHOP, FIRE, 2, 6)]))
    assert result.visits == [Visit(SHOP, day(2), needs=(1, 2), officers=(101, 102))]
    assert result.unplanned == []
    assert (result.lower_bound, result.visits_without_merging, result.visits_saved) == (1, 2, 1)
    assert result.ratio == 1.0


def test_needs_of_one_department_in_one_visit_take_one_officer():
    result = plan(request([need(1, SHOP, MARKET, 0, 2), need(2, SHOP, MARKET, 1, 3)]))
    assert result.visits == [Visit(SHOP, day(1), needs=(1, 2), officers=(101,))]


def test_windows_that_do_not_overlap_need_a_visit_each():
    needs = [need(1, SHOP, MARKET, 0, 1), need(2, SHOP, FIRE, 3, 4), need(3, SHOP, HEALTH, 1, 3)]
    result = plan(request(needs))
    assert [(v.day, v.needs) for v in result.visits] == [(day(1), (1, 3)), (day(3), (2,))]
    assert lower_bound(request(needs)) == 2


def test_without_merging_every_need_is_its_own_visit():
    result = plan(request([need(1, SHOP, MARKET, 0, 4), need(2, SHOP, FIRE, 2, 6)], merge=False))
    assert [v.needs for v in result.visits] == [(1,), (2,)]
    assert result.merged is False
    assert result.lower_bound == 1  # what merging could reach, whatever this plan does


def test_a_cap_keeps_the_visit_covering_most_needs_and_the_rest_join_it_when_they_can():
    needs = [
        need(1, SHOP, MARKET, 0, 0),  # alone on Monday
        need(2, SHOP, FIRE, 2, 2),
        need(3, SHOP, HEALTH, 2, 2),
        need(4, SHOP, MARKET, 2, 2),  # with 2 and 3 on Wednesday
        need(5, SHOP, FIRE, 0, 2),  # stabbed with 1, but Wednesday is in its window too
    ]
    result = plan(request(needs, caps={SHOP: 1}))
    assert result.visits == [Visit(SHOP, day(2), needs=(2, 3, 4, 5), officers=(101, 102, 103))]
    assert result.unplanned == [Unplanned(1, Reason.TARGET_CAP)]
    assert result.lower_bound == 1


def test_a_target_with_no_visits_left_is_not_visited():
    result = plan(request([need(1, SHOP, MARKET, 0, 6)], caps={SHOP: 0}))
    assert result.visits == []
    assert result.unplanned == [Unplanned(1, Reason.TARGET_CAP)]
    assert result.lower_bound == 0


def test_an_officer_makes_no_more_visits_a_day_than_the_capacity_and_the_rest_is_reported():
    staff = [Officer(100, MARKET, capacity=2)]
    needs = [need(i, 20 + i, MARKET, 1, 1) for i in range(1, 4)]
    result = plan(request(needs, staff=staff))
    assert [(v.target, v.day, v.officers) for v in result.visits] == [
        (21, day(1), (100,)),
        (22, day(1), (100,)),
    ]
    assert result.unplanned == [Unplanned(3, Reason.NO_CAPACITY)]
    assert result.lower_bound == 3 and result.ratio == pytest.approx(2 / 3)


def test_visits_go_to_a_departments_officers_in_turn_up_to_each_ones_capacity():
    staff = [Officer(100, MARKET, capacity=1), Officer(101, MARKET, capacity=1)]
    result = plan(request([need(1, SHOP, MARKET, 0, 0), need(2, SCHOOL, MARKET, 0, 0)], staff))
    assert sorted(v.officers for v in result.visits) == [(100,), (101,)]


def test_a_group_no_day_fits_whole_is_split_rather_than_dropped():
    staff = [Officer(100, MARKET, capacity=1), Officer(101, FIRE, capacity=1)]
    needs = [
        need(1, SHOP, MARKET, 0, 0),  # takes the market officer on Monday
        need(2, SCHOOL, MARKET, 0, 0),
        need(3, SCHOOL, FIRE, 0, 0),
    ]
    result = plan(request(needs, staff=staff))
    assert [(v.target, v.needs) for v in result.visits] == [(SHOP, (1,)), (SCHOOL, (3,))]
    assert result.unplanned == [Unplanned(2, Reason.NO_CAPACITY)]


def test_when_merging_would_cost_a_need_every_need_is_still_planned():
    """Merging ties the school's fire check to Thursday, the only day the shop's fire check can
    take; planned alone, the school's fire check goes on Monday. The merged plan then keeps
    the unmerged one (combining what it can): no need is lost to merging."""
    staff = [Officer(100, FIRE, capacity=1), Officer(101, HEALTH, capacity=1)]
    needs = [
        need(2, SCHOOL, FIRE, 0, 3),
        need(3, SCHOOL, HEALTH, 3, 3),
        need(4, SHOP, FIRE, 3, 3),
    ]
    merged = plan(request(needs, staff=staff, days=4))
    alone = plan(request(needs, staff=staff, days=4, merge=False))
    assert merged.planned_needs == alone.planned_needs == 3
    assert [(v.target, v.day, v.needs) for v in merged.visits] == [
        (SCHOOL, day(0), (2,)),
        (SHOP, day(3), (4,)),
        (SCHOOL, day(3), (3,)),
    ]
    assert merged.unplanned == []


def test_days_off_are_never_planned_and_windows_of_only_days_off_are_reported():
    weekend = frozenset({day(5), day(6)})
    needs = [need(1, SHOP, MARKET, 4, 6), need(2, SHOP, FIRE, 5, 6), need(3, SCHOOL, FIRE, 5, 8)]
    result = plan(request(needs, days=10, days_off=weekend))
    assert [(v.target, v.day) for v in result.visits] == [(SHOP, day(4)), (SCHOOL, day(7))]
    assert result.unplanned == [Unplanned(2, Reason.EMPTY_WINDOW)]


def test_needs_that_can_never_be_planned_are_reported_with_their_reason():
    needs = [
        need(1, SHOP, MARKET, 3, 2),  # ends before it starts
        need(2, SHOP, MARKET, 8, 9),  # after the period
        need(3, SHOP, MARKET, -5, -1),  # before the period
        need(4, SHOP, 99, 0, 6),  # a department without officers
        need(5, SHOP, MARKET, 0, 6),
        need(5, SCHOOL, FIRE, 0, 6),  # the same id twice: neither is planned
        need(6, SCHOOL, HEALTH, 0, 6),  # its only officer has no capacity left to give
    ]
    staff = [*officers()[:2], Officer(103, HEALTH, capacity=0)]
    result = plan(request(needs, staff=staff))
    assert result.visits == []
    assert result.unplanned == [
        Unplanned(1, Reason.EMPTY_WINDOW),
        Unplanned(2, Reason.EMPTY_WINDOW),
        Unplanned(3, Reason.EMPTY_WINDOW),
        Unplanned(4, Reason.NO_OFFICERS),
        Unplanned(5, Reason.DUPLICATE),
        Unplanned(6, Reason.NO_OFFICERS),
    ]
    assert (result.lower_bound, result.visits_without_merging, result.ratio) == (0, 0, 1.0)


def test_a_window_reaching_past_the_period_is_planned_inside_it():
    result = plan(request([need(1, SHOP, MARKET, -3, 0), need(2, SHOP, FIRE, 6, 20)]))
    assert [v.day for v in result.visits] == [day(0), day(6)]


def test_an_empty_request_gives_an_empty_plan():
    result = plan(request([]))
    assert (result.visits, result.unplanned, result.lower_bound) == ([], [], 0)


def test_an_officer_listed_twice_is_refused():
    with pytest.raises(ValueError, match="officer"):
        plan(request([], staff=[Officer(1, MARKET, 1), Officer(1, FIRE, 1)]))


def test_visits_without_merging_count_only_the_needs_planned_so_the_saving_adds_up():
    # The shop's two needs make one visit; the school's need finds its department's only
    # officer booked (capacity 1) and is left out: it takes no visit merged or not.
    staff = [Officer(101, MARKET, capacity=1), Officer(102, FIRE, capacity=1)]
    needs = [need(1, SHOP, MARKET, 0, 0), need(2, SHOP, FIRE, 0, 0), need(3, SCHOOL, FIRE, 0, 0)]
    result = plan(request(needs, staff=staff, days=1))
    assert result.unplanned == [Unplanned(3, Reason.NO_CAPACITY)]
    assert len(result.visits) == 1 and result.plannable == 3
    assert result.visits_without_merging == 2
    assert result.visits_without_merging - len(result.visits) == result.visits_saved == 1
