"""API tokens do not outlive the password they were minted with: a reset or a change revokes
them, and people list and revoke their own tokens."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from gridgov.accounts.actions import do_issue_token, do_set_password
from gridgov.accounts.models import ApiToken
from gridgov.core.models import AuditEntry
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase"


def live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_set_password_on_the_command_line_revokes_every_token(monkeypatch, gridworker_a):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    do_issue_token(gridworker_a, actor=gridworker_a)
    replies = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))
    call_command("set_password", gridworker_a.username, stdout=io.StringIO())
    assert live_tokens(gridworker_a) == 0
    assert bearer(secret).get("/api/v1/me").status_code == 401
    entry = AuditEntry.objects.get(
        action="accounts.token.revoke_all", target_id=str(gridworker_a.pk)
    )
    assert entry.changes == {"count": 2, "reason": "password"}


def test_a_reset_by_someone_else_must_be_replaced_at_the_next_sign_in(gridworker_a):
    do_set_password(gridworker_a, NEW_PASSWORD, actor="command:set_password")
    gridworker_a.refresh_from_db()
    assert gridworker_a.must_change_password


def test_changing_ones_own_password_on_the_page_revokes_the_tokens_and_keeps_the_browser(
    gridworker_a,
):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    browser = client_for(gridworker_a)
    response = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert bearer(secret).get("/api/v1/me").status_code == 401
    assert browser.get("/").status_code == 200  # still signed in here
    gridworker_a.refresh_from_db()
    assert gridworker_a.check_password(NEW_PASSWORD) and not gridworker_a.must_change_password


def test_a_wrong_old_password_changes_nothing(gridworker_a):
    do_issue_token(gridworker_a, actor=gridworker_a)
    response = client_for(gridworker_a).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert live_tokens(gridworker_a) == 1


def test_someone_who_must_change_their_password_is_sent_to_the_change_page(gridworker_a):
    gridworker_a.must_change_password = True
    gridworker_a.save(update_fields=["must_change_password"])
    browser = client_for(gridworker_a)
    response = browser.get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/?next=%2Fevents%2F")
    assert browser.get("/api/v1/me").json()["code"] == "password_change_required"
    assert browser.get("/accounts/password/").status_code == 200


def test_no_token_is_minted_with_a_password_someone_else_chose(gridworker_a):
    gridworker_a.must_change_password = True
    gridworker_a.save(update_fields=["must_change_password"])
    response = Client().post(
        "/api/v1/auth/token",
        {"username": gridworker_a.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert live_tokens(gridworker_a) == 0


def test_a_user_lists_their_own_tokens_only(gridworker_a, gridworker_b):
    do_issue_token(gridworker_a, actor=gridworker_a, name="phone")
    do_issue_token(gridworker_b, actor=gridworker_b, name="theirs")
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a, name="tablet")
    body = bearer(secret).get("/api/v1/auth/tokens").json()
    assert sorted(t["name"] for t in body["results"]) == ["phone", "tablet"]
    assert all("key_digest" not in t for t in body["results"])


def test_a_user_revokes_their_own_token_but_not_anothers(gridworker_a, gridworker_b):
    _mine, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    spare, _ = do_issue_token(gridworker_a, actor=gridworker_a)
    theirs, _ = do_issue_token(gridworker_b, actor=gridworker_b)
    client = bearer(secret)
    assert client.delete(f"/api/v1/auth/tokens/{theirs.pk}").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{spare.pk}").status_code == 204
    theirs.refresh_from_db()
    spare.refresh_from_db()
    assert theirs.revoked_at is None and spare.revoked_at is not None


def test_the_tokens_page_lists_and_revokes(gridworker_a, gridworker_b):
    token, _ = do_issue_token(gridworker_a, actor=gridworker_a, name="old phone")
    theirs, _ = do_issue_token(gridworker_b, actor=gridworker_b)
    browser = client_for(gridworker_a)
    assert "old phone" in browser.get("/accounts/tokens/").content.decode()
    assert browser.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert browser.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    theirs.refresh_from_db()
    assert token.revoked_at is not None and theirs.revoked_at is None


def test_an_invitation_link_sets_the_first_password_once(gridworker_a):
    from gridgov.accounts.invitations import invitation_path

    gridworker_a.set_unusable_password()
    gridworker_a.save()
    path = invitation_path(gridworker_a)
    assert Client().get(path).status_code == 200
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert Client().post(path, data).status_code == 302
    gridworker_a.refresh_from_db()
    assert gridworker_a.check_password(NEW_PASSWORD) and not gridworker_a.must_change_password
    assert Client().get(path).status_code == 404


def test_an_expired_invitation_link_is_refused(gridworker_a, settings):
    from gridgov.accounts.invitations import invitation_path

    path = invitation_path(gridworker_a)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert Client().get(path).status_code == 404
