"""Phone-first pages of frontline care: duty posts, shifts (entered or imported), care visits
and their problems, rest orders with detection on demand, the county's policy, the figures.

Rest orders and problems open on the kernel's page of a work item (`/work/<kind>/<number>/`),
whose steps are the API's too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.core.exports import FORMATS
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.org.scoping import scoped
from gridgov.regions.selectors import home_region_for, region_for, regions_for

from . import actions, rules
from .api import kpi_query_from, shift_filter_from
from .choices import PostKind, ProblemStatus, RestOrderStatus
from .detection import policy_for
from .forms import ShiftUploadForm
from .jobs import IMPORT_SHIFTS
from .kpi import care_kpis
from .selectors import (
    post_for,
    posts_for,
    problems_for,
    rest_orders_for,
    shifts_for,
    staff_for,
    visit_for,
    visits_for,
)
from .shiftfile import COLUMNS
from .workflow import CARE_PROBLEM_WORKFLOW

PAGE_SIZE = 30
PICKER_LIMIT = 300


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _refused(request, error: GridGovError) -> dict:
    """What a refused form shows: the message and each field's problem."""
    messages.error(request, error.message)
    return {d.get("field"): d.get("message") for d in error.details or ()}


def _counties(user):
    return list(regions_for(user).filter(level="county").defer("boundary").order_by("code"))


@capability_required(Capability.VIEW_STAFF)
def home(request):
    user = request.user
    context = {
        "posts": posts_for(user).count(),
        "proposed": rest_orders_for(user, RestOrderStatus.PROPOSED).count(),
        "in_force": rest_orders_for(user, RestOrderStatus.ISSUED).count(),
        "open_problems": problems_for(user)
        .filter(status__in=CARE_PROBLEM_WORKFLOW.open_states)
        .count(),
        "may_manage": has_capability(user, Capability.MANAGE_DUTY),
        "may_see_kpi": has_capability(user, Capability.VIEW_KPI),
    }
    return render(request, "care/home.html", context)


@capability_required(Capability.VIEW_STAFF)
def post_list(request):
    user, errors, status = request.user, {}, 200
    may_manage = has_capability(user, Capability.MANAGE_DUTY)
    if request.method == "POST" and may_manage:
        data = actions.PostData(
            **{n: request.POST.get(n, "") for n in ("code", "name", "kind", "region", "address")},
            round_the_clock=bool(request.POST.get("round_the_clock")),
        )
        try:
            post = actions.do_create_post(data, actor=user)
            messages.success(request, _("Duty post %(name)s added.") % {"name": post.name})
            return redirect(post.get_absolute_url())
        except GridGovError as error:
            errors, status = _refused(request, error), error.status_code
    kind = request.GET.get("kind", "")
    posts = posts_for(
        user, kind=kind if kind in PostKind.values else "", q=request.GET.get("q", "")[:100]
    )
    context = {
        "page": _page(request, posts),
        "kinds": PostKind.choices,
        "kind": kind,
        "q": request.GET.get("q", ""),
        "may_manage": may_manage,
        "errors": errors,
        "form": request.POST,
        "regions": regions_for(user)
        .filter(level__in=("county", "town"))
        .defer("boundary")
        .order_by("code")[:PICKER_LIMIT]
        if may_manage
        else [],
    }
    return render(request, "care/posts.html", context, status=status)


@capability_required(Capability.VIEW_STAFF)
def post_detail(request, pk):
    try:
        post = post_for(request.user, pk)
    except GridGovError:
        return render(request, "404.html", status=404)
    shifts = shifts_for(request.user).filter(post=post)
    context = {
        "post": post,
        "page": _page(request, shifts),
        "visits": visits_for(request.user).filter(post=post)[:10],
    }
    return render(request, "care/post.html", context)


