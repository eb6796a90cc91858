"""Two kinds of work item of the resident services.

`assistance` — a proxy request (代办): requested by staff for a resident (the resident, a
relative, or a grid worker on a visit asked) → accepted by a red proxy agent of the area →
documents collected → submitted to the office → done → confirmed with the resident's rating;
refused by an agent or cancelled, with a reason. Its deadline is the service's usual working
days (plus a day to accept), on the working-day calendar.

`homecare` — a home-service task for a special-group member: assigned to a volunteer or a team →
done with a note and a photo, or cancelled. Due at the end of its day.

`gridgov.workflow.engine` enforces the tables; `gridgov.assistance.actions` adds the real logic.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridgov.core.dates import end_of_day
from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours, warning_time

from .choices import RequestStatus, RequestStep, TaskStatus
from .models import HomeTask, HomeTaskTimelineEntry, ProxyRequest, ProxyRequestTimelineEntry

R = Role
S = RequestStatus
T = Transition
INPUTS = "gridgov.assistance.api"
# Who records a request or a home service for a resident: the grid's and the town's staff.
AREA_STAFF = frozenset({R.GRID_WORKER, R.MICROGRID_LEADER, R.DISPATCHER, R.ADMIN})
COMMAND = frozenset({R.DISPATCHER, R.ADMIN})
# Any staff post may be flagged as an agent (most are party-member micro-grid leaders).
ANY_POST = frozenset(set(R.values) - {R.INTEGRATION})
ACCEPT_DAYS = 1
CONFIRM_DAYS = 5

REQUEST_TERMINAL = frozenset({S.CONFIRMED, S.REFUSED, S.CANCELLED})


def working_day_hours() -> float:
    start = dt.datetime.combine(dt.date.today(), settings.GRIDGOV_WORKDAY_START)
    end = dt.datetime.combine(dt.date.today(), settings.GRIDGOV_WORKDAY_END)
    return (end - start).total_seconds() / 3600


def after_working_days(start, days: float):
    return add_working_hours(start, days * working_day_hours())


def request_due(request, now) -> set[str]:
    """The request is due the service's usual working days after it is accepted, counted from
    the request (a day to accept it)."""
    request.due_on = after_working_days(now, ACCEPT_DAYS + request.service.usual_days)
    return {"due_on"}


REQUEST_TRANSITIONS = (
    T("request", (), S.REQUESTED, AREA_STAFF | {SYSTEM}, _("request a proxy service"),
      step=RequestStep.ACCEPT, stamps="requested_at", changes=request_due),
    T("accept", (S.REQUESTED,), S.ACCEPTED, ANY_POST, _("accept as the agent"), guard="agent",
      step=RequestStep.HANDLE, stamps="accepted_at"),
    T("collect", (S.ACCEPTED,), S.COLLECTED, ANY_POST, _("documents collected"),
      guard="their_agent", stamps="collected_at", photos=True),
    T("submit", (S.COLLECTED,), S.SUBMITTED, ANY_POST, _("submitted to the office"),
      guard="their_agent", stamps="submitted_at"),
    T("finish", (S.SUBMITTED,), S.DONE, ANY_POST, _("done by the office"),
      guard="their_agent", step=RequestStep.CONFIRM, stamps="done_at", photos=True),
    T("confirm", (S.DONE,), S.CONFIRMED, AREA_STAFF | ANY_POST, _("confirmed by the resident"),
      guard="in_area_or_agent", stamps="confirmed_at", input=f"{INPUTS}.ProxyRatingInput"),
    T("refuse", (S.REQUESTED, S.ACCEPTED), S.REFUSED, ANY_POST, _("refuse"),
      guard="agent", note_required=True),
    T("cancel", (S.REQUESTED, S.ACCEPTED, S.COLLECTED, S.SUBMITTED), S.CANCELLED, AREA_STAFF,
      _("cancel the request"), guard="in_area", note_required=True),
    overdue_transition(S, REQUEST_TERMINAL),
)  # fmt: skip


def _in_area(item, actor, post) -> bool:
    return post is not None and post.region_id is not None and post.region.contains(item)


def _agent(item, actor, post) -> bool:
    """An active agent whose area holds the resident's home."""
    from .models import Agent

    if post is None:
        return False
    agent = Agent.objects.filter(staff=post, is_active=True).select_related("region").first()
    return agent is not None and agent.region.contains(item)


