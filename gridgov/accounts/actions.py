"""Write paths for login accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import InvalidInput


def check_password(password: str, user) -> None:
    """Raise InvalidInput listing every rule the password breaks."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            _("The password is too weak."),
            details=[{"field": "password", "reason": message} for message in exc.messages],
        ) from None


@transaction.atomic
def do_set_password(user, password: str, *, actor) -> None:
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("accounts.user.set_password", actor=actor, target=user)
