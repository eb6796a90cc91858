"""Pages of the scheduled reports: a region's reports to download (anyone whose area holds
the region), and for those who manage pushes, the subscriptions and a form to add one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.core.exports import CONTENT_TYPES, XLSX
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.regions.selectors import region_for
from gridgov.webhooks.views import region_choices

from . import actions
from .choices import Frequency, ReportStatus
from .selectors import report_for, reports_for, subscriptions_for

PAGE_SIZE = 30
FILES = {"xlsx": CONTENT_TYPES[XLSX], "pdf": "application/pdf"}


@login_required
def home(request):
    user, errors, status = request.user, {}, 200
    may_manage = has_capability(user, Capability.MANAGE_PUSHES)
    if request.method == "POST" and may_manage:
        p = request.POST
        recipients = p.get("recipients", "").replace("，", ",").split(",")
        try:
            actions.do_subscribe(
                p.get("region_code") or p.get("region", ""), p.get("frequency", ""),
                recipients, actor=user,
            )  # fmt: skip
        except GridGovError as error:
            messages.error(request, error.message)
            errors, status = {d.get("field"): d.get("message") for d in error.details}, 400
        else:
            messages.success(request, _("Report subscription saved."))
            return redirect("reports:home")
    region, frequency = None, request.GET.get("frequency", "")
    if request.GET.get("region"):
        try:
            region = region_for(user, request.GET["region"])
        except GridGovError:
            return render(request, "404.html", status=404)
    reports = reports_for(
        user, region=region, frequency=frequency if frequency in Frequency.values else ""
    )
    context = {
        "page": Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page")),
        "region": region,
        "frequency": frequency,
        "frequencies": Frequency.choices,
        "may_manage": may_manage,
        "subscriptions": subscriptions_for(user)[:100] if may_manage else [],
        "regions": region_choices(user) if may_manage else [],
        "errors": errors,
        "form": request.POST,
    }
    return render(request, "reports/home.html", context, status=status)


@login_required
def report(request, pk):
    try:
        found = report_for(request.user, pk)
    except GridGovError:
        return render(request, "404.html", status=404)
    return render(request, "reports/report.html", {"report": found})


@login_required
def download(request, pk, fmt):
    if fmt not in FILES:
        return render(request, "404.html", status=404)
    try:
        found = report_for(request.user, pk)
    except GridGovError:
        return render(request, "404.html", status=404)
    stored = getattr(found, fmt)
    if found.status != ReportStatus.READY or not stored:
        return render(request, "404.html", status=404)
    response = FileResponse(stored.open("rb"), content_type=FILES[fmt])
    name = f"{found.region.name}-{found.get_frequency_display()}-{found.period}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@capability_required(Capability.MANAGE_PUSHES)
def unsubscribe(request, pk):
    try:
        actions.do_unsubscribe(pk, actor=request.user)
    except GridGovError:
        return render(request, "404.html", status=404)
    messages.success(request, _("Report subscription ended."))
    return redirect("reports:home")
