from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.dates import Period


class Frequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")


def last_whole_period(frequency: str, today: date) -> Period:
    """The period a report made on `today` covers: yesterday, last week (ISO, Monday to
    Sunday) or last month."""
    if frequency == Frequency.DAILY:
        return Period.day(today - timedelta(days=1))
    if frequency == Frequency.WEEKLY:
        return Period.week(today - timedelta(days=7))
    return Period.month(today.replace(day=1) - timedelta(days=1))


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
