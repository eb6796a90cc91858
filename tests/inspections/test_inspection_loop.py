"""The joint inspection's closed loop, from creation to the business's rating."""

import pytest
from django.test import Client
from django.urls import reverse

from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.inspections import codes
from gridgov.inspections.actions import (
    InspectionData,
    ResultData,
    do_assign_inspection,
    do_create_inspection,
    do_decide_case,
    do_escalate_rectification,
    do_fail_reinspection,
    do_finish_inspection,
    do_rate_inspection,
    do_record_result,
)
from gridgov.inspections.choices import (
    CaseStatus,
    FollowUp,
    InspectionStatus,
    Outcome,
    RectificationStatus,
    Trigger,
)
from gridgov.inspections.models import EnforcementCase, InspectionTask, RectificationOrder
from gridgov.inspections.selectors import checklist_of
from gridgov.inspections.workflow import CASE_WORKFLOW, INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW
from gridgov.org.models import Staff


def staff(user):
    return Staff.objects.select_related("department").get(user=user)


def run_to_inspecting(task, dispatcher, *officers):
    task = do_assign_inspection(task.pk, [staff(o) for o in officers], actor=dispatcher)
    return INSPECTION_WORKFLOW.act(task.pk, "start", actor=officers[0])


def items_by_kind(task):
    return {item.department_kind: item for item in checklist_of(task)}


def test_a_joint_inspection_is_numbered_and_waits_for_its_officers(joint_task, dispatcher_town):
    assert joint_task.number.startswith("JC")
    assert joint_task.status == InspectionStatus.PLANNED
    assert joint_task.department_count == 2 and joint_task.needs_merged == 2
    assert joint_task.town.code == "330402013"
    assert joint_task.command_region_id == joint_task.town_id
    assert joint_task.due_at is not None
    assert len(checklist_of(joint_task)) == 2
    assert AuditEntry.objects.filter(action="inspections.create", target_id=str(joint_task.pk))


def test_every_department_needs_an_officer(joint_task, dispatcher_town, officer_squad, english):
    with pytest.raises(InvalidInput) as refused:
        do_assign_inspection(joint_task.pk, [staff(officer_squad)], actor=dispatcher_town)
    assert "Assign at least one officer" in str(refused.value.details)
    joint_task.refresh_from_db()
    assert joint_task.status == InspectionStatus.PLANNED and joint_task.officers.count() == 0


def test_an_officer_outside_the_departments_cannot_be_assigned(
    joint_task, dispatcher_town, officer_squad, officer_police, officer_market
):
    with pytest.raises(InvalidInput):
        do_assign_inspection(
            joint_task.pk,
            [staff(officer_squad), staff(officer_police), staff(officer_market)],
            actor=dispatcher_town,
        )


