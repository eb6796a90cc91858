"""Staff pages for filings: the list, one filing with its timeline and the decisions, filing
on a company's behalf, and the figures.

Decisions are taken through the one action view of every kind of work item
(`gridgov.workflow.pages.act`), the API's path too, so a decision taken on a phone page and one
taken by an app are the same write.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.events.selectors import divisions_of
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.roles import capability_required, has_capability, post_of
from gridgov.org.views import reveal_answer
from gridgov.workflow.engine import CITIZEN
from gridgov.workflow.models import history_of

from . import actions
from .api import filing_filter_from, kpi_query_from
from .choices import FilingStatus, Validity
from .kpi import night_construction_kpis
from .selectors import construction_sites_for, filing_for, filtered_filings
from .workflow import FILING_WORKFLOW as WORKFLOW

PAGE_SIZE = 30
MAX_SITES_LISTED = 500
FORM_FIELDS = (
    "site", "company_name", "company_uscc", "contact_name", "contact_phone", "first_night",
    "last_night", "start_time", "end_time", "reason", "noise_limit_db", "noise_measures",
    "department",
)  # fmt: skip


def may_file(user) -> bool:
    role = WORKFLOW.role_of(user)
    return role != CITIZEN and role in WORKFLOW.transition("submit").roles


def _sites(user) -> list:
    return list(construction_sites_for(user).only("pk", "name")[:MAX_SITES_LISTED])


@login_required
def filing_list(request):
    try:
        f = filing_filter_from(request.user, request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("filings:list")
    page = Paginator(filtered_filings(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/list.html",
        {
            "page": page,
            "f": f,
            "statuses": FilingStatus.choices,
            "sites": _sites(request.user),
            "may_file": may_file(request.user),
        },
    )


def filing_data_from(post) -> actions.FilingData:
    return actions.FilingData(**{name: post.get(name, "") for name in FORM_FIELDS})


def _departments_near(user) -> list[Department]:
    """Departments a filing may name: those working where the staff member is posted."""
    post = post_of(user)
    if post is None:
        return []
    return list(
        Department.objects.filter(region_id__in=divisions_of(post.region), is_active=True)
        .only("code", "name")
        .order_by("code")
    )


@login_required
def filing_new(request):
    if not may_file(request.user):
        return render(request, "403.html", status=403)
    context = {
        "sites": _sites(request.user),
        "departments": _departments_near(request.user),
        "values": {"start_time": "22:00", "end_time": "06:00", "noise_limit_db": "55"},
        "site_id": request.GET.get("site", ""),
    }
    if request.method == "POST":
        try:
            filing = actions.do_submit_filing(
                filing_data_from(request.POST),
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST, site_id=request.POST.get("site"))
            return render(request, "filings/new.html", context, status=error.status_code)
        messages.success(request, _("Filing %(number)s submitted.") % {"number": filing.number})
        return redirect(filing.get_absolute_url())
    return render(request, "filings/new.html", context)


@login_required
def filing_detail(request, number, error=None, status=200):
    filing = filing_for(request.user, number)
    return render(
        request,
        "filings/detail.html",
        {
            "filing": filing,
            "timeline": history_of(filing),
            "available": WORKFLOW.actions_for(filing, request.user),
            "validity": Validity(filing.validity()) if filing.validity() else None,
            "can_reveal": has_capability(request.user, Capability.REVEAL_PII),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def filing_reveal(request, number):
    """htmx: replace the masked contact phone with the full number. Audited."""
    return reveal_answer(request, filing_for(request.user, number), "contact_phone")


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    context = {"params": request.GET}
    try:
        query = kpi_query_from(request.user, request.GET)
        context.update(query=query, figures=night_construction_kpis(request.user, query))
    except GridGovError as error:
        context["error"] = error
        return render(request, "filings/kpi.html", context, status=error.status_code)
    return render(request, "filings/kpi.html", context)
