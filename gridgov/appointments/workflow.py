"""The bookings' transition table: booked (by the person on the public page, or by staff on
their behalf) → attended, did not come, or cancelled; rescheduled while booked. A walk-in is
recorded as attended at once. A booking still open a day after its slot is marked overdue by
the one deadline sweep, so the duty manager records how it went."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gridgov.org.choices import Role
from gridgov.workflow.deadlines import OVERDUE, DeadlineRule, chase, overdue_transition
from gridgov.workflow.engine import CITIZEN, SYSTEM, Deadline, PublicActor, Transition, Workflow

from .choices import BookingStatus
from .models import Booking, BookingTimelineEntry

S = BookingStatus
STAFF = frozenset(Role.values) - {Role.INTEGRATION}
TERMINAL = frozenset({S.CANCELLED, S.ATTENDED, S.NO_SHOW})


class RescheduleInput(serializers.Serializer):
    slot_start = serializers.DateTimeField(help_text=_("The new slot's start."))


T = Transition
TRANSITIONS = (
    T("book", (), S.BOOKED, STAFF | {CITIZEN, SYSTEM}, _("book"), guard="serves_or_public",
      step="attend"),
    T("walk_in", (), S.ATTENDED, STAFF | {SYSTEM}, _("record a walk-in"), guard="serves",
      stamps="attended_at"),
    T("attend", (S.BOOKED,), S.ATTENDED, STAFF, _("came"), guard="serves",
      stamps="attended_at"),
    T("no_show", (S.BOOKED,), S.NO_SHOW, STAFF, _("did not come"), guard="serves"),
    T("cancel", (S.BOOKED,), S.CANCELLED, STAFF | {CITIZEN}, _("cancel"),
      guard="serves_or_holder", stamps="cancelled_at"),
    T("reschedule", (S.BOOKED,), None, STAFF | {CITIZEN}, _("reschedule"),
      guard="serves_or_holder", input=RescheduleInput, step="attend"),
    overdue_transition(S, TERMINAL),
)  # fmt: skip


def serves(booking, actor, post) -> bool:
    """The resource's staff (its counsellors) and duty managers, and an administrator of its
    area, act on its bookings."""
    if post is None:
        return False
    if post.role == Role.ADMIN and post.region is not None:
        return post.region.contains(booking.resource)
    resource = booking.resource
    return (
        resource.staff.filter(pk=post.pk).exists()
        or resource.duty_managers.filter(pk=post.pk).exists()
    )


def serves_or_public(booking, actor, post) -> bool:
    # The public page checks the person's code before it books.
    return isinstance(actor, PublicActor) or serves(booking, actor, post)


def serves_or_holder(booking, actor, post) -> bool:
    if isinstance(actor, PublicActor):
        return actor.holds == booking.pk
    return serves(booking, actor, post)


def deadline(booking, step, start) -> Deadline:
    """How it went is recorded by the day after the slot."""
    return Deadline(
        step=step, warn_at=booking.slot_end, due_at=booking.slot_end + timedelta(days=1)
    )


def recipients(booking, t) -> list[int]:
    resource = booking.resource
    people = list(resource.duty_managers.values_list("user_id", flat=True))
    return people or list(resource.staff.values_list("user_id", flat=True))


BOOKING_WORKFLOW = Workflow(
    name="bookings",
    model=Booking,
    timeline_model=BookingTimelineEntry,
    states=BookingStatus,
    terminal=TERMINAL,
    transitions=TRANSITIONS,
    guards={"serves": serves, "serves_or_public": serves_or_public,
            "serves_or_holder": serves_or_holder},
    deadline=deadline,
    recipients=recipients,
    notify_on=frozenset({OVERDUE}),
    lock_related=("resource",),
    serializer="gridgov.appointments.api.BookingDetailSerializer",
    lookup="gridgov.appointments.selectors.booking_for",
    list_url="appointments:board",
)  # fmt: skip
chase(BOOKING_WORKFLOW, DeadlineRule(OVERDUE))
