"""What the public may know of an event: its status and the public part of its timeline.

One policy for every public channel (the citizens' pages, Open311's requests and request
updates): the steps a citizen would recognise, when they happened and the unit responsible —
never who worked on it, what staff wrote to each other, or who else reported it. Steps that are
internal routine (a unit handing work back to the dispatcher) are left out altogether.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .choices import EventStatus, Step

CLOSED = frozenset({EventStatus.CLOSED, EventStatus.REJECTED, EventStatus.MERGED})

# action → what the public reads. Steps missing here are not shown.
PUBLIC_STEP_TEXT = {
    "report": _("Received"),
    "report_handled": _("Received and handled on the spot"),
    "accept": _("Accepted by the command centre"),
    "reject": _("Not accepted"),
    "mark_duplicate": _("Merged with an earlier report of the same problem"),
    "escalate": _("Passed to the level above"),
    "hand_down": _("Passed to the local command centre"),
    "dispatch": _("Sent to the responsible unit"),
    "start": _("Being handled"),
    "handle": _("Handling reported done"),
    "verify": _("Result checked on site"),
    "rework": _("Checked and sent back to be done again"),
    "close": _("Closed"),
    "urge": _("Urged by the supervisors"),
    "reopen": _("Reopened by the reporter"),
    "rate": _("Rated by the reporter"),
}


@dataclass(frozen=True)
class PublicStep:
    seq: int
    at: datetime
    action: str
    text: str
    status: str  # the event's status after the step
    closed: bool
    satisfaction: int | None = None  # for the reporter's own rating


def public_steps(entries) -> list[PublicStep]:
    """The public steps among an event's timeline rows (in their order)."""
    steps = []
    for entry in entries:
        text = PUBLIC_STEP_TEXT.get(entry.action)
        if text is None:
            continue
        steps.append(
            PublicStep(
                seq=entry.seq,
                at=entry.at,
                action=entry.action,
                text=str(text),
                status=entry.to_state,
                closed=entry.to_state in CLOSED,
                satisfaction=(entry.data or {}).get("satisfaction")
                if entry.action == "rate"
                else None,
            )
        )
    return steps


def is_closed(event) -> bool:
    return event.status in CLOSED


# The timed steps in the order an event goes through them; closing after verification has none.
STEP_ORDER = (Step.ACCEPT, Step.DISPATCH, Step.HANDLE, Step.VERIFY)


def expected_completion(event) -> datetime | None:
    """When an open event should be done: the running step's deadline, then the working hours
    the category (and priority) allows for each step still to come, on the working-day calendar.
    The one answer for every public channel; None once closed or when nothing is timed."""
    from gridgov.worktime.calendar import add_working_hours

    from .workflow import PRIORITY_FACTOR

    if event.status in CLOSED or event.due_at is None or event.step not in STEP_ORDER:
        return None
    later = STEP_ORDER[STEP_ORDER.index(event.step) + 1 :]
    hours = sum(event.category.hours_for(step) for step in later)
    return add_working_hours(event.due_at, hours * PRIORITY_FACTOR[event.priority])


def responsible_unit(event):
    return event.lead_unit or event.routed_unit
