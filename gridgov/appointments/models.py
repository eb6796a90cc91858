"""Appointments (预约, M11): resources that take appointments — counsellors, peer talkers, rooms,
service desks — with their weekly hours and exceptions, and the bookings made on them.

A booking is a kind of work item: its status changes only through
`gridgov.appointments.workflow.BOOKING_WORKFLOW`. No slot is ever booked twice: a partial unique
index on (resource, slot start) over the bookings that hold their slot decides every race, on
SQLite and PostgreSQL alike.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import DigestField, EncryptedTextField
from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import HOLDING, BookingChannel, BookingStatus, ResourceKind, WhoMayBook


class MemberList(models.Model):
    """The members of an organisation (a school's students) who may book its resources, known
    only by the keyed digest of their phone numbers."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("member list")
        verbose_name_plural = _("member lists")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ListedMember(models.Model):
    """One member of a list: a name and a phone (encrypted), found by the phone's digest, which
    booking matches and which makes a re-imported list add no one twice. Rows listed before
    names were kept have only the digest."""

    members = models.ForeignKey(MemberList, on_delete=models.CASCADE, related_name="entries")
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = models.CharField(_("phone digest"), max_length=64)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    scope_rule = ScopeRule(region="members__region")

    class Meta:
        verbose_name = _("listed member")
        verbose_name_plural = _("listed members")
        ordering = ["members", "id"]
        constraints = [
            models.UniqueConstraint(fields=["members", "phone_digest"], name="listed_member_once")
        ]

    def __str__(self):
        return self.phone_digest[:8]


class Resource(Placed):
    """Something that takes appointments, owned by a region: a counsellor, the peer talkers, a
    room, a service desk. Its staff (the counsellors) and duty managers are the only people who
    see who booked it when it is sensitive."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=60)
    days_ahead = models.PositiveSmallIntegerField(_("bookable days ahead"), default=30)
    sensitive = models.BooleanField(_("sensitive (counselling)"), default=False)
    who_may_book = models.CharField(
        _("who may book"), max_length=12, choices=WhoMayBook.choices, default=WhoMayBook.ANYONE
    )
    residents_of = models.ForeignKey(
        "regions.Region",
        verbose_name=_("residents of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ForeignKey(
        MemberList,
        verbose_name=_("members of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    staff = models.ManyToManyField(
        "org.Staff", verbose_name=_("staff"), blank=True, related_name="appointment_resources"
    )
    duty_managers = models.ManyToManyField(
        "org.Staff", verbose_name=_("duty managers"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("appointment resource")
        verbose_name_plural = _("appointment resources")
        ordering = ["region", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="resource_name_in_area"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=480), name="resource_slot"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("appointments:resource", args=[self.pk])


class WeeklyHours(models.Model):
    """Open on a weekday from `opens` to `closes` (several rows: a break at noon)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday 0 … Sunday 6
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    scope_rule = ScopeRule(region="resource")

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["resource", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_order"),
        ]

    def __str__(self):
        return f"{self.weekday} {self.opens}–{self.closes}"


class HoursException(models.Model):
    """A day unlike the week: closed (a holiday, training), or open for extra hours."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("day"))
    closed = models.BooleanField(_("closed all day"), default=False)
    opens = models.TimeField(_("extra hours from"), null=True, blank=True)
    closes = models.TimeField(_("extra hours until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    scope_rule = ScopeRule(region="resource")

    class Meta:
        verbose_name = _("exception to the hours")
        verbose_name_plural = _("exceptions to the hours")
        ordering = ["resource", "day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens__lt=models.F("closes")), name="exception_hours"
            ),
        ]

    def __str__(self):
        return f"{self.day}"


class Booking(Placed, WorkItem):
    """One appointment: a person (a name or pseudonym and a phone) at a resource's slot."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices)
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    slot_start = models.DateTimeField(_("slot starts"))
    slot_end = models.DateTimeField(_("slot ends"))
    channel = models.CharField(_("channel"), max_length=8, choices=BookingChannel.choices)
    name = EncryptedTextField(_("name or pseudonym"))
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = DigestField(_("phone digest"), source="phone")
    notes = EncryptedTextField(_("notes"), blank=True)
    # The digest of the link the person cancels or reschedules with (the link itself is sent
    # once, never stored).
    token_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot_start", "id"]
        constraints = [
            # The one rule no race may break: a slot holds one booking. Walk-ins are recorded
            # at the time they came and hold no slot.
            models.UniqueConstraint(
                fields=["resource", "slot_start"],
                condition=Q(status__in=HOLDING) & ~Q(channel=BookingChannel.WALK_IN),
                name="booking_one_per_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "slot_start"], name="booking_resource_slot"),
            models.Index(fields=["status", "slot_start"], name="booking_status_slot"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("work:detail", args=["bookings", self.number])


class BookingTimelineEntry(TimelineEntry):
    item = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="timeline")


class WaitingEntry(models.Model):
    """Someone waiting for a day at a resource: offered the first slot that frees that day."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="waiting")
    day = models.DateField(_("day"))
    name = EncryptedTextField(_("name or pseudonym"))
    phone = EncryptedTextField(_("phone"))
    phone_digest = DigestField(_("phone digest"), source="phone")
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offered_slot = models.DateTimeField(_("slot offered"), null=True, blank=True)

    scope_rule = ScopeRule(region="resource")

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["resource", "day", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "day", "phone_digest"], name="waiting_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.resource_id} {self.day}"


class PhoneCode(models.Model):
    """A confirmation code sent to a phone by text message: kept as a keyed digest, valid for
    minutes, for a few tries, once."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    scope_rule = ScopeRule(region=None)

    class Meta:
        verbose_name = _("confirmation code")
        verbose_name_plural = _("confirmation codes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"
