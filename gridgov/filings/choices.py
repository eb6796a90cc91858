from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingStatus(models.TextChoices):
    """Where a filing stands. Whether it is in force tonight is derived from its period, not
    stored: an approved filing whose last night has passed is simply expired."""

    SUBMITTED = "submitted", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")


class FilingStep(models.TextChoices):
    REVIEW = "review", _("review")


class FilingChannel(models.TextChoices):
    """Who typed the filing in: staff on the company's behalf, or the company on the public page."""

    STAFF = "staff", _("staff, on the company's behalf")
    PUBLIC = "public", _("public page")


class Validity(models.TextChoices):
    """An approved filing seen from a moment: not begun yet, running, or over."""

    UPCOMING = "upcoming", _("not begun")
    CURRENT = "current", _("in force")
    EXPIRED = "expired", _("expired")
