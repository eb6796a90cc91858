"""Detection finds exactly who went past the county's policy — not who reached a limit — and
proposes one rest order each, once."""

import datetime as dt

import pytest

from gridgov.care.actions import DETECTION, do_add_shift, do_detect, do_set_policy
from gridgov.care.choices import RestOrderStatus
from gridgov.care.detection import find_breaches
from gridgov.care.models import RestOrder
from gridgov.core.errors import NotPermitted
from gridgov.regions.models import Region
from tests.care.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    return Region.objects.get(code="330402")


def shifts(worker, post, days, start_hour, hours):
    for day in days:
        do_add_shift(worker, post, at(day, start_hour), at(day, start_hour + hours), actor="test")


def rules_of(found, worker) -> set[str]:
    return {f.rule for f in found.get(worker.pk, [])}


def test_twelve_hours_in_a_day_is_at_the_limit_and_thirteen_is_past_it(county, post, worker, today):
    day = today - dt.timedelta(days=2)
    do_add_shift(worker, post, at(day, 6), at(day, 18), actor="test")
    assert "hours_day" not in rules_of(find_breaches(county, today), worker)
    do_add_shift(worker, post, at(day, 18), at(day, 19), actor="test")
    found = find_breaches(county, today)[worker.pk]
    assert [(f.rule, f.value, f.limit) for f in found if f.rule == "hours_day"] == [
        ("hours_day", 13.0, 12)
    ]


def test_hours_past_midnight_count_on_the_next_day(county, post, worker, today):
    day = today - dt.timedelta(days=3)
    # 10 hours ending at midnight, then 18:00–04:00: 6 h the first evening... and 4 h after it.
    do_add_shift(worker, post, at(day, 8), at(day, 18), actor="test")
    do_add_shift(worker, post, at(day, 18), at(day, 28), actor="test")  # to 04:00 next day
    found = {f.rule: f for f in find_breaches(county, today).get(worker.pk, [])}
    assert found["hours_day"].value == 16.0 and found["hours_day"].day == day.isoformat()


def test_seven_days_in_a_row_is_allowed_and_eight_are_not(county, post, worker, today):
    days = [today - dt.timedelta(days=n) for n in range(7, 0, -1)]
    shifts(worker, post, days, 8, 8)
    assert "days_in_a_row" not in rules_of(find_breaches(county, today), worker)
    shifts(worker, post, [today], 8, 8)
    assert "days_in_a_row" in rules_of(find_breaches(county, today), worker)


def test_a_run_that_ended_days_ago_is_not_proposed_again(county, post, worker, today):
    days = [today - dt.timedelta(days=n) for n in range(12, 3, -1)]  # nine days, then rest
    shifts(worker, post, days, 8, 8)
    assert "days_in_a_row" not in rules_of(find_breaches(county, today), worker)


def test_three_nights_in_a_row_are_allowed_and_four_are_not(county, post, worker, today):
    days = [today - dt.timedelta(days=n) for n in range(3, 0, -1)]
    shifts(worker, post, days, 0, 8)
    assert "nights_in_a_row" not in rules_of(find_breaches(county, today), worker)
    shifts(worker, post, [today], 0, 8)
    assert {"nights_in_a_row"} <= rules_of(find_breaches(county, today), worker)


def test_evening_shifts_are_not_night_shifts(county, post, worker, today):
    days = [today - dt.timedelta(days=n) for n in range(6, 0, -1)]
    shifts(worker, post, days, 16, 8)  # 16:00–24:00: two hours of night each
    assert rules_of(find_breaches(county, today), worker) == set()


def test_the_countys_own_policy_is_what_detection_applies(county, post, worker, today, admin_user):
    shifts(worker, post, [today - dt.timedelta(days=1)], 8, 10)
    assert rules_of(find_breaches(county, today), worker) == set()
    values = {"max_hours_day": 9, "max_hours_week": 40, "max_days_in_a_row": 6,
              "max_nights_in_a_row": 3, "max_nights_week": 4}  # fmt: skip
    do_set_policy(county, values, actor=admin_user)
    assert rules_of(find_breaches(county, today), worker) == {"hours_day"}


def test_detection_proposes_one_order_per_person_and_not_again_the_next_run(
    county, post, worker, today, county_leader
):
    shifts(worker, post, [today - dt.timedelta(days=1)], 4, 14)
    proposed = do_detect(county, actor=county_leader)
    mine = [o for o in proposed if o.staff_id == worker.pk]
    assert len(mine) == 1
    order = mine[0]
    assert order.status == RestOrderStatus.PROPOSED and order.due_at is not None
    assert order.timeline.get().actor_label == DETECTION
    again = do_detect(county, actor=county_leader)
    assert worker.pk not in {o.staff_id for o in again}
    assert RestOrder.objects.filter(staff=worker).count() == 1


def test_grid_workers_cannot_run_detection(county, gridworker_a):
    with pytest.raises(NotPermitted):
        do_detect(county, actor=gridworker_a)
