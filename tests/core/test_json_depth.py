"""Deeply nested JSON is a 400, not a 500 (Python's decoder recurses once per level).

A 2 KB body of a thousand "[" used to exhaust the recursion limit on every JSON endpoint,
the anonymous sign-in included. The REST API's parser, and every reader of JSON by hand (the
boundary files), measure the depth first (gridgov.core.parsers).
"""

import json

import pytest
from django.conf import settings
from django.test import Client

from gridgov.core.errors import InvalidInput
from gridgov.core.parsers import too_deep
from gridgov.events.models import Event
from gridgov.regions.boundaries import read_geojson
from tests.conftest import client_for
from tests.fuzzing import bearer_headers

pytestmark = pytest.mark.django_db


def nested(depth: int, leaf="x") -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def test_an_anonymous_sign_in_with_a_thousand_levels_of_nesting_is_a_400():
    body = nested(1000)
    assert len(body) < 2100
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert str(settings.GRIDGOV_JSON_MAX_DEPTH) in response.json()["detail"]


def test_deep_objects_in_a_report_are_a_400_and_create_nothing(gridworker_a):
    before = Event.objects.count()
    body = '{"title": "x", "data": ' + nested_objects(5000) + "}"
    response = Client(**_auth(gridworker_a)).post(
        "/api/v1/events", body, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert Event.objects.count() == before


def test_pages_signed_in_with_a_session_get_the_same_400(dispatcher_town):
    response = client_for(dispatcher_town).post(
        "/api/v1/events", nested(3000), content_type="application/json"
    )
    assert response.status_code == 400


def test_nesting_up_to_the_limit_is_read_as_usual():
    limit = settings.GRIDGOV_JSON_MAX_DEPTH
    # one level is the object itself, the rest is the value of "name"
    body = (
        '{"username": "nobody", "password": "not-the-password", "name": ' + nested(limit - 1) + "}"
    )
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.json()["code"] != "parse_error"


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"a": "[" * 5000 + '\\"{' * 100, "b": ["]]]"]})
    assert not too_deep(text, 3)
    assert too_deep(nested(4), 3) and not too_deep(nested(3), 3)
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "[" * 140, "password": "{" * 4000}),
        content_type="application/json",
    )
    assert response.status_code in (400, 401)
    assert response.json()["code"] != "parse_error"


def test_a_deeply_nested_boundary_file_is_refused_as_invalid_json(english):
    with pytest.raises(InvalidInput, match="nested more than"):
        read_geojson(nested(5000), crs="wgs84")


def _auth(user) -> dict:
    header = bearer_headers(user)["Authorization"]
    return {"HTTP_AUTHORIZATION": header}
