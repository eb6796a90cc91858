"""Reads of the scheduled reports on behalf of a user: always through `scoped`."""

from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.org.scoping import scoped

from .models import Report, ReportSubscription


def subscriptions_for(user):
    return (
        scoped(ReportSubscription.objects.filter(is_active=True), user)
        .select_related("region")
        .defer("region__boundary")
        .prefetch_related("recipients")
        .order_by("region__code", "frequency")
    )


def reports_for(user, *, region=None, frequency: str = ""):
    reports = scoped(Report.objects.all(), user).select_related("region").defer("region__boundary")
    if region is not None:
        reports = reports.filter(region=region)
    if frequency:
        reports = reports.filter(frequency=frequency)
    return reports.order_by("-first_day", "-id")


def report_for(user, pk) -> Report:
    found = reports_for(user).filter(pk=stored_id(pk) or 0).first()
    if found is None:
        raise NotFound(_("No such report in your area."))
    return found
