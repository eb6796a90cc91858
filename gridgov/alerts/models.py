"""Early warnings (M8): typed signals from sensors, complaints and expiring filings; declarative,
versioned rules over them; and the warnings a firing rule raises, each a small closed-loop work
item (`gridgov.alerts.workflow`) with its provenance and the inspection or event it led to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import OPEN_WARNING_STATES, ActionType, SourceKind, WarningStatus, WarningStep


class SignalSource(models.Model):
    """A type of signal an administrator defines: a kind of sensor, the complaints drawn from
    events of some categories, the expiring night-construction filings…"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    metric = models.CharField(
        _("signal kind"),
        max_length=32,
        blank=True,
        help_text=_("The kind given to signals that name none (e.g. noise_db)."),
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    min_value = models.FloatField(_("lowest plausible value"), null=True, blank=True)
    max_value = models.FloatField(_("highest plausible value"), null=True, blank=True)
    # Complaints: the event categories (codes; "06*" for a whole first-level class) whose
    # events become signals.
    event_categories = models.JSONField(_("event categories"), default=list, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("signal source")
        verbose_name_plural = _("signal sources")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Signal(models.Model):
    """One observation: a reading, a complaint, an expiring filing. Taken in once per
    (source, external id), however often a device sends it."""

    source = models.ForeignKey(
        SignalSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("id at the source"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32)
    value = models.FloatField(_("value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    observed_at = models.DateTimeField(_("observed at"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    # The sensor that sent it; for a warning's own signal, the rule that raised it ("rule:7").
    device = models.CharField(_("device"), max_length=64, blank=True)
    target = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="signal_once_per_source")
        ]
        indexes = [
            models.Index(fields=["observed_at"], name="signal_observed"),
            models.Index(fields=["target", "observed_at"], name="signal_target_observed"),
        ]

    def __str__(self):
        return f"{self.kind}={self.value} @ {self.observed_at:%Y-%m-%d %H:%M}"


class Cursor(models.Model):
    """How far a background job has read a growing table (signals, events). Its row is also
    the lock that keeps two workers from doing the same job at once."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    position = models.BigIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cursor")
        verbose_name_plural = _("cursors")

    def __str__(self):
        return f"{self.name}={self.position}"


class RuleState(models.Model):
    """Where a rule last fired for a subject: the id of the signal that fired it. A restarted
    worker refills its windows from the recent signals, and skips those a firing had already
    used up, so that it goes on exactly where it stopped."""

    rule = models.ForeignKey("Rule", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("subject"), max_length=100)
    fired_through = models.BigIntegerField(_("last signal used"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule state")
        verbose_name_plural = _("rule states")
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="rule_state_key")]

    def __str__(self):
        return f"{self.rule_id}/{self.key}≤{self.fired_through}"


class Rule(models.Model):
    """A warning rule of a jurisdiction. What it says lives in its versions; the current one
    is evaluated, and each warning names the version that raised it."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    jurisdiction = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only targets and signals of this region count."),
    )
    current = models.ForeignKey(
        "RuleVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("alerts:rule", args=[self.pk])


class RuleVersion(models.Model):
    """What a rule said from one edit to the next. Never changed once written."""

    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_number")
        ]

    def __str__(self):
        return f"{self.rule_id} v{self.number}"


class EarlyWarning(Placed, WorkItem):
    """A warning a rule raised about a target (or its fixed point): worked new → handled →
    closed, or dismissed with a reason. Its status changes only through `WARNING_WORKFLOW`."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="warnings"
    )
    rule_version = models.ForeignKey(
        RuleVersion, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="+"
    )
    # What the warning is about, for "one open warning per rule and subject": "target:12",
    # or "point" for a rule watching a fixed place.
    subject = models.CharField(_("subject"), max_length=32)
    target = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
        db_index=False,
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    summary = models.CharField(_("summary"), max_length=255)

    status = models.CharField(_("status"), max_length=16, choices=WarningStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=WarningStep.choices, blank=True)

    # Provenance: the signals that fired it (the first ones, up to a cap) and how many.
    signal_ids = models.JSONField(_("signals"), default=list)
    signal_count = models.PositiveIntegerField(_("number of signals"), default=0)
    first_signal_at = models.DateTimeField(_("first signal at"))
    last_signal_at = models.DateTimeField(_("last signal at"))
    value = models.FloatField(_("highest value"), null=True, blank=True)

    action_type = models.CharField(_("follow-up"), max_length=16, choices=ActionType.choices)
    inspection = models.ForeignKey(
        "inspections.InspectionTask",
        verbose_name=_("inspection created"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event created"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_error = models.CharField(_("why nothing was created"), max_length=500, blank=True)

    fired_at = models.DateTimeField(_("raised at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=Q(status__in=OPEN_WARNING_STATES),
                name="one_open_warning_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["county", "fired_at"], name="warning_county_time"),
            models.Index(fields=["town", "fired_at"], name="warning_town_time"),
            models.Index(fields=["target", "fired_at"], name="warning_target_time"),
            models.Index(fields=["rule", "fired_at"], name="warning_rule_time"),
            # The rollups: rows changed since the watermark, and one day's rows to recount.
            models.Index(fields=["updated_at"], name="warning_updated"),
            models.Index(fields=["fired_at"], name="warning_time"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("alerts:detail", args=[self.number])


class WarningTimelineEntry(TimelineEntry):
    item = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("warning timeline entry")
        verbose_name_plural = _("warning timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="warning_timeline_seq")]
