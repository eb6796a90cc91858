"""The seed's stories, played on the demo as the demo's own people (its `officer-<unit code>`
logins): a warning-triggered joint inspection in which every department records its own items.
(住建局's officer approving a filing: tests/org/test_demo_logins.py.)"""

import pytest
from django.contrib.auth import get_user_model

from gridgov.inspections.choices import InspectionStatus, Trigger
from gridgov.inspections.models import InspectionResult, InspectionTask
from gridgov.inspections.selectors import checklist_of
from gridgov.org.choices import Role
from gridgov.org.demo import unit_login
from gridgov.org.models import Staff
from tests.conftest import client_for, staff_user

pytestmark = pytest.mark.django_db


def unit_officer(department):
    """The demo login of a unit (or of the unit above it, for a town squad of a bureau)."""
    for unit in (department, department.parent):
        if unit is None:
            continue
        user = get_user_model().objects.filter(username=unit_login(unit.code)).first()
        if user is not None:
            return user
    raise AssertionError(f"the demo has no officer login for {department}")


def a_warning_triggered_joint_inspection() -> InspectionTask:
    task = (
        InspectionTask.objects.filter(
            county__code="330402",
            trigger=Trigger.WARNING,
            status__in=(InspectionStatus.PLANNED, InspectionStatus.ASSIGNED),
            department_count__gte=3,
        )
        .order_by("pk")
        .first()
    )
    assert task is not None, "the demo has no warning-triggered joint inspection to assign"
    return task


def test_every_department_of_a_joint_inspection_records_its_items_as_its_own_officer():
    task = a_warning_triggered_joint_inspection()
    departments = [a.department for a in task.assignments.select_related("department__parent")]
    officers = {d.pk: unit_officer(d) for d in departments}
    # The demo's `dispatcher` where it is that command centre's, else one of the centre's own.
    dispatcher = Staff.objects.get(user__username="dispatcher").user
    if dispatcher.staff.region_id != task.command_region_id:
        dispatcher = staff_user(role=Role.DISPATCHER, region_id=task.command_region_id)
    command = client_for(dispatcher)

    posts = [Staff.objects.get(user=user) for user in officers.values()]
    assigned = command.post(
        f"/api/v1/inspections/{task.number}/assign",
        {"officers": [p.pk for p in posts], "version": task.version},
        content_type="application/json",
    )
    assert assigned.status_code == 200, assigned.content
    first = client_for(next(iter(officers.values())))
    assert first.post(f"/api/v1/inspections/{task.number}/start").status_code == 200

    kinds = {d.kind: officers[d.pk] for d in departments}
    for item in checklist_of(task):
        officer = client_for(kinds[item.department_kind])
        recorded = officer.post(
            f"/api/v1/inspections/{task.number}/record",
            {"checklist_item": item.pk, "outcome": "pass", "note": "现场检查无问题"},
            content_type="application/json",
        )
        assert recorded.status_code == 200, recorded.content

    finished = first.post(
        f"/api/v1/inspections/{task.number}/finish",
        {"acknowledged_by": "校方负责人"},
        content_type="application/json",
    )
    assert finished.status_code == 200, finished.content
    task.refresh_from_db()
    assert task.status == InspectionStatus.INSPECTED
    recorders = set(
        InspectionResult.objects.filter(task=task).values_list("recorded_by", flat=True)
    )
    assert recorders == {user.pk for user in kinds.values()}  # each unit recorded its own
