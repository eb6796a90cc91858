"""Making the reports: the clock's `queue_due_reports` queues, for every active subscription,
the report of its last whole period when none exists; a background job (`core.jobs`, with its
lease) makes the files, keeps them, and tells the recipients (a notification each) and the
webhooks ("report.ready", with the link).

A report for (region, frequency, period) is made once: its row is unique, claimed when it is
queued; a job run twice (its worker died) finds the row ready and stops, or makes the same
files again under the same names.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from gridgov.core import audit
from gridgov.core.dates import Period
from gridgov.core.jobs import do_submit_job, job_handler
from gridgov.core.models import Job
from gridgov.core.registry import publish
from gridgov.workflow.models import Notification

from . import documents
from .choices import Frequency, ReportStatus, last_whole_period
from .figures import collect
from .models import Report, ReportSubscription

logger = logging.getLogger(__name__)
MAKE_REPORT = "reports.make"


@task()
def queue_due_reports() -> int:
    return queue_due(today=timezone.localdate())


def queue_due(*, today) -> int:
    """Queue the reports due on `today`; how many were queued (none already made)."""
    queued = 0
    subscriptions = ReportSubscription.objects.filter(is_active=True).select_related(
        "region", "created_by"
    )
    for subscription in subscriptions.order_by("pk"):
        period = last_whole_period(subscription.frequency, today)
        queued += do_queue_report(subscription, period) is not None
    return queued


def do_queue_report(subscription: ReportSubscription, period) -> Report | None:
    """Claim the report of a period and queue its job; None when it exists already."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                region=subscription.region,
                frequency=subscription.frequency,
                period=str(period),
                first_day=period.first,
                last_day=period.last,
            )
            report.job = do_submit_job(
                MAKE_REPORT, actor=subscription.created_by, params={"report": report.pk}
            )
            report.save(update_fields=["job"])
    except IntegrityError:  # made (or being made) already, by this clock or another
        return None
    return report


@job_handler(MAKE_REPORT)
def make_report(job: Job) -> dict:
    report = Report.objects.select_related("region").get(pk=job.params["report"])
    if report.status == ReportStatus.READY:
        return {"report": report.pk, "made": 0}
    with translation.override(settings.LANGUAGE_CODE):
        title, subtitle = titles(report)
        data = collect(report.region, period_of(report), job.created_by)
        workbook = documents.workbook(title, data)
        pdf = documents.pdf(title, subtitle, data)
    name = f"{report.region.code}-{report.frequency}-{report.period}"
    _replace(report.xlsx, f"{name}.xlsx", workbook)
    _replace(report.pdf, f"{name}.pdf", pdf)
    _ready(report, data)
    return {"report": report.pk, "made": 1, "problems": data.problems or None}


def period_of(report: Report) -> Period:
    return Period.parse(report.period)


def titles(report: Report) -> tuple[str, str]:
    names = {
        Frequency.DAILY: _("daily report"),
        Frequency.WEEKLY: _("weekly report"),
        Frequency.MONTHLY: _("monthly report"),
    }
    title = _("%(region)s %(report)s") % {
        "region": report.region.name,
        "report": names[report.frequency],
    }
    subtitle = _("%(first)s to %(last)s, made %(now)s") % {
        "first": report.first_day.isoformat(),
        "last": report.last_day.isoformat(),
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return title, subtitle


def _replace(field, name: str, content: bytes) -> None:
    """Store the file under its name, replacing what a run cut short left there."""
    target = field.field.generate_filename(field.instance, name)
    if field.storage.exists(target):
        field.storage.delete(target)
    field.save(name, ContentFile(content), save=False)


@transaction.atomic
def _ready(report: Report, data) -> None:
    report.status, report.made_at = ReportStatus.READY, timezone.now()
    report.figures = {r["key"]: r["value"] for r in data.figure_rows()}
    report.save(update_fields=["status", "made_at", "figures", "xlsx", "pdf"])
    subscription = ReportSubscription.objects.filter(
        region=report.region_id, frequency=report.frequency
    ).first()
    recipients = list(subscription.recipients.values_list("pk", flat=True)) if subscription else []
    text = _("The %(report)s is ready.") % {"report": titles(report)[0]}
    Notification.objects.bulk_create(
        [
            Notification(user_id=u, text=text[:255], url=report.get_absolute_url())
            for u in recipients
        ]
    )
    audit.record(
        "reports.report.ready",
        actor="worker",
        target=report,
        summary=str(report),
        changes={"recipients": len(recipients)},
    )
    site = settings.GRIDGOV_SITE_URL
    publish(
        "report.ready",
        {
            "title": text,
            "region": report.region.code,
            "frequency": report.frequency,
            "period": report.period,
            "url": site + report.get_absolute_url(),
        },
        report.region_id,
    )
