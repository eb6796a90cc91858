"""The events' transition table: 上报 → 受理 → 派遣 → 处置 → 核查 → 结案, and its side roads.

Read it as the rule book of the command centre. Each row says from which states an action may be
taken, by whom, what the actor must be to this event (guard), where it leads and which timed step
it starts. `gridgov.workflow.engine` enforces it; `gridgov.events.actions` adds each action's own
changes.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import Role
from gridgov.workflow.engine import (
    CITIZEN,
    RESTART,
    SYSTEM,
    Deadline,
    PublicActor,
    Transition,
    Workflow,
)
from gridgov.worktime.calendar import add_working_hours

from .choices import EventStatus, Priority, Step
from .models import Event, EventTimelineEntry

S = EventStatus
R = Role

# Anyone working in the network may report what they find; so may the public and the worker.
REPORTERS = frozenset(
    {
        R.GRID_WORKER,
        R.MICROGRID_LEADER,
        R.DISPATCHER,
        R.OFFICER,
        R.SUPERVISOR,
        R.LEADER,
        R.ADMIN,
        CITIZEN,
        SYSTEM,
    }
)
GRID = frozenset({R.GRID_WORKER, R.MICROGRID_LEADER})
COMMAND = frozenset({R.DISPATCHER, R.ADMIN})
UNITS = frozenset({R.OFFICER, R.DISPATCHER, R.ADMIN})
CHECKERS = frozenset({R.DISPATCHER, R.SUPERVISOR, R.ADMIN})
OVERSEERS = frozenset({R.DISPATCHER, R.SUPERVISOR, R.LEADER, R.ADMIN, SYSTEM})

# --- What each step changes on the event ------------------------------------------------
# Beyond the engine's status, version, deadline and the step's timestamp. Pure field changes,
# no queries and no checks, returning the fields they set: the engine applies them under the
# row lock, and the demo's bulk history applies the very same ones.


def dispatched(event, lead, now) -> set[str]:
    event.lead_unit, event.dispatched_at = lead, now
    return {"lead_unit", "dispatched_at"}


def returned(event, now=None) -> set[str]:
    event.lead_unit = event.dispatched_at = None
    return {"lead_unit", "dispatched_at"}


def escalated(event, command_region_id: int) -> set[str]:
    event.command_region_id = command_region_id
    event.escalation_count += 1
    event.accepted_at = None  # the centre above accepts it anew
    return {"command_region", "escalation_count", "accepted_at"}


def reworked(event, now=None) -> set[str]:
    event.rework_count += 1
    event.handled_at = None
    return {"rework_count", "handled_at"}


def reopened(event, now=None) -> set[str]:
    # The loop starts again: its step times are measured afresh.
    event.reopen_count += 1
    event.accepted_at = event.dispatched_at = event.handled_at = None
    event.verified_at = event.closed_at = None
    return {"reopen_count", "accepted_at", "dispatched_at", "handled_at", "verified_at",
            "closed_at"}  # fmt: skip


INPUTS = "gridgov.events.api"
T = Transition
TRANSITIONS = (
    T("report", (), S.REPORTED, REPORTERS, _("report"), step=Step.ACCEPT, photos=True),
    # 小微事马上办: a grid worker fixes a small matter on the spot and reports it done, with proof.
    T("report_handled", (), S.HANDLED, GRID, _("handle on the spot"), step=Step.VERIFY,
      note_required=True, photos_required=True, stamps="handled_at"),
    T("accept", (S.REPORTED,), S.ACCEPTED, COMMAND, _("accept"), guard="command",
      step=Step.DISPATCH, stamps="accepted_at"),
    T("reject", (S.REPORTED,), S.REJECTED, COMMAND, _("reject"), guard="command",
      note_required=True),
    T("mark_duplicate", (S.REPORTED, S.ACCEPTED), S.MERGED, COMMAND, _("merge as duplicate"),
      guard="command", input=f"{INPUTS}.DuplicateInput"),
    T("escalate", (S.REPORTED, S.ACCEPTED), S.REPORTED, COMMAND | {SYSTEM}, _("escalate"),
      guard="command", step=Step.ACCEPT, note_required=True),
    T("hand_down", (S.REPORTED, S.ACCEPTED), S.REPORTED, COMMAND, _("hand down"),
      guard="command", step=Step.ACCEPT),
    T("dispatch", (S.ACCEPTED,), S.DISPATCHED, COMMAND, _("dispatch"), guard="command",
      step=Step.HANDLE, input=f"{INPUTS}.DispatchInput"),
    T("start", (S.DISPATCHED,), S.HANDLING, UNITS, _("start handling"), guard="handler"),
    T("give_back", (S.DISPATCHED, S.HANDLING), S.ACCEPTED, UNITS | GRID,
      _("return to dispatcher"), guard="handler", step=Step.DISPATCH, note_required=True),
    T("handle", (S.HANDLING,), S.HANDLED, UNITS | GRID, _("report handled"), guard="handler",
      step=Step.VERIFY, note_required=True, stamps="handled_at", photos=True),
    T("verify", (S.HANDLED,), S.VERIFIED, CHECKERS, _("pass verification"), guard="checker",
      step=Step.VERIFY, stamps="verified_at", photos=True),
    T("rework", (S.HANDLED,), S.HANDLING, CHECKERS, _("send back for rework"), guard="checker",
      step=Step.HANDLE, note_required=True, changes=reworked, photos=True),
    T("close", (S.VERIFIED,), S.CLOSED, COMMAND, _("close"), guard="command",
      stamps="closed_at"),
    # 督办: a late step is urged; its clock starts again and the item stays marked late.
    T("urge", (S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.VERIFIED), None,
      OVERSEERS, _("urge"), guard="overseer", step=RESTART, note_required=True),
    T("reopen", (S.CLOSED,), S.REPORTED, REPORTERS, _("reopen"), guard="reporter_or_command",
      step=Step.ACCEPT, note_required=True, changes=reopened),
    T("rate", (S.CLOSED,), None, REPORTERS, _("rate"), guard="reporter",
      input=f"{INPUTS}.RateInput"),
)  # fmt: skip


# --- Guards: what the actor must be to this event ----------------------------------------


def _is_command(event, post) -> bool:
    """A dispatcher of the command centre holding the event, or of one above it."""
    if post is None:
        return False
    return post.region.contains(event.command_region)


def _is_unit(event, post) -> bool:
    """Staff of the lead unit, of a unit above it (a bureau over its squad) or below it."""
    if post is None or post.department_id is None or event.lead_unit_id is None:
        return False
    mine, lead = post.department, event.lead_unit
    return mine.contains(lead) or lead.contains(mine)


def _is_handler(event, actor, post) -> bool:
    """Whoever must do the work: the lead unit's staff, or — for a small matter handled on the
    spot and sent back for rework, which has no unit — the grid worker who handled it."""
    if event.lead_unit_id is None:
        return event.dispatched_at is None and _is_reporter(event, actor)
    return _is_unit(event, post)


def _may_urge(event, post) -> bool:
    """督办 chases a late step. A command centre cannot chase (and so restart) its own late
    accept or dispatch step — the worker escalates that; it can chase a late unit or checker."""
    if event.due_at is None or timezone.now() <= event.due_at:
        return False
    if post is not None and post.role in (R.SUPERVISOR, R.LEADER):
        return True
    return event.step not in (Step.ACCEPT, Step.DISPATCH) and _is_command(event, post)


def _is_reporter(event, actor) -> bool:
    if isinstance(actor, PublicActor):  # an anonymous reporter, by their tracking code
        return actor.holds is not None and actor.holds == event.pk
    return event.reporter_id is not None and event.reporter_id == getattr(actor, "pk", None)


def _within_reopen_period(event) -> bool:
    if event.closed_at is None:
        return False
    return timezone.now() <= event.closed_at + timedelta(days=settings.GRIDGOV_REOPEN_DAYS)


GUARDS = {
    "command": lambda event, actor, post: _is_command(event, post),
    "handler": lambda event, actor, post: _is_handler(event, actor, post),
    # Supervisors check work anywhere in their scope (the engine has checked the scope).
    "checker": lambda event, actor, post: (
        (post is not None and post.role == R.SUPERVISOR) or _is_command(event, post)
    ),
    "overseer": lambda event, actor, post: _may_urge(event, post),
    "reporter": lambda event, actor, post: (
        _is_reporter(event, actor) and _within_reopen_period(event)
    ),
    "reporter_or_command": lambda event, actor, post: (
        (_is_reporter(event, actor) and _within_reopen_period(event)) or _is_command(event, post)
    ),
}

# Urgent matters get a shorter clock.
PRIORITY_FACTOR = {Priority.NORMAL: 1.0, Priority.URGENT: 0.5, Priority.CRITICAL: 0.25}


def step_deadline(event, step: str, start) -> Deadline:
    """A step's deadline on the working-day calendar; yellow when 80% of it has run."""
    hours = event.category.hours_for(step) * PRIORITY_FACTOR[event.priority]
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, hours * 0.8),
        due_at=add_working_hours(start, hours),
    )


