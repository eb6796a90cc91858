"""Bearer tokens for the REST API: issuing, using, refusing and revoking them."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gridgov.accounts.actions import do_issue_token, do_revoke_token, token_digest
from gridgov.accounts.models import ApiToken
from gridgov.core.errors import NotPermitted
from gridgov.core.models import AuditEntry
from tests.conftest import GRID_A, PASSWORD

pytestmark = pytest.mark.django_db


def bearer(secret: str, keyword: str = "Bearer") -> Client:
    return Client(HTTP_AUTHORIZATION=f"{keyword} {secret}")


def sign_in(username, password=PASSWORD, **extra):
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


# --- Issuing ------------------------------------------------------------------------------


def test_issuing_a_token_stores_only_a_digest_of_the_secret_and_audits_it(gridworker_a):
    token, secret = do_issue_token(gridworker_a, actor=gridworker_a, name="phone")
    assert secret.startswith("ggv_") and len(secret) > 40
    token.refresh_from_db()
    assert token.key_digest == token_digest(secret) and token.prefix == secret[:8]
    stored = ApiToken.objects.filter(pk=token.pk).values_list()[0]
    assert not any(secret in str(value) for value in stored)
    entry = AuditEntry.objects.get(action="accounts.token.issue", target_id=str(token.pk))
    assert entry.actor == gridworker_a and secret not in str(entry.changes) + entry.summary


def test_two_tokens_never_share_a_secret(gridworker_a):
    _first, one = do_issue_token(gridworker_a, actor=gridworker_a)
    _second, other = do_issue_token(gridworker_a, actor=gridworker_a)
    assert one != other


def test_nobody_issues_or_revokes_tokens_for_someone_else(gridworker_a, gridworker_b):
    with pytest.raises(NotPermitted):
        do_issue_token(gridworker_a, actor=gridworker_b)
    token, _secret = do_issue_token(gridworker_a, actor=gridworker_a)
    with pytest.raises(NotPermitted):
        do_revoke_token(token, actor=gridworker_b)


# --- Using --------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_opens_an_existing_endpoint(gridworker_a, keyword):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    response = bearer(secret, keyword).get("/api/v1/regions", {"q": GRID_A})
    assert response.status_code == 200
    assert GRID_A in [row["code"] for row in response.json()["results"]]


def test_a_token_authenticated_post_needs_no_csrf_token(gridworker_a):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 204


def test_using_a_token_notes_when_at_most_once_a_minute(gridworker_a):
    token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    client = bearer(secret)
    client.get("/api/v1/me")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=2)


def test_me_tells_the_grid_worker_who_and_where_they_are(gridworker_a):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    body = bearer(secret).get("/api/v1/me").json()
    staff = gridworker_a.staff
    assert body == {
        "username": gridworker_a.username,
        "name": staff.name,
        "role": "grid_worker",
        "region": {"code": GRID_A, "name": staff.region.name},
    }


def test_me_costs_two_queries_the_token_with_its_user_and_the_post(
    gridworker_a, django_assert_num_queries
):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    client = bearer(secret)
    client.get("/api/v1/me")  # the first use also notes last_used_at
    with django_assert_num_queries(2):
        assert client.get("/api/v1/me").status_code == 200


# --- Refusing -----------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("wrong", "无效"),
        ("revoked", "吊销"),
        ("expired", "过期"),
        ("inactive", "停用"),
    ],
)
def test_a_bad_token_gets_a_clear_401(gridworker_a, spoil, message):
    token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    if spoil == "wrong":
        secret = secret[:-4] + "AAAA"
    elif spoil == "revoked":
        do_revoke_token(token, actor=gridworker_a)
    elif spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    else:
        type(gridworker_a).objects.filter(pk=gridworker_a.pk).update(is_active=False)
    response = bearer(secret).get("/api/v1/regions")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert message in response.json()["detail"]


def test_a_request_without_credentials_still_gets_403():
    assert Client().get("/api/v1/me").status_code == 403


def test_a_malformed_authorization_header_gets_401():
    assert Client(HTTP_AUTHORIZATION="Bearer").get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer a b").get("/api/v1/me").status_code == 401


# --- Signing in and out through the API ---------------------------------------------------


def test_signing_in_through_the_api_returns_a_working_token_once(gridworker_a):
    response = sign_in(gridworker_a.username, name="Huawei P60")
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ggv_") and response.headers["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(key_digest=token_digest(body["token"]))
    assert token.user == gridworker_a and token.name == "Huawei P60"
    expected = timezone.now() + timedelta(days=settings.GRIDGOV_API_TOKEN_DAYS)
    assert abs(token.expires_at - expected) < timedelta(minutes=1)
    assert body["expires_at"] is not None
    assert bearer(body["token"]).get("/api/v1/me").json()["username"] == gridworker_a.username
    entry = AuditEntry.objects.get(action="accounts.token.issue", target_id=str(token.pk))
    assert entry.actor == gridworker_a and entry.ip_address == "127.0.0.1"


def test_signing_in_needs_no_csrf_token_even_with_a_session_cookie(gridworker_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(gridworker_a)
    response = client.post(
        "/api/v1/auth/token",
        {"username": gridworker_a.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.usefixtures("english")
def test_a_wrong_password_gets_401_and_no_token(gridworker_a):
    before = ApiToken.objects.count()
    response = sign_in(gridworker_a.username, "wrong-password")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "用户名或密码错误。",
        "code": "authentication_failed",
    }
    assert ApiToken.objects.count() == before
    assert not AuditEntry.objects.filter(action="accounts.token.issue").exists()


def test_an_incomplete_sign_in_gets_400(gridworker_a):
    response = Client().post(
        "/api/v1/auth/token", {"username": gridworker_a.username}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "password" in str(response.json()["errors"])


@pytest.mark.usefixtures("english")
def test_repeated_failures_lock_the_api_sign_in_too(gridworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(gridworker_a.username, "wrong-password").status_code == 401
    before = ApiToken.objects.count()
    for password in ("wrong-password", PASSWORD):
        response = sign_in(gridworker_a.username, password)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert "锁定" in response.json()["detail"]
    assert ApiToken.objects.count() == before
    # The web sign-in page is locked as well: it is one lockout.
    page = Client().post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert page.status_code == 429


def test_a_successful_sign_in_resets_the_failure_count(gridworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(gridworker_a.username, "wrong-password")
    assert sign_in(gridworker_a.username).status_code == 201
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(gridworker_a.username, "wrong-password").status_code == 401
    assert sign_in(gridworker_a.username).status_code == 201


def test_signing_out_revokes_the_token_of_the_request_and_audits_it(gridworker_a):
    token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    _other, other_secret = do_issue_token(gridworker_a, actor=gridworker_a)
    client = bearer(secret)
    assert client.delete("/api/v1/auth/token").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me").status_code == 401
    assert bearer(other_secret).get("/api/v1/me").status_code == 200
    entry = AuditEntry.objects.get(action="accounts.token.revoke", target_id=str(token.pk))
    assert entry.actor == gridworker_a


def test_signing_out_needs_the_token_not_the_session(gridworker_a):
    client = Client()
    client.force_login(gridworker_a)
    assert client.delete("/api/v1/auth/token").status_code == 403


# --- The command and the schema -----------------------------------------------------------


def test_the_command_prints_a_working_secret_once(gridworker_a):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", gridworker_a.username, name="tablet", days=30, stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(key_digest=token_digest(secret))
    assert token.name == "tablet" and token.expires_at > timezone.now() + timedelta(days=29)
    assert secret not in err.getvalue() and token.prefix in err.getvalue()
    entry = AuditEntry.objects.get(action="accounts.token.issue", target_id=str(token.pk))
    assert entry.actor_label == "command:create_api_token"
    assert bearer(secret).get("/api/v1/me").status_code == 200


def test_the_command_refuses_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no user"):
        call_command("create_api_token", "nobody-at-all", stdout=io.StringIO())


def test_the_schema_documents_bearer_authentication(admin_user):
    client = Client()
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ggv_…",
    }
    assert {"bearerAuth": []} in schema["paths"]["/api/v1/regions"]["get"]["security"]
    assert "/api/v1/auth/token" in schema["paths"] and "/api/v1/me" in schema["paths"]
