from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    """Where people stand duty (值守点位)."""

    CHECKPOINT = "checkpoint", _("checkpoint")
    TEST_POINT = "test_point", _("test point")
    MOTORWAY_EXIT = "motorway_exit", _("motorway exit")
    OTHER = "other", _("other duty post")


class RestOrderStatus(models.TextChoices):
    """A forced-rest order (强制休息令): proposed by the detection, issued or dismissed by a
    leader; an issued order ends when its rest is over, or is lifted early."""

    PROPOSED = "proposed", _("proposed")
    ISSUED = "issued", _("in force")
    ENDED = "ended", _("ended")
    LIFTED = "lifted", _("lifted")
    DISMISSED = "dismissed", _("dismissed")


class RestOrderStep(models.TextChoices):
    DECIDE = "decide", _("decision")
    REST = "rest", _("rest")


class ProblemStatus(models.TextChoices):
    """A problem raised on a care visit (关爱走访): raised, being solved, then solved or found
    impossible to solve (with the reason)."""

    RAISED = "raised", _("raised")
    SOLVING = "solving", _("being solved")
    SOLVED = "solved", _("solved")
    UNSOLVABLE = "unsolvable", _("cannot be solved")


class ProblemStep(models.TextChoices):
    SOLVE = "solve", _("solving")


class Breach(models.TextChoices):
    """Which rule of the duty policy someone went past."""

    HOURS_DAY = "hours_day", _("hours in a day")
    HOURS_WEEK = "hours_week", _("hours in 7 days")
    DAYS_IN_A_ROW = "days_in_a_row", _("days on duty in a row")
    NIGHTS_IN_A_ROW = "nights_in_a_row", _("night shifts in a row")
    NIGHTS_WEEK = "nights_week", _("night shifts in 7 days")
