"""Reading staff on behalf of a user: always through the scoping helper."""

from django.db.models import Count, Q

from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from gridgov.regions.selectors import home_region_for, regions_for

from .choices import Role
from .models import Staff
from .roles import post_of
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


# --- The workbench ------------------------------------------------------------------------


def my_post(user) -> dict:
    """Who I am on the workbench: my post, with its region and department."""
    return {"staff": post_of(user)}


def my_area(user) -> dict:
    """What my area holds: its villages, grids, micro-grids and staff."""
    counts = regions_for(user).aggregate(
        villages=Count("pk", filter=Q(level=RegionLevel.VILLAGE)),
        grids=Count("pk", filter=Q(level=RegionLevel.GRID)),
        microgrids=Count("pk", filter=Q(level=RegionLevel.MICROGRID)),
    )
    counts["staff"] = scoped(Staff.objects.filter(is_active=True), user).count()
    return {"home_region": home_region_for(user), "counts": counts}
