"""What the phone app reads for its user: my open tasks (nearest first) and my messages.

Every read goes through the areas' own selectors, which scope it; nothing here widens a scope.
"""

from dataclasses import dataclass

from django.db.models import Q

from gridgov.alerts.engine import distance_m
from gridgov.events.choices import EventStatus
from gridgov.events.selectors import EventFilter, events_for, filtered_events
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.inspections.choices import InspectionStatus
from gridgov.inspections.selectors import TaskFilter, filtered_tasks
from gridgov.inspections.workflow import INSPECTION_WORKFLOW
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.workflow.models import Notification

# A phone lists what is open now; more than this many open tasks for one person is a backlog
# the command centre's pages deal with, not a walk through a village.
MAX_TASKS_PER_KIND = 200
HANDLED_ON_THE_PHONE = {
    "events": (EventStatus.DISPATCHED, EventStatus.HANDLING),
    "inspections": (InspectionStatus.ASSIGNED, InspectionStatus.INSPECTING),
}


@dataclass
class Task:
    """One open item assigned to me, as the phone lists it."""

    kind: str
    item: object
    title: str
    lon: float | None
    lat: float | None
    distance_m: float | None = None


def my_events(user):
    """Events waiting for me: dispatched to my unit (or one below it), or — for a small matter
    I handled on the spot and the checker sent back — mine to rework."""
    post = post_of(user)
    if post is None:
        return events_for(user).none()
    wanted = Q(reporter=user, lead_unit__isnull=True, status=EventStatus.HANDLING)
    if post.department_id:
        wanted |= Q(pk__in=filtered_events(user, EventFilter(queue="unit")).values("pk"))
    events = events_for(user).filter(wanted, status__in=HANDLED_ON_THE_PHONE["events"])
    return events.select_related("category__parent")


def my_inspections(user):
    tasks = filtered_tasks(user, TaskFilter(mine=True))
    return tasks.filter(status__in=HANDLED_ON_THE_PHONE["inspections"])


def my_tasks(user, *, lon: float | None = None, lat: float | None = None) -> list[Task]:
    """My open events and inspections, nearest to (lon, lat) first when the phone gave its
    position, else the most urgent (earliest due) first."""
    tasks = [
        Task("events", e, e.title, e.lon, e.lat)
        for e in my_events(user).order_by("due_at", "id")[:MAX_TASKS_PER_KIND]
    ]
    tasks += [
        Task("inspections", t, f"{t.scenario.name} · {t.target.name}", t.target.lon, t.target.lat)
        for t in my_inspections(user).order_by("due_at", "id")[:MAX_TASKS_PER_KIND]
    ]
    if lon is None or lat is None:
        return sorted(tasks, key=_due)
    for task in tasks:
        if task.lon is not None and task.lat is not None:
            task.distance_m = distance_m(lon, lat, task.lon, task.lat)
    return sorted(tasks, key=lambda t: (t.distance_m is None, t.distance_m or 0, *_due(t)))


def _due(task: Task):
    due = task.item.due_at
    return (due is None, due.timestamp() if due else 0, task.item.pk)


WORKFLOWS = {"events": EVENT_WORKFLOW, "inspections": INSPECTION_WORKFLOW}


def phone_actions(task: Task, user) -> list:
    """The steps the table offers my role from the item's state (its guards are checked when
    the step is sent: the phone may hold the list offline, the server decides)."""
    flow = WORKFLOWS[task.kind]
    role = flow.role_of(user)
    return [
        t
        for t in flow.steps()
        if task.item.status in t.sources and role in t.roles and t.action != "urge"
    ]


def my_messages(user):
    return scoped(Notification.objects.all(), user).order_by("-created_at", "-id")
