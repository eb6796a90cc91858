"""Resident services (M11): the proxy-service catalogue and its requests (红色代办), the agents
who run them, volunteer teams with their activities and hours, and home-service tasks for the
ledgers' special groups.

Proxy requests and home-service tasks are kinds of work item (`workflow.py`); everything else
changes only through `actions.py`.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import RequestedBy, RequestStatus, RequestStep, ServiceMode, TaskStatus, TeamKind


class ProxyService(models.Model):
    """One service of a county's proxy catalogue (代办事项): what to bring, who finally handles
    it, how many working days it usually takes and how it is done."""

    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=80)
    documents = models.TextField(_("documents needed"), blank=True)
    office = models.CharField(_("office that handles it"), max_length=100)
    usual_days = models.PositiveSmallIntegerField(_("usual working days"), default=3)
    mode = models.CharField(_("mode"), max_length=12, choices=ServiceMode.choices)
    is_active = models.BooleanField(_("active"), default=True)

    # The county's staff and everyone working inside it read the catalogue.
    scope_rule = ScopeRule(region="county", seen_from_inside=True)

    class Meta:
        verbose_name = _("proxy service")
        verbose_name_plural = _("proxy services")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="proxy_service_unique_name")
        ]

    def __str__(self):
        return self.name


class Agent(models.Model):
    """A staff post acting as a red proxy agent (红色代办员) for an area: usually a party
    member who leads a micro-grid."""

    staff = models.OneToOneField(
        "org.Staff", verbose_name=_("post"), on_delete=models.PROTECT, related_name="proxy_agent"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), auto_now_add=True)

    scope_rule = ScopeRule(region="region", seen_from_inside=True)

    class Meta:
        verbose_name = _("red proxy agent")
        verbose_name_plural = _("red proxy agents")
        ordering = ["region", "staff"]

    def __str__(self):
        return self.staff.name


class ProxyRequest(Placed, WorkItem):
    """A request to have a service done on a resident's behalf: requested → accepted by an
    agent → documents collected → submitted to the office → done → confirmed (with the
    resident's rating); or refused or cancelled with a reason. Placed where the resident lives."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices)
    step = models.CharField(_("step"), max_length=16, choices=RequestStep.choices, blank=True)
    service = models.ForeignKey(
        ProxyService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="requests"
    )
    resident = models.ForeignKey(
        "households.Resident",
        verbose_name=_("resident"),
        null=True,  # erasure on request deletes the person; the request stays, without them
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.CharField(
        _("requested by"), max_length=16, choices=RequestedBy.choices, default=RequestedBy.STAFF
    )
    details = models.CharField(_("details"), max_length=300, blank=True)
    agent = models.ForeignKey(
        "org.Staff",
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateTimeField(_("due"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    collected_at = models.DateTimeField(_("documents collected at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("proxy request")
        verbose_name_plural = _("proxy requests")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["town", "status"], name="proxy_request_town_status"),
            models.Index(fields=["agent", "status"], name="proxy_request_agent_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.service.name}"

    def get_absolute_url(self):
        return reverse("work:detail", args=["assistance", self.number])

    @property
    def on_time(self) -> bool | None:
        if self.done_at is None or self.due_on is None:
            return None
        return self.done_at <= self.due_on


class ProxyRequestTimelineEntry(TimelineEntry):
    item = models.ForeignKey(ProxyRequest, on_delete=models.CASCADE, related_name="timeline")


class VolunteerTeam(models.Model):
    """A volunteer team of an area: one of the five red stewards (红管家) or any other."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    organiser = models.ForeignKey(
        "org.Staff",
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_rule = ScopeRule(region="region", seen_from_inside=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["region", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="volunteer_team_unique_name")
        ]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A member of a team: a resident of the ledgers or a staff member."""

    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=64)
    resident = models.ForeignKey(
        "households.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined on"))
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(region="team__region", seen_from_inside=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team", "name"]

    def __str__(self):
        return self.name


class Activity(models.Model):
    """A team's activity: a place, a time, a capacity, and the volunteers who signed up."""

    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=100)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=20)

    scope_rule = ScopeRule(region="team__region", seen_from_inside=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title


class SignUp(models.Model):
    """A volunteer signed up for an activity, and the hours they served there: recorded at the
    activity, counted once the organiser confirms them."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="signups"
    )
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    hours = models.DecimalField(
        _("hours served"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("hours confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_rule = ScopeRule(region="activity__team__region", seen_from_inside=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "volunteer"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="signup_once")
        ]

    def __str__(self):
        return f"{self.volunteer} @ {self.activity}"


class HomeTask(Placed, WorkItem):
    """A home service for a member of a special group (an elderly person living alone, a
    disabled resident…): assigned to a volunteer or a team → done with a note and a photo, or
    cancelled. Placed where the resident lives."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices)
    step = models.CharField(_("step"), max_length=16, blank=True)
    resident = models.ForeignKey(
        "households.Resident",
        verbose_name=_("resident"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.ForeignKey(
        "households.SpecialGroup",
        verbose_name=_("special group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(_("service"), max_length=200)
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_day = models.DateField(_("to be done by"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("home-service task")
        verbose_name_plural = _("home-service tasks")
        ordering = ["-id"]
        indexes = [models.Index(fields=["town", "status"], name="home_task_town_status")]

    def __str__(self):
        return f"{self.number} {self.summary}"

    def get_absolute_url(self):
        return reverse("work:detail", args=["homecare", self.number])


class HomeTaskTimelineEntry(TimelineEntry):
    item = models.ForeignKey(HomeTask, on_delete=models.CASCADE, related_name="timeline")
