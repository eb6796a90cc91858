"""The public pages of night construction (no account needed): look up the valid filings of a
construction site near you, and file night work for a site as a company.

A neighbour sees who builds at night, on which nights and hours, what the company committed to
and which department answers for it — never the contact person or their phone. Every lookup
and every filing is counted per address (core.ratelimit) before anything else happens.
"""

from collections import defaultdict

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.audit import client_ip
from gridgov.core.errors import GridGovError, TooManyRequests, stored_id
from gridgov.core.ratelimit import allow
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.workflow.engine import PublicActor

from . import actions
from .api import count_public_lookup
from .choices import Validity
from .selectors import PUBLIC_SITES, public_filings, public_sites
from .views import filing_data_from

PUBLIC_LABEL = "web:filing"
SESSION_KEY = "filing_submitted"


@require_GET
def lookup(request):
    text = request.GET.get("q", "").strip()[:100]
    context = {"q": text, "sites": None}
    if text:
        try:
            count_public_lookup(request)
        except GridGovError as error:
            context["error"] = error
            return render(request, "filings/public_lookup.html", context, status=429)
        sites = list(public_sites(text)[:PUBLIC_SITES])
        by_site = defaultdict(list)
        for filing in public_filings([s.pk for s in sites]):
            filing.current_validity = filing.validity()
            if filing.current_validity != Validity.EXPIRED:  # e.g. its last night ended today
                by_site[filing.site_id].append(filing)
        for site in sites:
            site.valid_filings = by_site[site.pk]
        context["sites"] = sites
    return render(request, "filings/public_lookup.html", context)


def _site(pk) -> InspectionTarget | None:
    pk = stored_id(pk)
    if pk is None:
        return None
    return InspectionTarget.objects.filter(
        pk=pk, kind=TargetKind.CONSTRUCTION_SITE, is_active=True
    ).first()


@require_http_methods(["GET", "POST"])
def submit(request):
    site = _site(request.POST.get("site") or request.GET.get("site"))
    if site is None:
        return redirect("filings_public:lookup")
    context = {
        "site": site,
        "values": {"start_time": "22:00", "end_time": "06:00", "noise_limit_db": "55"},
    }
    if request.method == "POST":
        try:
            if not allow(
                f"public:filing:{client_ip(request)}", **settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT
            ):
                raise TooManyRequests(
                    _("Too many attempts from this address; please try again later.")
                )
            data = filing_data_from(request.POST)
            data.department = ""  # the public page files with the county's housing bureau
            filing = actions.do_submit_filing(data, actor=PublicActor(PUBLIC_LABEL))
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(request, "filings/public_submit.html", context, status=error.status_code)
        request.session[SESSION_KEY] = {
            "number": filing.number,
            "department": filing.department.name,
        }
        return redirect("filings_public:submitted")
    return render(request, "filings/public_submit.html", context)


@require_GET
def submitted(request):
    fresh = request.session.pop(SESSION_KEY, None)
    if fresh is None:
        return redirect("filings_public:lookup")
    return render(request, "filings/public_submitted.html", fresh)
