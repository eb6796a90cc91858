"""Turn the errors action functions raise into the right page, once for every view."""

from django.shortcuts import render
from django.views import defaults

from .errors import GridGovError, NotFound, NotPermitted


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
