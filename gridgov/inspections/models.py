"""Joint inspections (M7): targets, "一件事" scenarios with checklists tied to power items,
inspection tasks with their results, and the rectification orders and enforcement cases that
failed items lead to. Tasks, orders and cases are kinds of work item of the closed-loop engine:
their statuses change only through their workflows (`gridgov.inspections.workflow`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.choices import DepartmentKind
from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import Attachment, TimelineEntry, WorkItem

from .choices import (
    CaseStatus,
    CaseStep,
    FollowUp,
    InspectionStatus,
    InspectionStep,
    NeedStatus,
    Outcome,
    PlanStatus,
    RectificationStatus,
    RectificationStep,
    TargetKind,
    Trigger,
)


class InspectionTarget(Placed):
    """A place inspections visit: an enterprise, a shop, a school, a construction site…"""

    kind = models.CharField(_("kind"), max_length=32, choices=TargetKind.choices)
    name = models.CharField(_("name"), max_length=120)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("GB 32100-2015, 18 characters; empty for a place without one."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="target_uscc_unique"
            )
        ]
        indexes = [
            models.Index(fields=["town", "kind"], name="target_town_kind"),
            models.Index(fields=["county", "kind"], name="target_county_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:target", args=[self.pk])


class Scenario(models.Model):
    """A "一件事" scenario (校园周边, 夜间施工…): the departments that inspect together, the
    checklist they work through, the kinds of target it applies to, and how often one target
    may be visited a year (so that joint inspection means fewer visits, not more)."""

    jurisdiction = models.ForeignKey(
        "regions.Region", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    # Kinds of unit, not units: in every town the scenario brings together the units of these
    # kinds that work there (the town's enforcement squad and police station, say).
    department_kinds = models.JSONField(_("participating kinds of department"), default=list)
    target_kinds = models.JSONField(_("kinds of target"), default=list)
    yearly_cap = models.PositiveSmallIntegerField(
        _("visits per target per year"),
        default=4,
        help_text=_("The most times one target may be inspected in this scenario in a year."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    """One thing to check in a scenario, by a unit of one of its kinds, under a legal power:
    every check traces to a 行政检查 item, and a violation to the 行政处罚 item that punishes
    it (held by a department of that kind)."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="checklist"
    )
    department_kind = models.CharField(
        _("checked by"), max_length=32, choices=DepartmentKind.choices
    )
    text = models.CharField(_("what to check"), max_length=255)
    inspection_power = models.ForeignKey(
        "powers.PowerItem",
        verbose_name=_("inspection power"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    penalty_power = models.ForeignKey(
        "powers.PowerItem",
        verbose_name=_("penalty power"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["scenario_id", "order", "id"]

    def __str__(self):
        return self.text


class InspectionTask(Placed, WorkItem):
    """One visit to one target by officers of one or more departments (a joint inspection).

    Its status changes only through `INSPECTION_WORKFLOW`.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="tasks"
    )
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("target"), on_delete=models.PROTECT, related_name="tasks"
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    trigger_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("triggering event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    trigger_ref = models.CharField(
        _("trigger reference"),
        max_length=64,
        blank=True,
        help_text=_("The plan, warning or event this inspection comes from."),
    )
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    command_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("command centre of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_count = models.PositiveSmallIntegerField(
        _("departments"), default=1, help_text=_("More than one: a joint inspection.")
    )
    needs_merged = models.PositiveSmallIntegerField(
        _("departments' needs covered"),
        default=1,
        help_text=_("How many separate visits this one replaces."),
    )
    officers = models.ManyToManyField(
        "org.Staff", verbose_name=_("officers"), blank=True, related_name="inspections"
    )

    status = models.CharField(_("status"), max_length=16, choices=InspectionStatus.choices)
    step = models.CharField(
        _("timed step"), max_length=16, choices=InspectionStep.choices, blank=True
    )

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=64, blank=True)
    acknowledgement = models.CharField(_("acknowledgement"), max_length=255, blank=True)
    # The inspected party's rating, given through the inspection's QR code.
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=255, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    # Staff see the inspections in their area; officers only those of their departments.
    scope_rule = ScopeRule(region="", department="assignments__department", department_many=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "created_at"], name="inspection_county_time"),
            models.Index(fields=["town", "created_at"], name="inspection_town_time"),
            models.Index(fields=["target", "created_at"], name="inspection_target_time"),
            models.Index(fields=["scenario", "created_at"], name="inspection_scenario_time"),
            models.Index(fields=["command_region", "status"], name="inspection_command_status"),
            # The rollups: rows changed since the watermark, and one day's rows to recount.
            models.Index(fields=["updated_at"], name="inspection_updated"),
            models.Index(fields=["created_at"], name="inspection_time"),
            models.Index(
                fields=["due_at"],
                name="inspection_running_deadline",
                condition=Q(due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:detail", args=[self.number])


class InspectionAssignment(models.Model):
    """A department taking part in an inspection."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participating department")
        verbose_name_plural = _("participating departments")
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="one_department_per_task")
        ]
        indexes = [models.Index(fields=["department", "task"], name="inspection_dept_task")]

    def __str__(self):
        return f"{self.task_id}:{self.department_id}"


class InspectionResult(models.Model):
    """The finding of one checklist item at one inspection."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="results")
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=8, choices=FollowUp.choices, blank=True)
    rectify_days = models.PositiveSmallIntegerField(_("days to rectify"), null=True, blank=True)
    photos = models.ManyToManyField(
        Attachment, verbose_name=_("photos"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["checklist_item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "checklist_item"], name="one_result_per_item")
        ]

    def __str__(self):
        return f"{self.task_id}:{self.checklist_item_id}={self.outcome}"


class InspectionTimelineEntry(TimelineEntry):
    item = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("inspection timeline entry")
        verbose_name_plural = _("inspection timeline")
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="inspection_timeline_seq")
        ]


class Finding(WorkItem):
    """What rectification orders and enforcement cases share: the failed check they come from."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    task = models.ForeignKey(
        InspectionTask, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        InspectionResult, verbose_name=_("failed check"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("target"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # In the inspection's area, and for officers their own department's.
    scope_rule = ScopeRule(region="task", department="department")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class RectificationOrder(Finding):
    """责令整改: the target must put a failed item right by a deadline; an officer re-inspects."""

    requirement = models.CharField(_("what must be put right"), max_length=500)
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(_("status"), max_length=16, choices=RectificationStatus.choices)
    step = models.CharField(
        _("timed step"), max_length=16, choices=RectificationStep.choices, blank=True
    )
    reinspections = models.PositiveSmallIntegerField(_("re-inspections"), default=0)

    class Meta(Finding.Meta):
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        indexes = [models.Index(fields=["task"], name="rectification_task")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:rectification", args=[self.number])


class RectificationTimelineEntry(TimelineEntry):
    item = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="rectification_timeline_seq")
        ]


class EnforcementCase(Finding):
    """立案: a violation pursued under the 行政处罚 item the checklist names."""

    penalty_power = models.ForeignKey(
        "powers.PowerItem",
        verbose_name=_("penalty power"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=CaseStep.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=500, blank=True)
    fine_yuan = models.DecimalField(
        _("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta(Finding.Meta):
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        indexes = [models.Index(fields=["task"], name="case_task")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:case", args=[self.number])


class CaseTimelineEntry(TimelineEntry):
    item = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="case_timeline_seq")]


class InspectionNeed(WorkItem):
    """A department's pending wish to inspect a target in a window: the planner's input.
    Planning merges the needs of several departments for one target into one visit."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="needs"
    )
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("target"), on_delete=models.PROTECT, related_name="needs"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(
        ChecklistItem, verbose_name=_("checklist items"), related_name="+"
    )
    earliest = models.DateField(_("from"))
    latest = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.PENDING
    )
    task = models.ForeignKey(
        InspectionTask,
        verbose_name=_("planned as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="target", department="department")

    class Meta:
        verbose_name = _("inspection need")
        verbose_name_plural = _("inspection needs")
        ordering = ["earliest", "id"]
        indexes = [models.Index(fields=["status", "earliest"], name="need_status_from")]

    def __str__(self):
        return f"{self.target_id}/{self.department_id} {self.earliest}–{self.latest}"


class InspectionPlan(WorkItem):
    """A "综合查一次" plan a dispatcher reviews: the planner's proposal for a period and area,
    turned into inspection tasks when confirmed."""

    area = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.JSONField(_("summary"), default=dict)
    # The proposal: [{"target": id, "day": "YYYY-MM-DD", "needs": [ids], "officers": [ids]}]
    visits = models.JSONField(_("visits"), default=list)
    unplanned = models.JSONField(_("not planned"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    scope_rule = ScopeRule(region="area")

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.area_id} {self.start}–{self.end}"

    def get_absolute_url(self):
        return reverse("inspections:plan", args=[self.pk])


class NeedTimelineEntry(TimelineEntry):
    item = models.ForeignKey(InspectionNeed, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="need_timeline_seq")]


class PlanTimelineEntry(TimelineEntry):
    item = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="plan_timeline_seq")]
