"""The shift write path refuses overlaps and shifts during a rest order in force; rest orders
and care problems go round their loops, audited by their timelines, chased when late."""

import datetime as dt

import pytest

from gridgov.care.actions import (
    VisitData,
    _propose,
    do_add_shift,
    do_record_visit,
    end_rests,
)
from gridgov.care.choices import ProblemStatus, RestOrderStatus
from gridgov.care.models import RestOrder, Shift
from gridgov.care.workflow import CARE_PROBLEM_WORKFLOW, REST_ORDER_WORKFLOW
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.workflow.deadlines import OVERDUE, sweep
from tests.care.conftest import at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_overlapping_shift_of_the_same_person_is_refused_with_the_other_shift(
    post, worker, today, english
):
    do_add_shift(worker, post, at(today, 8), at(today, 16), actor="test")
    with pytest.raises(Conflict) as refused:
        do_add_shift(worker, post, at(today, 15), at(today, 20), actor="test")
    assert "already on duty" in refused.value.message and post.name in refused.value.message
    assert Shift.objects.filter(staff=worker).count() == 1


def test_a_shift_starting_as_the_last_one_ends_is_taken(post, worker, today):
    do_add_shift(worker, post, at(today, 8), at(today, 16), actor="test")
    do_add_shift(worker, post, at(today, 16), at(today, 24), actor="test")
    assert Shift.objects.filter(staff=worker).count() == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(10, 9, "ends_at"), (0, 24.5, "ends_at"), (8, 8.25, "ends_at")],
)
def test_a_shift_backwards_too_long_or_too_short_is_refused_by_field(
    post, worker, today, start, end, field
):
    with pytest.raises(InvalidInput) as refused:
        do_add_shift(worker, post, at(today, start), at(today, end), actor="test")
    assert [d["field"] for d in refused.value.details] == [field]


def test_a_shift_of_exactly_24_hours_is_taken(post, worker, today):
    shift = do_add_shift(worker, post, at(today, 0), at(today, 24), actor="test")
    assert shift.minutes == 1440 and shift.minutes_next_day == 0


def issued_order(worker, county_leader, hours=24):
    order = _propose(worker, [{"rule": "hours_day", "value": 16, "limit": 12, "day": "x"}],
                     dt.date.today())  # fmt: skip
    return REST_ORDER_WORKFLOW.act(order.pk, "issue", actor=county_leader, rest_hours=hours)


def test_no_shift_can_be_given_while_a_rest_order_is_in_force(post, worker, county_leader, english):
    order = issued_order(worker, county_leader)
    assert order.status == RestOrderStatus.ISSUED and order.due_at is None
    start = order.rest_from + dt.timedelta(hours=2)
    with pytest.raises(Conflict) as refused:
        do_add_shift(worker, post, start, start + dt.timedelta(hours=8), actor="test")
    assert order.number in refused.value.message and "forced-rest order" in refused.value.message
    after = order.rest_until
    do_add_shift(worker, post, after, after + dt.timedelta(hours=8), actor="test")


def test_a_proposal_does_not_block_shifts_until_it_is_issued(post, worker, today):
    _propose(worker, [], today)
    do_add_shift(worker, post, at(today, 8), at(today, 16), actor="test")


def test_a_rest_ends_by_itself_and_a_lifted_one_frees_the_roster(worker, county_leader, clock):
    order = issued_order(worker, county_leader, hours=8)
    clock.now = order.rest_until + dt.timedelta(minutes=1)
    assert end_rests() == 1
    order.refresh_from_db()
    assert order.status == RestOrderStatus.ENDED and order.closed_at == clock.now
    assert [e.action for e in order.timeline.order_by("seq")] == ["propose", "issue", "end"]


def test_lifting_or_dismissing_needs_a_reason(worker, county_leader, today):
    order = _propose(worker, [], today)
    with pytest.raises(InvalidInput):
        REST_ORDER_WORKFLOW.act(order.pk, "dismiss", actor=county_leader, note="")
    REST_ORDER_WORKFLOW.act(order.pk, "dismiss", actor=county_leader, note="已调休")
    order.refresh_from_db()
    assert order.status == RestOrderStatus.DISMISSED


