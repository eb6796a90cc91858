"""Properties of the inspections' transition tables, over random sequences of actions by
random people: an inspection is only ever in a state of its table, a refused action changes
nothing, and its timeline replays to its state."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.core.errors import GridGovError
from gridgov.inspections import actions as a
from gridgov.inspections.choices import FollowUp, InspectionStatus, Outcome
from gridgov.inspections.models import InspectionTask
from gridgov.inspections.selectors import checklist_of
from gridgov.inspections.workflow import (
    CASE_WORKFLOW,
    INSPECTION_WORKFLOW,
    RECTIFICATION_WORKFLOW,
)
from gridgov.org.models import Staff

ACTIONS = ["assign", "start", "record", "finish", "close", "cancel", "rate"]
ACTORS = ["dispatcher", "squad", "police", "other_dispatcher", "market", "system"]


@pytest.mark.parametrize("workflow", [INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW, CASE_WORKFLOW])
def test_every_table_names_only_its_own_states(workflow):
    states = set(workflow.states.values)
    for t in workflow.transitions:
        assert set(t.sources) <= states
        assert t.target is None or t.target in states
    assert workflow.terminal <= states


def _take(action, task, actor, officers):
    if action == "assign":
        return a.do_assign_inspection(task.pk, officers, actor=actor)
    if action == "start":
        return INSPECTION_WORKFLOW.act(task.pk, "start", actor=actor)
    if action == "record":
        for item in checklist_of(task):
            a.do_record_result(
                task.pk,
                a.ResultData(item.pk, Outcome.FAIL, "问题", FollowUp.RECTIFY, 5),
                actor=actor,
            )
        return task
    if action == "finish":
        return a.do_finish_inspection(task.pk, actor=actor, acknowledged_by="负责人")
    if action == "close":
        return INSPECTION_WORKFLOW.act(task.pk, "close", actor=actor)
    if action == "cancel":
        return INSPECTION_WORKFLOW.act(task.pk, "cancel", actor=actor, note="取消")
    return a.do_rate_inspection(task.number, rating=4)


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=12))
def test_no_sequence_by_anyone_leaves_the_table_and_the_timeline_replays(
    steps, joint_task, dispatcher_town, dispatcher_other_town, officer_squad, officer_police,
    officer_market,
):  # fmt: skip
    people = {
        "dispatcher": dispatcher_town,
        "squad": officer_squad,
        "police": officer_police,
        "other_dispatcher": dispatcher_other_town,
        "market": officer_market,
        "system": "system",
    }
    officers = list(Staff.objects.filter(user__in=[officer_squad, officer_police]))
    with transaction.atomic():
        for action, who in steps:
            before = InspectionTask.objects.get(pk=joint_task.pk)
            try:
                with transaction.atomic():
                    _take(action, before, people[who], officers)
            except GridGovError:
                after = InspectionTask.objects.get(pk=joint_task.pk)
                assert (after.status, after.version) == (before.status, before.version)
            task = InspectionTask.objects.get(pk=joint_task.pk)
            assert task.status in InspectionStatus.values
            history = list(task.timeline.order_by("seq").values_list("action", flat=True))
            assert INSPECTION_WORKFLOW.replay(history) == task.status
            assert len(history) == task.version
        transaction.set_rollback(True)
