"""Reads of appointments on behalf of a user, always through `scoped`; who may see a person's
identity (name, phone) on a booking: the resource's staff and its duty managers — for a
sensitive resource (counselling) no one else, not even masked."""

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.core.pii import mask_name, mask_phone
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region

from .choices import HOLDING, BookingChannel, BookingStatus
from .models import Booking, HoursException, ListedMember, MemberList, Resource, WaitingEntry
from .slots import slots_on


def resources_for(user):
    return scoped(Resource.objects.filter(is_active=True), user).select_related("region")


def resource_for(user, pk) -> Resource:
    """The resource with this id in the user's area; 404 for any other id, or for text that is
    not one (a query string's "null")."""
    pk = stored_id(pk)
    resource = resources_for(user).filter(pk=pk).first() if pk is not None else None
    if resource is None:
        raise NotFound()
    return resource


def booking_for(user, number: str) -> Booking:
    booking = scoped(Booking.objects.select_related("resource"), user).filter(number=number).first()
    if booking is None:
        raise NotFound()
    return booking


def served_by(user) -> set[int]:
    """The resources whose bookings the user sees in full: those they staff or manage."""
    post = post_of(user)
    if post is None:
        return set()
    return set(
        Resource.objects.filter(Q(staff=post) | Q(duty_managers=post)).values_list("pk", flat=True)
    )


@dataclass
class Person:
    name: str
    phone: str
    full: bool


def person_on(booking: Booking, served: set[int]) -> Person:
    """What a reader sees of who booked: in full for the resource's people; masked for other
    staff of the area; nothing at all on a sensitive resource."""
    if booking.resource_id in served:
        return Person(booking.name, booking.phone, True)
    if booking.resource.sensitive:
        return Person("", "", False)
    return Person(mask_name(booking.name), mask_phone(booking.phone), False)


def free_slots(resource: Resource, day: dt.date, *, now=None) -> list[dt.datetime]:
    """The day's slots not yet begun and not held by a booking: two queries."""
    now = now or timezone.now()
    exceptions = list(resource.exceptions.filter(day=day))
    slots = slots_on(day, list(resource.hours.all()), exceptions, resource.slot_minutes)
    taken = set(
        Booking.objects.filter(resource=resource, status__in=HOLDING, slot_start__in=slots)
        .exclude(channel=BookingChannel.WALK_IN)
        .values_list("slot_start", flat=True)
    )
    return [s for s in slots if s > now and s not in taken]


def bookings_for(user, *, start: dt.date, days: int, resource=None):
    """The bookings of the days from `start`, by resource then time, with what the board
    needs in one query."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    qs = scoped(Booking.objects.all(), user).filter(
        slot_start__gte=begin, slot_start__lt=begin + timedelta(days=days)
    )
    if resource is not None:
        qs = qs.filter(resource=resource)
    return qs.select_related("resource").order_by("resource__name", "resource_id", "slot_start")


def board_figures(user, *, start: dt.date, days: int) -> dict:
    """Counts of the days by status: no person in them (the KPIs never name anyone)."""
    rows = (
        bookings_for(user, start=start, days=days)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {r["status"]: r["n"] for r in rows}
    walk_ins = (
        bookings_for(user, start=start, days=days).filter(channel=BookingChannel.WALK_IN).count()
    )
    return {
        "booked": counts.get(BookingStatus.BOOKED, 0),
        "attended": counts.get(BookingStatus.ATTENDED, 0),
        "no_show": counts.get(BookingStatus.NO_SHOW, 0),
        "cancelled": counts.get(BookingStatus.CANCELLED, 0),
        "walk_ins": walk_ins,
    }


def waiting_for(user, *, start: dt.date):
    return (
        scoped(WaitingEntry.objects.all(), user)
        .filter(day__gte=start)
        .select_related("resource")
        .order_by("day", "created_at", "id")
    )


# --- Configuration --------------------------------------------------------------------------

CONFIG_AREA_LEVELS = ("county", "town", "village")
AREA_CHOICES = 300


def configured_resources(user):
    """Every resource of the user's area, taken out of booking or not."""
    return scoped(Resource.objects.all(), user).select_related("region", "members")


def configured_resource(user, pk) -> Resource:
    pk = stored_id(pk)
    resource = configured_resources(user).filter(pk=pk).first() if pk is not None else None
    if resource is None:
        raise NotFound()
    return resource


def member_lists_for(user):
    return scoped(MemberList.objects.select_related("region"), user).annotate(size=Count("entries"))


def member_list_for(user, pk) -> MemberList:
    pk = stored_id(pk)
    found = member_lists_for(user).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound()
    return found


def listed_member_for(members: MemberList, pk) -> ListedMember:
    pk = stored_id(pk)
    found = members.entries.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound()
    return found


def exception_for(resource: Resource, pk) -> HoursException:
    pk = stored_id(pk)
    found = resource.exceptions.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound()
    return found


def areas_for(user):
    """The areas a resource or a member list of the user's may belong to (county to village),
    the largest first."""
    rows = scoped(Region.objects.defer("boundary"), user).filter(level__in=CONFIG_AREA_LEVELS)
    return rows.order_by("code")[:AREA_CHOICES]


def area_for(user, pk) -> Region:
    pk = stored_id(pk)
    rows = scoped(Region.objects.defer("boundary"), user).filter(level__in=CONFIG_AREA_LEVELS)
    found = rows.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound(_("No such area in yours."))
    return found
