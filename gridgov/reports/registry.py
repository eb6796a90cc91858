"""What the scheduled reports bring to the platform: their page in the navigation, the clock's
queueing of due reports (made by a background job each: `making.make_report`) and the daily
summary published to webhooks. Read once at start-up (`gridgov.core.apps`)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import ANY_CAPABILITY, NavEntry, register_job, register_navigation

from . import making  # noqa: F401 - registers the job handler that makes a report

register_navigation(
    NavEntry(_("Reports and webhooks"), "reports:home", 90, requires=ANY_CAPABILITY)
)
# Due reports are queued within ten minutes of their period's end; each is made once.
register_job("gridgov.reports.making.queue_due_reports", 600)
# Yesterday's summary goes out once a day per region; an hourly look catches a missed run.
register_job("gridgov.reports.summary.publish_daily_summaries", 3600)
