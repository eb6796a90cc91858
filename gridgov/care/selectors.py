"""Reads of frontline care on behalf of a user: always through `scoped`."""

from dataclasses import dataclass

from gridgov.core.errors import NotFound, stored_id
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.org.scoping import scoped

from .models import CareProblem, CareVisit, DutyPost, RestOrder, Shift

LEVELS = ("city", "county", "town", "village", "grid", "microgrid")


def leader_user_ids(item) -> list[int]:
    """The logins of the leaders posted where a placed row is, or above it."""
    regions = [getattr(item, f"{level}_id") for level in LEVELS if getattr(item, f"{level}_id")]
    return list(
        Staff.objects.filter(
            role=Role.LEADER, is_active=True, user__isnull=False, region_id__in=regions
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def posts_for(user, *, kind: str = "", q: str = ""):
    posts = scoped(DutyPost.objects.filter(is_active=True), user).select_related("town")
    if kind:
        posts = posts.filter(kind=kind)
    if q:
        posts = posts.filter(name__icontains=q) | posts.filter(code__icontains=q)
    return posts.order_by("code")


def post_for(user, pk) -> DutyPost:
    post = scoped(DutyPost.objects.select_related("region", "town"), user).filter(
        pk=stored_id(pk) or 0
    )
    found = post.first()
    if found is None:
        raise NotFound()
    return found


def staff_for(user):
    """People a user may put on duty: the active staff of their area."""
    return scoped(Staff.objects.filter(is_active=True), user).defer("phone", "id_number")


@dataclass(frozen=True)
class ShiftFilter:
    post: int | None = None
    staff: int | None = None
    start: object = None  # aware datetime: shifts ending after it
    end: object = None  # shifts starting before it
    night: bool = False


def shifts_for(user, f: ShiftFilter = ShiftFilter()):
    shifts = scoped(Shift.objects.all(), user).select_related("staff", "post")
    shifts = shifts.defer("staff__phone", "staff__id_number")
    if f.post:
        shifts = shifts.filter(post_id=f.post)
    if f.staff:
        shifts = shifts.filter(staff_id=f.staff)
    if f.start is not None:
        shifts = shifts.filter(ends_at__gt=f.start)
    if f.end is not None:
        shifts = shifts.filter(starts_at__lt=f.end)
    if f.night:
        shifts = shifts.filter(night=True)
    return shifts.order_by("-starts_at", "-id")


def visits_for(user):
    return (
        scoped(CareVisit.objects.all(), user).select_related("post").order_by("-visited_at", "-id")
    )


def visit_for(user, pk) -> CareVisit:
    visit = visits_for(user).filter(pk=stored_id(pk) or 0).first()
    if visit is None:
        raise NotFound()
    return visit


def rest_orders_for(user, status: str = ""):
    orders = scoped(RestOrder.objects.all(), user).select_related("staff")
    orders = orders.defer("staff__phone", "staff__id_number")
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-proposed_at", "-id")


def problems_for(user, status: str = ""):
    problems = scoped(CareProblem.objects.all(), user).select_related("visit__post")
    if status:
        problems = problems.filter(status=status)
    return problems.order_by("-raised_at", "-id")
