"""Event pages: report, lists and workbenches, detail with timeline and actions, KPIs.

Pages call the same action functions as the API (through `api.run_action` for the loop's
steps), so a step taken on a phone page and one taken by an app are the same write.
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

from gridgov.core.errors import GridGovError, InvalidInput
from gridgov.org.choices import Capability, Role
from gridgov.org.roles import capability_required, post_of
from gridgov.regions.choices import CRS
from gridgov.regions.selectors import map_centre_for

from . import actions
from .api import ActionInput, action_payload, event_filter_from, kpi_query_from, run_action
from .choices import EventSource, EventStatus, Priority, Urgency
from .kpi import event_kpis
from .selectors import categories, event_for, filtered_events, units_working_in, urgency_of
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
            "can_dispatch": post is not None and post.role == Role.DISPATCHER,
            "bulk_units": _bulk_units(post),
        },
    )


def _bulk_units(post):
    if post is None or post.role != Role.DISPATCHER:
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
    timeline = list(event.timeline.prefetch_related("attachments").order_by("seq"))
    available = WORKFLOW.actions_for(event, request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
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


@login_required
@require_POST
def event_act(request, number, action):
    event = event_for(request.user, number)
    # The API's input rules, for the page's forms too.
    form = ActionInput(data=action_payload(request.POST, request.FILES))
    try:
        if not form.is_valid():
            raise InvalidInput(_("The request is not valid."), details=_form_problems(form))
        event = run_action(request, event, action, form.validated_data)
    except GridGovError as error:
        return event_detail(request, number, error=error, status=error.status_code)
    label = WORKFLOW.transition(action).label
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    try:
        return redirect(event_for(request.user, event.number).get_absolute_url())
    except GridGovError:  # the step took it out of the actor's sight (handed up or down)
        return redirect("events:list")


def _form_problems(form) -> list[dict]:
    return [
        {"field": field, "message": str(message)}
        for field, problems in form.errors.items()
        for message in (problems if isinstance(problems, list) else [problems])
    ]


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
