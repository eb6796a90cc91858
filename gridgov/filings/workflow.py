"""The filings' transition table: 报备 → 审批 (approve or reject), and revoking an approval.

A company files (on the public page, or through staff typing it in on its behalf); an officer of
the responsible department — the county's housing and construction bureau, unless the filing
names another — approves or rejects it, with a reason for a rejection; an approved filing can be
revoked, with a reason (the company broke its noise commitments, say). Whether an approved
filing is in force is read from its nights, not from a state. `gridgov.workflow.engine`
enforces the table; `gridgov.filings.actions` adds each action's own changes.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import CITIZEN, SYSTEM, Deadline, Transition, Workflow
from gridgov.worktime.calendar import add_working_hours

from . import nights
from .choices import FilingStatus, FilingStep
from .models import FilingTimelineEntry, NightWorkFiling
from .selectors import department_user_ids

S = FilingStatus
R = Role
T = Transition
# Staff type a filing in on a company's behalf; companies file on the public page (CITIZEN).
FILERS = frozenset({R.DISPATCHER, R.OFFICER, R.ADMIN, CITIZEN})
DECIDERS = frozenset({R.OFFICER})

# Working hours the department has to decide, unless the first night begins sooner.
REVIEW_HOURS = 8

# Where the loop ends (no clock runs there): named once, for the table and the sweep.
TERMINAL = frozenset({S.APPROVED, S.REJECTED, S.REVOKED})

TRANSITIONS = (
    T("submit", (), S.SUBMITTED, FILERS, _("submit filing"), step=FilingStep.REVIEW),
    T("approve", (S.SUBMITTED,), S.APPROVED, DECIDERS, _("approve"), guard="department",
      stamps="decided_at"),
    T("reject", (S.SUBMITTED,), S.REJECTED, DECIDERS, _("reject"), guard="department",
      note_required=True, stamps="decided_at"),
    # The worker may revoke too: a rule that sees the commitments broken again and again.
    T("revoke", (S.APPROVED,), S.REVOKED, DECIDERS | {SYSTEM}, _("revoke approval"),
      guard="department", note_required=True, stamps="revoked_at"),
    overdue_transition(S, TERMINAL),
)  # fmt: skip


def _of_department(filing, post) -> bool:
    """Staff of the responsible department, of a unit above it or of one of its sub-units."""
    if post is None or post.department_id is None:
        return False
    mine, theirs = post.department, filing.department
    return mine.contains(theirs) or theirs.contains(mine)


GUARDS = {"department": lambda filing, actor, post: _of_department(filing, post)}


def review_deadline(filing, step: str, start) -> Deadline:
    """A working day's hours to decide, but never later than the first night begins."""
    due = add_working_hours(start, REVIEW_HOURS)
    first_begin, _end = nights.window(filing.first_night, filing.start_time, filing.end_time)
    if start < first_begin < due:
        due = first_begin
    if due <= start:  # filed when the first night had already begun: decide within the hour
        due = start + dt.timedelta(hours=1)
    return Deadline(step=step, warn_at=start + (due - start) * 0.8, due_at=due)


def recipients(filing, t) -> list[int]:
    if t.action in ("submit", OVERDUE):
        return department_user_ids(filing)
    return [filing.submitted_by_id] if filing.submitted_by_id else []


def notification_text(filing, t) -> str:
    return f"{filing.number} {filing.site.name} {filing.company_name}: {t.label}"


FILING_WORKFLOW = Workflow(
    name="filings",
    model=NightWorkFiling,
    timeline_model=FilingTimelineEntry,
    states=FilingStatus,
    # "Terminal" for the clock: a decision ends the review step. Revoking an approval is still
    # possible; it needs no deadline.
    terminal=TERMINAL,
    transitions=TRANSITIONS,
    guards=GUARDS,
    deadline=review_deadline,
    recipients=recipients,
    notification_text=notification_text,
    notify_on=frozenset({"submit", "approve", "reject", "revoke", OVERDUE}),
    lock_related=("department",),
    lookup="gridgov.filings.selectors.filing_for",
    serializer="gridgov.filings.api.FilingDetailSerializer",
    page="gridgov.filings.views.filing_detail",
    list_url="filings:list",
)
# An undecided filing is the department's: marked overdue, and its officers told again.
chase(FILING_WORKFLOW, DeadlineRule(OVERDUE))
