"""The fuzz run: schemathesis against the REST OpenAPI, and generated malformed Open311 requests.

tests/fuzz/ fuzzes the Open311 endpoints and every REST operation that has no fuzz test of
its own; the areas whose endpoints need real objects of their own to get past a lookup
(inspections, filings, power items) fuzz them in their own test folders, with the same
fixtures from here. All are ordinary tests of the suite (``scripts/run-tests`` runs them in
the SQLite and the PostgreSQL pass); run them alone with ``.venv/bin/pytest -k fuzz``
(the tests' names say "server error"). They are reproducible:
hypothesis is derandomized (a fixed seed, no example database), so CI tries the same requests
every time. What they tried is counted here and printed at the end of the run (the
"fuzz run" section of the terminal summary) and written to var/fuzz-summary.json.
GRIDGOV_FUZZ_VERBOSE=1 (with ``-s``) prints every request and the start of its answer.

Every test runs in the rolled-back transaction of pytest-django's ``db`` fixture, with the demo
loaded once per run (tests/conftest.py): what a fuzzed POST creates is gone after its test.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples of hypothesis's fuzzing phase per operation, and the settings every fuzz test uses:
# derandomized and without an example database, so every run sends the same requests.
FUZZ_EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_EXAMPLES", "15"))
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
SUMMARY_FILE = Path(__file__).resolve().parents[1] / "var" / "fuzz-summary.json"


class FuzzTally:
    """Requests sent per operation, and the statuses they got back, for the summary."""

    def __init__(self):
        self.requests: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.seconds: Counter = Counter()  # per suite
        self.test_seconds: dict[str, Counter] = defaultdict(Counter)  # per suite and test

    def record(self, suite: str, operation: str, status: int) -> None:
        self.requests[suite][operation][status] += 1

    def for_suite(self, suite: str) -> SuiteTally:
        return SuiteTally(self, suite)

    def lines(self) -> list[str]:
        out = []
        for suite in sorted(self.requests):
            operations = self.requests[suite]
            total = sum(sum(c.values()) for c in operations.values())
            out.append(
                f"{suite}: {len(operations)} operations, {total} requests "
                f"in {self.seconds[suite]:.1f} s"
            )
            timed = self.test_seconds[suite]
            for operation in sorted(operations):
                counts = operations[operation]
                statuses = ", ".join(f"{s}×{n}" for s, n in sorted(counts.items()))
                took = f"  ({timed[operation]:.1f} s)" if operation in timed else ""
                out.append(f"  {operation:<46} {sum(counts.values()):>5}  {statuses}{took}")
            for test in sorted(set(timed) - set(operations)):
                out.append(f"  {test} took {timed[test]:.1f} s")
        return out

    def as_json(self) -> dict:
        return {
            suite: {
                "seconds": round(self.seconds[suite], 1),
                "test_seconds": {k: round(v, 2) for k, v in self.test_seconds[suite].items()},
                "operations": {
                    op: {str(s): n for s, n in sorted(c.items())} for op, c in ops.items()
                },
            }
            for suite, ops in self.requests.items()
        }


class SuiteTally:
    """What one fuzz test module records: `record(operation, status)`."""

    def __init__(self, tally: FuzzTally, suite: str):
        self.tally, self.suite = tally, suite

    def record(self, operation: str, status: int) -> None:
        self.tally.record(self.suite, operation, status)


TALLY = FuzzTally()


def _suite(item) -> str:
    """A fuzz test module by its folder and name: "fuzz/test_rest_api", "powers/test_api_fuzz"."""
    path = Path(str(item.path))
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture
def fuzz_tally(request):
    return TALLY.for_suite(_suite(request.node))


@pytest.fixture
def requests_keep_the_connection():
    """As Django's test Client does: a request's start and end would close the database
    connection that holds the test's transaction (its autocommit is off), and on PostgreSQL
    every later query of the run would fail. schemathesis calls the WSGI application itself."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def write_operations() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every write operation (POST, PUT, PATCH, DELETE) of the REST OpenAPI, as
    (method, path, the request body's content types), read from the schema /api/schema/ serves."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, tuple(operation.get("requestBody", {}).get("content", {})))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]


def nested_json(depth: int, shape: str, leaf: str) -> str:
    """`leaf` inside `depth` levels of arrays, objects or both in turn; built without recursion."""
    opening = {"array": ("[", "]"), "object": ('{"a":', "}")}
    levels = [
        opening[shape if shape != "mixed" else ("array", "object")[i % 2]] for i in range(depth)
    ]
    return "".join(o for o, _c in levels) + leaf + "".join(c for _o, c in reversed(levels))


# (depth, JSON text): bodies nested from one level to far past any limit (Python's decoder
# recurses once per level); a leaf of [] or {} adds one more.
deep_json = st.builds(
    lambda depth, shape, leaf: (depth, nested_json(depth, shape, leaf)),
    depth=st.one_of(st.integers(1, 100), st.integers(100, 5000), st.just(1000)),
    shape=st.sampled_from(["array", "object", "mixed"]),
    leaf=st.sampled_from(["1", '"x"', "null", "[]", "{}", '"' + "[" * 200 + '"']),
)


def bearer_headers(user) -> dict:
    """A real API token of `user`, issued in the test's transaction."""
    from gridgov.accounts.actions import do_issue_token

    _token, secret = do_issue_token(user, actor=user, name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if "fuzz_tally" not in getattr(item, "fixturenames", ()):
        return (yield)
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        took = time.perf_counter() - start
        suite = _suite(item)
        # schemathesis names a test after its operation: "test_…[POST /api/v1/events]"
        label = item.name.partition("[")[2].rstrip("]") or item.name
        TALLY.seconds[suite] += took
        TALLY.test_seconds[suite][label] += took


def pytest_terminal_summary(terminalreporter):
    if not TALLY.requests:
        return
    terminalreporter.section("fuzz run")
    for line in TALLY.lines():
        terminalreporter.write_line(line)
    try:
        SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
        SUMMARY_FILE.write_text(json.dumps(TALLY.as_json(), indent=1, ensure_ascii=False))
        terminalreporter.write_line(f"(written to {SUMMARY_FILE})")
    except OSError as problem:  # a read-only checkout must not fail the run
        terminalreporter.write_line(f"(not written to {SUMMARY_FILE}: {problem})")
