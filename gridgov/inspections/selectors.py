"""Reads of inspections on behalf of a user, always through the scoping helper."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.workflow.models import history_of

from .choices import InspectionStatus
from .models import (
    ChecklistItem,
    EnforcementCase,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
    RectificationOrder,
    Scenario,
)

LIST_RELATED = ("scenario", "target", "town")
DETAIL_RELATED = ("scenario", "target", "command_region", "town", "county", "trigger_event")


def tasks_for(user):
    return scoped(InspectionTask.objects.all(), user)


def task_for(user, number: str) -> InspectionTask:
    """An inspection the user may see, by number; 404 otherwise (never reveal that it exists)."""
    task = tasks_for(user).select_related(*DETAIL_RELATED).filter(number=number).first()
    if task is None:
        raise NotFound(_("No inspection %(number)s in your area.") % {"number": number})
    return task


@dataclass
class TaskFilter:
    status: str = ""
    trigger: str = ""
    scenario: Scenario | None = None
    department: Department | None = None
    target: InspectionTarget | None = None
    q: str = ""  # number or target name
    mine: bool = False  # assigned to the user
    queue: bool = False  # waiting for the user's command centre to assign or close


def filtered_tasks(user, f: TaskFilter):
    tasks = tasks_for(user).select_related(*LIST_RELATED)
    if f.status in InspectionStatus.values:
        tasks = tasks.filter(status=f.status)
    if f.trigger:
        tasks = tasks.filter(trigger=f.trigger)
    if f.scenario is not None:
        tasks = tasks.filter(scenario=f.scenario)
    if f.target is not None:
        tasks = tasks.filter(target=f.target)
    if f.department is not None:
        tasks = tasks.filter(assignments__department=f.department)
    if f.q:
        tasks = tasks.filter(Q(number=f.q.strip()) | Q(target__name__icontains=f.q.strip()))
    post = post_of(user)
    if f.mine:
        tasks = tasks.filter(officers=post.pk) if post is not None else tasks.none()
    if f.queue:
        if post is None:
            return tasks.none()
        tasks = tasks.filter(_command_queue(post))
    return tasks


def _command_queue(post) -> Q:
    """Waiting for this command centre: to be assigned, or inspected and to be closed."""
    return Q(
        **{f"command_region__{post.region.level}": post.region_id},
        status__in=(InspectionStatus.PLANNED, InspectionStatus.INSPECTED),
    )


def checklist_of(task) -> list[ChecklistItem]:
    """The scenario's checklist items for the kinds of unit taking part in this inspection."""
    kinds = task.assignments.values("department__kind")
    return list(
        ChecklistItem.objects.filter(scenario=task.scenario_id, department_kind__in=kinds)
        .select_related("inspection_power", "penalty_power")
        .order_by("order", "id")
    )


def targets_for(user):
    return scoped(InspectionTarget.objects.all(), user)


def target_for(user, pk) -> InspectionTarget:
    target = targets_for(user).filter(pk=pk).first()
    if target is None:
        raise NotFound(_("No such inspection target in your area."))
    return target


def scenarios():
    return Scenario.objects.filter(is_active=True)


def rectifications_for(user):
    return scoped(RectificationOrder.objects.all(), user)


