"""The findings' transition table: found → assigned to the responsible unit with a deadline →
rectified (evidence) → measures improved (what changes so it does not recur) → verified by the
group → closed; or returned to rectifying. A finding may also start an event or an inspection.

The group (its members, its squads', the discipline office's staff) finds, assigns, verifies,
returns and closes; the responsible unit's officers rectify and improve — or, for a firm, farm
or community without a login, the town's staff record it on its behalf.
`gridgov.workflow.engine` enforces the table; `gridgov.supervision.actions` adds the real logic.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.dates import end_of_day
from gridgov.inspections.selectors import department_user_ids
from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours

from .choices import FindingStatus, FindingStep
from .models import Finding, FindingTimelineEntry
from .selectors import area_user_ids, group_user_ids, is_member

R = Role
S = FindingStatus
T = Transition
INPUTS = "gridgov.supervision.api"
GROUP = frozenset({R.SUPERVISOR, R.ADMIN})
# Officers of a responsible department; for a firm or a farm, the town's staff record for it.
RESPONSIBLE = frozenset({R.OFFICER, R.DISPATCHER, R.GRID_WORKER, R.ADMIN})
ON_BEHALF = frozenset({R.DISPATCHER, R.GRID_WORKER, R.ADMIN})

# Working hours of each timed step but rectifying, whose deadline is a date.
STEP_HOURS = {
    FindingStep.ASSIGN: 16,
    FindingStep.IMPROVE: 40,
    FindingStep.VERIFY: 24,
    FindingStep.CLOSE: 16,
}

TERMINAL = frozenset({S.CLOSED, S.DISMISSED})


def returned(finding, now) -> set[str]:
    finding.returns += 1
    return {"returns"}


FINDING_TRANSITIONS = (
    T("find", (), S.FOUND, GROUP | {SYSTEM}, _("record a finding"), step=FindingStep.ASSIGN),
    T(
        "assign",
        (S.FOUND,),
        S.ASSIGNED,
        GROUP,
        _("assign to the responsible unit"),
        guard="group",
        step=FindingStep.RECTIFY,
        stamps="assigned_at",
        input=f"{INPUTS}.AssignInput",
    ),
    T(
        "rectify",
        (S.ASSIGNED,),
        S.RECTIFIED,
        RESPONSIBLE,
        _("report rectification"),
        guard="responsible",
        step=FindingStep.IMPROVE,
        stamps="rectified_at",
        note_required=True,
        photos=True,
    ),
    T(
        "improve",
        (S.RECTIFIED,),
        S.IMPROVED,
        RESPONSIBLE,
        _("record improved measures"),
        guard="responsible",
        step=FindingStep.VERIFY,
        stamps="improved_at",
        input=f"{INPUTS}.ImproveInput",
    ),
    T(
        "verify",
        (S.IMPROVED,),
        S.VERIFIED,
        GROUP,
        _("verify rectification"),
        guard="group",
        step=FindingStep.CLOSE,
        stamps="verified_at",
        photos=True,
    ),
    T(
        "close",
        (S.VERIFIED,),
        S.CLOSED,
        GROUP,
        _("close the finding"),
        guard="group",
        stamps="closed_at",
    ),
    T(
        "return",
        (S.RECTIFIED, S.IMPROVED),
        S.ASSIGNED,
        GROUP,
        _("return for rectification"),
        guard="group",
        step=FindingStep.RECTIFY,
        note_required=True,
        changes=returned,
    ),
    T(
        "dismiss",
        (S.FOUND,),
        S.DISMISSED,
        GROUP,
        _("dismiss as unfounded"),
        guard="group",
        note_required=True,
        stamps="closed_at",
    ),
    T(
        "start_event",
        (S.FOUND, S.ASSIGNED),
        None,
        GROUP,
        _("start an event"),
        guard="group",
        input=f"{INPUTS}.StartEventInput",
        spawns=("events",),
    ),
    T(
        "start_inspection",
        (S.FOUND, S.ASSIGNED),
        None,
        GROUP,
        _("start an inspection"),
        guard="group",
        input=f"{INPUTS}.StartInspectionInput",
        spawns=("inspections",),
    ),
    overdue_transition(S, TERMINAL),
)


def _in_area(finding, post) -> bool:
    return post is not None and post.region.contains(finding)


def _of_group(finding, actor, post) -> bool:
    if post is None:
        return False
    if post.role == R.ADMIN:
        return _in_area(finding, post)
    return _in_area(finding, post) and is_member(finding.group, post)


def _responsible(finding, actor, post) -> bool:
    if post is None:
        return False
    if finding.department_id is not None:
        if post.role != R.OFFICER or post.department_id is None:
            return post.role == R.ADMIN and _in_area(finding, post)
        mine, theirs = post.department, finding.department
        return mine.contains(theirs) or theirs.contains(mine)
    return post.role in ON_BEHALF and _in_area(finding, post)


GUARDS = {"group": _of_group, "responsible": _responsible}


def finding_deadline(finding, step: str, start) -> Deadline:
    if step == FindingStep.RECTIFY and finding.deadline is not None:
        due = end_of_day(max(finding.deadline, timezone.localdate(start)))
        return Deadline(step=step, warn_at=due - dt.timedelta(days=2), due_at=due)
    hours = STEP_HOURS.get(step, STEP_HOURS[FindingStep.IMPROVE])
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, hours * 0.8),
        due_at=add_working_hours(start, hours),
    )


def responsible_user_ids(finding) -> list[int]:
    if finding.department_id is not None:
        return department_user_ids(finding)
    return area_user_ids(finding, [R.DISPATCHER])


def recipients(finding, t) -> list[int]:
    if t.action in ("assign", "return"):
        return responsible_user_ids(finding)
    if t.action in ("rectify", "improve"):
        return group_user_ids(finding.group)
    if t.action == OVERDUE:
        late_unit = finding.step in (FindingStep.RECTIFY, FindingStep.IMPROVE)
        return responsible_user_ids(finding) if late_unit else group_user_ids(finding.group)
    return []


FINDING_WORKFLOW = Workflow(
    name="findings",
    model=Finding,
    timeline_model=FindingTimelineEntry,
    states=FindingStatus,
    terminal=TERMINAL,
    transitions=FINDING_TRANSITIONS,
    guards=GUARDS,
    deadline=finding_deadline,
    recipients=recipients,
    notification_text=lambda finding, t: f"{finding.number} {finding.summary}: {t.label}",
    notify_on=frozenset({"assign", "rectify", "improve", "return", OVERDUE}),
    lock_related=("group", "department"),
    lookup="gridgov.supervision.selectors.finding_for",
    serializer="gridgov.supervision.api.FindingDetailSerializer",
    list_url="supervision:list",
)
# A unit late to rectify or improve is told again, and the finding marked overdue: the KPIs
# count it as not rectified on time.
chase(FINDING_WORKFLOW, DeadlineRule(OVERDUE))
