from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import EncryptedTextField, mask_phone
from gridgov.org.choices import DepartmentKind
from gridgov.org.scoping import ScopeRule
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import AssignmentRole, EventSource, EventStatus, Priority, Step


class EventCategory(models.Model):
    """A class of event in a two-level taxonomy (大类 / 小类), after GB/T 30428.2.

    Each class limits each step of the loop in working hours and says at which level it is
    normally handled; a second-level class without its own limits takes its parent's when
    the file is imported.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    accept_hours = models.FloatField(_("hours to accept"), default=2)
    dispatch_hours = models.FloatField(_("hours to dispatch"), default=2)
    handle_hours = models.FloatField(_("hours to handle"), default=16)
    verify_hours = models.FloatField(_("hours to verify"), default=8)
    handling_level = models.CharField(
        _("handling level"),
        max_length=16,
        choices=[
            (RegionLevel.TOWN, RegionLevel.TOWN.label),
            (RegionLevel.COUNTY, RegionLevel.COUNTY.label),
        ],
        default=RegionLevel.TOWN,
        help_text=_("The command centre that receives the event: the town's or the county's."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def hours_for(self, step: str) -> float:
        return getattr(self, f"{step}_hours")


class RoutingRule(models.Model):
    """Category × area → the unit that should handle it.

    The most specific rule wins: a second-level class over its first-level class, a smaller
    area over a larger one, then the higher priority. The unit is either named outright or
    described ("the market regulation bureau of the event's county"), so one rule serves
    every county.
    """

    category = models.ForeignKey(
        EventCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Applies to events inside this region; empty for everywhere."),
    )
    unit = models.ForeignKey(
        "org.Department",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit_kind = models.CharField(
        _("kind of unit"), max_length=32, choices=DepartmentKind.choices, blank=True
    )
    unit_level = models.CharField(
        _("level of unit"),
        max_length=16,
        choices=[(level, RegionLevel(level).label) for level in ("city", "county", "town")],
        blank=True,
    )
    priority = models.IntegerField(_("priority"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__code", "-priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | (~Q(unit_kind="") & ~Q(unit_level="")),
                name="routing_rule_names_a_unit",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.category}"


class Event(Placed, WorkItem):
    """A problem found in the field or reported by someone, worked through the closed loop.

    Its status changes only through `gridgov.events.workflow.EVENT_WORKFLOW`.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        EventCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=EventSource.choices)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=Step.choices, blank=True)

    # Where: WGS84; the regions that contain the point (Placed) are looked up when reported.
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)

    # Who holds it: the command centre of this region accepts and dispatches it; escalating
    # moves it up the four levels, handing down moves it back.
    command_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("command centre of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_unit = models.ForeignKey(
        "org.Department",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routing_reason = models.CharField(_("why this unit"), max_length=255, blank=True)
    lead_unit = models.ForeignKey(
        "org.Department",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_name = models.CharField(_("reporter"), max_length=64, blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    occurred_at = models.DateTimeField(
        _("occurred at"),
        null=True,
        blank=True,
        help_text=_("When it happened, if the reporter says so; empty: when it was reported."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)

    # Staff see the events located in their area; officers only those their unit works on;
    # anyone sees what they reported themselves.
    scope_rule = ScopeRule(
        region="", department="assignments__department", department_many=True, filed_by="reporter"
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["city", "reported_at"], name="event_city_time"),
            models.Index(fields=["county", "reported_at"], name="event_county_time"),
            models.Index(fields=["town", "reported_at"], name="event_town_time"),
            models.Index(fields=["village", "reported_at"], name="event_village_time"),
            models.Index(fields=["grid", "reported_at"], name="event_grid_time"),
            models.Index(fields=["reporter", "reported_at"], name="event_reporter_time"),
            models.Index(fields=["category", "reported_at"], name="event_category_time"),
            models.Index(fields=["command_region", "status"], name="event_command_status"),
            models.Index(fields=["lead_unit", "status"], name="event_unit_status"),
            # The rollups: rows changed since the watermark, and one day's rows to recount.
            models.Index(fields=["updated_at"], name="event_updated"),
            models.Index(fields=["reported_at"], name="event_time"),
            # The worker's sweep: open items with a running deadline.
            models.Index(
                fields=["due_at"], name="event_running_deadline", condition=Q(due_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.number])

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)


class EventAssignment(models.Model):
    """A unit working on an event: the lead unit, or one of the assisting units."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["event", "department"], name="one_assignment_per_unit")
        ]
        indexes = [models.Index(fields=["department", "event"], name="assignment_unit_event")]

    def __str__(self):
        return f"{self.event_id}:{self.department_id}:{self.role}"


class EventTimelineEntry(TimelineEntry):
    item = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="event_timeline_seq")]
        # Open311's request updates read the steps of a time window.
        indexes = [models.Index(fields=["at"], name="event_timeline_at")]
