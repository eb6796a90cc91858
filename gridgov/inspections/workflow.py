"""The transition tables of inspection tasks, rectification orders and enforcement cases.

An inspection: created (by a plan, an event or a warning) → officers of each participating
department assigned → started on site → every checklist item recorded → finished with the
inspected party's acknowledgement → closed by the command centre. A failed item becomes a
rectification order (rectify by a deadline → re-inspect) or an enforcement case under the
checklist item's 行政处罚 power. `gridgov.workflow.engine` enforces the tables;
`gridgov.inspections.actions` adds each action's own changes.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.dates import end_of_day
from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import CITIZEN, SYSTEM, Deadline, PublicActor, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours

from .choices import (
    CaseStatus,
    CaseStep,
    InspectionStatus,
    InspectionStep,
    NeedStatus,
    PlanStatus,
    RectificationStatus,
    RectificationStep,
)
from .models import (
    CaseTimelineEntry,
    EnforcementCase,
    InspectionNeed,
    InspectionPlan,
    InspectionTask,
    InspectionTimelineEntry,
    NeedTimelineEntry,
    PlanTimelineEntry,
    RectificationOrder,
    RectificationTimelineEntry,
)
from .selectors import command_user_ids, department_user_ids, officer_user_ids

R = Role
T = Transition
INPUTS = "gridgov.inspections.api"
COMMAND = frozenset({R.DISPATCHER, R.ADMIN})
OFFICERS = frozenset({R.OFFICER, R.ADMIN})

# Working hours each timed step of an inspection may take.
ASSIGN_HOURS = 8
INSPECT_HOURS = 40
REVIEW_HOURS = 16
# Re-inspection after a target reports a rectification; a case's decision (行政处罚法: 90 days).
REINSPECT_HOURS = 24
DECIDE_DAYS = 90
INVESTIGATE_HOURS = 40


# --- Guards: what the actor must be to the item -------------------------------------------


def covers(post, region) -> bool:
    """Whether a staff member's posting contains a region (their command centre holds it)."""
    if post is None or region is None:
        return False
    return post.region.contains(region)


def _is_command(task, post) -> bool:
    return covers(post, task.command_region)


def _is_assigned_officer(task, post) -> bool:
    return post is not None and task.officers.filter(pk=post.pk).exists()


def _is_inspected_party(task, actor) -> bool:
    """The business, through the inspection's QR code; it rates once."""
    return isinstance(actor, PublicActor) and actor.holds == task.pk and task.rating is None


def _of_department(item, post) -> bool:
    """Staff of the item's department, of a unit above it or of one of its sub-units."""
    if post is None or post.department_id is None:
        return False
    mine, theirs = post.department, item.department
    return mine.contains(theirs) or theirs.contains(mine)


INSPECTION_GUARDS = {
    "command": lambda task, actor, post: _is_command(task, post),
    "assigned": lambda task, actor, post: _is_assigned_officer(task, post),
    "inspected_party": lambda task, actor, post: _is_inspected_party(task, actor),
}
FINDING_GUARDS = {"department": lambda item, actor, post: _of_department(item, post)}


S = InspectionStatus
INSPECTION_TERMINAL = frozenset({S.CLOSED, S.CANCELLED})
INSPECTION_TRANSITIONS = (
    T("create", (), S.PLANNED, COMMAND | {R.OFFICER, SYSTEM}, _("create inspection"),
      step=InspectionStep.ASSIGN),
    T("assign", (S.PLANNED, S.ASSIGNED), S.ASSIGNED, COMMAND | {SYSTEM}, _("assign officers"),
      guard="command", step=InspectionStep.INSPECT, input=f"{INPUTS}.AssignInput"),
    T("start", (S.ASSIGNED,), S.INSPECTING, OFFICERS, _("start inspection"), guard="assigned",
      stamps="started_at"),
    T("record", (S.INSPECTING,), None, OFFICERS, _("record a check"), guard="assigned",
      input=f"{INPUTS}.RecordInput", photos=True, anchor="checklist"),
    # A failed check becomes a rectification order or a case when the inspection finishes.
    T("finish", (S.INSPECTING,), S.INSPECTED, OFFICERS, _("finish inspection"),
      guard="assigned", step=InspectionStep.REVIEW, input=f"{INPUTS}.FinishInput",
      spawns=("rectifications", "cases")),
    T("close", (S.INSPECTED,), S.CLOSED, COMMAND, _("close"), guard="command",
      stamps="closed_at"),
    T("cancel", (S.PLANNED, S.ASSIGNED), S.CANCELLED, COMMAND, _("cancel"), guard="command",
      note_required=True),
    T("rate", (S.INSPECTED, S.CLOSED), None, frozenset({CITIZEN}), _("rate the inspection"),
      guard="inspected_party"),
    overdue_transition(S, INSPECTION_TERMINAL),
)  # fmt: skip


