from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    DISPATCHED = "dispatched", _("dispatched")
    HANDLING = "handling", _("being handled")
    HANDLED = "handled", _("handled")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged as duplicate")


class EventSource(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    CITIZEN = "citizen", _("citizen")
    HOTLINE = "hotline", _("12345 hotline")
    WARNING = "warning", _("warning rule")
    INSPECTION = "inspection", _("inspection finding")
    SUPERVISION = "supervision", _("supervision")


class Priority(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    CRITICAL = "critical", _("critical")


class Step(models.TextChoices):
    """The timed steps of the loop; each category limits each one in working hours."""

    ACCEPT = "accept", _("accept")
    DISPATCH = "dispatch", _("dispatch")
    HANDLE = "handle", _("handle")
    VERIFY = "verify", _("verify")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    ASSIST = "assist", _("assisting unit")
