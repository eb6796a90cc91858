from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """What an indicator set evaluates inside its area."""

    TOWNS = "towns", _("towns")
    DEPARTMENTS = "departments", _("departments")


# The registry's unit kinds (gridgov.core.registry.IndicatorSource.unit_kinds) each reads.
SOURCE_UNIT_KIND = {UnitKind.TOWNS: "region", UnitKind.DEPARTMENTS: "department"}


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("linear between floor and target")
    THRESHOLDS = "thresholds", _("thresholds")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
