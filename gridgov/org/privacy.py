"""Showing personal information in full: allowed to some roles, always audited (PIPL)."""

from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.core.pii import EncryptedTextField

from .choices import Capability
from .roles import has_capability


def do_reveal(instance, field_name: str, *, user, ip_address=None) -> str:
    """The plaintext of one encrypted field. The caller has already scoped `instance`."""
    field = next((f for f in instance._meta.concrete_fields if f.name == field_name), None)
    if not isinstance(field, EncryptedTextField):
        raise InvalidInput(_("%(field)s is not personal information.") % {"field": field_name})
    if not has_capability(user, Capability.REVEAL_PII):
        raise NotPermitted(_("Your role may not see personal information in full."))
    audit.record(
        "pii.reveal",
        actor=user,
        target=instance,
        summary=field_name,
        changes={"field": field_name},
        ip_address=ip_address,
    )
    return getattr(instance, field_name)