def test_the_whole_loop_with_a_rectification_and_a_rating(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    assert task.status == InspectionStatus.INSPECTING
    items = items_by_kind(task)
    stalls, order = items["comprehensive_enforcement"], items["public_security"]
    do_record_result(
        task.pk,
        ResultData(stalls.pk, Outcome.FAIL, "校门口有 3 个流动摊点", FollowUp.RECTIFY, 7),
        actor=officer_squad,
    )
    with pytest.raises(InvalidInput):  # the police item is not recorded yet
        do_finish_inspection(task.pk, actor=officer_squad, acknowledged_by="王校长")
    do_record_result(task.pk, ResultData(order.pk, Outcome.PASS), actor=officer_police)
    task = do_finish_inspection(task.pk, actor=officer_police, acknowledged_by="王校长")
    assert task.status == InspectionStatus.INSPECTED and task.acknowledged_by == "王校长"

    rectification = RectificationOrder.objects.get(task=task)
    assert rectification.number.startswith("ZG")
    assert rectification.status == RectificationStatus.ISSUED
    assert rectification.department.code.endswith("-ZD")
    assert rectification.due_at is not None
    RECTIFICATION_WORKFLOW.act(
        rectification.pk, "report_rectified", actor=officer_squad, note="摊点已清理"
    )
    rectification = RECTIFICATION_WORKFLOW.act(rectification.pk, "pass", actor=officer_squad)
    assert rectification.status == RectificationStatus.PASSED

    task = INSPECTION_WORKFLOW.act(task.pk, "close", actor=dispatcher_town)
    assert task.status == InspectionStatus.CLOSED
    task = do_rate_inspection(task.number, rating=5, comment="检查规范")
    assert task.rating == 5
    with pytest.raises(NotPermitted):  # once only
        do_rate_inspection(task.number, rating=1)
    actions = list(task.timeline.values_list("action", flat=True))
    assert actions == ["create", "assign", "start", "record", "record", "finish", "close", "rate"]
    assert INSPECTION_WORKFLOW.replay(actions) == InspectionStatus.CLOSED


def test_an_officer_records_only_the_items_of_their_kind_of_department(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    police_item = items_by_kind(task)["public_security"]
    with pytest.raises(NotPermitted):
        do_record_result(task.pk, ResultData(police_item.pk, Outcome.PASS), actor=officer_squad)
    assert not task.results.exists()


@pytest.mark.parametrize(
    "result",
    [
        ResultData(0, Outcome.FAIL, "无", FollowUp.RECTIFY, 7),  # an item of no checklist
        ResultData(None, "maybe"),
        ResultData(None, Outcome.FAIL, "", FollowUp.RECTIFY, 7),  # a failure needs a note
        ResultData(None, Outcome.FAIL, "有摊点", FollowUp.RECTIFY, 0),
        ResultData(None, Outcome.FAIL, "有摊点", FollowUp.RECTIFY, 91),
        ResultData(None, Outcome.FAIL, "有摊点", ""),
        ResultData(None, Outcome.PASS, "", FollowUp.CASE),
    ],
)
def test_a_wrong_result_is_refused_and_records_nothing(
    joint_task, dispatcher_town, officer_squad, officer_police, result
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    if result.checklist_item is None:
        result.checklist_item = items_by_kind(task)["comprehensive_enforcement"].pk
    with pytest.raises(InvalidInput):
        do_record_result(task.pk, result, actor=officer_squad)
    task.refresh_from_db()
    assert not task.results.exists()
    assert task.timeline.filter(action="record").count() == 0


def test_a_failed_item_can_go_straight_to_a_case_under_its_penalty_power(
    joint_task, dispatcher_town, officer_squad, officer_police, powers
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    items = items_by_kind(task)
    do_record_result(
        task.pk,
        ResultData(items["comprehensive_enforcement"].pk, Outcome.FAIL, "屡教不改", FollowUp.CASE),
        actor=officer_squad,
    )
    do_record_result(
        task.pk,
        ResultData(items["public_security"].pk, Outcome.NOT_APPLICABLE),
        actor=officer_police,
    )
    do_finish_inspection(task.pk, actor=officer_squad, acknowledged_by="拒绝签字")
    case = EnforcementCase.objects.get(task=task)
    assert case.number.startswith("AJ") and case.penalty_power == powers["punish_stalls"]
    CASE_WORKFLOW.act(case.pk, "investigate", actor=officer_squad)
    case = do_decide_case(case.pk, actor=officer_squad, note="罚款 2000 元", fine_yuan="2000")
    assert case.status == CaseStatus.DECIDED and str(case.fine_yuan) == "2000.00"


def test_a_rectification_not_put_right_gets_more_time_or_becomes_a_case(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    items = items_by_kind(task)
    do_record_result(
        task.pk,
        ResultData(
            items["comprehensive_enforcement"].pk, Outcome.FAIL, "摊点", FollowUp.RECTIFY, 3
        ),
        actor=officer_squad,
    )
    do_record_result(
        task.pk, ResultData(items["public_security"].pk, Outcome.PASS), actor=officer_police
    )
    do_finish_inspection(task.pk, actor=officer_squad, acknowledged_by="王校长")
    order = RectificationOrder.objects.get(task=task)
    RECTIFICATION_WORKFLOW.act(order.pk, "report_rectified", actor=officer_squad, note="已整改")
    order = do_fail_reinspection(order.pk, actor=officer_squad, note="仍有摊点", days=5)
    assert order.status == RectificationStatus.ISSUED and order.reinspections == 1
    order = do_escalate_rectification(order.pk, actor=officer_squad, note="逾期未改")
    assert order.status == RectificationStatus.ESCALATED
    assert EnforcementCase.objects.filter(task=task, result=order.result).exists()


def test_a_police_officer_cannot_act_on_the_squads_rectification(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    task = run_to_inspecting(joint_task, dispatcher_town, officer_squad, officer_police)
    items = items_by_kind(task)
    do_record_result(
        task.pk,
        ResultData(
            items["comprehensive_enforcement"].pk, Outcome.FAIL, "摊点", FollowUp.RECTIFY, 3
        ),
        actor=officer_squad,
    )
    do_record_result(
        task.pk, ResultData(items["public_security"].pk, Outcome.PASS), actor=officer_police
    )
    do_finish_inspection(task.pk, actor=officer_squad, acknowledged_by="王校长")
    order = RectificationOrder.objects.get(task=task)
    with pytest.raises((NotPermitted, Exception)) as refused:
        RECTIFICATION_WORKFLOW.act(
            order.pk, "report_rectified", actor=officer_police, note="已整改"
        )
    assert refused.value.status_code in (403, 404)


def test_the_yearly_cap_of_a_scenario_refuses_a_further_visit(
    scenario, school, squad, police_station, dispatcher_town
):
    data = InspectionData(scenario=scenario, target=school, departments=[squad])
    for _ in range(scenario.yearly_cap):
        do_create_inspection(data, actor=dispatcher_town)
    with pytest.raises(Conflict):
        do_create_inspection(data, actor=dispatcher_town)
    assert InspectionTask.objects.filter(target=school).count() == scenario.yearly_cap


def test_an_inspection_after_an_event_names_it(scenario, school, squad, dispatcher_town):
    with pytest.raises(InvalidInput):
        do_create_inspection(
            InspectionData(
                scenario=scenario, target=school, departments=[squad], trigger=Trigger.EVENT
            ),
            actor=dispatcher_town,
        )


def test_a_department_of_another_kind_or_town_cannot_take_part(
    scenario, school, dispatcher_town, english
):
    from gridgov.org.models import Department

    for code in ("330402-SCJGJ", "330402014-ZD"):  # market regulation; 长水's squad
        with pytest.raises(InvalidInput):
            do_create_inspection(
                InspectionData(
                    scenario=scenario,
                    target=school,
                    departments=[Department.objects.get(code=code)],
                ),
                actor=dispatcher_town,
            )


def test_another_towns_dispatcher_cannot_assign_or_cancel(
    joint_task, dispatcher_other_town, officer_squad, officer_police
):
    for act in (
        lambda: do_assign_inspection(
            joint_task.pk,
            [staff(officer_squad), staff(officer_police)],
            actor=dispatcher_other_town,
        ),
        lambda: INSPECTION_WORKFLOW.act(
            joint_task.pk, "cancel", actor=dispatcher_other_town, note="不需要"
        ),
    ):
        with pytest.raises(Exception) as refused:
            act()
        assert refused.value.status_code == 404  # out of their area: not even shown


def test_the_qr_code_verifies_the_inspection_without_an_account(joint_task):
    page = Client().get(codes.verify_path(joint_task))
    assert page.status_code == 200
    html = page.content.decode()
    assert joint_task.number in html and "东栅中心小学" in html and "校园周边" in html


def test_a_forged_or_expired_code_is_refused(joint_task, settings):
    client = Client()
    forged = codes.code_for(joint_task)[:-2] + "xx"
    assert client.get(reverse("inspections:verify", args=[forged])).status_code == 400
    settings.GRIDGOV_INSPECTION_CODE_DAYS = -1
    assert client.get(codes.verify_path(joint_task)).status_code == 410


def test_a_target_outside_the_dispatchers_area_is_refused(dispatcher_other_town):
    from gridgov.inspections.actions import TargetData, do_create_target
    from gridgov.inspections.choices import TargetKind
    from gridgov.inspections.models import InspectionTarget

    from .conftest import point_in

    lon, lat = point_in("330402013")  # 东栅街道, not 长水街道
    with pytest.raises(InvalidInput):
        do_create_target(
            TargetData(kind=TargetKind.SHOP, name="越界商铺", lon=lon, lat=lat),
            actor=dispatcher_other_town,
        )
    assert not InspectionTarget.objects.filter(name="越界商铺").exists()