def inspection_deadline(task, step: str, start) -> Deadline:
    if step == InspectionStep.INSPECT and task.planned_for is not None:
        # A planned visit is due on its day; yellow from that morning.
        due = end_of_day(max(task.planned_for, timezone.localdate(start)))
        return Deadline(step=step, warn_at=due - dt.timedelta(hours=16), due_at=due)
    hours = {
        InspectionStep.ASSIGN: ASSIGN_HOURS,
        InspectionStep.INSPECT: INSPECT_HOURS,
        InspectionStep.REVIEW: REVIEW_HOURS,
    }[step]
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, hours * 0.8),
        due_at=add_working_hours(start, hours),
    )


def inspection_recipients(task, t) -> list[int]:
    if t.action == "assign":
        return officer_user_ids(task)
    if t.action == "finish":
        return command_user_ids(task)
    if t.action == OVERDUE:
        # A late visit is the officers' to make; assigning and closing are the centre's.
        late_visit = task.step == InspectionStep.INSPECT
        return officer_user_ids(task) if late_visit else command_user_ids(task)
    return []


INSPECTION_WORKFLOW = Workflow(
    name="inspections",
    model=InspectionTask,
    timeline_model=InspectionTimelineEntry,
    states=InspectionStatus,
    terminal=INSPECTION_TERMINAL,
    transitions=INSPECTION_TRANSITIONS,
    guards=INSPECTION_GUARDS,
    deadline=inspection_deadline,
    recipients=inspection_recipients,
    notification_text=lambda task, t: f"{task.number} {task.target.name}: {t.label}",
    notify_on=frozenset({"assign", "finish", OVERDUE}),
    lock_related=("command_region",),
    lookup="gridgov.inspections.api.get_task",
    serializer="gridgov.inspections.api.InspectionDetailSerializer",
    page="gridgov.inspections.views.inspection_detail",
    list_url="inspections:list",
)
# No one above an inspection takes it over: a late one is marked overdue, and its people told.
chase(INSPECTION_WORKFLOW, DeadlineRule(OVERDUE))


def reinspected(order, now) -> set[str]:
    order.reinspections += 1
    return {"reinspections"}


RS = RectificationStatus
RECTIFICATION_TERMINAL = frozenset({RS.PASSED, RS.ESCALATED})
RECTIFICATION_TRANSITIONS = (
    T("issue", (), RS.ISSUED, OFFICERS | {SYSTEM}, _("issue rectification order"),
      step=RectificationStep.RECTIFY),
    T("report_rectified", (RS.ISSUED,), RS.RECTIFIED, OFFICERS, _("record rectification"),
      guard="department", step=RectificationStep.REINSPECT, note_required=True, photos=True),
    T("pass", (RS.RECTIFIED,), RS.PASSED, OFFICERS, _("pass re-inspection"),
      guard="department", stamps="closed_at", changes=reinspected, photos=True),
    T("fail", (RS.RECTIFIED,), RS.ISSUED, OFFICERS, _("fail re-inspection"),
      guard="department", step=RectificationStep.RECTIFY, note_required=True,
      input=f"{INPUTS}.FailInput"),
    T("escalate", (RS.ISSUED, RS.RECTIFIED), RS.ESCALATED, OFFICERS, _("file a case"),
      guard="department", note_required=True, stamps="closed_at", spawns=("cases",)),
    overdue_transition(RS, RECTIFICATION_TERMINAL),
)  # fmt: skip


def rectification_deadline(order, step: str, start) -> Deadline:
    if step == RectificationStep.RECTIFY:
        due = end_of_day(order.deadline)
        return Deadline(step=step, warn_at=due - dt.timedelta(days=1), due_at=due)
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, REINSPECT_HOURS * 0.8),
        due_at=add_working_hours(start, REINSPECT_HOURS),
    )


def finding_recipients(item, t) -> list[int]:
    """A late order or case: the officers of its department (its sub-units included)."""
    return department_user_ids(item) if t.action == OVERDUE else []


