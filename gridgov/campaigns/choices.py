from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    FIRM = "firm", _("firm")
    PLOT = "plot", _("plot")
    BUILDING = "building", _("building")


class TeamKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("working group")
    TASK_TEAM = "task_team", _("task team")
