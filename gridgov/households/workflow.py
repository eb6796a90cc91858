"""The canvasses' transition table: a door-knocking canvass (敲门行动 / 扫楼扫户) is prepared,
started, and closed once every household is reached or excused; it may be cancelled before.

draft → (start) running → (close) closed; cancel from draft or running. The visits step runs
until the canvass's last day is over (Asia/Shanghai); a running canvass past it is marked
overdue by the sweep and its organisers told. Who: a dispatcher, administrator or leader of an
area containing the canvass's area. `gridgov.households.canvass_actions` adds each action's
own changes (the households and counters made at start, the guard on closing).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow

from .choices import CanvassStatus, CanvassStep
from .models import Canvass, CanvassTimelineEntry

S = CanvassStatus
R = Role
T = Transition
ORGANISERS = frozenset({R.DISPATCHER, R.ADMIN, R.LEADER})
# The day of a canvass ends at midnight where its households are.
LOCAL = ZoneInfo("Asia/Shanghai")

TERMINAL = frozenset({S.CLOSED, S.CANCELLED})

TRANSITIONS = (
    T("create", (), S.DRAFT, ORGANISERS | {SYSTEM}, _("prepare canvass")),
    T("start", (S.DRAFT,), S.RUNNING, ORGANISERS, _("start canvass"), guard="area",
      step=CanvassStep.VISITS, stamps="started_at"),
    T("close", (S.RUNNING,), S.CLOSED, ORGANISERS, _("close canvass"), guard="area",
      stamps="closed_at"),
    T("cancel", (S.DRAFT, S.RUNNING), S.CANCELLED, ORGANISERS, _("cancel canvass"),
      guard="area", note_required=True, stamps="closed_at"),
    overdue_transition(S, TERMINAL),
)  # fmt: skip


def _organises(canvass, post) -> bool:
    """Staff posted to the canvass's area or to an area containing it."""
    if post is None or post.region_id is None:
        return False
    return post.region.contains(canvass.region)


GUARDS = {"area": lambda canvass, actor, post: _organises(canvass, post)}


def end_of(day: dt.date) -> dt.datetime:
    """Midnight after `day`, in Asia/Shanghai."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)


def visits_deadline(canvass, step: str, start) -> Deadline:
    """The visits run until the canvass's last day is over; yellow from its last day."""
    due = end_of(canvass.ends_on)
    return Deadline(step=step, warn_at=due - dt.timedelta(days=1), due_at=due)


def recipients(canvass, t) -> list[int]:
    """The organisers who prepared it hear of its steps and of its running late."""
    return [canvass.created_by_id] if canvass.created_by_id else []


def notification_text(canvass, t) -> str:
    return f"{canvass.number} {canvass.title}: {t.label}"


CANVASS_WORKFLOW = Workflow(
    name="canvasses",
    model=Canvass,
    timeline_model=CanvassTimelineEntry,
    states=CanvassStatus,
    terminal=TERMINAL,
    transitions=TRANSITIONS,
    guards=GUARDS,
    deadline=visits_deadline,
    recipients=recipients,
    notification_text=notification_text,
    notify_on=frozenset({"start", "close", "cancel", OVERDUE}),
    lock_related=("region",),
    serializer="gridgov.households.canvass_api.CanvassDetailSerializer",
    page="gridgov.households.canvass_views.canvass_detail",
    list_url="canvasses:list",
)
# A canvass still running after its last day is marked overdue and its organiser told again.
chase(CANVASS_WORKFLOW, DeadlineRule(OVERDUE))
