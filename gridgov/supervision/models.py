"""Supervision of the units (监督, M12): a town's discipline office forms supervision groups and
village squads, runs supervision posts (监督哨) at places and units, records findings and follows
each through "find → urge rectification → improve the measures → verify", collects suggestions,
and supervises the funds of projects ("one project, one plan, one check").

A finding is a kind of work item: its status changes only through
`gridgov.supervision.workflow.FINDING_WORKFLOW`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import EncryptedTextField, mask_phone
from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import (
    CheckKind,
    FindingKind,
    FindingOrigin,
    FindingStatus,
    FindingStep,
    GroupKind,
    PostKind,
    PostMode,
    SuggestionChannel,
    SuggestionSource,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class SupervisionGroup(models.Model):
    """A supervision group of a town's discipline office, or a village squad under one."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=GroupKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "org.Department",
        verbose_name=_("discipline office"),
        on_delete=models.PROTECT,
        related_name="supervision_groups",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="squads",
    )
    members = models.ManyToManyField(
        "org.Staff", verbose_name=_("members"), blank=True, related_name="supervision_groups"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="supervision_group_name"),
        ]

    def __str__(self):
        return self.name


class Project(Placed):
    """A project whose funds are supervised, with its plan (一项一方案)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("implementing unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("supervision group"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    funds_received_on = models.DateField(_("funds received on"), null=True, blank=True)
    plan_title = models.CharField(_("supervision plan"), max_length=200, blank=True)
    plan_text = models.TextField(_("plan"), blank=True)
    plan_approved_on = models.DateField(_("plan approved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("supervised project")
        verbose_name_plural = _("supervised projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_pct")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supervision:project", args=[self.code])


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=120)
    amount = models.DecimalField(_("amount, yuan"), **MONEY)

    scope_rule = ScopeRule(region="project")

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="budget_line_code"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class ContractedParty(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=120)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    scope_rule = ScopeRule(region="project")

    class Meta:
        verbose_name = _("contracted party")
        verbose_name_plural = _("contracted parties")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="contracted_party_name")
        ]

    def __str__(self):
        return self.name


class Disbursement(models.Model):
    """One payment out of a project's funds, as the finance ledger (imported) records it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="disbursements")
    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("voucher number"), max_length=40)
    paid_on = models.DateField(_("paid on"))
    payee = models.CharField(_("payee"), max_length=120)
    payee_uscc = models.CharField(_("payee's credit code"), max_length=18, blank=True)
    amount = models.DecimalField(_("amount, yuan"), **MONEY)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    scope_rule = ScopeRule(region="project")

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["project", "paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="disbursement_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount"),
        ]

    def __str__(self):
        return self.reference


class ProjectCheck(models.Model):
    """One check of a project by its group (一项一督查): the history of record."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=8, choices=CheckKind.choices)
    checked_on = models.DateField(_("checked on"))
    subject = models.CharField(_("subject"), max_length=200)
    result = models.TextField(_("result"), blank=True)
    problems = models.PositiveSmallIntegerField(_("problems found"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_rule = ScopeRule(region="project")

    class Meta:
        verbose_name = _("project check")
        verbose_name_plural = _("project checks")
        ordering = ["project", "-checked_on", "-id"]

    def __str__(self):
        return self.subject


class SupervisionPost(Placed):
    """A supervision post (监督哨): at a place or a unit, on site or online, for a period, and
    what it watches (units, projects, checkpoints)."""

    name = models.CharField(_("name"), max_length=120)
    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PostKind.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=PostMode.choices)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    target = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    watched_units = models.ManyToManyField(
        "org.Department", verbose_name=_("units watched"), blank=True, related_name="+"
    )
    watched_projects = models.ManyToManyField(
        Project, verbose_name=_("projects watched"), blank=True, related_name="posts"
    )
    watched_checkpoints = models.ManyToManyField(
        "inspections.InspectionTarget",
        verbose_name=_("checkpoints watched"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("supervision post")
        verbose_name_plural = _("supervision posts")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="supervision_post_period",
            ),
            models.CheckConstraint(
                condition=Q(kind=PostKind.UNIT, target__isnull=False)
                | Q(kind=PostKind.PLACE, lon__isnull=False, lat__isnull=False),
                name="supervision_post_where",
            ),
        ]

    def __str__(self):
        return self.name

    def is_active_on(self, day) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)


class Suggestion(Placed):
    """A suggestion (建议) from the public or a unit, collected at a post."""

    post = models.ForeignKey(
        SupervisionPost,
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    source = models.CharField(_("from"), max_length=8, choices=SuggestionSource.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=SuggestionChannel.choices)
    text = models.TextField(_("suggestion"))
    name = models.CharField(_("name"), max_length=64, blank=True)
    unit_name = models.CharField(_("unit"), max_length=120, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["town", "created_at"], name="suggestion_town_time")]

    def __str__(self):
        return self.text[:40]

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Finding(Placed, WorkItem):
    """A supervision finding (监督发现): found → assigned to the responsible unit with a
    deadline → rectified → measures improved → verified → closed, or returned."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=FindingKind.choices)
    origin = models.CharField(
        _("origin"), max_length=12, choices=FindingOrigin.choices, default=FindingOrigin.SUPERVISION
    )
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="findings"
    )
    post = models.ForeignKey(
        SupervisionPost,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    # The responsible unit: a department, or the owner of an inspection target (a firm, a farm,
    # a community), whose rectification the town's staff record.
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("responsible party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    rule = models.CharField(_("anomaly rule"), max_length=16, blank=True)
    # What an anomaly rule raised this for: one finding per anomaly, however often it runs.
    anomaly_key = models.CharField(_("anomaly"), max_length=120, blank=True)
    rectify_days = models.PositiveSmallIntegerField(_("working days to rectify"), default=10)
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    measures = models.TextField(_("measures improved"), blank=True)
    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspection = models.ForeignKey(
        "inspections.InspectionTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    status = models.CharField(_("status"), max_length=16, choices=FindingStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=FindingStep.choices, blank=True)

    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    improved_at = models.DateTimeField(_("improved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # The area's supervisors and staff see its findings; an officer those of their unit; who
    # found one keeps seeing it.
    scope_rule = ScopeRule(region="", department="department", filed_by="found_by")

    class Meta:
        verbose_name = _("supervision finding")
        verbose_name_plural = _("supervision findings")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["anomaly_key"], condition=~Q(anomaly_key=""), name="finding_anomaly_once"
            ),
        ]
        indexes = [
            models.Index(fields=["town", "found_at"], name="finding_town_time"),
            models.Index(fields=["county", "found_at"], name="finding_county_time"),
            models.Index(fields=["group", "status"], name="finding_group_status"),
            models.Index(fields=["department", "status"], name="finding_department_status"),
            models.Index(
                fields=["due_at"],
                name="finding_running_deadline",
                condition=Q(due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("work:detail", args=["findings", self.number])

    @property
    def responsible_name(self) -> str:
        unit = self.department or self.target
        return unit.name if unit is not None else ""


class FindingTimelineEntry(TimelineEntry):
    item = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("finding timeline entry")
        verbose_name_plural = _("finding timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="finding_timeline_seq")]
