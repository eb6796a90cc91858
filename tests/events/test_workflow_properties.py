"""Properties of the closed-loop engine, over random sequences of actions by random people.

Whatever anyone tries, in any order: an event is only ever in a state of the table, every
refused action changes nothing, and replaying the timeline gives the current state.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.core.errors import GridGovError
from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW, TRANSITIONS
from gridgov.workflow.api import take_action
from tests.conftest import DEMO_TOWN

from .conftest import report

ACTIONS = [t.action for t in TRANSITIONS if t.sources]
ACTORS = ["reporter", "dispatcher", "officer", "other_officer", "supervisor", "system"]


def test_the_table_only_names_known_states():
    states = set(EventStatus.values)
    for t in TRANSITIONS:
        assert set(t.sources) <= states
        assert t.target is None or t.target in states


@given(actions=st.lists(st.sampled_from(ACTIONS), max_size=20))
def test_replaying_any_sequence_stays_inside_the_table(actions):
    """Pure: from "not reported", every allowed step leads to a state of the table."""
    state = EVENT_WORKFLOW.next_state(None, "report")
    for action in actions:
        try:
            state = EVENT_WORKFLOW.next_state(state, action)
        except GridGovError:
            continue
        assert state in EventStatus.values


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=14),
    on_the_spot=st.booleans(),
)
def test_no_sequence_by_any_role_leaves_the_table_and_the_timeline_replays(
    steps, on_the_spot, gridworker_a, dispatcher_town, officer_squad, officer_market,
    supervisor_town,
):  # fmt: skip
    from gridgov.org.models import Department

    people = {
        "reporter": gridworker_a,
        "dispatcher": dispatcher_town,
        "officer": officer_squad,
        "other_officer": officer_market,
        "supervisor": supervisor_town,
        "system": None,
    }
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    with transaction.atomic():
        from .conftest import jpeg

        photos = [jpeg()] if on_the_spot else []
        event = report(gridworker_a, on_the_spot=on_the_spot, photos=photos)
        for action, who in steps:
            before = Event.objects.get(pk=event.pk)
            data = {"note": "说明", "lead": squad.code, "satisfaction": 4, "original": "SJ0"}
            try:
                if who == "system":
                    _system(action, event)
                else:
                    take_action(EVENT_WORKFLOW, people[who], before, action, data, None)
            except GridGovError:
                after = Event.objects.get(pk=event.pk)
                assert (after.status, after.version) == (before.status, before.version)
                continue
            after = Event.objects.get(pk=event.pk)
            assert after.status in EventStatus.values
            assert after.version == before.version + 1
        event = Event.objects.get(pk=event.pk)
        history = list(event.timeline.order_by("seq").values_list("action", "to_state"))
        assert EVENT_WORKFLOW.replay(a for a, _ in history) == event.status
        assert [s for _, s in history][-1] == event.status
        assert len(history) == event.version
        transaction.set_rollback(True)


def _system(action, event):
    from gridgov.events import actions

    if action == "escalate":
        actions.do_escalate_event(event.pk, actor="system", note="超时")
    elif action == "urge":
        EVENT_WORKFLOW.act(event.pk, "urge", actor="system", note="超时督办")
    else:
        EVENT_WORKFLOW.perform(event.pk, action, actor="system", note="x")
