"""Reading staff on behalf of a user: always through the scoping helper."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from gridgov.regions.selectors import home_region_for, regions_for

from .choices import DepartmentKind, Role
from .models import Department, Staff
from .roles import post_of
from .scoping import scoped


def staff_for(
    user,
    *,
    role: str = "",
    region: Region | None = None,
    name: str = "",
    department: Department | None = None,
    active: bool | None = None,
):
    """Staff the user may see, optionally of one role, inside one region, of one unit (and its
    sub-units), matching a name or employee number, active or not; in directory order, with
    what a list shows loaded."""
    staff = scoped(Staff.objects.all(), user).select_related("region", "department", "user")
    if role in Role.values:
        staff = staff.filter(role=role)
    if department is not None:
        staff = staff.filter(department__path__startswith=department.path)
    if active is not None:
        staff = staff.filter(is_active=active)
    if region is not None:
        staff = staff.filter(**{f"region__{region.level}": region.pk})
    if name:
        staff = staff.filter(Q(name__contains=name) | Q(employee_number=name))
    return staff.order_by("region__code", "name", "id")


def department_named(code: str) -> Department:
    """An active unit by its code (the directory is open to all staff); 404 otherwise."""
    department = (
        Department.objects.select_related("region").filter(code=code, is_active=True).first()
    )
    if department is None:
        raise NotFound(_("No active department %(code)s.") % {"code": code})
    return department


def departments_for(user, *, kind: str = "", text: str = "", region=None, active=None):
    """The directory of units, filtered; in code order with what a list shows loaded."""
    units = scoped(Department.objects.all(), user).select_related("region", "parent")
    if kind in DepartmentKind.values:
        units = units.filter(kind=kind)
    if text:
        units = units.filter(Q(name__contains=text) | Q(code__startswith=text))
    if region is not None:
        units = units.filter(**{f"region__{region.level}": region.pk})
    if active is not None:
        units = units.filter(is_active=active)
    return units.order_by("code")


def staff_member_for(user, pk) -> Staff:
    """One post the user may see (404 otherwise), with its login and places loaded."""
    staff = (
        scoped(Staff.objects.all(), user)
        .select_related("region", "department", "user")
        .filter(pk=stored_id(pk) or 0)
        .first()
    )
    if staff is None:
        raise NotFound(_("No such staff member in your area."))
    return staff


def other_posts_of(staff: Staff, user):
    """The person's other posts (same login) that `user` may see, for their page: a post in
    another county stays that county's business."""
    if staff.user_id is None:
        return Staff.objects.none()
    return (
        scoped(Staff.objects.filter(user_id=staff.user_id), user)
        .exclude(pk=staff.pk)
        .select_related("region", "department")
        .order_by("pk")
    )


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