def rectification_for(user, number: str) -> RectificationOrder:
    order = (
        rectifications_for(user)
        .select_related("task", "target", "department", "result__checklist_item")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound(_("No rectification order %(number)s in your area.") % {"number": number})
    return order


def cases_for(user):
    return scoped(EnforcementCase.objects.all(), user)


def case_for(user, number: str) -> EnforcementCase:
    case = (
        cases_for(user)
        .select_related("task", "target", "department", "penalty_power")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No enforcement case %(number)s in your area.") % {"number": number})
    return case


def plans_for(user):
    return scoped(InspectionPlan.objects.all(), user)


def plan_for(user, pk) -> InspectionPlan:
    plan = plans_for(user).select_related("area").filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("No such inspection plan in your area."))
    return plan


def officers_of(departments) -> list[Staff]:
    """Active officers of these departments and their sub-units, for assignment forms."""
    paths = Q()
    for department in departments:
        paths |= Q(department__path__startswith=department.path)
    if not paths:
        return []
    return list(
        Staff.objects.filter(paths, role=Role.OFFICER, is_active=True)
        .select_related("department")
        .defer("phone", "id_number")
        .order_by("department__code", "name", "id")
    )


def command_user_ids(task) -> list[int]:
    return list(
        Staff.objects.filter(
            role=Role.DISPATCHER,
            region_id=task.command_region_id,
            is_active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


def officer_user_ids(task) -> list[int]:
    return list(task.officers.filter(user__isnull=False).values_list("user_id", flat=True))


def department_user_ids(item) -> list[int]:
    """The officers of a rectification order's or case's department, its sub-units included."""
    return list(
        Staff.objects.filter(
            department__path__startswith=item.department.path,
            role=Role.OFFICER,
            is_active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


def units_at(target, kinds) -> list[Department]:
    """The units of these kinds that work where the target is — a town's squad or police
    station, a county's bureau or enforcement team — nearest first (town before county)."""
    regions = [getattr(target, f"{level}_id") for level in ("town", "county", "city")]
    units = Department.objects.filter(
        kind__in=kinds, region_id__in=[r for r in regions if r], is_active=True
    ).select_related("region")
    depth = {r: i for i, r in enumerate(regions)}
    return sorted(units, key=lambda u: (depth.get(u.region_id, 9), not u.is_enforcement, u.code))


# --- For the pages and the API ------------------------------------------------------------


def scenarios_for(user):
    """The scenarios in use; their checklists are published to every staff member."""
    return scoped(scenarios(), user)


def scenario_for(user, code: str) -> Scenario:
    scenario = scenarios_for(user).select_related("jurisdiction").filter(code=code).first()
    if scenario is None:
        raise NotFound(_("No scenario %(code)s.") % {"code": code})
    return scenario


def full_checklist(scenario) -> list[ChecklistItem]:
    """Every item of a scenario's checklist with the powers it traces to."""
    return list(
        scenario.checklist.select_related("inspection_power", "penalty_power").order_by(
            "order", "id"
        )
    )


def departments_for(scenario, target) -> list[Department]:
    """The units that may inspect `target` under `scenario`: of the scenario's kinds, working
    where the target is (the county bureau for the whole county, a squad for its town)."""
    places = {
        getattr(target, f"{level}_id")
        for level in ("city", "county", "town", "village", "grid", "microgrid")
    } - {None}
    return list(
        Department.objects.filter(
            kind__in=scenario.department_kinds, region_id__in=places, is_active=True
        )
        .select_related("region")
        .order_by("region__code", "code")
    )


def rectifications_of(user, task) -> list[RectificationOrder]:
    return list(rectifications_for(user).filter(task=task).select_related("department"))


def cases_of(user, task) -> list[EnforcementCase]:
    return list(cases_for(user).filter(task=task).select_related("department", "penalty_power"))


def inspection_workload(user) -> dict:
    """The workbench's counters: inspections assigned to me still to do, and those waiting
    for my command centre — one query over the tasks with a running deadline (open ones)."""
    post = post_of(user)
    if post is None:
        return {}
    assigned = InspectionTask.officers.through.objects.filter(staff_id=post.pk)
    mine = assigned.values("inspectiontask_id")
    counts = {
        "assigned": Count(
            "pk",
            filter=Q(
                pk__in=mine,
                status__in=(InspectionStatus.ASSIGNED, InspectionStatus.INSPECTING),
            ),
        )
    }
    if post.role in (Role.DISPATCHER, Role.ADMIN):
        counts["queue"] = Count("pk", filter=_command_queue(post))
    return tasks_for(user).filter(due_at__isnull=False).order_by().aggregate(**counts)


@dataclass
class TaskDetails:
    """What an inspection's page and its API detail show besides the task itself."""

    departments: list[Department]
    officers: list[Staff]
    checklist: list[ChecklistItem]  # each with `.result`: its InspectionResult, or None
    timeline: list
    rectifications: list[RectificationOrder]
    cases: list[EnforcementCase]


def task_details(user, task) -> TaskDetails:
    assignments = task.assignments.select_related("department").order_by("department__code")
    results = {r.checklist_item_id: r for r in task.results.prefetch_related("photos")}
    checklist = checklist_of(task)
    for item in checklist:
        item.result = results.get(item.pk)
    return TaskDetails(
        departments=[a.department for a in assignments],
        officers=list(
            task.officers.select_related("department")
            .defer("phone", "id_number")
            .order_by("department__code", "name", "id")
        ),
        checklist=checklist,
        timeline=history_of(task),
        rectifications=rectifications_of(user, task),
        cases=cases_of(user, task),
    )
