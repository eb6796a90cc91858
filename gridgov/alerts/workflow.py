"""The transition table of warnings: raised by the worker (new) → handled by the command
centre of its area → closed; or dismissed with a reason (a false alarm, a known cause).
`gridgov.workflow.engine` enforces it; `gridgov.alerts.actions` adds each action's changes."""

from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours

from .choices import OPEN_WARNING_STATES, WarningStatus, WarningStep
from .models import EarlyWarning, WarningTimelineEntry
from .selectors import area_dispatcher_ids

R = Role
T = Transition
S = WarningStatus
COMMAND = frozenset({R.DISPATCHER, R.ADMIN})
# Working hours the command centre has to look at a new warning.
HANDLE_HOURS = 8


def _in_area(warning, actor, post) -> bool:
    """Staff posted to a region that contains the warning's place."""
    return post is not None and post.region.contains(warning)


# Where the loop ends (no clock runs there): named once, for the table and the sweep.
TERMINAL = frozenset(WarningStatus.values) - set(OPEN_WARNING_STATES)

WARNING_TRANSITIONS = (
    # A warning starts what its rule asks for: an inspection of its target, or an event.
    T("raise", (), S.NEW, frozenset({SYSTEM}), _("raise warning"), step=WarningStep.HANDLE,
      spawns=("inspections", "events")),
    T("handle", (S.NEW,), S.HANDLED, COMMAND | {R.OFFICER}, _("mark handled"), guard="in_area",
      stamps="handled_at"),
    T("close", (S.HANDLED,), S.CLOSED, COMMAND, _("close the warning"), guard="in_area",
      stamps="closed_at"),
    T("dismiss", (S.NEW, S.HANDLED), S.DISMISSED, COMMAND, _("set aside as a false alarm"),
      guard="in_area", note_required=True, stamps="closed_at"),
    overdue_transition(S, TERMINAL),
)  # fmt: skip


def warning_deadline(warning, step: str, start) -> Deadline:
    return Deadline(
        step=step,
        warn_at=add_working_hours(start, HANDLE_HOURS * 0.8),
        due_at=add_working_hours(start, HANDLE_HOURS),
    )


WARNING_WORKFLOW = Workflow(
    name="warnings",
    model=EarlyWarning,
    timeline_model=WarningTimelineEntry,
    states=WarningStatus,
    # The open states are declared with the model (its constraint allows one open warning per
    # rule and subject); every other state ends the loop.
    terminal=TERMINAL,
    transitions=WARNING_TRANSITIONS,
    guards={"in_area": _in_area},
    deadline=warning_deadline,
    recipients=lambda warning, t: area_dispatcher_ids(warning) if t.action == OVERDUE else [],
    notification_text=lambda warning, t: f"{warning.number} {warning.summary}: {t.label}",
    notify_on=frozenset({OVERDUE}),
    lookup="gridgov.alerts.selectors.warning_for",
    serializer="gridgov.alerts.api.WarningDetailSerializer",
    page="gridgov.alerts.views.warning_detail",
    list_url="alerts:list",
)
# A warning nobody looked at in time: marked overdue, and the area's command centre told.
chase(WARNING_WORKFLOW, DeadlineRule(OVERDUE))
