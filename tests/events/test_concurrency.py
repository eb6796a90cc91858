"""Two dispatchers acting on the same event at the same moment: one wins, the other gets 409.

Real threads with their own connections and transactions, so the row lock decides. The work is
committed and removed again at the end (the suite's demo must stay as loaded)."""

import threading

import pytest
from django.db import connection

from gridgov.core.models import AuditEntry
from gridgov.events.models import Event
from gridgov.workflow.models import Notification
from tests.conftest import DEMO_TOWN, GRID_A, client_for

from .conftest import report


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers at BEGIN: the version test covers it there",
)
def test_two_dispatchers_at_once_one_wins_and_the_other_gets_409(
    django_db_setup, django_db_blocker
):
    from gridgov.org.models import Staff

    # Demo logins: committed rows, which the threads' own connections can see.
    reporter = Staff.objects.get(user__username="gridworker").user
    dispatchers = [
        s.user
        for s in Staff.objects.filter(
            role="dispatcher", region__code=DEMO_TOWN, user__isnull=False
        ).select_related("user")[:1]
    ]
    created = {}

    def create():
        try:
            created["event"] = report(reporter, code=GRID_A)
        finally:
            connection.close()

    run(create)
    event = created["event"]
    lined_up = threading.Barrier(2, timeout=10)
    results = []

    def act(action, note):
        try:
            client = client_for(dispatchers[0])
            lined_up.wait()
            response = client.post(
                f"/api/v1/events/{event.number}/{action}",
                {"note": note},
                content_type="application/json",
            )
            results.append((action, response.status_code))
        finally:
            connection.close()

    try:
        run(lambda: act("accept", ""), lambda: act("reject", "不属于受理范围"))
        assert sorted(code for _a, code in results) == [200, 409], results
        state = {}

        def read():
            try:
                e = Event.objects.get(pk=event.pk)
                state["status"], state["steps"] = e.status, e.timeline.count()
            finally:
                connection.close()

        run(read)
        winner = next(a for a, code in results if code == 200)
        assert state == {"status": "accepted" if winner == "accept" else "rejected", "steps": 2}
    finally:
        run(lambda: _remove(event))


def _remove(event):
    try:
        Notification.objects.filter(url=event.get_absolute_url()).delete()
        AuditEntry.objects.filter(target_type="events.event", target_id=str(event.pk)).delete()
        event.timeline.all().delete()
        event.assignments.all().delete()
        Event.objects.filter(pk=event.pk).delete()
    finally:
        connection.close()


def run(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
