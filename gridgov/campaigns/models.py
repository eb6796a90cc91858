"""Campaign boards (挂图作战): a campaign of a region, its chain of stages, its teams, its items
(firms, plots, buildings) and the stage each item reached, with the plan it is measured by.

An item's place is kept twice on purpose: `geometry` is the GeoJSON text in WGS84, written once
when the place is set, so the board sends 5,000 places without decoding one; `lon`/`lat` is a
point of it (the centroid) for lists and sorting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope_rules import ScopeRule

from .choices import ItemKind, TeamKind

DEFAULT_STUCK_DAYS = 30


class Campaign(models.Model):
    """One campaign of a region (a town's urban renewal, a county's clearance of old plants)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"))
    stuck_days = models.PositiveIntegerField(
        _("days in a stage before an item is flagged"), default=DEFAULT_STUCK_DAYS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:board", args=[self.number])


class Stage(models.Model):
    """A step of a campaign's chain (复评 → 签约 → 腾空 → 拆除), in `position` order.

    `skippable`: an item may pass over this stage to a later one; otherwise every item must
    reach it first."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7)
    skippable = models.BooleanField(_("may be skipped"), default=False)
    stuck_days = models.PositiveIntegerField(
        _("days before an item here is flagged"),
        null=True,
        blank=True,
        help_text=_("Empty: the campaign's limit."),
    )

    scope_rule = ScopeRule(region="campaign__region")

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="stage_position_unique"),
            models.UniqueConstraint(fields=["campaign", "name"], name="stage_name_unique"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A working group (工作组) or a task team (专班) of staff, owning a set of items."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=60)
    leader = models.ForeignKey(
        "org.Staff",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField("org.Staff", verbose_name=_("members"), related_name="+")

    scope_rule = ScopeRule(region="campaign__region")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["campaign", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="team_name_unique"),
        ]

    def __str__(self):
        return self.name


class Item(models.Model):
    """A firm, plot or building the campaign moves through its stages.

    `code` identifies it within the campaign (a credit code, a plot number): importing the same
    file again updates the same items. `stage` is the last stage it reached (None: not yet the
    first), `version` counts its moves so that a client acting on an old view is refused."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)
    geometry = models.TextField(_("place (GeoJSON, WGS84)"), blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    task_team = models.ForeignKey(
        Team,
        verbose_name=_("task team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    working_group = models.ForeignKey(
        Team,
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grouped_items",
    )
    target = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("inspection target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="campaign__region")

    class Meta:
        verbose_name = _("campaign item")
        verbose_name_plural = _("campaign items")
        ordering = ["campaign", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="item_code_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "stage"], name="item_campaign_stage")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("campaigns:item", args=[self.campaign.number, self.pk])


class StageRecord(models.Model):
    """An item reaching a stage: on which day, who did it, the documents. An undone record stays,
    with who undid it and why."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="records")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="records")
    reached_on = models.DateField(_("reached on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    documents = models.ManyToManyField(
        "workflow.Attachment", verbose_name=_("documents"), blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undo_reason = models.CharField(_("reason for undoing"), max_length=500, blank=True)

    scope_rule = ScopeRule(region="item__campaign__region")

    class Meta:
        verbose_name = _("stage record")
        verbose_name_plural = _("stage records")
        ordering = ["item", "recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["stage", "reached_on"],
                condition=Q(undone_at__isnull=True),
                name="record_stage_day_live",
            )
        ]

    def __str__(self):
        return f"{self.item_id} → {self.stage_id} ({self.reached_on})"


class PlanTarget(models.Model):
    """The plan: by `due_on`, `count` items have reached `stage` (of one task team, or of the
    whole campaign when `team` is empty)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="plan")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="plan"
    )
    due_on = models.DateField(_("due on"))
    count = models.PositiveIntegerField(_("planned count"))

    scope_rule = ScopeRule(region="campaign__region")

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["campaign", "stage", "due_on"]

    def __str__(self):
        return f"{self.stage_id}: {self.count} by {self.due_on}"
