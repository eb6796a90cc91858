"""A task waiting for a grid worker: a small matter they handled on the spot, which the
checker sent back for rework (shared by the API tests and the browser test)."""

from gridgov.events.workflow import EVENT_WORKFLOW
from tests.events.conftest import jpeg, report


def rework_for(worker, checker, **fields):
    event = report(worker, on_the_spot=True, photos=[jpeg()], **fields)
    return EVENT_WORKFLOW.act(event.pk, "rework", actor=checker, note="仍有残留，请再处理")
