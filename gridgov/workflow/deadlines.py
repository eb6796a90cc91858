"""The one deadline sweep: every kind of work item whose timed step has run past its deadline
is chased, by the rules its own table declares.

A kind declares, beside its transition table, what happens to a late item (`chase`): a list of
`DeadlineRule`s, the first that fits the late step wins — a command centre that let an event
sit is relieved of it (escalate), a late unit is urged (督办), and at least the item is marked
overdue (the `overdue` row every chased table carries: the late flag, a timeline row and a
notification to the people responsible). The worker runs `sweep` every minute.

Every change goes through `Workflow.perform`, with the version the sweep read: an item someone
acted on since is left alone. Rows are claimed in batches with SKIP LOCKED on PostgreSQL, so
several workers share the sweep without two of them chasing one item. A second run changes
nothing: a chased item either has a new deadline (escalated, urged) or carries a row of the
sweep's own since its deadline passed.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from gridgov.core.errors import GridGovError

from .engine import SYSTEM, Transition, Workflow

# The row of a table that marks a late item overdue and changes nothing else.
OVERDUE = "overdue"
LATE_NOTE = gettext_lazy("Step “%(step)s” is late (%(overdue)s).")


def overdue_transition(states, terminal) -> Transition:
    """The `overdue` row of a chased table: the worker, from every state with a clock; it
    keeps the state and the deadline, and the engine sets the late flag."""
    sources = tuple(s for s in states.values if s not in terminal)
    return Transition(OVERDUE, sources, None, frozenset({SYSTEM}), gettext_lazy("mark overdue"))


@dataclass(frozen=True)
class DeadlineRule:
    """What the sweep does to a late item.

    action: the table's row it takes (the worker, SYSTEM, must be among its roles).
    steps: the late steps it covers; empty for every step.
    applies: item → bool, when the step alone does not decide (an event at the city's command
        centre cannot be escalated further).
    take: (pk, *, actor, note, version) → item, the action's `do_*` when it has its own changes;
        None performs the row as it stands.
    note: the timeline note, with %(step)s and %(overdue)s.
    """

    action: str
    steps: frozenset[str] = frozenset()
    applies: Callable | None = None
    take: Callable | None = None
    note: str = LATE_NOTE

    def fits(self, item) -> bool:
        if self.steps and item.step not in self.steps:
            return False
        return self.applies is None or bool(self.applies(item))


@dataclass(frozen=True)
class Chase:
    """A kind's deadline rules, in order; `related` is what `applies` reads of each item."""

    workflow: Workflow
    rules: tuple[DeadlineRule, ...]
    related: tuple[str, ...] = ()

    def rule_for(self, item) -> DeadlineRule | None:
        return next((rule for rule in self.rules if rule.fits(item)), None)


# Every chased kind, by its workflow's name; filled in as the tables are imported.
CHASED: dict[str, Chase] = {}


def chase(workflow: Workflow, *rules: DeadlineRule, related: tuple[str, ...] = ()) -> Chase:
    """Declare how the sweep chases a kind's late items."""
    for rule in rules:
        # A rule the worker cannot take must stop the program at start-up, not at midnight.
        if SYSTEM not in workflow.transition(rule.action).roles:
            raise ImproperlyConfigured(f"{workflow.name}.{rule.action}: not open to the worker")
    declared = Chase(workflow, tuple(rules), related)
    CHASED[workflow.name] = declared
    return declared


@task()
def check_deadlines() -> dict:
    """The sweep, as the worker's periodic task (`run_clock` queues it every minute)."""
    return sweep()


def sweep(*, batch: int = 100) -> dict[str, dict[str, int]]:
    """Chase every late item of every kind; what was done, per kind and action."""
    return {name: chase_late(declared, batch=batch) for name, declared in sorted(CHASED.items())}


def chase_late(declared: Chase, *, batch: int = 100) -> dict[str, int]:
    """Chase one kind's late items, a batch per transaction, in the order of their keys."""
    done: Counter = Counter()
    after = 0
    while True:
        with transaction.atomic():
            items = _claim(declared, timezone.now(), after, batch)
            for item in items:
                done[_chase_one(declared, item)] += 1
        if len(items) < batch:
            return dict(done)
        after = items[-1].pk


def _claim(declared: Chase, now, after: int, batch: int) -> list:
    """The next late items not chased since their deadline passed, locked for this worker;
    the rows another worker holds are skipped, not waited for."""
    workflow = declared.workflow
    actions = {rule.action for rule in declared.rules}
    chased = workflow.timeline_model.objects.filter(
        item=OuterRef("pk"), action__in=actions, at__gte=OuterRef("due_at")
    )
    late = (
        workflow.model.objects.filter(due_at__lt=now, pk__gt=after)
        .exclude(status__in=workflow.terminal)
        .exclude(Exists(chased))
        .select_related(*declared.related)
        .order_by("pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        late = late.select_for_update(skip_locked=True, of=("self",))
    return list(late[:batch])


def _chase_one(declared: Chase, item) -> str:
    rule = declared.rule_for(item)
    if rule is None:
        return "unchased"
    note = str(rule.note) % {"step": _step_label(item), "overdue": _overdue(item.due_at)}
    try:
        if rule.take is not None:
            rule.take(item.pk, actor=SYSTEM, note=note, version=item.version)
        else:
            declared.workflow.perform(
                item.pk, rule.action, actor=SYSTEM, note=note, expected_version=item.version
            )
    except GridGovError:
        return "skipped"  # acted on since it was read, or the table no longer allows it
    return rule.action


def _step_label(item) -> str:
    choices = dict(type(item)._meta.get_field("step").choices or ())
    return str(choices.get(item.step, item.step))


def _overdue(due_at) -> str:
    return _("overdue since %(due)s") % {"due": f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}"}
