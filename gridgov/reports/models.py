"""Scheduled reports: who in a region receives its daily, weekly or monthly report, and the
reports made (an .xlsx of the cockpit's figures and a PDF with their charts), kept for
download. A report for (region, frequency, period) is made once."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope_rules import ScopeRule

from .choices import Frequency, ReportStatus


class ReportSubscription(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), related_name="+", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["region__code", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "frequency"], name="reports_one_subscription_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.region} {self.get_frequency_display()}"


class Report(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    period = models.CharField(_("period"), max_length=32)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    xlsx = models.FileField(_("workbook"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("background job"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-first_day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "frequency", "period"], name="reports_made_once"
            )
        ]
        indexes = [models.Index(fields=["region", "-first_day"], name="reports_region_day")]

    def __str__(self):
        return f"{self.region} {self.period}"

    def get_absolute_url(self):
        return reverse("reports:report", args=[self.pk])


class DailySummary(models.Model):
    """The summary published on a region's day ("summary.daily"): once per (region, day)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"), default=list)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="reports_summary_once")
        ]

    def __str__(self):
        return f"{self.region} {self.day}"
