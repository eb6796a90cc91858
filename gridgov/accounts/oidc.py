"""Sign-in through the organisation's identity provider (OpenID Connect, mozilla-django-oidc).

Enabled only when the GRIDGOV_OIDC_* settings are set (see settings.base). The provider's user
is mapped to a staff member by one configured claim — an employee number, a phone or ID number
(matched by digest: they are stored encrypted), or a username. Nobody is created: a person the
roster does not know, or whose post or login is deactivated, is refused. Local passwords stay.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from gridgov.core.pii import digest

# What a claim may be matched against, and how.
MATCHES = ("employee_number", "phone", "id_number", "username")


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def users_for_claim(value: str, match: str):
    """The active logins of active staff whose `match` field is `value`."""
    from gridgov.org.models import Staff

    users = get_user_model().objects.filter(is_active=True)
    if not value or match not in MATCHES:
        return users.none()
    if match == "username":
        return users.filter(username=value, staff__is_active=True).distinct()
    staff = Staff.objects.filter(is_active=True, user__isnull=False)
    if match == "employee_number":
        staff = staff.filter(employee_number=value)
    else:
        staff = staff.filter(**{f"{match}_digest": digest(value)})
    return users.filter(pk__in=staff.values("user_id"))


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.GRIDGOV_OIDC_CLAIM))

    def describe_user_by_claims(self, claims) -> str:
        return f"claim {settings.GRIDGOV_OIDC_CLAIM}"  # never the value: it may be an ID number

    def filter_users_by_claims(self, claims):
        value = str(claims.get(settings.GRIDGOV_OIDC_CLAIM) or "").strip()
        return users_for_claim(value, settings.GRIDGOV_OIDC_MATCH)

    def create_user(self, claims):
        return None  # people come from the roster, never from the provider

    def update_user(self, user, claims):
        return user
