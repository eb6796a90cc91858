"""Frontline care (M14): duty posts and the shifts people stand there, the county's duty
policy, forced-rest orders (a kind of work item), care visits and the problems raised on them
(another kind of work item)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from . import rules
from .choices import Breach, PostKind, ProblemStatus, ProblemStep, RestOrderStatus, RestOrderStep


class DutyPost(Placed):
    """A place people stand duty: a checkpoint, a test point, a motorway exit."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    round_the_clock = models.BooleanField(_("staffed day and night"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["code"]
        indexes = [models.Index(fields=["county", "kind"], name="care_post_county_kind")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("care:post", args=[self.pk])


class Shift(Placed):
    """Someone on duty at a post from one moment to another (at most 24 hours). Placed where
    the post is; the figures the rules count (`rules.figures`) are stored with it."""

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        DutyPost, verbose_name=_("duty post"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    day_number = models.IntegerField(_("day number"), editable=False)
    minutes = models.PositiveIntegerField(_("minutes"), editable=False)
    minutes_next_day = models.PositiveIntegerField(_("minutes after midnight"), editable=False)
    night = models.BooleanField(_("night shift"), editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="care_shift_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="care_shift_staff_start"),
            # Detection reads a county's last days: (county, day) leads its one statement.
            models.Index(fields=["county", "day_number"], name="care_shift_county_day"),
            models.Index(fields=["town", "starts_at"], name="care_shift_town_start"),
            models.Index(fields=["post", "starts_at"], name="care_shift_post_start"),
        ]

    def __str__(self):
        return f"{self.staff_id}@{self.post_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def day(self):
        return rules.day_of(self.day_number)


class DutyPolicy(models.Model):
    """A county's limits on duty; a county without one works by `rules.DEFAULT_POLICY`."""

    county = models.OneToOneField(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    max_hours_day = models.PositiveSmallIntegerField(_("most hours in a day"))
    max_hours_week = models.PositiveSmallIntegerField(_("most hours in 7 days"))
    max_days_in_a_row = models.PositiveSmallIntegerField(_("most days on duty in a row"))
    max_nights_in_a_row = models.PositiveSmallIntegerField(_("most night shifts in a row"))
    max_nights_week = models.PositiveSmallIntegerField(_("most night shifts in 7 days"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_rule = ScopeRule(region="county")

    class Meta:
        verbose_name = _("duty policy")
        verbose_name_plural = _("duty policies")

    def __str__(self):
        return str(self.county_id)


class RestOrder(Placed, WorkItem):
    """强制休息令: someone went past the duty policy; a leader orders them to rest (or
    dismisses the proposal). Placed where the person is posted."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    # What detection saw, as of the day it looked: [{"rule", "value", "limit", "day"}].
    breaches = models.JSONField(_("breaches"), default=list)
    as_of = models.DateField(_("detected as of"))
    rest_from = models.DateTimeField(_("rest from"), null=True, blank=True)
    rest_until = models.DateTimeField(_("rest until"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=RestOrderStatus.choices)
    step = models.CharField(
        _("timed step"), max_length=16, choices=RestOrderStep.choices, blank=True
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("forced-rest order")
        verbose_name_plural = _("forced-rest orders")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["staff", "status"], name="care_rest_staff_status"),
            models.Index(fields=["county", "proposed_at"], name="care_rest_county_time"),
            models.Index(fields=["status", "rest_until"], name="care_rest_status_until"),
            models.Index(
                fields=["due_at"],
                name="care_rest_running_deadline",
                condition=Q(due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("work:detail", args=["rest-orders", self.number])

    def breach_labels(self) -> list[str]:
        return [f"{Breach(b['rule']).label} {b['value']} > {b['limit']}" for b in self.breaches]


class RestOrderTimelineEntry(TimelineEntry):
    item = models.ForeignKey(RestOrder, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("rest order timeline entry")
        verbose_name_plural = _("rest order timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="care_rest_seq")]


class CareVisit(Placed):
    """关爱走访: a leader's visit to a duty post and the people there, with the care
    packages handed out. Placed where the post is."""

    post = models.ForeignKey(
        DutyPost, verbose_name=_("duty post"), on_delete=models.PROTECT, related_name="visits"
    )
    people = models.ManyToManyField(
        "org.Staff", verbose_name=_("people visited"), blank=True, related_name="+"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visitor_name = models.CharField(_("visitor"), max_length=64)
    visited_at = models.DateTimeField(_("visited at"))
    packages = models.PositiveSmallIntegerField(_("care packages"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["county", "visited_at"], name="care_visit_county_time"),
            models.Index(fields=["town", "visited_at"], name="care_visit_town_time"),
        ]

    def __str__(self):
        return f"{self.post_id} {self.visited_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("care:visit", args=[self.pk])


class CareProblem(Placed, WorkItem):
    """A problem the people on duty raised on a visit (no shade, meals late, no heater): a
    small closed loop until it is solved or known not to be solvable."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    visit = models.ForeignKey(
        CareVisit, verbose_name=_("care visit"), on_delete=models.PROTECT, related_name="problems"
    )
    description = models.CharField(_("problem"), max_length=500)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=ProblemStep.choices, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("care problem")
        verbose_name_plural = _("care problems")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["county", "raised_at"], name="care_problem_county_time"),
            models.Index(
                fields=["due_at"], name="care_problem_deadline", condition=Q(due_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("work:detail", args=["care-problems", self.number])


class CareProblemTimelineEntry(TimelineEntry):
    item = models.ForeignKey(CareProblem, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("care problem timeline entry")
        verbose_name_plural = _("care problem timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="care_problem_seq")]
