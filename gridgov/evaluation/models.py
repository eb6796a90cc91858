"""Indicator sets (考核指标体系) and the monthly evaluations they produce.

A set belongs to an area (a county or a city) and evaluates its towns or its departments; each
indicator weighs one rate an area declared in the registry (`IndicatorSource`). A month's
evaluation keeps, per unit, what each indicator measured and scored as it was computed, so a
published month reads the same whatever becomes of the set afterwards.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule

from .choices import Direction, EvaluationStatus, ScoringRule, UnitKind


class IndicatorSet(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    unit_kind = models.CharField(_("evaluates"), max_length=16, choices=UnitKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # The area's staff and those above it read the set and its rankings.
    scope_rule = ScopeRule(region="area")

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One weighed rate of a set, and how its value becomes 0–100 points.

    linear: `floor` scores 0 and `target` scores 100, straight in between (for lower-is-better
    rates the floor is the higher number). thresholds: `thresholds` reads "95:100,90:80,0:60" —
    the points of the best bound the rate reaches (at least it, or at most it when lower is
    better); a rate reaching none scores 0.
    """

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source"), max_length=64)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    rule = models.CharField(
        _("scoring rule"), max_length=16, choices=ScoringRule.choices, default=ScoringRule.LINEAR
    )
    floor = models.FloatField(_("floor (0 points)"), null=True, blank=True)
    target = models.FloatField(_("target (100 points)"), null=True, blank=True)
    thresholds = models.CharField(_("thresholds"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    scope_rule = ScopeRule(region="indicator_set__area")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"], name="one_indicator_code_per_set"
            )
        ]

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """A set's evaluation of one month: a draft until published, frozen after."""

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="evaluations"
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The indicators as they were weighed: code, name, source, weight, direction, rule text.
    indicators = models.JSONField(_("indicators"), default=list)
    scope_rule = ScopeRule(region="indicator_set__area")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-month", "indicator_set__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "month"], name="one_evaluation_per_set_month"
            )
        ]

    def __str__(self):
        return f"{self.indicator_set} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("evaluation:ranking", args=[self.indicator_set.code, self.period_text])

    @property
    def period_text(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_published(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED


class Score(models.Model):
    """One unit's result in a month: its measures, points, total and rank.

    `measures`: per indicator (in the set's order) code, numerator, denominator, rate (0–100 or
    None without data), points, weight and contribution to the total.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    unit_id = models.BigIntegerField(_("unit"))
    unit_code = models.CharField(_("unit code"), max_length=32)
    unit_name = models.CharField(_("unit"), max_length=100)
    total = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    previous_total = models.FloatField(_("last month's score"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("last month's rank"), null=True, blank=True)
    measures = models.JSONField(_("measures"), default=list)
    scope_rule = ScopeRule(region="evaluation__indicator_set__area")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = [models.F("rank").asc(nulls_last=True), "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "unit_id"], name="one_score_per_unit")
        ]

    def __str__(self):
        return f"{self.unit_name} {self.total}"

    @property
    def rank_change(self) -> int | None:
        """Places gained since last month (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def total_change(self) -> float | None:
        if self.total is None or self.previous_total is None:
            return None
        return round(self.total - self.previous_total, 2)


class Correction(models.Model):
    """Late data: a published month's measure that came out different when recomputed while
    a later month was evaluated. The published month stays as it was; this row, attached to
    the later month, says what changed."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="corrections")
    of_month = models.DateField(_("month corrected"))
    unit_id = models.BigIntegerField(_("unit"))
    unit_name = models.CharField(_("unit"), max_length=100)
    indicator_code = models.CharField(_("indicator"), max_length=32)
    indicator_name = models.CharField(_("indicator"), max_length=100)
    published = models.JSONField(_("as published"))  # [numerator, denominator]
    recomputed = models.JSONField(_("as recomputed"))
    scope_rule = ScopeRule(region="evaluation__indicator_set__area")

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["unit_name", "indicator_code"]

    def __str__(self):
        return f"{self.of_month:%Y-%m} {self.unit_name} {self.indicator_code}"