# Who hears of which step. A new report is not among them: the command centre's queue (and its
# count on the workbench) is how dispatchers learn of new reports, hundreds a day; a message
# each would bury the ones that need them — an event handed to them, returned, or handled.
NOTIFY_ON = frozenset(
    {"escalate", "hand_down", "reopen", "give_back", "handle", "dispatch", "rework", "urge",
     "reject", "verify", "close", "mark_duplicate"}
)  # fmt: skip


def recipients(event, t) -> list[int]:
    # The selectors read the open states from this module's table: import them when a step
    # is notified, not while the table is being built.
    from .selectors import command_centre_user_ids, reporter_user_ids, unit_user_ids

    if t.action in ("escalate", "hand_down", "reopen", "give_back", "handle"):
        return command_centre_user_ids(event)
    if t.action in ("dispatch", "rework", "urge"):
        return unit_user_ids(event)
    if t.action in ("reject", "verify", "close", "mark_duplicate"):
        return reporter_user_ids(event)
    return []


def notification_text(event, t) -> str:
    return f"{event.number} {event.title}: {t.label}"


EVENT_WORKFLOW = Workflow(
    name="events",
    model=Event,
    timeline_model=EventTimelineEntry,
    states=EventStatus,
    terminal=frozenset({S.REJECTED, S.CLOSED, S.MERGED}),
    transitions=TRANSITIONS,
    guards=GUARDS,
    deadline=step_deadline,
    recipients=recipients,
    notification_text=notification_text,
    notify_on=NOTIFY_ON,
    # The guards read the command centre and the lead unit: loaded with the locked row.
    lock_related=("lead_unit", "command_region"),
    lookup="gridgov.events.selectors.event_for",
    serializer="gridgov.events.api.EventDetailSerializer",
    page="gridgov.events.views.event_detail",
    list_url="events:list",
)