def _their_agent(item, actor, post) -> bool:
    return post is not None and item.agent_id == post.pk


def _in_area_or_agent(item, actor, post) -> bool:
    return _their_agent(item, actor, post) or (
        post is not None and post.role in AREA_STAFF and _in_area(item, actor, post)
    )


def request_deadline(request, step: str, start) -> Deadline:
    if step == RequestStep.HANDLE and request.due_on is not None and request.due_on > start:
        due = request.due_on
    else:
        days = {RequestStep.ACCEPT: ACCEPT_DAYS, RequestStep.CONFIRM: CONFIRM_DAYS}.get(step, 1)
        due = after_working_days(start, days)
    return Deadline(step=step, warn_at=warning_time(start, due), due_at=due)


def agent_user_ids(request) -> list[int]:
    from .selectors import agents_covering

    if request.agent_id is not None:
        return [request.agent.user_id] if request.agent.user_id else []
    return [a.staff.user_id for a in agents_covering(request) if a.staff.user_id]


def request_recipients(request, t) -> list[int]:
    if t.action in ("request", OVERDUE):
        return agent_user_ids(request)
    return []


REQUEST_WORKFLOW = Workflow(
    name="assistance",
    model=ProxyRequest,
    timeline_model=ProxyRequestTimelineEntry,
    states=RequestStatus,
    terminal=REQUEST_TERMINAL,
    transitions=REQUEST_TRANSITIONS,
    guards={
        "in_area": _in_area,
        "agent": _agent,
        "their_agent": _their_agent,
        "in_area_or_agent": _in_area_or_agent,
    },
    deadline=request_deadline,
    recipients=request_recipients,
    notification_text=lambda request, t: f"{request.number} {request.service.name}: {t.label}",
    notify_on=frozenset({"request", OVERDUE}),
    lock_related=("service", "agent"),
    list_url="assistance:requests",
)
# A request still waiting for its agent, the office or the resident's word is marked overdue
# and its agent told: the on-time rate counts it.
chase(REQUEST_WORKFLOW, DeadlineRule(OVERDUE))


# --- Home-service tasks -----------------------------------------------------------------------

H = TaskStatus
TASK_TERMINAL = frozenset({H.DONE, H.CANCELLED})
TASK_TRANSITIONS = (
    T("assign", (), H.ASSIGNED, AREA_STAFF | {SYSTEM}, _("assign a home service"), step="serve",
      stamps="assigned_at"),
    T("finish", (H.ASSIGNED,), H.DONE, AREA_STAFF, _("record the service done"),
      guard="in_area", stamps="done_at", note_required=True, photos_required=True),
    T("cancel", (H.ASSIGNED,), H.CANCELLED, AREA_STAFF, _("cancel the task"), guard="in_area",
      note_required=True),
    overdue_transition(H, TASK_TERMINAL),
)  # fmt: skip


def task_deadline(task, step: str, start) -> Deadline:
    due = end_of_day(task.due_day)
    if due <= start:
        due = after_working_days(start, 1)
    return Deadline(step=step, warn_at=warning_time(start, due), due_at=due)


def task_recipients(task, t) -> list[int]:
    from gridgov.org.models import Staff

    if t.action != OVERDUE:
        return []
    people = Staff.objects.filter(
        region__town_id=task.town_id, role__in=COMMAND, is_active=True, user__isnull=False
    )
    return list(people.values_list("user_id", flat=True))


TASK_WORKFLOW = Workflow(
    name="homecare",
    model=HomeTask,
    timeline_model=HomeTaskTimelineEntry,
    states=TaskStatus,
    terminal=TASK_TERMINAL,
    transitions=TASK_TRANSITIONS,
    guards={"in_area": _in_area},
    deadline=task_deadline,
    recipients=task_recipients,
    notification_text=lambda task, t: f"{task.number} {task.summary}: {t.label}",
    notify_on=frozenset({OVERDUE}),
    list_url="assistance:tasks",
)
# A home service not done by its day is marked overdue and the town's dispatchers told.
chase(TASK_WORKFLOW, DeadlineRule(OVERDUE))
