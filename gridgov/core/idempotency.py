"""`Idempotency-Key` for POST endpoints: a retried request gets the first answer, and the work
is done once.

A phone on a weak network often loses the response to a request the server did complete; it
retries with the same key, and gets the stored response back (`Idempotent-Replayed: true`)
instead of reporting the same event twice. In a view::

    def post(self, request):
        def create():
            event = do_report_event(..., actor=request.user)
            return Response(EventSerializer(event).data, status=201)

        return idempotent(request, create)

Without the header the request is simply run. Keys belong to the signed-in user and are
forgotten after `KEY_TTL` (`purge_idempotency_keys`, run periodically).
"""

import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .errors import GridGovError, InvalidInput
from .models import IdempotencyKey
from .registry import upload_handlers

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_TTL = timedelta(hours=24)
# 1 to 100 visible ASCII characters (RFC 5234 VCHAR): no spaces, no control characters.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,100}")
_CHUNK = 64 * 1024


class KeyReused(GridGovError):
    status_code = 422
    code = "idempotency_key_reused"


class _KeyTaken(Exception):
    """Another request stored the same key between our look-up and our insert."""


def idempotent(request, create: Callable[[], Response]) -> Response:
    """Run `create()` once per Idempotency-Key of the user; replay its response to retries.

    - no header: `create()` is simply called;
    - a malformed key: 400 (InvalidInput);
    - a key already used for this same request (method, path and body): the stored status
      and body, with the header `Idempotent-Replayed: true`, and `create()` is not called;
    - a key already used for a different request: 422;
    - otherwise `create()` runs, and its response is stored in the same transaction if it is
      a 2xx (a refused request may be retried with the same key). If `create()` raises, the
      transaction is rolled back and nothing is stored.

    `create()` must return a DRF Response with JSON-serialisable data.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(
            _("The Idempotency-Key header must be 1 to 100 visible ASCII characters.")
        )
    user = request.user
    if not user.is_authenticated:
        return create()  # keys belong to a user; an anonymous request has nowhere to keep one
    # Before anything parses the body: the digest is taken from its raw bytes.
    digest = request_digest(request)
    stored = _stored(user, key)
    if stored is not None:  # a retry: answered without decoding its photos again
        return _answer(stored, digest)
    # Photos are decoded and stored before the transaction: on SQLite it holds the one write
    # lock, and other people's writes would wait seconds on a large photo.
    files = getattr(request, "FILES", None)
    prepared = []
    try:
        for handler in upload_handlers():
            prepared.append((handler, handler.prepare(files)))
        return _once(user, key, digest, create)
    finally:
        for handler, stored in prepared:
            if stored:
                handler.discard(stored)


def _once(user, key: str, digest: str, create: Callable[[], Response]) -> Response:
    with transaction.atomic():
        stored = _stored(user, key)
        if stored is not None:
            return _answer(stored, digest)
        try:
            # A savepoint: if a concurrent request with the same key committed first, what
            # create() did here is undone and that request's answer is given instead.
            with transaction.atomic():
                response = create()
                if 200 <= response.status_code < 300:
                    _store(user, key, digest, response)
        except _KeyTaken as taken:
            stored = _stored(user, key)
            if stored is None:  # not a duplicate key after all
                raise taken.__cause__ from None
            return _answer(stored, digest)
    return response


def _stored(user, key: str) -> IdempotencyKey | None:
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is not None and stored.created_at < timezone.now() - KEY_TTL:
        stored.delete()  # expired, not purged yet: the key is free again
        return None
    return stored


def _answer(stored: IdempotencyKey, digest: str) -> Response:
    if stored.request_digest != digest:
        raise KeyReused(
            _(
                "This Idempotency-Key was used for a different request; "
                "use a new key for a new request."
            )
        )
    return Response(
        stored.response_body, status=stored.response_status, headers={REPLAYED_HEADER: "true"}
    )


def _store(user, key: str, digest: str, response) -> None:
    if not isinstance(response, Response):
        raise TypeError("idempotent(): create() must return a rest_framework Response")
    # Stored as the client saw it: through the same JSON renderer, so a replay is identical.
    body = None if response.data is None else json.loads(JSONRenderer().render(response.data))
    try:
        IdempotencyKey.objects.create(
            user=user,
            key=key,
            request_digest=digest,
            response_status=response.status_code,
            response_body=body,
        )
    except IntegrityError as exc:
        # On PostgreSQL this insert waited on the unique index until the other request
        # committed; on SQLite writers are serialised at BEGIN and this does not happen.
        raise _KeyTaken from exc


def purge_idempotency_keys(*, now=None) -> int:
    """Forget keys older than KEY_TTL; returns how many. For a periodic job."""
    cutoff = (now or timezone.now()) - KEY_TTL
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- The request digest ---------------------------------------------------------------------


def request_digest(request) -> str:
    """SHA-256 of method, full path and the raw body bytes (multipart uploads included).

    Reading the body here keeps it available to the parsers afterwards. Bodies larger than
    DATA_UPLOAD_MAX_MEMORY_SIZE (photos) are streamed through a temporary file rather than
    `request.body`, which would refuse them.
    """
    django_request = getattr(request, "_request", request)
    cached = getattr(django_request, "_gridgov_request_digest", None)
    if cached is not None:
        return cached
    hasher = hashlib.sha256()
    hasher.update(f"{django_request.method} {django_request.get_full_path()}\n".encode())
    try:
        _digest_raw_body(django_request, hasher)
    except RawPostDataException:
        # The body was parsed already: a session-authenticated form or multipart POST, whose
        # CSRF check reads the form. Digest what was parsed instead.
        hasher.update(b"\0parsed\0")
        _digest_parsed_body(request, hasher)
    digest = hasher.hexdigest()
    django_request._gridgov_request_digest = digest
    return digest


def _digest_raw_body(django_request, hasher) -> None:
    try:
        length = int(django_request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or length <= limit or hasattr(django_request, "_body"):
        hasher.update(django_request.body)
        return
    if django_request._read_started:
        raise RawPostDataException
    # Not a context manager: the request owns the file from here and reads it later.
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    while chunk := django_request.read(_CHUNK):
        hasher.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    # Hand the body back to the request, unread, for DRF's parsers.
    django_request._stream = spool
    django_request._read_started = False


def _digest_parsed_body(request, hasher) -> None:
    data = getattr(request, "data", None)  # DRF: parsed JSON, or form fields and files
    if data is None:  # a plain Django request
        data = request.POST.copy()
        data.update(request.FILES)
    if not hasattr(data, "getlist"):
        hasher.update(json.dumps(data, sort_keys=True, default=str).encode())
        return
    for name in sorted(data.keys()):
        for value in data.getlist(name):
            if hasattr(value, "chunks"):  # an uploaded file
                hasher.update(f"{name}:{value.name}:{value.size}\0".encode())
                for chunk in value.chunks():
                    hasher.update(chunk)
                value.seek(0)
            else:
                hasher.update(f"{name}={value}\0".encode())
