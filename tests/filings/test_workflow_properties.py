"""Whatever anyone tries, in any order: a filing is only ever in a state of the table, a
refused step changes nothing, and its timeline replays to its state."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.core.errors import GridGovError
from gridgov.filings.actions import do_submit_filing
from gridgov.filings.choices import FilingStatus
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.workflow import FILING_WORKFLOW, TRANSITIONS
from gridgov.workflow.api import take_action
from gridgov.workflow.deadlines import OVERDUE

from .conftest import filing_data

ACTIONS = [t.action for t in TRANSITIONS if t.sources]
ACTORS = ["bureau", "dispatcher", "other_officer", "system"]


def test_the_table_only_names_known_states_and_decisions_need_the_bureau():
    states = set(FilingStatus.values)
    for t in TRANSITIONS:
        assert set(t.sources) <= states and (t.target is None or t.target in states)
        if t.sources and t.action != OVERDUE:  # the worker marks a late filing, no one else
            assert t.guard == "department"
    assert FILING_WORKFLOW.replay(["submit", "approve", "revoke"]) == FilingStatus.REVOKED


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=8))
def test_no_sequence_by_anyone_leaves_the_table_and_the_timeline_replays(
    steps, site, housing_officer, dispatcher_town, officer_market
):
    people = {
        "bureau": housing_officer,
        "dispatcher": dispatcher_town,
        "other_officer": officer_market,
        "system": "system",
    }
    with transaction.atomic():
        filing = do_submit_filing(filing_data(site), actor=dispatcher_town)
        for action, who in steps:
            before = NightWorkFiling.objects.get(pk=filing.pk)
            try:
                take_action(FILING_WORKFLOW, people[who], before, action, {"note": "理由"}, None)
            except GridGovError:
                after = NightWorkFiling.objects.get(pk=filing.pk)
                assert (after.status, after.version) == (before.status, before.version)
                continue
            after = NightWorkFiling.objects.get(pk=filing.pk)
            assert after.status in FilingStatus.values
            assert after.version == before.version + 1
        filing = NightWorkFiling.objects.get(pk=filing.pk)
        history = list(filing.timeline.order_by("seq").values_list("action", "to_state"))
        assert FILING_WORKFLOW.replay(a for a, _ in history) == filing.status
        assert len(history) == filing.version
        transaction.set_rollback(True)
