"""Turn the errors action functions raise into the right page, once for every view; refuse
requests no database could take."""

from urllib.parse import unquote

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


def refusal(request, message: str) -> HttpResponse:
    """A 400 in the error shape of the part of the site asked: the Open311 spec's, the REST
    API's, or plain text."""
    path = request.path_info
    respond = error_format(path)
    if respond is not None:
        return respond(request, 400, message)
    if path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "invalid"}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
