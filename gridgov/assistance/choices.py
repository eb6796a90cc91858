"""Every status, mode and kind of the resident services (代办, volunteers, home services)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceMode(models.TextChoices):
    AT_ONCE = "at_once", _("done at once")  # 马上办
    NEARBY = "nearby", _("done nearby")  # 就近办
    AT_HOME = "at_home", _("done at the door")  # 上门办


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted by an agent")
    COLLECTED = "collected", _("documents collected")
    SUBMITTED = "submitted", _("submitted to the office")
    DONE = "done", _("done")
    CONFIRMED = "confirmed", _("confirmed by the resident")
    REFUSED = "refused", _("refused")
    CANCELLED = "cancelled", _("cancelled")


class RequestStep(models.TextChoices):
    ACCEPT = "accept", _("accept")
    HANDLE = "handle", _("handle")
    CONFIRM = "confirm", _("confirm")


class RequestedBy(models.TextChoices):
    RESIDENT = "resident", _("the resident")
    RELATIVE = "relative", _("a relative")
    GRID_VISIT = "grid_visit", _("a grid worker on a visit")
    STAFF = "staff", _("staff")


class TeamKind(models.TextChoices):
    PEOPLE = "people", _("people's conditions red steward")  # 民情红管家
    WATER = "water", _("water red steward")  # 治水红管家
    CARE = "care", _("caring red steward")  # 爱心红管家
    SAFETY = "safety", _("safety red steward")  # 平安红管家
    HEALTH = "health", _("hygiene red steward")  # 卫生红管家
    OTHER = "other", _("other team")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
