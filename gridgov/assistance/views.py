"""Staff pages of the resident services, phone-first: proxy requests (list, a new one, the
masked resident's phone revealed with a purpose; each request's page is the kernel's work page),
the catalogue (administrators edit it), volunteer activities with sign-ups and hours, a
volunteer's yearly certificate (.xlsx), home-service tasks, and the figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, InvalidInput
from gridgov.core.exports import XLSX, table_response
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability, post_of
from gridgov.org.views import reveal_answer

from . import actions, selectors
from .api import period_from
from .choices import RequestedBy, RequestStatus, ServiceMode, TaskStatus

PAGE_SIZE = 30


def may_configure(user) -> bool:
    """Whether the configuration pages are offered (teams, agents, a new home service)."""
    return has_capability(user, Capability.MANAGE_SERVICES)


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def request_list(request):
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    mine = request.GET.get("mine") == "1"
    rows = selectors.request_list(request.user, status=status, mine=mine)
    rows = rows.select_related("resident__household__house__building")
    return render(
        request,
        "assistance/requests.html",
        {
            "page": _page(request, rows),
            "statuses": RequestStatus.choices,
            "status": status,
            "mine": mine,
            "is_agent": selectors.is_agent(request.user),
            "can_reveal": has_capability(request.user, Capability.REVEAL_PII),
            "may_configure": may_configure(request.user),
        },
    )


@login_required
def request_new(request):
    services = selectors.services_for(request.user).filter(is_active=True).order_by("name")
    form = {"requested_by": RequestedBy.STAFF, "resident": request.GET.get("resident", "")}
    error = None
    if request.method == "POST":
        form = request.POST
        try:
            made = actions.do_request_service(
                selectors.service_for(request.user, request.POST.get("service")),
                selectors.resident_in_scope(request.user, request.POST.get("resident")),
                actor=request.user,
                requested_by=request.POST.get("requested_by", RequestedBy.STAFF),
                details=request.POST.get("details", ""),
            )
        except GridGovError as exc:
            error = exc
        else:
            messages.success(request, _("Request %(number)s recorded.") % {"number": made.number})
            return redirect(made.get_absolute_url())
    return render(
        request,
        "assistance/request_new.html",
        {"services": services, "requesters": RequestedBy.choices, "form": form, "error": error},
        status=error.status_code if error else 200,
    )


@login_required
@require_POST
def reveal_phone(request, number):
    """htmx: a request's resident's full phone, for a stated purpose; audited."""
    item = selectors.request_for(request.user, number)
    resident = selectors.resident_in_scope(request.user, item.resident_id)
    return reveal_answer(request, resident, "phone")


# --- The catalogue ------------------------------------------------------------------------------


@login_required
def service_list(request):
    rows = selectors.services_for(request.user).order_by("county__code", "name")
    post = post_of(request.user)
    return render(
        request,
        "assistance/services.html",
        {"page": _page(request, rows), "may_edit": post is not None and post.role == "admin"},
    )


@login_required
def service_edit(request, pk=None):
    service = selectors.service_for(request.user, pk) if pk else None
    post = post_of(request.user)
    county = (
        service.county if service else (post.region.county if post and post.region_id else None)
    )
    error = None
    if request.method == "POST":
        data = actions.ServiceData(
            name=request.POST.get("name", ""),
            documents=request.POST.get("documents", ""),
            office=request.POST.get("office", ""),
            usual_days=request.POST.get("usual_days", ""),
            mode=request.POST.get("mode", ""),
            is_active=request.POST.get("is_active") == "on",
        )
        try:
            actions.do_save_service(data, actor=request.user, county=county, service=service)
        except GridGovError as exc:
            error = exc
        else:
            messages.success(request, _("The catalogue is saved."))
            return redirect("assistance:services")
    return render(
        request,
        "assistance/service_form.html",
        {"service": service, "county": county, "modes": ServiceMode.choices, "error": error},
        status=error.status_code if error else 200,
    )


# --- Volunteers ---------------------------------------------------------------------------------


@login_required
def activity_list(request):
    rows = selectors.activities_for(request.user).order_by("-starts_at", "-pk")
    teams = selectors.teams_for(request.user).order_by("region__code", "kind")[:50]
    context = {
        "page": _page(request, rows),
        "teams": teams,
        "may_configure": may_configure(request.user),
    }
    return render(request, "assistance/activities.html", context)


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_for(request.user, pk)
    return render(
        request,
        "assistance/activity.html",
        {
            "activity": activity,
            "signups": selectors.signups_of(activity),
            "volunteers": selectors.volunteers_for(request.user)
            .filter(team=activity.team, is_active=True)
            .order_by("name"),
            "may_confirm": actions.may_confirm_hours(request.user, activity.team),
            "may_configure": may_configure(request.user),
        },
    )


@login_required
@require_POST
def activity_act(request, pk, what):
    """Sign a volunteer up, record hours, confirm hours: back to the activity's page."""
    activity = selectors.activity_for(request.user, pk)
    try:
        if what == "signup":
            volunteer = selectors.volunteer_for(request.user, request.POST.get("volunteer"))
            actions.do_sign_up(activity, volunteer, actor=request.user)
        elif what in ("hours", "confirm"):
            signup = selectors.signup_for(request.user, request.POST.get("signup"))
            if signup.activity_id != activity.pk:
                raise InvalidInput(_("No such sign-up."))
            if what == "hours":
                actions.do_record_hours(signup, request.POST.get("hours"), actor=request.user)
            else:
                actions.do_confirm_hours(signup, actor=request.user)
        else:
            raise InvalidInput(_("Unknown action: %(action)s.") % {"action": what})
    except GridGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("assistance:activity", pk=activity.pk)


@login_required
def certificate(request, pk):
    """A volunteer's yearly certificate of confirmed hours, as a spreadsheet."""
    volunteer = selectors.volunteer_for(request.user, pk)
    year = request.GET.get("year") or ""
    day = parse_day(f"{year}-01-01", "year") if year.isdigit() and len(year) == 4 else None
    year = day.year if day else timezone.localdate().year
    rows = selectors.certificate_rows(volunteer, year)
    table = [
        (r.activity.starts_at.date(), r.activity.team.name, r.activity.title, r.hours) for r in rows
    ]
    table.append(("", "", _("Total hours"), selectors.hours_total(rows)))
    title = _("Volunteer service certificate %(year)d: %(name)s") % {
        "year": year,
        "name": volunteer.name,
    }
    header = [_("Day"), _("Team"), _("Activity"), _("Hours")]
    return table_response(XLSX, f"{volunteer.name}-{year}", header, table, title=title)


# --- Home-service tasks -------------------------------------------------------------------------


@login_required
def task_list(request):
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    rows = selectors.task_list(request.user, status=status)
    rows = rows.select_related("resident__household__house__building")
    return render(
        request,
        "assistance/tasks.html",
        {
            "page": _page(request, rows),
            "statuses": TaskStatus.choices,
            "status": status,
            "may_configure": may_configure(request.user),
        },
    )


# --- Figures ------------------------------------------------------------------------------------


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    try:
        period = period_from(request.user, request.GET)
    except GridGovError as exc:
        return render(request, "assistance/kpi.html", {"error": exc}, status=exc.status_code)
    return render(
        request,
        "assistance/kpi.html",
        {
            "period": period,
            "figures": selectors.request_figures(request.user, period),
            "coverage": selectors.coverage(request.user, period),
            "hours": selectors.volunteer_hours(request.user, period),
            "modes": dict(ServiceMode.choices),
        },
    )