RECTIFICATION_WORKFLOW = Workflow(
    name="rectifications",
    model=RectificationOrder,
    timeline_model=RectificationTimelineEntry,
    states=RectificationStatus,
    terminal=RECTIFICATION_TERMINAL,
    transitions=RECTIFICATION_TRANSITIONS,
    guards=FINDING_GUARDS,
    deadline=rectification_deadline,
    recipients=finding_recipients,
    notification_text=lambda order, t: f"{order.number} {order.target.name}: {t.label}",
    notify_on=frozenset({OVERDUE}),
    lock_related=("department",),
    lookup="gridgov.inspections.api.get_rectification",
    serializer="gridgov.inspections.api.RectificationSerializer",
    page="gridgov.inspections.views.rectification_detail",
    list_url="inspections:list",
)
# A target that did not rectify in time is the department's to follow up (re-inspect, or file
# a case): the order is marked overdue and the department told.
chase(RECTIFICATION_WORKFLOW, DeadlineRule(OVERDUE))


CS = CaseStatus
CASE_TERMINAL = frozenset({CS.CLOSED, CS.DISMISSED})
CASE_TRANSITIONS = (
    T("file", (), CS.FILED, OFFICERS | {SYSTEM}, _("file a case"), step=CaseStep.INVESTIGATE),
    T("investigate", (CS.FILED,), CS.INVESTIGATING, OFFICERS, _("start investigation"),
      guard="department", step=CaseStep.DECIDE),
    T("decide", (CS.INVESTIGATING,), CS.DECIDED, OFFICERS, _("record the decision"),
      guard="department", note_required=True, input=f"{INPUTS}.DecideInput"),
    T("close", (CS.DECIDED,), CS.CLOSED, OFFICERS, _("close the case"), guard="department",
      stamps="closed_at"),
    T("dismiss", (CS.FILED, CS.INVESTIGATING), CS.DISMISSED, OFFICERS, _("dismiss"),
      guard="department", note_required=True, stamps="closed_at"),
    overdue_transition(CS, CASE_TERMINAL),
)  # fmt: skip


def case_deadline(case, step: str, start) -> Deadline:
    if step == CaseStep.DECIDE:
        due = start + dt.timedelta(days=DECIDE_DAYS)
        return Deadline(step=step, warn_at=due - dt.timedelta(days=10), due_at=due)
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, INVESTIGATE_HOURS * 0.8),
        due_at=add_working_hours(start, INVESTIGATE_HOURS),
    )


CASE_WORKFLOW = Workflow(
    name="cases",
    model=EnforcementCase,
    timeline_model=CaseTimelineEntry,
    states=CaseStatus,
    terminal=CASE_TERMINAL,
    transitions=CASE_TRANSITIONS,
    guards=FINDING_GUARDS,
    deadline=case_deadline,
    recipients=finding_recipients,
    notification_text=lambda case, t: f"{case.number} {case.target.name}: {t.label}",
    notify_on=frozenset({OVERDUE}),
    lock_related=("department",),
    lookup="gridgov.inspections.api.get_case",
    serializer="gridgov.inspections.api.CaseSerializer",
    page="gridgov.inspections.views.case_detail",
    list_url="inspections:list",
)
chase(CASE_WORKFLOW, DeadlineRule(OVERDUE))


# --- 综合查一次: needs and plans ------------------------------------------------------------
# Who may plan is a capability (PLAN_INSPECTIONS), checked by the planning functions; the
# tables say only how a need and a plan move, so that their statuses change through the engine.

PLANNERS = frozenset(Role.values) | {SYSTEM}
NS = NeedStatus
NEED_WORKFLOW = Workflow(
    name="needs",
    model=InspectionNeed,
    timeline_model=NeedTimelineEntry,
    states=NeedStatus,
    terminal=frozenset({NS.PLANNED, NS.CANCELLED}),
    transitions=(
        T("create", (), NS.PENDING, PLANNERS, _("record an inspection need")),
        T("plan", (NS.PENDING,), NS.PLANNED, PLANNERS, _("plan as an inspection")),
    ),
    endpoint=False,
)

PS = PlanStatus
PLAN_WORKFLOW = Workflow(
    name="plans",
    model=InspectionPlan,
    timeline_model=PlanTimelineEntry,
    states=PlanStatus,
    terminal=frozenset({PS.CONFIRMED, PS.DISCARDED}),
    transitions=(
        T("propose", (), PS.DRAFT, PLANNERS, _("propose a plan")),
        T("confirm", (PS.DRAFT,), PS.CONFIRMED, PLANNERS, _("confirm the plan"),
          stamps="confirmed_at", spawns=("inspections",)),
        T("discard", (PS.DRAFT,), PS.DISCARDED, PLANNERS, _("discard the plan")),
    ),
    endpoint=False,
)  # fmt: skip
