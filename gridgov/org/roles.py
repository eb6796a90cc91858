"""Which role may do what. One table, read by views, the API and action functions alike."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .choices import Capability as C
from .choices import Role
from .models import Staff

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({C.VIEW_REGIONS, C.VIEW_STAFF, C.VIEW_CAMPAIGNS}),
    Role.MICROGRID_LEADER: frozenset({C.VIEW_REGIONS}),
    Role.DISPATCHER: frozenset(
        {
            C.VIEW_REGIONS,
            C.VIEW_STAFF,
            C.REVEAL_PII,
            C.VIEW_KPI,
            C.PLAN_INSPECTIONS,
            C.VIEW_CAMPAIGNS,
            C.MANAGE_CAMPAIGNS,
            C.MANAGE_DUTY,
            C.MANAGE_SERVICES,
            C.MANAGE_EVALUATION,
        }
    ),
    Role.OFFICER: frozenset({C.VIEW_REGIONS, C.VIEW_STAFF, C.VIEW_CAMPAIGNS}),
    Role.SUPERVISOR: frozenset(
        {C.VIEW_REGIONS, C.VIEW_STAFF, C.VIEW_KPI, C.REVIEW_REVEALS, C.VIEW_CAMPAIGNS}
    ),
    Role.LEADER: frozenset(
        {
            C.VIEW_REGIONS,
            C.VIEW_STAFF,
            C.VIEW_KPI,
            C.REVIEW_REVEALS,
            C.VIEW_CAMPAIGNS,
            C.MANAGE_CAMPAIGNS,
            C.MANAGE_DUTY,
            C.MANAGE_PUSHES,
        }
    ),
    # An administrator manages the departments, staff and logins of their area (MANAGE_STAFF).
    Role.ADMIN: frozenset(C.values),
    Role.INTEGRATION: frozenset({C.FEED_SIGNALS}),
}


def posts_with_places():
    """Staff posts as deciding what someone may do reads them: with region and department,
    without the personal fields or the posting's polygon (a blob of kilobytes)."""
    return Staff.objects.select_related("region", "department").defer(
        "phone", "id_number", "region__boundary"
    )


def post_of(user):
    """The user's staff post with its region and department, loaded once per request.

    Personal fields are deferred: deciding what someone may see never needs their phone number;
    nor the posting's polygon, a blob of kilobytes read on every request otherwise.
    """
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_gridgov_post"):
        # Someone with a second post acts in their first active one; the order names no
        # joined column, so it sorts the user's few rows only.
        posts = posts_with_places().filter(user=user).order_by("-is_active", "pk")[:1]
        user._gridgov_post = posts[0] if posts else None
    return user._gridgov_post


def capabilities_of(user) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(C.values)
    staff = post_of(user)
    if staff is None or not staff.is_active:
        return frozenset()
    return ROLE_CAPABILITIES[staff.role]


def has_capability(user, capability: str) -> bool:
    return capability in capabilities_of(user)


# Officers work for a department and see that department's work (its sub-units included) in
# their area. Everyone else — dispatchers routing to every unit, supervisors checking them,
# leaders — sees their whole area whatever unit they belong to.
DEPARTMENT_BOUND_ROLES: frozenset[str] = frozenset({Role.OFFICER})


def capability_required(capability: str):
    """Page views: sign-in required, and the capability; otherwise the 403 page."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(request, *args, **kwargs):
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


# Accounts of other systems (sensor gateways) feed data and read nothing of the area they work
# for: their scope holds only what they own themselves.
UNSCOPED_ROLES: frozenset[str] = frozenset({Role.INTEGRATION})
