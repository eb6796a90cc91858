"""Photos in API answers (/photos/<id>/) are read by phones with their bearer token, under the
same scope check as with a session; a bad token is a 401, never the login page."""

import pytest
from django.test import Client

from gridgov.accounts.actions import do_issue_token, do_revoke_token
from tests.events.conftest import jpeg, report

pytestmark = pytest.mark.django_db


def bearer(user) -> tuple[Client, object]:
    token, secret = do_issue_token(user, actor=user, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), token


@pytest.fixture
def photo_url(gridworker_a):
    event = report(gridworker_a, photos=[jpeg()])
    return event.timeline.get().attachments.get().get_absolute_url()


def test_the_uploader_reads_the_photo_with_a_bearer_token(gridworker_a, photo_url):
    phone, _token = bearer(gridworker_a)
    response = phone.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_staff_in_scope_read_it_and_others_get_a_404(dispatcher_town, gridworker_b, photo_url):
    assert bearer(dispatcher_town)[0].get(photo_url).status_code == 200
    assert bearer(gridworker_b)[0].get(photo_url).status_code == 404


def test_a_bad_or_revoked_token_is_a_401_not_the_login_page(gridworker_a, photo_url):
    wrong = Client(HTTP_AUTHORIZATION="Bearer ggv_not-a-token").get(photo_url)
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    phone, token = bearer(gridworker_a)
    do_revoke_token(token, actor=gridworker_a)
    assert phone.get(photo_url).status_code == 401


def test_without_a_token_the_page_still_asks_to_sign_in(photo_url):
    response = Client().get(photo_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
