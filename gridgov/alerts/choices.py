from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where a type of signal comes from."""

    SENSOR = "sensor", _("sensor readings")
    COMPLAINT = "complaint", _("citizen complaints (from events)")
    EXPIRY = "expiry", _("filing and permit expirations")
    WARNING = "warning", _("earlier warnings")
    OTHER = "other", _("other")


class WarningStatus(models.TextChoices):
    NEW = "new", _("not yet handled")
    HANDLED = "handled", _("handled")
    CLOSED = "closed", _("warning closed")
    DISMISSED = "dismissed", _("set aside as a false alarm")


# A warning still open: a rule does not raise a second one for the same target meanwhile.
OPEN_WARNING_STATES = (WarningStatus.NEW, WarningStatus.HANDLED)


class WarningStep(models.TextChoices):
    HANDLE = "handle", _("handle")


class ConditionType(models.TextChoices):
    COUNT = "count", _("at least N signals in the window")
    THRESHOLD = "threshold", _("a value beyond a threshold")
    DURATION = "duration", _("a value beyond a threshold for a length of time")
    REPEATED = "repeated", _("at least N warnings at one target in the window")


class ScopeType(models.TextChoices):
    NEAR_TARGETS = "near_targets", _("within a radius of targets of given kinds")
    NEAR_POINT = "near_point", _("within a radius of a fixed point")
    OWN_TARGET = "own_target", _("the signal's own target")


class FilingCondition(models.TextChoices):
    IGNORE = "ignore", _("whether or not a filing is valid")
    REQUIRE = "require", _("only while a valid filing covers the target")
    FORBID = "forbid", _("only while no valid filing covers the target")


class ActionType(models.TextChoices):
    INSPECTION = "inspection", _("an inspection task of a scenario")
    EVENT = "event", _("an event of a category")
