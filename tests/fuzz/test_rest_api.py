"""Schemathesis against the REST API's OpenAPI (/api/schema/, drf-spectacular), in process.

The schema is read from the Django WSGI application itself, and every request goes to that
application in this process and thread, inside the test's transaction: the fuzz sees the demo,
and whatever it creates is rolled back after each operation's test. The requests carry a real
bearer token of the demo's command-centre dispatcher (东栅街道), so that they reach the handlers
and not only the 401 of a missing sign-in (a missing or bad token is covered by
tests/test_api_tokens.py).

Cases come from every phase that works on one operation: the schema's examples, the coverage
phase (boundary and negative values of each parameter in turn, and the methods an operation
does not allow) and the fuzzing phase, in positive and negative generation. Derandomized, with
a fixed seed and no example database, so every run sends the same requests. To reach real
objects and not only 404s, path parameters are drawn from the demo too (events of the
dispatcher's town in every state and one out of its scope, region codes, staff, the loop's
steps), and so are some report bodies (a real category and a point inside a grid).

The one requirement: no answer is a server error (5xx).
"""

from __future__ import annotations

import functools
import itertools
import os

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import TestPhase

from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.org.models import Staff
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, OTHER_TOWN
from tests.events.conftest import point_in
from tests.fuzzing import FUZZ_SETTINGS, bearer_headers, deep_json, write_operations

STAFF_USERNAME = "dispatcher"  # the demo's command-centre dispatcher of 东栅街道
ACTIONS = [
    "accept", "reject", "dispatch", "start", "give_back", "handle", "verify", "rework", "close",
    "escalate", "hand_down", "mark_duplicate", "urge", "reopen", "rate",
]  # fmt: skip

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261128,
        "generation": {
            "mode": "all",  # positive and negative
            "deterministic": True,
            "database": "none",
            # The dispatcher's token is sent instead of generated credentials.
            "with-security-parameters": False,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        # The check is the test's own, below: no 5xx.
        "checks": {"enabled": False},
        "warnings": False,
    }
)
# These areas fuzz their own operations, with real objects of their own (tests/inspections,
# tests/filings, tests/powers: test_api_fuzz.py); the rest of the API is fuzzed here.
FUZZED_ELSEWHERE = (
    r"^/api/v1/(inspections|inspection-|scenarios|rectifications|cases|filings|public/filings"
    r"|kpi/night-construction|power-items|kpi/powers|kpi/inspections)"
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", get_wsgi_application(), config=CONFIG
).exclude(path_regex=FUZZED_ELSEWHERE)


# --- Real objects of the demo --------------------------------------------------------------


@functools.cache  # the demo's numbers stay the same all run (each test is rolled back)
def event_numbers() -> list[str]:
    """Two events of the dispatcher's town in each state, and one of another town."""
    numbers = []
    for state in EventStatus.values:
        numbers += Event.objects.filter(
            status=state, grid__parent__parent__code=DEMO_TOWN
        ).values_list("number", flat=True)[:2]
    numbers += Event.objects.filter(grid__parent__parent__code=OTHER_TOWN).values_list(
        "number", flat=True
    )[:1]
    return numbers or ["SJ0"]


@functools.cache
def staff_ids() -> list[int]:
    return list(Staff.objects.order_by("pk").values_list("pk", flat=True)[:20]) or [1]


@functools.cache
def region_codes() -> list[str]:
    codes = ["330400", "330402", DEMO_TOWN, OTHER_TOWN, GRID_A]
    codes += Region.objects.filter(parent__code=GRID_A).values_list("code", flat=True)[:2]
    return codes


REAL = {"number": event_numbers, "action": lambda: ACTIONS, "code": region_codes, "id": staff_ids}


def _pick(source):
    """Picks from `source()` when drawn (inside the test, with the database open)."""
    return st.integers(min_value=0, max_value=10_000).map(lambda i: _nth(source(), i))


def _nth(values, i):
    return values[i % len(values)]


