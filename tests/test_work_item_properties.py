"""Properties of every kind of work item, over random sequences of actions by random people.

Whatever anyone tries, in any order, on an open item of any registered kind: it is only ever
in a state of its table, a refused action changes nothing, and replaying its timeline gives
its current state.
"""

import pytest
from django.db import models, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from gridgov.core.errors import GridGovError
from gridgov.org.choices import Role
from gridgov.workflow.api import take_action
from gridgov.workflow.engine import SYSTEM, WORKFLOWS
from tests.conftest import DEMO_TOWN, GRID_A, staff_user

KINDS = sorted(WORKFLOWS)
PEOPLE = [
    {"role": Role.GRID_WORKER, "region__code": GRID_A},
    {"role": Role.DISPATCHER, "region__code": DEMO_TOWN},
    {"role": Role.DISPATCHER, "region__code": "330402"},
    {"role": Role.OFFICER, "department__code": f"{DEMO_TOWN}-ZD"},
    {"role": Role.OFFICER, "department__code": "330402-SCJGJ"},
    {"role": Role.SUPERVISOR, "region__code": DEMO_TOWN},
    {"role": Role.ADMIN},
]


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_every_allowed_step_of_the_table_leads_to_a_state_of_it(kind, data):
    """Pure: from nothing, through a creating action, any sequence stays in the table."""
    flow = WORKFLOWS[kind]
    creating = [t.action for t in flow.transitions if not t.sources]
    state = flow.next_state(None, data.draw(st.sampled_from(creating)))
    for action in data.draw(st.lists(st.sampled_from([t.action for t in flow.steps()]))):
        try:
            state = flow.next_state(state, action)
        except GridGovError:
            continue
        assert state in flow.states.values


def open_item(flow):
    """An item of the kind to try steps on: an open one in the demo town if there is one, else
    any, else — for a kind the demo does not fill — a new one made by its creating action from
    the model's defaults, today for its days and the first rows it must refer to."""
    fields = {f.name for f in flow.model._meta.get_fields()}
    items = flow.model.objects.order_by("pk")
    candidates = [items.filter(status__in=flow.open_states), items]
    if "town" in fields:
        candidates.insert(0, candidates[0].filter(town__code=DEMO_TOWN))
    for candidate in candidates:
        item = candidate.first()
        if item is not None:
            return item
    from gridgov.regions.models import Region

    item = flow.model(**({"number": f"P{flow.name[:4].upper()}1"} if "number" in fields else {}))
    for field in flow.model._meta.concrete_fields:  # what it must refer to: the first there is
        if field.is_relation and not field.null:
            setattr(item, field.name, field.related_model.objects.order_by("pk").first())
        elif isinstance(field, models.DateField) and not field.null and not field.has_default():
            setattr(item, field.name, timezone.localdate())  # a day: today
    if "microgrid" in fields:
        item.place_in(Region.objects.filter(code__startswith=GRID_A, level="microgrid").first())
    creating = next(t.action for t in flow.transitions if not t.sources)
    return flow.start(item, creating, actor=SYSTEM)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_sequence_by_anyone_leaves_the_table_and_the_timeline_replays(kind, data):
    flow = WORKFLOWS[kind]
    people = [staff_user(**filters) for filters in PEOPLE] + [SYSTEM]
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(flow.steps()), st.sampled_from(people)), max_size=10)
    )
    with transaction.atomic():
        item = open_item(flow)
        for t, who in steps:
            before = flow.model.objects.get(pk=item.pk)
            history = before.timeline.count()
            try:
                if who == SYSTEM or not flow.endpoint:  # a kind without an endpoint of its own
                    flow.act(item.pk, t.action, actor=who, note="说明")
                else:
                    body = {"note": "说明", "version": before.version}
                    take_action(flow, who, before, t.action, body, None)
            except (GridGovError, ValidationError):
                after = flow.model.objects.get(pk=item.pk)
                assert (after.status, after.version) == (before.status, before.version)
                assert after.timeline.count() == history
                continue
            after = flow.model.objects.get(pk=item.pk)
            assert after.status in flow.states.values
            assert after.status == (t.target or before.status)
            assert after.version == before.version + 1
        item = flow.model.objects.get(pk=item.pk)
        rows = list(item.timeline.order_by("seq").values_list("action", "to_state"))
        assert flow.replay(a for a, _ in rows) == item.status
        assert rows[-1][1] == item.status and len(rows) == item.version
        transaction.set_rollback(True)
