"""The errands' transition table: the whole of what a kind needs beyond its model."""

from datetime import timedelta

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow

from .models import Errand, ErrandStatus, ErrandTimelineEntry

S = ErrandStatus
GRID = frozenset({Role.GRID_WORKER, Role.MICROGRID_LEADER})
COMMAND = frozenset({Role.DISPATCHER, Role.ADMIN})
TERMINAL = frozenset({S.DONE, S.DROPPED})


def dropped(errand, now) -> set[str]:
    errand.times_dropped += 1
    return {"times_dropped"}


T = Transition
TRANSITIONS = (
    T("post", (), S.OPEN, COMMAND | {SYSTEM}, "post", step="take"),
    T("take", (S.OPEN,), S.TAKEN, GRID, "take", guard="in_area", step="finish",
      stamps="taken_at"),
    T("finish", (S.TAKEN,), S.DONE, GRID, "finish", guard="in_area", stamps="done_at",
      photos_required=True),
    T("drop", (S.OPEN, S.TAKEN), S.DROPPED, COMMAND, "drop", guard="in_area",
      note_required=True, changes=dropped),
    overdue_transition(S, TERMINAL),
)  # fmt: skip


def in_area(errand, actor, post) -> bool:
    return post is not None and post.region.contains(errand)


def deadline(errand, step, start) -> Deadline:
    return Deadline(
        step=step, warn_at=start + timedelta(hours=6), due_at=start + timedelta(hours=8)
    )


ERRAND_WORKFLOW = Workflow(
    name="errands",
    model=Errand,
    timeline_model=ErrandTimelineEntry,
    states=ErrandStatus,
    terminal=TERMINAL,
    transitions=TRANSITIONS,
    guards={"in_area": in_area},
    deadline=deadline,
)
# A late errand is marked overdue by the one deadline sweep, like every other kind.
chase(ERRAND_WORKFLOW, DeadlineRule(OVERDUE))
