"""Errors that action functions raise. Views and the API turn them into 4xx responses.

An action either completes or raises one of these before it has changed anything, so the
caller never has to clean up.
"""

from django.utils.translation import gettext_lazy as _


class GridGovError(Exception):
    status_code = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, details=None):
        self.message = message if message is not None else self.default_message
        self.details = details or []
        super().__init__(str(self.message))


class InvalidInput(GridGovError):
    status_code = 400
    code = "invalid"


class NotPermitted(GridGovError):
    status_code = 403
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class NotFound(GridGovError):
    status_code = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(GridGovError):
    status_code = 409
    code = "conflict"
    default_message = _("Someone else changed this first; reload and try again.")


class TooManyRequests(GridGovError):
    status_code = 429
    code = "throttled"
    default_message = _("Too many requests; please try again later.")


def field_problem(field: str, message) -> dict:
    """One problem of a refused input, by field, as errors' `details` carry them."""
    return {"field": field, "message": str(message)}


# The largest primary key the databases store (a signed 64-bit integer): a bigger number names
# nothing, and SQLite cannot even be asked about it.
MAX_ID = 2**63 - 1


def stored_id(value) -> int | None:
    """`value` as a primary key a row could have — an integer, or its digits, from 1 to
    MAX_ID — or None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
