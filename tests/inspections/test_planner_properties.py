"""Properties of the "综合查一次" planner over random requests (pure: no database).

Requests are small on purpose (a few days, departments, officers, targets) so that windows
overlap, caps and capacities bind, ids repeat and windows fall outside the period or on days
off often enough; each property is checked against the request itself, not the planner's code.
"""

import dataclasses
import itertools
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.inspections.planner import Need, Officer, PlanRequest, Reason, lower_bound, plan

START = date(2025, 3, 3)
DEPARTMENTS = [1, 2, 3, 4]
TARGETS = [10, 11, 12, 13, 14]


@st.composite
def requests(draw, merge=True):
    days = draw(st.integers(min_value=1, max_value=8))
    end = START + timedelta(days=days - 1)
    needs = []
    for _ in range(draw(st.integers(min_value=0, max_value=16))):
        first = draw(st.integers(min_value=-2, max_value=days + 1))
        length = draw(st.integers(min_value=-1, max_value=days))
        needs.append(
            Need(
                id=draw(st.integers(min_value=1, max_value=24)),  # sometimes twice
                target=draw(st.sampled_from(TARGETS)),
                department=draw(st.sampled_from(DEPARTMENTS)),
                items=(1,),
                earliest=START + timedelta(days=first),
                latest=START + timedelta(days=first + length),
            )
        )
    officers = [
        Officer(
            id=100 + i,
            department=draw(st.sampled_from(DEPARTMENTS)),
            capacity=draw(st.integers(min_value=0, max_value=3)),
        )
        for i in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    capped = draw(st.lists(st.sampled_from(TARGETS), unique=True, max_size=3))
    caps = {t: draw(st.integers(min_value=0, max_value=3)) for t in capped}
    off = draw(st.sets(st.integers(min_value=-1, max_value=days), max_size=3))
    return PlanRequest(
        start=START,
        end=end,
        needs=needs,
        officers=officers,
        target_caps=caps,
        merge=merge,
        days_off=frozenset(START + timedelta(days=d) for d in off),
    )


# --- What the request itself says -----------------------------------------------------------


def working_days(request, need) -> list[date]:
    days, day = [], max(need.earliest, request.start)
    while day <= min(need.latest, request.end):
        if day not in request.days_off:
            days.append(day)
        day += timedelta(days=1)
    return days


def capacity_by_department(request) -> dict[int, int]:
    capacity = Counter()
    for officer in request.officers:
        capacity[officer.department] += max(officer.capacity, 0)
    return capacity


def plannable_needs(request) -> list[Need]:
    counts = Counter(n.id for n in request.needs)
    capacity = capacity_by_department(request)
    return [
        n
        for n in request.needs
        if counts[n.id] == 1 and working_days(request, n) and capacity[n.department] > 0
    ]


def fewest_days_covering(windows: list[list[date]]) -> int:
    days = sorted({d for w in windows for d in w})
    for k in range(len(days) + 1):
        for chosen in itertools.combinations(days, k):
            if all(set(w) & set(chosen) for w in windows):
                return k
    raise AssertionError("every window has a day")


def visits_per_officer_day(result) -> Counter:
    return Counter((o, v.day) for v in result.visits for o in v.officers)


def with_officers_to_spare(request):
    """The same request with every staffed department given one officer who could make every
    visit of the period on any day."""
    staffed = sorted(d for d, c in capacity_by_department(request).items() if c > 0)
    officers = [Officer(id=200 + d, department=d, capacity=len(request.needs)) for d in staffed]
    return dataclasses.replace(request, officers=officers)


# --- Properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(request=requests(), merge=st.booleans())
def test_every_need_is_planned_at_most_once_or_reported_once_with_a_reason(request, merge):
    request = dataclasses.replace(request, merge=merge)
    result = plan(request)
    planned = [i for v in result.visits for i in v.needs]
    reported = [u.need for u in result.unplanned]
    assert len(planned) == len(set(planned))
    assert len(reported) == len(set(reported))
    assert not set(planned) & set(reported)
    assert set(planned) | set(reported) == {n.id for n in request.needs}
    assert {u.reason for u in result.unplanned} <= set(Reason)
    assert all(v.needs for v in result.visits)


@settings(max_examples=300, deadline=None)
@given(request=requests(), merge=st.booleans())
def test_a_planned_need_is_visited_on_a_working_day_of_its_window_and_the_period(request, merge):
    request = dataclasses.replace(request, merge=merge)
    needs = {n.id: n for n in request.needs}
    for visit in plan(request).visits:
        assert request.start <= visit.day <= request.end
        assert visit.day not in request.days_off
        for need_id in visit.needs:
            need = needs[need_id]
            assert need.target == visit.target
            assert need.earliest <= visit.day <= need.latest


@settings(max_examples=300, deadline=None)
@given(request=requests(), merge=st.booleans())
def test_caps_and_capacities_hold_and_each_visit_has_one_officer_per_department(request, merge):
    request = dataclasses.replace(request, merge=merge)
    result = plan(request)
    needs = {n.id: n for n in request.needs}
    officers = {o.id: o for o in request.officers}
    per_target = Counter(v.target for v in result.visits)
    for target, cap in request.target_caps.items():
        assert per_target[target] <= cap
    for (officer, _day), count in visits_per_officer_day(result).items():
        assert count <= officers[officer].capacity
    for visit in result.visits:
        departments = sorted({needs[i].department for i in visit.needs})
        assert [officers[o].department for o in visit.officers] == departments


@settings(max_examples=300, deadline=None)
@given(request=requests())
def test_merging_never_takes_more_visits_than_planning_each_need_alone(request):
    """Precisely: len(merged.visits) <= merged.planned_needs <= the plannable needs, always;
    and len(merged.visits) <= len(alone.visits) whenever the unmerged plan of the same request
    plans at least as many needs (it takes one visit per need it plans, so this follows).

    Not claimed: fewer visits than an unmerged plan that plans fewer needs. When officers are
    short the two plans reach different needs, and planning more needs may take more visits.
    Capacity never works against merging itself: a merged visit books one officer per
    department among its needs, so never more officer-days than its needs would alone."""
    merged = plan(request)
    alone = plan(dataclasses.replace(request, merge=False))
    assert all(len(v.needs) == 1 for v in alone.visits)
    assert len(merged.visits) <= merged.planned_needs <= merged.plannable
    assert merged.visits_without_merging - len(merged.visits) == merged.visits_saved
    if alone.planned_needs >= merged.planned_needs:
        assert len(merged.visits) <= len(alone.visits)
    officer_visits = sum(len(v.officers) for v in merged.visits)
    assert officer_visits <= merged.planned_needs


@settings(max_examples=500, deadline=None)
@given(request=requests())
def test_merging_never_plans_fewer_needs_than_the_unmerged_baseline(request):
    """Guaranteed by construction: when the merged greedy plans fewer needs than the unmerged
    one, the planner keeps the unmerged plan with its same-target, same-day visits combined."""
    merged = plan(request)
    alone = plan(dataclasses.replace(request, merge=False))
    assert merged.planned_needs >= alone.planned_needs
    assert merged.plannable == alone.plannable


@settings(max_examples=300, deadline=None)
@given(request=requests())
def test_the_lower_bound_is_the_fewest_days_covering_each_targets_windows_within_its_cap(
    request,
):
    windows = defaultdict(list)
    for need in plannable_needs(request):
        windows[need.target].append(working_days(request, need))
    expected = 0
    for target, target_windows in windows.items():
        days = fewest_days_covering(target_windows)
        assert days >= 1
        expected += min(days, request.target_caps.get(target, days))
    assert lower_bound(request) == expected
    assert plan(request).lower_bound == expected
    assert plan(request).plannable == len(plannable_needs(request))


@settings(max_examples=300, deadline=None)
@given(request=requests())
def test_with_officers_to_spare_the_plan_reaches_the_lower_bound_exactly(request):
    request = with_officers_to_spare(request)
    result = plan(request)
    assert len(result.visits) == result.lower_bound
    assert result.ratio == 1.0
    assert Reason.NO_CAPACITY not in {u.reason for u in result.unplanned}
    uncapped = [n for n in plannable_needs(request) if n.target not in request.target_caps]
    assert {n.id for n in uncapped} <= {i for v in result.visits for i in v.needs}


@settings(max_examples=300, deadline=None)
@given(request=requests(), merge=st.booleans())
def test_every_reason_given_is_true(request, merge):
    request = dataclasses.replace(request, merge=merge)
    result = plan(request)
    counts = Counter(n.id for n in request.needs)
    needs = {n.id: n for n in request.needs}
    capacity = capacity_by_department(request)
    booked = Counter()
    for (officer, day), count in visits_per_officer_day(result).items():
        booked[next(o.department for o in request.officers if o.id == officer), day] += count
    per_target = Counter(v.target for v in result.visits)
    for unplanned in result.unplanned:
        if unplanned.reason == Reason.DUPLICATE:
            assert counts[unplanned.need] > 1
            continue
        need = needs[unplanned.need]
        days = working_days(request, need)
        if unplanned.reason == Reason.EMPTY_WINDOW:
            assert not days
        elif unplanned.reason == Reason.NO_OFFICERS:
            assert days and capacity[need.department] == 0
        elif unplanned.reason == Reason.TARGET_CAP:
            assert per_target[need.target] == request.target_caps[need.target]
        else:
            assert unplanned.reason == Reason.NO_CAPACITY
            assert all(booked[need.department, d] == capacity[need.department] for d in days)


@settings(max_examples=300, deadline=None)
@given(request=requests())
def test_no_need_left_out_could_have_joined_a_visit_of_its_target(request):
    """A merged plan never leaves a need out while a visit of its target on a day of its
    window brings an officer of its department, or could take one still free that day."""
    result = plan(request)
    needs = {n.id: n for n in request.needs}
    officers = {o.id: o for o in request.officers}
    booked = visits_per_officer_day(result)
    for unplanned in result.unplanned:
        if unplanned.reason not in (Reason.TARGET_CAP, Reason.NO_CAPACITY):
            continue
        need = needs[unplanned.need]
        for visit in result.visits:
            if visit.target != need.target or visit.day not in working_days(request, need):
                continue
            assert need.department not in {officers[o].department for o in visit.officers}
            free = [
                o
                for o in request.officers
                if o.department == need.department and booked[o.id, visit.day] < o.capacity
            ]
            assert not free


@settings(max_examples=200, deadline=None)
@given(request=requests(), merge=st.booleans(), seed=st.integers(min_value=0, max_value=99))
def test_the_same_request_in_any_order_gives_the_same_plan(request, merge, seed):
    request = dataclasses.replace(request, merge=merge)
    shuffler = random.Random(seed)
    needs, officers = list(request.needs), list(request.officers)
    shuffler.shuffle(needs)
    shuffler.shuffle(officers)
    caps = dict(sorted(request.target_caps.items(), reverse=True))
    shuffled = dataclasses.replace(request, needs=needs, officers=officers, target_caps=caps)
    assert plan(request) == plan(request)
    assert plan(shuffled) == plan(request)
