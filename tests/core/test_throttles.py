"""Throttles: API writes per user (429 with Retry-After), signing in for tokens per address
and per username, and sign-in lockout per address across usernames (django-axes)."""

import json

import pytest
from django.conf import settings
from django.test import Client

from gridgov.accounts.models import ApiToken
from gridgov.events.models import Event
from tests.conftest import PASSWORD
from tests.fuzzing import bearer_headers

pytestmark = pytest.mark.django_db


def phone(user) -> Client:
    return Client(HTTP_AUTHORIZATION=bearer_headers(user)["Authorization"])


def bad_report(client):
    return client.post("/api/v1/events", json.dumps({"title": ""}), content_type="application/json")


def test_api_writes_beyond_the_limit_are_a_429_with_retry_after(settings, gridworker_a):
    settings.GRIDGOV_API_WRITE_LIMIT = {"limit": 3, "seconds": 60}
    client = phone(gridworker_a)
    assert [bad_report(client).status_code for _ in range(3)] == [400, 400, 400]
    before = Event.objects.count()
    throttled = bad_report(client)
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert Event.objects.count() == before
    # reads are not counted, and another user has their own count
    assert client.get("/api/v1/events").status_code == 200


def test_one_users_writes_do_not_throttle_anothers(settings, gridworker_a, gridworker_b):
    settings.GRIDGOV_API_WRITE_LIMIT = {"limit": 2, "seconds": 60}
    one = phone(gridworker_a)
    for _ in range(3):
        bad_report(one)
    assert bad_report(one).status_code == 429
    assert bad_report(phone(gridworker_b)).status_code == 400


def test_the_default_limit_stops_a_thousand_writes_a_minute():
    assert settings.GRIDGOV_API_WRITE_LIMIT["limit"] < 1000
    assert settings.GRIDGOV_API_WRITE_LIMIT["seconds"] >= 12


def sign_in(username, password=PASSWORD, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_minting_tokens_is_limited_per_address(settings, gridworker_a, gridworker_b):
    settings.GRIDGOV_TOKEN_IP_LIMIT = {"limit": 2, "seconds": 3600}
    assert sign_in(gridworker_a.username).status_code == 201
    assert sign_in("nobody-1", "wrong-password").status_code == 401
    refused = sign_in(gridworker_b.username)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert sign_in(gridworker_b.username, ip="10.0.0.2").status_code == 201


def test_minting_tokens_is_limited_per_username(settings, gridworker_a):
    settings.GRIDGOV_TOKEN_USER_LIMIT = {"limit": 2, "seconds": 3600}
    assert sign_in(gridworker_a.username, ip="10.0.0.1").status_code == 201
    assert sign_in(gridworker_a.username, ip="10.0.0.2").status_code == 201
    before = ApiToken.objects.filter(user=gridworker_a).count()
    assert sign_in(gridworker_a.username, ip="10.0.0.3").status_code == 429
    assert ApiToken.objects.filter(user=gridworker_a).count() == before


def test_spraying_usernames_from_one_address_locks_that_address(gridworker_a):
    sprayer = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sprayer.post("/accounts/login/", {"username": f"guess-{n}", "password": "Winter2026!"})
    locked = sprayer.post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert locked.status_code == 429 and "_auth_user_id" not in sprayer.session
    elsewhere = Client(REMOTE_ADDR="10.9.9.10").post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert elsewhere.status_code == 302
