"""Bodies larger than their path takes are refused with a 413 before anything reads them: by
Content-Length, and by the bytes read when the length is not declared. Photo uploads and
imports take more than the rest."""

import io

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from gridgov.core.middleware import BodyLimitMiddleware, BodyTooLarge, body_limit
from gridgov.events.models import Event

pytestmark = pytest.mark.django_db


class Unread(io.BytesIO):
    """A body that must not be read: the refusal comes from the declared length alone."""

    def read(self, *args):  # pragma: no cover - reaching it fails the test
        raise AssertionError("the body was read")

    readline = read


def declared(path: str, size: int, content_type="multipart/form-data; boundary=x"):
    """A request declaring `size` bytes without sending them."""
    return Client().generic(
        "POST", path, b"", content_type=content_type, CONTENT_LENGTH=str(size),
        **{"wsgi.input": Unread()},
    )  # fmt: skip


@pytest.mark.parametrize("path", ["/open311/v2/requests.json", "/public/new/"])
def test_an_anonymous_300_mb_upload_is_refused_unread_with_a_413(path):
    before = Event.objects.count()
    response = declared(path, 300 * 2**20)
    assert response.status_code == 413
    assert Event.objects.count() == before


def test_the_open311_413_has_the_specs_shape():
    (problem,) = declared("/open311/v2/requests.json", 300 * 2**20).json()
    assert problem["code"] == 413 and problem["description"]


def test_the_api_413_has_the_apis_shape_and_small_endpoints_take_little():
    limit = settings.GRIDGOV_MAX_BODY_BYTES
    response = declared("/api/v1/auth/token", limit + 1, "application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_photo_endpoints_and_imports_take_more_than_the_rest():
    small = settings.GRIDGOV_MAX_BODY_BYTES
    assert body_limit("/api/v1/auth/token") == small
    assert body_limit("/api/v1/events") > 9 * settings.GRIDGOV_MAX_PHOTO_BYTES
    assert body_limit("/events/SJ1/act/handle/") == body_limit("/api/v1/events")
    assert body_limit("/public/new/") > 6 * settings.GRIDGOV_MAX_PHOTO_BYTES
    assert body_limit("/regions/import/") > settings.GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES
    assert body_limit("/open311/v2/services.json") == small


def test_bytes_beyond_the_limit_are_refused_when_no_length_is_declared(settings):
    """A body streamed without Content-Length (chunked, or through ASGI) is counted as it is
    read: past the path's limit the read fails, and the answer is a 413."""
    settings.GRIDGOV_MAX_BODY_BYTES = 1000
    request = RequestFactory().post("/api/v1/auth/token", b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(b"[" + b" " * 5000 + b"]")
    middleware = BodyLimitMiddleware(lambda r: r.read())
    with pytest.raises(BodyTooLarge) as refused:
        middleware(request)
    answer = middleware.process_exception(request, refused.value)
    assert answer.status_code == 413


def test_a_body_within_the_limit_is_read_whole(settings):
    settings.GRIDGOV_MAX_BODY_BYTES = 1000
    request = RequestFactory().post("/api/v1/auth/token", b"x" * 1000, content_type="text/plain")
    assert BodyLimitMiddleware(lambda r: r.read())(request) == b"x" * 1000