def test_only_leaders_issue_rest_orders(worker, dispatcher_town, today):
    order = _propose(worker, [], today)
    with pytest.raises(NotPermitted):
        REST_ORDER_WORKFLOW.act(order.pk, "issue", actor=dispatcher_town)
    order.refresh_from_db()
    assert order.status == RestOrderStatus.PROPOSED and order.version == 1


def test_a_proposal_nobody_decides_on_is_chased(worker, today, clock):
    order = _propose(worker, [], today)
    clock.now = order.due_at + dt.timedelta(minutes=1)
    assert sweep()["rest-orders"] == {OVERDUE: 1}
    order.refresh_from_db()
    assert order.late and order.status == RestOrderStatus.PROPOSED


def test_a_leader_of_another_county_cannot_see_or_issue_it(worker, today, dispatcher_other_town):
    order = _propose(worker, [], today)
    client = client_for(dispatcher_other_town)
    assert client.post(f"/api/v1/rest-orders/{order.number}/issue", {}).status_code == 404
    assert client.get(order.get_absolute_url()).status_code == 404


def test_the_api_issues_a_rest_order_for_the_hours_asked(worker, today, county_leader):
    order = _propose(worker, [], today)
    client = client_for(county_leader)
    refused = client.post(f"/api/v1/rest-orders/{order.number}/issue", {"rest_hours": 2})
    assert refused.status_code == 400
    done = client.post(
        f"/api/v1/rest-orders/{order.number}/issue", {"rest_hours": 48, "version": 1}
    )
    assert done.status_code == 200, done.content
    order.refresh_from_db()
    assert order.rest_until - order.rest_from == dt.timedelta(hours=48)


def test_a_visit_raises_problems_that_are_solved_or_given_up_with_a_reason(post, county_leader):
    visit = do_record_visit(
        VisitData(post=post.pk, packages=6, problems=("缺少取暖设备", "盒饭送达太晚")),
        actor=county_leader,
    )
    first, second = visit.problems.order_by("pk")
    assert first.status == ProblemStatus.RAISED and first.due_at is not None
    CARE_PROBLEM_WORKFLOW.act(first.pk, "take", actor=county_leader)
    CARE_PROBLEM_WORKFLOW.act(first.pk, "solve", actor=county_leader, note="已配发取暖器")
    with pytest.raises(InvalidInput):
        CARE_PROBLEM_WORKFLOW.act(second.pk, "give_up", actor=county_leader, note="")
    CARE_PROBLEM_WORKFLOW.act(second.pk, "give_up", actor=county_leader, note="场地不允许")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ProblemStatus.SOLVED and first.solved_at and first.due_at is None
    assert second.status == ProblemStatus.UNSOLVABLE


def test_a_visit_with_a_bad_field_writes_nothing(post, county_leader):
    with pytest.raises(InvalidInput) as refused:
        do_record_visit(VisitData(post=post.pk, packages=-1, problems=("x",)), actor=county_leader)
    assert [d["field"] for d in refused.value.details] == ["packages"]
    assert not post.visits.exists()


def test_grid_workers_do_not_record_visits(post, gridworker_a):
    with pytest.raises(NotPermitted):
        do_record_visit(VisitData(post=post.pk), actor=gridworker_a)


def test_posts_shifts_and_visits_of_another_town_are_out_of_sight(
    post, worker, today, county_leader, dispatcher_other_town
):
    do_add_shift(worker, post, at(today, 8), at(today, 16), actor="test")
    do_record_visit(VisitData(post=post.pk), actor=county_leader)
    client = client_for(dispatcher_other_town)
    assert client.get(f"/care/posts/{post.pk}/").status_code == 404
    shifts = client.get("/api/v1/shifts", {"post": post.pk}).json()
    assert shifts["count"] == 0
    refused = client.post(
        "/api/v1/shifts",
        {"staff": worker.pk, "post": post.pk, "starts_at": at(today, 17).isoformat(),
         "ends_at": at(today, 20).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert Shift.objects.filter(staff=worker).count() == 1
    with pytest.raises(NotFound):
        from gridgov.care.selectors import post_for

        post_for(dispatcher_other_town, post.pk)
    assert not RestOrder.objects.filter(staff=worker).exists()
