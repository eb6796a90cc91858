"""The transition tables of frontline care's two kinds of work item.

Forced-rest orders (强制休息令): detection proposes one when someone went past the county's
duty policy; a leader of the area issues it (the person rests for so many hours, and no shift
can be given to them meanwhile) or dismisses the proposal with a reason. An issued order ends
by itself when the rest is over (the worker), or a leader lifts it early, with a reason. A
proposal nobody decides on is chased: marked overdue, and the area's leaders told again.

Care problems (关爱走访中的问题): raised on a visit, taken up, then solved (saying how) or
found impossible to solve (saying why), within a few working days, chased when late.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import SYSTEM, Deadline, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours, warning_time

from .choices import ProblemStatus, ProblemStep, RestOrderStatus, RestOrderStep
from .models import CareProblem, CareProblemTimelineEntry, RestOrder, RestOrderTimelineEntry
from .selectors import leader_user_ids

R = Role
T = Transition
LEADERS = frozenset({R.LEADER, R.ADMIN})
# Who visits the frontline and raises what they heard; who sees problems through.
VISITORS = frozenset({R.LEADER, R.ADMIN, R.DISPATCHER, R.SUPERVISOR})
SOLVERS = frozenset({R.LEADER, R.ADMIN, R.DISPATCHER})

# A proposal waits at most this long for a leader: rest that comes days late is no rest.
DECIDE_HOURS = 4
# Working days to solve a problem raised on a visit.
SOLVE_WORKING_HOURS = 5 * 8


def in_area(item, actor, post) -> bool:
    """Staff posted where the item is, or above it."""
    return post is not None and post.region.contains(item)


# --- Forced-rest orders --------------------------------------------------------------------

O = RestOrderStatus  # noqa: E741 - the table reads like the others
ORDER_TERMINAL = frozenset({O.ENDED, O.LIFTED, O.DISMISSED})

ORDER_TRANSITIONS = (
    T("propose", (), O.PROPOSED, frozenset({SYSTEM}), _("propose a rest order"),
      step=RestOrderStep.DECIDE),
    T("issue", (O.PROPOSED,), O.ISSUED, LEADERS, _("issue the rest order"), guard="in_area",
      stamps="issued_at", step=RestOrderStep.REST, input="gridgov.care.api.IssueInput"),
    T("dismiss", (O.PROPOSED,), O.DISMISSED, LEADERS, _("dismiss the proposal"),
      guard="in_area", note_required=True, stamps="closed_at"),
    T("end", (O.ISSUED,), O.ENDED, frozenset({SYSTEM}), _("rest over"), stamps="closed_at"),
    T("lift", (O.ISSUED,), O.LIFTED, LEADERS, _("lift the rest order"), guard="in_area",
      note_required=True, stamps="closed_at"),
    overdue_transition(O, ORDER_TERMINAL),
)  # fmt: skip


def order_deadline(order, step: str, start) -> Deadline | None:
    if step != RestOrderStep.DECIDE:
        return None  # the rest itself is not chased: the worker ends it
    due = start + dt.timedelta(hours=DECIDE_HOURS)
    return Deadline(step=step, warn_at=start + (due - start) * 0.75, due_at=due)


def order_recipients(order, t) -> list[int]:
    leaders = leader_user_ids(order)
    if t.action in ("issue", "lift", "end"):
        return leaders + ([order.staff.user_id] if order.staff.user_id else [])
    return leaders


def order_text(order, t) -> str:
    return f"{order.number} {order.staff.name}: {t.label}"


REST_ORDER_WORKFLOW = Workflow(
    name="rest-orders",
    model=RestOrder,
    timeline_model=RestOrderTimelineEntry,
    states=RestOrderStatus,
    terminal=ORDER_TERMINAL,
    transitions=ORDER_TRANSITIONS,
    guards={"in_area": in_area},
    deadline=order_deadline,
    recipients=order_recipients,
    notification_text=order_text,
    notify_on=frozenset({"propose", "issue", "lift", OVERDUE}),
    lock_related=("staff",),
    list_url="care:rest-orders",
)
chase(REST_ORDER_WORKFLOW, DeadlineRule(OVERDUE))


# --- Problems raised on care visits --------------------------------------------------------

P = ProblemStatus
PROBLEM_TERMINAL = frozenset({P.SOLVED, P.UNSOLVABLE})

PROBLEM_TRANSITIONS = (
    T("raise", (), P.RAISED, VISITORS, _("raise a problem"), step=ProblemStep.SOLVE),
    T("take", (P.RAISED,), P.SOLVING, SOLVERS, _("start solving"), guard="in_area"),
    T("solve", (P.SOLVING,), P.SOLVED, SOLVERS, _("solved"), guard="in_area",
      note_required=True, photos=True, stamps="solved_at"),
    T("give_up", (P.RAISED, P.SOLVING), P.UNSOLVABLE, SOLVERS, _("cannot be solved"),
      guard="in_area", note_required=True, stamps="closed_at"),
    overdue_transition(P, PROBLEM_TERMINAL),
)  # fmt: skip


def problem_deadline(problem, step: str, start) -> Deadline:
    due = add_working_hours(start, SOLVE_WORKING_HOURS)
    return Deadline(step=step, warn_at=warning_time(start, due), due_at=due)


def problem_recipients(problem, t) -> list[int]:
    return leader_user_ids(problem)


def problem_text(problem, t) -> str:
    return f"{problem.number} {problem.description[:40]}: {t.label}"


CARE_PROBLEM_WORKFLOW = Workflow(
    name="care-problems",
    model=CareProblem,
    timeline_model=CareProblemTimelineEntry,
    states=ProblemStatus,
    terminal=PROBLEM_TERMINAL,
    transitions=PROBLEM_TRANSITIONS,
    guards={"in_area": in_area},
    deadline=problem_deadline,
    recipients=problem_recipients,
    notification_text=problem_text,
    notify_on=frozenset({OVERDUE}),
    list_url="care:problems",
)
chase(CARE_PROBLEM_WORKFLOW, DeadlineRule(OVERDUE))
