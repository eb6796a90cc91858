"""Pages of the "综合查一次" planner and of the inspections' figures.

A dispatcher lists the pending needs of their area, asks the planner for a period, reviews the
proposed joint visits day by day (and what could not be planned, with why), then confirms the
plan — which creates the inspection tasks — or discards it. Leaders read the figures.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.dates import date_range, required_day
from gridgov.core.errors import GridGovError, InvalidInput
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.roles import capability_required
from gridgov.org.scoping import scoped
from gridgov.regions.selectors import region_or_home_for

from .choices import NeedStatus
from .kpi import InspectionKpiQuery, inspection_kpis
from .models import InspectionNeed, Scenario
from .planning import do_confirm_plan, do_discard_plan, do_propose_plan, plan_rows
from .selectors import plan_for, plans_for

PAGE_SIZE = 50


def pending_needs_for(user, area):
    needs = scoped(
        InspectionNeed.objects.filter(status=NeedStatus.PENDING)
        .select_related("target", "department", "scenario")
        .order_by("earliest", "id"),
        user,
    )
    if area is not None:
        needs = needs.filter(**{f"target__{area.level}": area.pk})
    return needs


@capability_required(Capability.PLAN_INSPECTIONS)
@require_http_methods(["GET", "POST"])
def plan_list(request):
    area = region_or_home_for(request.user, None)
    if request.method == "POST":
        try:
            plan = do_propose_plan(
                region_or_home_for(request.user, request.POST.get("area") or None),
                required_day(request.POST.get("start"), "start"),
                required_day(request.POST.get("end"), "end"),
                actor=request.user,
            )
        except GridGovError as error:
            messages.error(request, error.message)
            for detail in error.details:
                messages.error(request, detail.get("message", ""))
            return redirect("inspections:plans")
        return redirect(plan.get_absolute_url())
    needs = Paginator(pending_needs_for(request.user, area), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    plans = plans_for(request.user).select_related("area")[:20]
    today = timezone.localdate()
    context = {
        "area": area,
        "needs": needs,
        "plans": plans,
        "start": today + dt.timedelta(days=1),
        "end": today + dt.timedelta(days=30),
    }
    return render(request, "inspections/plans.html", context)


@capability_required(Capability.PLAN_INSPECTIONS)
def plan_detail(request, pk: int):
    plan = plan_for(request.user, pk)
    visits, left = plan_rows(plan)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/plan.html", {"plan": plan, "visits": page, "left": left})


@capability_required(Capability.PLAN_INSPECTIONS)
@require_POST
def plan_decide(request, pk: int, decision: str):
    plan = plan_for(request.user, pk)
    try:
        if decision == "confirm":
            outcome = do_confirm_plan(plan.pk, actor=request.user)
            messages.success(
                request,
                _("%(n)d inspection tasks created; %(skipped)d visits skipped.")
                % {"n": len(outcome["created"]), "skipped": len(outcome["skipped"])},
            )
        elif decision == "discard":
            do_discard_plan(plan.pk, actor=request.user)
            messages.success(request, _("The plan was discarded."))
        else:
            raise InvalidInput(_("Unknown action: %(action)s.") % {"action": decision})
    except GridGovError as error:
        messages.error(request, error.message)
    return redirect(plan.get_absolute_url())


UNKNOWN = {
    "scenario": gettext_lazy("Unknown scenario."),
    "department": gettext_lazy("Unknown department."),
}


def _by_code(model, params, name):
    """The row a query parameter names by code, None when it names none; a code that names
    nothing is a 400 (an over-long one is not even looked up)."""
    code = params.get(name) or ""
    if not code:
        return None
    found = None
    if len(code) <= 32:
        found = model.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(UNKNOWN[name], details=[{"field": name, "message": UNKNOWN[name]}])
    return found


def kpi_query_from(user, params) -> InspectionKpiQuery:
    start, end = date_range(params.get("from"), params.get("to"))
    return InspectionKpiQuery(
        region=region_or_home_for(user, params.get("region") or None),
        department=_by_code(Department, params, "department"),
        scenario=_by_code(Scenario, params, "scenario"),
        start=start,
        end=end,
    )


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    try:
        query = kpi_query_from(request.user, request.GET)
        figures = inspection_kpis(request.user, query)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("inspections:kpi")
    return render(
        request,
        "inspections/kpi.html",
        {
            "query": query,
            "figures": figures,
            "params": request.GET,
            "scenarios": Scenario.objects.filter(is_active=True),
        },
    )
