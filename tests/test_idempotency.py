"""Idempotency-Key: a retried POST gets the first answer and does nothing twice."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from gridgov.accounts.actions import do_issue_token
from gridgov.core import audit, idempotency
from gridgov.core.errors import InvalidInput
from gridgov.core.idempotency import idempotent, purge_idempotency_keys
from gridgov.core.models import AuditEntry, IdempotencyKey

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

ACTION = "test.idempotency.note"


class NoteView(APIView):
    """A tiny POST endpoint that writes one audit row per note; 400 for an empty note."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        def create():
            text = request.data.get("text", "")
            if not text:
                raise InvalidInput("A note needs a text.")
            photo = request.FILES.get("photo")
            entry = audit.record(
                ACTION,
                actor=request.user,
                summary=text,
                changes={"photo_bytes": photo.size if photo else 0},
            )
            return Response(
                {"id": entry.pk, "text": text, "at": entry.at}, status=status.HTTP_201_CREATED
            )

        return idempotent(request, create)


class OpenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request):
        return idempotent(request, lambda: Response({"ok": True}, status=201))


urlpatterns = [
    path("notes", NoteView.as_view()),
    path("notes-too", NoteView.as_view()),
    path("open", OpenView.as_view()),
]


@pytest.fixture
def client(gridworker_a):
    _token, secret = do_issue_token(gridworker_a, actor=gridworker_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def notes():
    return AuditEntry.objects.filter(action=ACTION).count()


def post_note(client, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/notes", body, content_type="application/json", **headers)


def test_a_retry_with_the_same_key_replays_the_first_response_and_creates_nothing(client):
    first = post_note(client, "phone-1-note-1", text="井盖缺失")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert notes() == 1
    again = post_note(client, "phone-1-note-1", text="井盖缺失")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()  # (jsonb on PostgreSQL may reorder the keys)
    assert notes() == 1


def test_a_different_body_with_the_same_key_gets_422(client, english):
    post_note(client, "phone-1-note-1", text="one")
    response = post_note(client, "phone-1-note-1", text="two")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "另一个请求" in response.json()["detail"]
    assert notes() == 1


def test_the_same_key_on_another_path_gets_422(client):
    post_note(client, "k", text="one")
    response = client.post(
        "/notes-too", {"text": "one"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert notes() == 1


def test_an_anonymous_endpoint_ignores_the_key():
    for _ in range(2):
        response = Client().post("/open", {}, HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert not IdempotencyKey.objects.exists()


def test_without_a_key_every_request_runs(client):
    assert post_note(client, text="one").status_code == 201
    assert post_note(client, text="one").status_code == 201
    assert notes() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "has space", "中文", "x" * 101, "tab\there"])
def test_a_malformed_key_gets_400_and_runs_nothing(client, english, key):
    response = post_note(client, key, text="one")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert notes() == 0


def test_a_key_of_100_visible_characters_is_accepted(client):
    assert post_note(client, "~" + "x" * 98 + "!", text="one").status_code == 201


def test_keys_belong_to_one_user(client, gridworker_b):
    post_note(client, "shared-key", text="one")
    _token, secret = do_issue_token(gridworker_b, actor=gridworker_b)
    other = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = post_note(other, "shared-key", text="one")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert notes() == 2


def test_a_refused_request_is_not_stored_and_may_be_retried_with_the_same_key(client):
    assert post_note(client, "k-1", text="").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_note(client, "k-1", text="now with text").status_code == 201
    assert notes() == 1


def test_an_unauthenticated_request_is_refused_before_any_key_is_stored():
    response = Client().post("/notes", {"text": "x"}, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 403
    assert not IdempotencyKey.objects.exists()


def jpeg(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("p.jpg", b"\xff\xd8" + b"x" * size, content_type="image/jpeg")


def test_a_multipart_photo_upload_is_digested_from_its_bytes(client):
    first = client.post("/notes", {"text": "photo", "photo": jpeg(1000)}, HTTP_IDEMPOTENCY_KEY="p")
    assert first.status_code == 201 and first.json()["text"] == "photo"
    again = client.post("/notes", {"text": "photo", "photo": jpeg(1000)}, HTTP_IDEMPOTENCY_KEY="p")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/notes", {"text": "photo", "photo": jpeg(1001)}, HTTP_IDEMPOTENCY_KEY="p")
    assert other.status_code == 422
    assert notes() == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000, FILE_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_photo_larger_than_the_in_memory_limit_is_streamed_and_still_parsed(client):
    first = client.post("/notes", {"text": "big", "photo": jpeg(50_000)}, HTTP_IDEMPOTENCY_KEY="b")
    assert first.status_code == 201, first.content
    entry = AuditEntry.objects.get(action=ACTION)
    assert entry.changes == {"photo_bytes": 50_002}
    again = client.post("/notes", {"text": "big", "photo": jpeg(50_000)}, HTTP_IDEMPOTENCY_KEY="b")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.post(
        "/notes", {"text": "big", "photo": jpeg(50_001)}, HTTP_IDEMPOTENCY_KEY="b"
    ).status_code == 422  # fmt: skip
    assert notes() == 1


CSRF = "a" * 32  # an unmasked CSRF secret: the cookie and the form field carry the same value


def session_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def test_a_session_json_post_whose_csrf_check_read_the_body_is_still_told_apart(gridworker_a):
    client = session_client(gridworker_a)

    def post(text):
        return client.post(
            "/notes", {"text": text}, content_type="application/json",
            HTTP_X_CSRFTOKEN=CSRF, HTTP_IDEMPOTENCY_KEY="s",
        )  # fmt: skip

    assert post("one").status_code == 201
    assert post("one").headers["Idempotent-Replayed"] == "true"
    assert post("two").status_code == 422
    assert notes() == 1


def test_a_session_multipart_post_whose_csrf_check_read_the_body_is_still_told_apart(
    gridworker_a,
):
    client = session_client(gridworker_a)

    def post(size):
        body = {"text": "photo", "photo": jpeg(size), "csrfmiddlewaretoken": CSRF}
        return client.post("/notes", body, HTTP_IDEMPOTENCY_KEY="m")

    assert post(100).status_code == 201
    assert post(100).headers["Idempotent-Replayed"] == "true"
    assert post(101).status_code == 422
    assert notes() == 1


def test_a_retry_that_raced_the_first_insert_replays_the_committed_answer(
    client, gridworker_a, monkeypatch
):
    """As on PostgreSQL when two retries arrive together: both find no key, both run; the
    second insert fails on the unique constraint, its work is rolled back to the savepoint and
    the first request's stored answer is returned."""
    first = post_note(client, "race", text="one")
    assert notes() == 1
    real_stored = idempotency._stored
    calls = []

    def not_yet_visible(user, key):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(user, key)

    monkeypatch.setattr(idempotency, "_stored", not_yet_visible)
    again = post_note(client, "race", text="one")
    assert len(calls) == 2
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()  # (jsonb on PostgreSQL may reorder the keys)
    assert notes() == 1  # the racing request's own audit row was rolled back
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers at BEGIN: no race"
)
def test_two_concurrent_retries_on_postgresql_do_the_work_once(django_db_blocker):
    """Two threads with their own connections and transactions; both run create() before
    either stores the key, so the second insert waits on the unique index and then replays."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="admin")  # committed by the demo
    key = f"concurrent-{timezone.now().timestamp()}"
    both_created = threading.Barrier(2, timeout=10)

    class RacingView(APIView):
        def post(self, request):
            def create():
                entry = audit.record(ACTION, actor=request.user, summary=key)
                both_created.wait()
                return Response({"id": entry.pk}, status=201)

            return idempotent(request, create)

    responses = []

    def call():
        try:
            request = APIRequestFactory().post(
                "/race", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key
            )
            force_authenticate(request, user=user)
            response = RacingView.as_view()(request)
            responses.append((response.status_code, response.data, response.headers))
        finally:
            connection.close()

    def cleanup():
        try:
            IdempotencyKey.objects.filter(key=key).delete()
            AuditEntry.objects.filter(action=ACTION, summary=key).delete()
        finally:
            connection.close()

    def counts():
        result = {}

        def count():
            try:
                result["entries"] = AuditEntry.objects.filter(action=ACTION, summary=key).count()
                result["keys"] = IdempotencyKey.objects.filter(key=key).count()
            finally:
                connection.close()

        run(count)
        return result

    def run(*targets):
        threads = [threading.Thread(target=t) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)

    try:
        run(call, call)
        assert len(responses) == 2
        assert {s for s, _d, _h in responses} == {201}
        assert responses[0][1] == responses[1][1]
        assert sorted(h.get("Idempotent-Replayed", "") for _s, _d, h in responses) == ["", "true"]
        assert counts() == {"entries": 1, "keys": 1}
    finally:
        run(cleanup)


def test_purging_forgets_keys_older_than_a_day(client):
    post_note(client, "old", text="one")
    post_note(client, "new", text="two")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # The key is free again: reusing it does the work anew.
    assert "Idempotent-Replayed" not in post_note(client, "old", text="three").headers
    assert notes() == 3


def test_an_expired_key_not_yet_purged_is_not_replayed(client):
    post_note(client, "stale", text="one")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = post_note(client, "stale", text="other text")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert notes() == 2
