"""Shared pieces of the REST API: pagination and one shape for every error."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import GridGovError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def body_object(data) -> Mapping:
    """`request.data` as the mapping a view reads fields from: a JSON body that is a list, a
    string or a number is a 400 (DRF's parse error), not a crash."""
    if not isinstance(data, Mapping):
        raise exceptions.ParseError(_("The request body must be a JSON object."))
    return data


def exception_handler(exc, context):
    """Errors look alike everywhere: {"detail": message, "code": code[, "errors": [...]]}."""
    if isinstance(exc, GridGovError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.details:
            body["errors"] = exc.details
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request is not valid."),
            "code": "invalid",
            "errors": exc.detail,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response
