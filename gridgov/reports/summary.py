"""The daily summary ("summary.daily"): yesterday's figures of every region a webhook
subscribed to it for, published once a day per region (its `DailySummary` row is unique)."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from gridgov.core.dates import Period
from gridgov.core.registry import publish
from gridgov.regions.models import Region
from gridgov.webhooks.choices import Topic
from gridgov.webhooks.selectors import regions_subscribed_to

from .figures import collect
from .models import DailySummary

MAX_FIGURES = 30


@task()
def publish_daily_summaries() -> int:
    return publish_summaries(day=timezone.localdate() - timedelta(days=1))


def publish_summaries(*, day) -> int:
    regions = Region.objects.filter(pk__in=regions_subscribed_to(Topic.SUMMARY_DAILY))
    published = 0
    for region in regions.defer("boundary").order_by("pk"):
        published += publish_summary(region, day)
    return published


def publish_summary(region, day) -> bool:
    """Publish a region's summary of `day`; False when it was published already."""
    if DailySummary.objects.filter(region=region, day=day).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        data = collect(region, Period.day(day), reader=None)
        figures = [
            {"key": r["key"], "label": r["label"], "value": r["value"], "unit": r["unit"]}
            for r in data.figure_rows()
        ][:MAX_FIGURES]
        title = _("%(region)s daily summary, %(day)s") % {
            "region": region.name,
            "day": day.isoformat(),
        }
    try:
        with transaction.atomic():
            DailySummary.objects.create(region=region, day=day, figures=figures)
            payload = {"title": title, "region": region.code, "day": day.isoformat()}
            publish("summary.daily", {**payload, "figures": figures}, region.pk)
    except IntegrityError:  # another run published it a moment ago
        return False
    return True
