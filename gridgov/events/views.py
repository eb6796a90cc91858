"""Event pages: report, lists and workbenches, detail with timeline and actions, KPIs.

The loop's steps are taken through the one action view of every kind of work item
(`gridgov.workflow.pages.act`), the same path as the API's, so a step taken on a phone page and
one taken by an app are the same write.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.org.choices import Capability, Role
from gridgov.org.roles import capability_required, post_of
from gridgov.regions.choices import CRS
from gridgov.regions.selectors import map_centre_for
from gridgov.workflow.models import Urgency, history_of, urgency_of

from . import actions
from .api import event_filter_from, kpi_query_from
from .choices import EventSource, EventStatus, Priority
from .kpi import event_kpis
from .selectors import categories, event_for, filtered_events, units_working_in
from .workflow import EVENT_WORKFLOW as WORKFLOW

PAGE_SIZE = 30


def _default_queue(user) -> str:
    post = post_of(user)
    if post is None:
        return ""
    if post.role == Role.DISPATCHER:
        return "command"
    if post.role == Role.OFFICER:
        return "unit"
    return ""


@login_required
def event_list(request):
    """One list, three workbenches: my reports, the command centre's queue, the unit's tasks."""
    params = request.GET.copy()
    if "queue" not in params and "mine" not in params:
        params["queue"] = _default_queue(request.user)
        if (
            not params["queue"]
            and post_of(request.user)
            and post_of(request.user).role
            in (
                Role.GRID_WORKER,
                Role.MICROGRID_LEADER,
            )
        ):
            params["mine"] = "1"
    try:
        event_filter = event_filter_from(request.user, params)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("events:list")
    page = Paginator(filtered_events(request.user, event_filter), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for event in page:
        event.urgency = urgency_of(event, now)
    post = post_of(request.user)
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "f": event_filter,
            "statuses": EventStatus.choices,
            "categories": categories(),
            "urgencies": [(Urgency.YELLOW, Urgency.YELLOW.label), (Urgency.RED, Urgency.RED.label)],
            "can_dispatch": _may_dispatch(request.user),
            "bulk_units": _bulk_units(request.user, post),
        },
    )


def _may_dispatch(user) -> bool:
    """Whether the user's role may dispatch at all, as the table says (each event's guard is
    checked when it is dispatched)."""
    return WORKFLOW.role_of(user) in WORKFLOW.transition("dispatch").roles


def _bulk_units(user, post):
    if post is None or not _may_dispatch(user):
        return []
    return units_working_in(post.region)


@login_required
@require_POST
def bulk_dispatch(request):
    from .api import _unit

    numbers = request.POST.getlist("events")
    try:
        lead = _unit(request.POST.get("lead"))
        result = actions.do_bulk_dispatch_events(numbers, actor=request.user, lead=lead)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("events:list")
    if result["dispatched"]:
        messages.success(
            request,
            _("%(n)d events dispatched to %(unit)s.")
            % {"n": len(result["dispatched"]), "unit": lead.name},
        )
    for failure in result["failed"]:
        messages.error(request, failure["message"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("events:list")
    return redirect(back)


@login_required
def report(request):
    """The report form: category, a pin on the map or the device's location, photos."""
    if WORKFLOW.role_of(request.user) not in WORKFLOW.transition("report").roles:
        return render(request, "403.html", status=403)
    context = {
        "categories": [c for c in categories() if c.parent_id],
        "priorities": Priority.choices,
        "can_handle_on_spot": WORKFLOW.role_of(request.user)
        in WORKFLOW.transition("report_handled").roles,
        "sources": _sources_for(request.user),
        "home": map_centre_for(request.user),
        "values": {},
    }
    if request.method == "POST":
        data = actions.ReportData(
            title=request.POST.get("title", ""),
            category=request.POST.get("category", ""),
            lon=request.POST.get("lon", ""),
            lat=request.POST.get("lat", ""),
            crs=request.POST.get("crs") or CRS.WGS84,
            description=request.POST.get("description", ""),
            address=request.POST.get("address", ""),
            priority=request.POST.get("priority") or Priority.NORMAL,
            source=request.POST.get("source", ""),
            reporter_name=request.POST.get("reporter_name", ""),
            reporter_phone=request.POST.get("reporter_phone", ""),
            occurred_at=request.POST.get("occurred_at", ""),
            photos=request.FILES.getlist("photos"),
        )
        try:
            event = actions.do_report_event(
                data,
                actor=request.user,
                on_the_spot=request.POST.get("on_the_spot") == "1",
                note=request.POST.get("note", ""),
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(request, "events/report.html", context, status=error.status_code)
        messages.success(request, _("Event %(number)s reported.") % {"number": event.number})
        return redirect(event.get_absolute_url())
    return render(request, "events/report.html", context)


def _sources_for(user) -> list:
    """The sources a person may choose from, when their role allows more than one (a
    dispatcher types in what the 12345 hotline or a caller reported)."""
    allowed = actions.SOURCES_BY_ROLE.get(WORKFLOW.role_of(user), set())
    if len(allowed) < 2:
        return []
    return [(value, label) for value, label in EventSource.choices if value in allowed]


@login_required
def event_detail(request, number, error=None, status=200):
    event = event_for(request.user, number)
    timeline = history_of(event)
    available = WORKFLOW.actions_for(event, request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "item": event,
            "timeline": timeline,
            "available": available,
            "urgency": urgency_of(event),
            "units": units_working_in(event)
            if any(t.action == "dispatch" for t in available)
            else [],
            "error": error,
            "reopen_days": settings.GRIDGOV_REOPEN_DAYS,
        },
        status=status,
    )


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    try:
        query = kpi_query_from(request.user, request.GET)
        figures = event_kpis(request.user, query)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("events:kpi")
    return render(
        request,
        "events/kpi.html",
        {"query": query, "figures": figures, "params": request.GET},
    )