@capability_required(Capability.VIEW_STAFF)
def shift_list(request):
    user, errors, status = request.user, {}, 200
    may_manage = has_capability(user, Capability.MANAGE_DUTY)
    if request.method == "POST" and may_manage:
        p = request.POST
        try:
            actions.do_add_shift(
                p.get("staff"), p.get("post"), p.get("starts_at"), p.get("ends_at"), actor=user
            )
            messages.success(request, _("Shift added."))
            return redirect("care:shifts")
        except GridGovError as error:
            errors, status = _refused(request, error), error.status_code
    try:
        f = shift_filter_from(request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("care:shifts")
    context = {
        "page": _page(request, shifts_for(user, f)),
        "f": f,
        "may_manage": may_manage,
        "errors": errors,
        "form": request.POST,
        "posts": list(posts_for(user).select_related(None).only("pk", "name")[:PICKER_LIMIT])
        if may_manage
        else [],
        "people": list(staff_for(user).only("pk", "name").order_by("name", "pk")[:PICKER_LIMIT])
        if may_manage
        else [],
    }
    return render(request, "care/shifts.html", context, status=status)


@require_POST
@capability_required(Capability.MANAGE_DUTY)
def shift_remove(request, pk):
    try:
        actions.do_remove_shift(pk, actor=request.user)
        messages.success(request, _("Shift removed."))
    except GridGovError as error:
        messages.error(request, error.message)
    return redirect("care:shifts")


@capability_required(Capability.MANAGE_DUTY)
def shift_import(request):
    areas = _counties(request.user) or [r for r in [home_region_for(request.user)] if r]
    form = ShiftUploadForm(request.POST or None, request.FILES or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_SHIFTS,
            actor=request.user,
            params={
                "area": form.cleaned_data["area"],
                "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_SHIFTS), request.user)[:10]
    context = {"form": form, "recent": recent, "columns": COLUMNS, "formats": FORMATS}
    return render(request, "care/shift_import.html", context, status=400 if form.errors else 200)


def _visit_data(post) -> actions.VisitData:
    lines = [t for t in post.get("problems", "").splitlines() if t.strip()]
    return actions.VisitData(
        post=post.get("post"),
        visited_at=post.get("visited_at") or None,
        people=tuple(post.getlist("people")),
        packages=post.get("packages") or 0,
        note=post.get("note", ""),
        problems=tuple(lines),
    )


@capability_required(Capability.VIEW_STAFF)
def visit_list(request):
    user, errors, status = request.user, {}, 200
    may_visit = (
        CARE_PROBLEM_WORKFLOW.role_of(user) in CARE_PROBLEM_WORKFLOW.transition("raise").roles
    )
    if request.method == "POST" and may_visit:
        try:
            visit = actions.do_record_visit(_visit_data(request.POST), actor=user)
            messages.success(request, _("Visit recorded."))
            return redirect(visit.get_absolute_url())
        except GridGovError as error:
            errors, status = _refused(request, error), error.status_code
    context = {
        "page": _page(request, visits_for(user)),
        "may_visit": may_visit,
        "errors": errors,
        "form": request.POST,
        "posts": list(posts_for(user).select_related(None).only("pk", "name")[:PICKER_LIMIT])
        if may_visit
        else [],
    }
    return render(request, "care/visits.html", context, status=status)


@capability_required(Capability.VIEW_STAFF)
def visit_detail(request, pk):
    try:
        visit = visit_for(request.user, pk)
    except GridGovError:
        return render(request, "404.html", status=404)
    context = {
        "visit": visit,
        "people": visit.people.only("pk", "name").order_by("name"),
        "problems": visit.problems.order_by("raised_at", "pk"),
    }
    return render(request, "care/visit.html", context)


@capability_required(Capability.VIEW_STAFF)
def rest_order_list(request):
    user = request.user
    may_detect = has_capability(user, Capability.MANAGE_DUTY)
    counties = _counties(user) if may_detect else []
    if request.method == "POST" and may_detect:
        try:
            county = region_for(user, request.POST.get("county", ""))
            proposed = actions.do_detect(county, actor=user)
            messages.success(request, _("%(n)d rest orders proposed.") % {"n": len(proposed)})
        except GridGovError as error:
            messages.error(request, error.message)
        return redirect("care:rest-orders")
    status = request.GET.get("status", "")
    status = status if status in RestOrderStatus.values else ""
    context = {
        "page": _page(request, rest_orders_for(user, status)),
        "statuses": RestOrderStatus.choices,
        "status": status,
        "counties": counties,
    }
    return render(request, "care/rest_orders.html", context)


@capability_required(Capability.VIEW_STAFF)
def problem_list(request):
    status = request.GET.get("status", "")
    status = status if status in ProblemStatus.values else ""
    context = {
        "page": _page(request, problems_for(request.user, status)),
        "statuses": ProblemStatus.choices,
        "status": status,
    }
    return render(request, "care/problems.html", context)


@login_required
def policy(request):
    user = request.user
    counties = _counties(user)
    code = (
        request.POST.get("county")
        or request.GET.get("county")
        or (counties[0].code if counties else "")
    )
    try:
        county = region_for(user, code)
    except GridGovError:
        return render(request, "404.html", status=404)
    may_edit = has_capability(user, Capability.MANAGE_DUTY_POLICY)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            actions.do_set_policy(
                county, {n: request.POST.get(n, "") for n in rules.POLICY_BOUNDS}, actor=user
            )
            messages.success(request, _("Duty policy saved."))
            return redirect(f"{request.path}?county={county.code}")
        except GridGovError as error:
            errors, status = _refused(request, error), error.status_code
    current = policy_for(county)
    fields = [
        (name, getattr(current, name), errors.get(name), *rules.POLICY_BOUNDS[name])
        for name in rules.POLICY_BOUNDS
    ]
    labels = {f.name: f.verbose_name for f in current._meta.fields}
    context = {
        "county": county,
        "counties": counties,
        "fields": [(n, labels[n], v, e, lo, hi) for n, v, e, lo, hi in fields],
        "may_edit": may_edit,
        "saved": current.pk is not None,
    }
    return render(request, "care/policy.html", context, status=status)


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    try:
        query = kpi_query_from(request.user, request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("care:kpi")
    return render(request, "care/kpi.html", {"k": care_kpis(request.user, query)})
