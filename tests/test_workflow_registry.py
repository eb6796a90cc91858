"""The worker finds every kind of work item by name, whatever it imported before (the tests'
own kind, errands, among them)."""

import os
import subprocess
import sys


def test_a_fresh_process_knows_every_kind_of_work_item_after_setup():
    code = (
        "import django; django.setup();"
        "from gridgov.workflow.engine import WORKFLOWS; print(' '.join(sorted(WORKFLOWS)))"
    )
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        "assistance", "bookings", "canvasses", "care-problems", "cases", "errands", "events",
        "filings", "findings", "homecare", "inspections", "needs", "plans", "rectifications",
        "rest-orders", "warnings",
    ]  # fmt: skip
