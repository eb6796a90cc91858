"""Turn the errors action functions raise into the right page, once for every view; refuse
requests no database could take."""

import re
from functools import lru_cache
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import GridGovError, NotFound, NotPermitted
from .registry import error_format


class DomainErrorMiddleware:
    """A view may let a GridGovError escape: out-of-scope reads become the 404 page (never
    telling that the record exists), refusals the 403 page, bad input a page with the message.
    The REST API handles the same errors in `gridgov.core.api.exception_handler`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, NotPermitted):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, GridGovError):
            return render(
                request,
                "error.html",
                {"message": exception.message, "details": exception.details},
                status=exception.status_code,
            )
        return None


# What Django raises for a body it will not read: too large, too many fields or files, or
# multipart it cannot parse.
UNREADABLE = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
# Form bodies are read here only in these encodings (a JSON body is DRF's, and DRF's CharField
# refuses NUL itself); file contents are not looked at, their names are.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    """PostgreSQL can neither store nor compare text holding NUL (U+0000), so any query with
    one fails with a server error; no person and no honest client sends it. A request with NUL
    in its path, query string, cookies (the session is looked up by its cookie) or form fields
    is refused here with a 400, before any session lookup or view, in the error shape of its
    area. A form body that cannot be parsed at all gets the same treatment (Django would
    answer it with a bare 400 later)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            carries_nul = _carries_nul(request)
        except BodyTooLarge:
            return BodyLimitMiddleware.too_large(request, body_limit(request.path_info))
        except UNREADABLE:
            return refusal(
                request, _("The request cannot be read: too large, too many fields, or malformed.")
            )
        if carries_nul:
            return refusal(
                request, _("The request contains a NUL character, which no field may hold.")
            )
        return self.get_response(request)


def _carries_nul(request) -> bool:
    texts = [request.path_info, unquote(request.META.get("QUERY_STRING", ""))]
    texts += [part for item in request.COOKIES.items() for part in item]
    if request.method not in ("GET", "HEAD") and request.content_type in FORM_TYPES:
        texts += [part for key, values in request.POST.lists() for part in (key, *values)]
        texts += [
            part
            for key, files in request.FILES.lists()
            for part in (key, *(f.name or "" for f in files))
        ]
    return any("\x00" in text for text in texts)


def refusal(request, message: str, status: int = 400, code: str = "invalid") -> HttpResponse:
    """A 400 (or `status`) in the error shape of the part of the site asked: the Open311
    spec's, the REST API's, or plain text."""
    path = request.path_info
    respond = error_format(path)
    if respond is not None:
        return respond(request, status, message)
    if path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    if status == 400:
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


# --- Body size ------------------------------------------------------------------------------


class BodyTooLarge(RequestDataTooBig):
    """More bytes were read than the path's limit (a body sent without Content-Length)."""


def body_limit(path: str) -> int:
    """The largest body this path takes: the first of GRIDGOV_BODY_LIMITS whose pattern
    matches, else GRIDGOV_MAX_BODY_BYTES."""
    for pattern, limit in _compiled_limits(tuple(settings.GRIDGOV_BODY_LIMITS)):
        if pattern.match(path):
            return limit
    return settings.GRIDGOV_MAX_BODY_BYTES


@lru_cache(maxsize=4)
def _compiled_limits(limits: tuple) -> list[tuple[re.Pattern, int]]:
    return [(re.compile(pattern), limit) for pattern, limit in limits]


class CappedStream:
    """The request's input, refusing (BodyTooLarge) to hand out more than `limit` bytes."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise BodyTooLarge(_("The request body is too large."))
        return data

    def read(self, size=-1):
        return self._count(self.stream.read(size))

    def readline(self, size=-1):
        return self._count(self.stream.readline(size))

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name):  # close() and the like: the wrapped stream's
        return getattr(self.stream, name)


class BodyLimitMiddleware:
    """A body larger than its path takes is refused with a 413 before anything reads it: by
    its Content-Length, and by the bytes actually read (GRIDGOV_BODY_LIMITS: photo uploads
    and imports take more, the rest little). Without it, an anonymous 300 MB multipart was
    spooled to disk before the view could refuse it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path_info)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, _("The Content-Length header is not a number."))
        if declared > limit:
            return self.too_large(request, limit)
        request._stream = CappedStream(request._stream, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BodyTooLarge):
            return self.too_large(request, body_limit(request.path_info))
        return None

    @staticmethod
    def too_large(request, limit: int) -> HttpResponse:
        message = _("The request body is larger than this address takes (%(mb)s MB).") % {
            "mb": f"{limit / 2**20:.0f}"
        }
        return refusal(request, message, status=413, code="too_large")


# --- Content-Security-Policy ----------------------------------------------------------------


def content_security_policy() -> str:
    """Scripts, styles and everything else from this site only (no inline script anywhere:
    pages load their scripts from static files); images may also come from the map tile
    server (MAP_TILE_URL). GRIDGOV_CSP replaces the whole policy."""
    if settings.GRIDGOV_CSP:
        return settings.GRIDGOV_CSP
    images = ["'self'", "data:", "blob:"]
    tiles = _origin(settings.MAP_TILE_URL)
    if tiles:
        images.append(tiles)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _origin(url: str) -> str:
    """scheme://host[:port] of a tile URL template ("https://t{s}.example/{z}/{x}/{y}.png")."""
    match = re.match(r"^(https?://[^/]+)", url or "")
    if not match:
        return ""
    return re.sub(r"\{s\}", "*", match[1])


class ContentSecurityPolicyMiddleware:
    """Every answer carries the Content-Security-Policy (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        return response
