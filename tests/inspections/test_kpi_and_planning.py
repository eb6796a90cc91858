"""The inspections' figures, and the "综合查一次" planner working on the database."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.inspections.actions import InspectionData, do_create_inspection
from gridgov.inspections.choices import InspectionStatus, NeedStatus, PlanStatus, Trigger
from gridgov.inspections.kpi import InspectionKpiQuery, inspection_kpis
from gridgov.inspections.models import InspectionNeed, InspectionTask
from gridgov.inspections.planning import (
    NeedData,
    do_confirm_plan,
    do_create_need,
    do_discard_plan,
    do_propose_plan,
)
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN


def test_the_demo_reproduces_the_seeds_share_of_warning_triggered_inspections(admin_user):
    figures = inspection_kpis(
        admin_user, InspectionKpiQuery(region=Region.objects.get(code="330402"))
    )
    assert figures["warning_share"] == 47.05
    assert figures["total"] > 300
    assert 0 < figures["joint_share"] < 100 and figures["visits_saved"] > 0
    assert {row["name"] for row in figures["by_scenario"]} >= {"校园周边", "夜间施工"}
    assert figures["by_region"] and figures["by_department"]


def test_figures_count_triggers_joint_visits_and_saved_visits(
    scenario, school, squad, police_station, dispatcher_town, admin_user
):
    for trigger, departments in (
        (Trigger.WARNING, [squad, police_station]),
        (Trigger.WARNING, [squad]),
        (Trigger.PLAN, [squad, police_station]),
    ):
        do_create_inspection(
            InspectionData(
                scenario=scenario, target=school, departments=departments, trigger=trigger
            ),
            actor=dispatcher_town,
        )
    figures = inspection_kpis(admin_user, InspectionKpiQuery(scenario=scenario))
    assert figures["total"] == 3
    assert figures["warning_share"] == 66.67
    assert figures["joint"] == 2 and figures["joint_share"] == 66.67
    assert figures["visits_saved"] == 2  # two joint visits of two departments each
    assert figures["completed"] == 0 and figures["completion_rate"] == 0.0
    assert [d["total"] for d in figures["by_department"]] == [3, 2]


def test_a_leader_sees_only_their_countys_inspections(county_leader, dispatcher_other_town):
    mine = inspection_kpis(county_leader, InspectionKpiQuery())
    assert (
        mine["total"]
        == InspectionTask.objects.filter(county__code="330402")
        .exclude(status=InspectionStatus.CANCELLED)
        .count()
    )


def _future_working_days(n: int) -> list[dt.date]:
    from gridgov.worktime.calendar import is_working_day

    day, days = timezone.localdate() + dt.timedelta(days=1), []
    while len(days) < n:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _need(scenario, target, department, earliest, latest, actor):
    return do_create_need(
        NeedData(
            scenario=scenario,
            target=target,
            department=department,
            earliest=earliest,
            latest=latest,
        ),
        actor=actor,
    )


def test_two_departments_needs_of_one_school_become_one_joint_visit(
    scenario, school, squad, police_station, dispatcher_town
):
    days = _future_working_days(10)
    a = _need(scenario, school, squad, days[0], days[6], dispatcher_town)
    b = _need(scenario, school, police_station, days[3], days[9], dispatcher_town)
    town = Region.objects.get(code=DEMO_TOWN)
    plan = do_propose_plan(town, days[0], days[9], actor=dispatcher_town)
    assert plan.status == PlanStatus.DRAFT
    assert plan.summary["visits"] == 1 and plan.summary["visits_without_merging"] == 2
    (visit,) = plan.visits
    assert sorted(visit["needs"]) == sorted([a.pk, b.pk])
    assert days[3].isoformat() <= visit["day"] <= days[6].isoformat()

    outcome = do_confirm_plan(plan.pk, actor=dispatcher_town)
    (number,) = outcome["created"]
    task = InspectionTask.objects.get(number=number)
    assert task.status == InspectionStatus.ASSIGNED and task.trigger == Trigger.PLAN
    assert task.department_count == 2 and task.needs_merged == 2
    assert task.officers.count() == 2
    assert task.planned_for.isoformat() == visit["day"]
    assert set(
        InspectionNeed.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)
    ) == {NeedStatus.PLANNED}
    with pytest.raises(Conflict):
        do_confirm_plan(plan.pk, actor=dispatcher_town)


def test_windows_that_do_not_meet_need_two_visits(
    scenario, school, squad, police_station, dispatcher_town
):
    days = _future_working_days(10)
    _need(scenario, school, squad, days[0], days[2], dispatcher_town)
    _need(scenario, school, police_station, days[5], days[9], dispatcher_town)
    plan = do_propose_plan(
        Region.objects.get(code=DEMO_TOWN), days[0], days[9], actor=dispatcher_town
    )
    assert plan.summary["visits"] == 2 == plan.summary["lower_bound"]


def test_a_discarded_plan_creates_nothing_and_its_needs_stay_pending(
    scenario, school, squad, dispatcher_town
):
    days = _future_working_days(5)
    need = _need(scenario, school, squad, days[0], days[4], dispatcher_town)
    plan = do_propose_plan(
        Region.objects.get(code=DEMO_TOWN), days[0], days[4], actor=dispatcher_town
    )
    do_discard_plan(plan.pk, actor=dispatcher_town)
    need.refresh_from_db()
    assert need.status == NeedStatus.PENDING
    assert not InspectionTask.objects.filter(trigger_ref=f"PLAN-{plan.pk}").exists()


def test_another_towns_dispatcher_cannot_see_or_confirm_the_plan(
    scenario, school, squad, dispatcher_town, dispatcher_other_town
):
    days = _future_working_days(5)
    _need(scenario, school, squad, days[0], days[4], dispatcher_town)
    plan = do_propose_plan(
        Region.objects.get(code=DEMO_TOWN), days[0], days[4], actor=dispatcher_town
    )
    with pytest.raises(Exception) as refused:
        do_confirm_plan(plan.pk, actor=dispatcher_other_town)
    assert refused.value.status_code == 404


@pytest.mark.parametrize("start_offset, length", [(-3, 5), (1, 70), (5, -2)])
def test_a_bad_period_is_refused(dispatcher_town, start_offset, length):
    start = timezone.localdate() + dt.timedelta(days=start_offset)
    with pytest.raises(InvalidInput):
        do_propose_plan(
            Region.objects.get(code=DEMO_TOWN),
            start,
            start + dt.timedelta(days=length),
            actor=dispatcher_town,
        )


def test_a_grid_worker_cannot_plan(gridworker_a):
    days = _future_working_days(2)
    with pytest.raises(NotPermitted):
        do_propose_plan(Region.objects.get(code=DEMO_TOWN), days[0], days[1], actor=gridworker_a)


def test_a_need_outside_the_scenario_is_refused(scenario, school, dispatcher_town):
    from gridgov.org.models import Department

    days = _future_working_days(3)
    with pytest.raises(InvalidInput):
        _need(
            scenario,
            school,
            Department.objects.get(code="330402-ZJJ"),
            days[0],
            days[2],
            dispatcher_town,
        )
    with pytest.raises(InvalidInput):
        _need(
            scenario,
            school,
            Department.objects.get(code=f"{DEMO_TOWN}-ZD"),
            days[2],
            days[0],
            dispatcher_town,
        )


def test_the_command_plans_and_confirms(scenario, school, squad, police_station, dispatcher_town):
    days = _future_working_days(6)
    _need(scenario, school, squad, days[0], days[5], dispatcher_town)
    _need(scenario, school, police_station, days[0], days[5], dispatcher_town)
    out = io.StringIO()
    call_command(
        "plan_inspections",
        area=DEMO_TOWN,
        start=days[0],
        end=days[5],
        confirm=True,
        stdout=out,
    )
    text = out.getvalue()
    assert "2 项检查需求 → 1 次联合检查" in text and "已创建 1 项检查任务" in text