@schema.hook
def before_generate_path_parameters(context, strategy):
    """The fuzzing phase: the schema's values, or as often real ones."""
    names = [p.name for p in context.operation.path_parameters if p.name in REAL]
    if not names:
        return strategy
    real = st.fixed_dictionaries({n: _pick(REAL[n]) for n in names})
    # the other path parameters as the schema's strategy draws them
    merged = st.tuples(strategy, real).map(
        lambda pair: {**pair[0], **pair[1]} if isinstance(pair[0], dict) else pair[0]
    )
    return st.one_of(merged, strategy)


def with_real_values(case, turn: int) -> None:
    """The coverage phase varies one parameter at a time and leaves the others at a placeholder
    ("0"): give those the real objects, in turn, so the body's cases reach a real event."""
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.COVERAGE:
        return
    varied = meta.phase.data.parameter
    for name in list(case.path_parameters or {}):
        if name in REAL and name != varied:
            case.path_parameters[name] = _nth(
                REAL[name](), turn + (turn // 15 if name == "number" else 0)
            )
    if case.headers and "Idempotency-Key" in case.headers and varied != "Idempotency-Key":
        case.headers["Idempotency-Key"] = f"fuzz-{turn}"


def with_a_real_place(case) -> None:
    """A report with a real category and a point inside a grid, so that it gets past the
    catalogue and the map to the rest of the checks: every positive case, and the coverage
    phase's negative cases in the fields they do not break (its placeholders, '' and 0 and
    the first source, are made real)."""
    meta = case.meta
    if case.operation.label != "POST /api/v1/events" or meta is None:
        return
    if not isinstance(case.body, dict):
        return
    lon, lat = point_in(GRID_A)
    # 12345 hotline: a source the dispatcher may report from
    real = {"title": "占道经营", "category": "0201", "lon": lon, "lat": lat, "source": "hotline"}
    if meta.generation.mode == GenerationMode.POSITIVE:
        case.body.update(real)
        return
    if meta.phase.name != TestPhase.COVERAGE:
        return
    broken = meta.phase.data.description
    for name, value in real.items():
        placeholder = name == "source" or case.body.get(name, None) in ("", 0)
        if name in case.body and placeholder and name not in broken:
            case.body[name] = value


# --- The fuzz ------------------------------------------------------------------------------


@pytest.fixture
def bearer(db):
    """A real API token of the demo dispatcher (issued in this test's transaction)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=STAFF_USERNAME)
    assert Staff.objects.filter(user=user).exists(), "the demo dispatcher is a staff member"
    return bearer_headers(user)


@pytest.fixture
def turns():
    return itertools.count()


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_with_a_server_error(
    case, bearer, turns, fuzz_tally, requests_keep_the_connection
):
    turn = next(turns)
    with_real_values(case, turn)
    with_a_real_place(case)
    response = case.call(headers=bearer)
    fuzz_tally.record(case.operation.label, response.status_code)
    if os.environ.get("GRIDGOV_FUZZ_VERBOSE"):
        print(case.method, case.formatted_path, response.status_code, response.text[:160])
    case.validate_response(response, checks=[not_a_server_error])


# --- Nesting depth -------------------------------------------------------------------------

# Every write operation that takes JSON, fuzzed elsewhere or not: the parser is shared.
JSON_WRITES = [(m, p) for m, p, types in write_operations() if "application/json" in types]


def real_path(path: str) -> str:
    """The path with its parameters filled from the demo, so that the body gets read."""
    return (
        path.replace("{number}", event_numbers()[0])
        .replace("{action}", "accept")
        .replace("{id}", str(staff_ids()[0]))
        .replace("{code}", "x")
        .replace("{decision}", "approve")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), JSON_WRITES)
@FUZZ_SETTINGS
@given(nesting=deep_json)
def test_no_deeply_nested_json_body_answers_with_a_server_error(
    method, path, nesting, bearer, fuzz_tally
):
    depth, body = nesting
    client = Client(HTTP_AUTHORIZATION=bearer["Authorization"])
    response = client.generic(method, real_path(path), body, content_type="application/json")
    fuzz_tally.record(f"{method} {path} (nesting)", response.status_code)
    assert response.status_code < 500, (method, path, body[:80])
    if depth > settings.GRIDGOV_JSON_MAX_DEPTH:
        assert response.status_code >= 400, (method, path, depth)
