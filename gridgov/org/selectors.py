"""Reading staff on behalf of a user: always through the scoping helper."""

from gridgov.regions.models import Region

from .choices import Role
from .models import Staff
from .scoping import scoped


def staff_for(user, *, role: str = "", region: Region | None = None, name: str = ""):
    """Staff the user may see, optionally of one role, inside one region, or matching a name;
    in directory order, with what a list shows loaded."""
    staff = scoped(Staff.objects.all(), user).select_related("region", "department")
    if role in Role.values:
        staff = staff.filter(role=role)
    if region is not None:
        staff = staff.filter(**{f"region__{region.level}": region.pk})
    if name:
        staff = staff.filter(name__contains=name)
    return staff.order_by("region__code", "name", "id")
