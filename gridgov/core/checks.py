"""Checking a write's input before anything changes: every problem of a form or a request is
collected in a list (one `field_problem` each), then refused at once, so a person fixes all of
them in one go. Actions of every area use these; none keeps its own copy.

    problems = []
    name = text(data.name, "name", 60, problems)
    day = past_day(data.on, "on", problems)
    refuse_if_any(_("The building is not complete."), problems)
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidInput, field_problem


def refuse_if_any(message, problems: list) -> None:
    """Refuse the input (400) with `message` and every problem found, when there is any."""
    if problems:
        raise InvalidInput(message, details=list(problems))


def text(value, name: str, limit: int, problems: list, *, required=True, label=None) -> str:
    """The value stripped of surrounding blanks; a problem for `name` when it is required and
    empty, or longer than `limit`. With `label` (the field in words, "The reason"), the problem
    is a sentence that stands on its own, for forms that list the problems above the fields."""
    value = value.strip() if isinstance(value, str) else "" if value is None else str(value)
    missing, too_long = required and not value, len(value) > limit
    if label is not None and (missing or too_long):
        message = _("%(what)s is required, at most %(n)d characters.") % {"what": label, "n": limit}
        problems.append(field_problem(name, message))
    elif missing:
        problems.append(field_problem(name, _("This field is required.")))
    elif too_long:
        problems.append(field_problem(name, _("At most %(n)d characters.") % {"n": limit}))
    return value


def checked_text(value, name: str, limit: int, *, required=True) -> str:
    """`text` for a field refused on its own, at once (400 naming the field)."""
    problems: list = []
    value = text(value, name, limit, problems, required=required)
    if not value and problems:
        refuse_if_any(_("%(f)s is required.") % {"f": name}, problems)
    refuse_if_any(_("%(f)s is longer than %(n)d characters.") % {"f": name, "n": limit}, problems)
    return value


def past_day(value, name: str, problems: list, *, default=None) -> dt.date | None:
    """A date that has come (a move, an arrival, a payment): a date or YYYY-MM-DD text;
    `default` when none is given."""
    if value in (None, ""):
        return default
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            problems.append(field_problem(name, _("Not a date (YYYY-MM-DD).")))
            return None
    if value > timezone.localdate():
        problems.append(field_problem(name, _("The date is in the future.")))
        return None
    return value
