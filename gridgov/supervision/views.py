"""Staff pages of supervision: findings (list and a new one; each finding's page is the
kernel's work page), the figures and the month's list of units, posts and suggestions, projects
with their plan, checks, ledger and anomalies, and the ledger import."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, InvalidInput, NotPermitted
from gridgov.core.exports import XLSX, table_response
from gridgov.core.forms import too_large_message
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, post_of
from gridgov.org.scoping import scoped

from . import actions
from .api import finding_data_from, finding_filter_from, kpi_query_from, month_from
from .choices import CheckKind, FindingKind, FindingStatus, SuggestionSource
from .forms import LedgerUploadForm
from .jobs import IMPORT_DISBURSEMENTS
from .kpi import supervision_kpis, units_by_open_findings
from .selectors import (
    filtered_findings,
    groups_for,
    post_for,
    posts_for,
    project_for,
    projects_for,
    suggestions_for,
)

PAGE_SIZE = 30


def is_manager(user) -> bool:
    post = post_of(user)
    return user.is_superuser or (
        post is not None and post.is_active and post.role in actions.MANAGERS
    )


@login_required
def finding_list(request):
    try:
        f = finding_filter_from(request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("supervision:list")
    findings = filtered_findings(request.user, f)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/list.html",
        {
            "page": page,
            "f": f,
            "statuses": FindingStatus.choices,
            "kinds": FindingKind.choices,
            "groups": list(groups_for(request.user).select_related(None).only("pk", "name")),
            "may_record": is_manager(request.user),
        },
    )


FINDING_FIELDS = (
    "group",
    "kind",
    "summary",
    "details",
    "post",
    "department",
    "target",
    "project",
    "rectify_days",
)


def _finding_input(post) -> dict:
    data = {name: (post.get(name) or "").strip() for name in FINDING_FIELDS}
    for name in ("group", "post", "target", "rectify_days"):
        if data[name] and not data[name].isdigit():
            raise InvalidInput(_("%(f)s must be a number.") % {"f": name})
        data[name] = int(data[name]) if data[name] else None
    if data["group"] is None:
        raise InvalidInput(_("Choose a group."))
    data["rectify_days"] = data["rectify_days"] or 10
    return data


@login_required
def finding_new(request):
    if not is_manager(request.user):
        return render(request, "403.html", status=403)
    context = {
        "groups": list(groups_for(request.user)),
        "posts": list(posts_for(request.user).select_related(None).only("pk", "name")[:500]),
        "projects": list(projects_for(request.user).select_related(None).only("code", "name")),
        "kinds": FindingKind.choices,
        "values": {"rectify_days": 10},
    }
    if request.method == "POST":
        try:
            data = _finding_input(request.POST)
            finding = actions.do_record_finding(
                finding_data_from(request.user, data),
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(request, "supervision/new.html", context, status=error.status_code)
        messages.success(request, _("Finding %(number)s recorded.") % {"number": finding.number})
        return redirect(finding.get_absolute_url())
    return render(request, "supervision/new.html", context)


@capability_required(Capability.VIEW_KPI)
def kpi(request):
    context = {"params": request.GET}
    try:
        query = kpi_query_from(request.user, request.GET)
        month = month_from(request.GET)
        context.update(
            query=query,
            month=month,
            figures=supervision_kpis(request.user, query),
            units=units_by_open_findings(request.user, query.region, month),
        )
    except GridGovError as error:
        context["error"] = error
        return render(request, "supervision/kpi.html", context, status=error.status_code)
    return render(request, "supervision/kpi.html", context)


@capability_required(Capability.VIEW_KPI)
def units_export(request):
    """The month's list of units by open findings, as an Excel workbook."""
    try:
        query = kpi_query_from(request.user, request.GET)
        month = month_from(request.GET)
    except GridGovError as error:
        return render(
            request,
            "supervision/kpi.html",
            {"error": error, "params": request.GET},
            status=error.status_code,
        )
    units = units_by_open_findings(request.user, query.region, month)
    header = [_("Unit"), _("Open findings"), _("Overdue"), _("Found in the month")]
    rows = [[u["name"], u["open"], u["overdue"], u["found_in_month"]] for u in units]
    title = _("Units by open findings")
    return table_response(XLSX, f"{title}-{query.region.name}-{month}", header, rows, title=title)


@login_required
def post_list(request):
    posts = posts_for(request.user).prefetch_related("watched_units", "watched_checkpoints")
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = groups_for(request.user).prefetch_related("members").order_by("kind", "name")
    return render(
        request,
        "supervision/posts.html",
        {
            "page": page,
            "groups": Paginator(groups, 100).get_page(request.GET.get("groups")),
            "today": timezone.localdate(),
        },
    )


@login_required
def suggestion_list(request):
    suggestions = suggestions_for(request.user)
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "posts": list(posts_for(request.user).select_related(None).only("pk", "name")[:500]),
        "sources": SuggestionSource.choices,
    }
    if request.method == "POST":
        try:
            post = post_for(request.user, request.POST.get("post") or 0)
            actions.do_record_suggestion(
                post,
                text=request.POST.get("text", ""),
                actor=request.user,
                source=request.POST.get("source", SuggestionSource.PUBLIC),
                name=request.POST.get("name", ""),
                unit_name=request.POST.get("unit_name", ""),
                phone=request.POST.get("phone", ""),
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(
                request, "supervision/suggestions.html", context, status=error.status_code
            )
        messages.success(request, _("Suggestion recorded."))
        return redirect("supervision:suggestions")
    return render(request, "supervision/suggestions.html", context)


@login_required
def project_list(request):
    page = Paginator(projects_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "supervision/projects.html", {"page": page, "may_import": is_manager(request.user)}
    )


@login_required
def project_detail(request, code, error=None, status=200):
    project = project_for(request.user, code)
    disbursements = project.disbursements.select_related("line").order_by("-paid_on", "-id")
    lines = list(project.budget_lines.all())
    paid = {}
    for d in project.disbursements.values("line_id", "amount"):
        paid[d["line_id"]] = paid.get(d["line_id"], 0) + d["amount"]
    for line in lines:
        line.paid = paid.get(line.pk, 0)
    return render(
        request,
        "supervision/project.html",
        {
            "project": project,
            "lines": lines,
            "parties": list(project.parties.all()),
            "checks": list(project.checks.all()),
            "disbursements": Paginator(disbursements, PAGE_SIZE).get_page(request.GET.get("page")),
            "findings": list(scoped(project.findings.all(), request.user).order_by("-found_at")),
            "may_manage": is_manager(request.user),
            "check_kinds": CheckKind.choices,
            "today": timezone.localdate(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def project_check(request, code):
    project = project_for(request.user, code)
    try:
        checked_on = parse_day(request.POST.get("checked_on"), "checked_on")
        if checked_on is None:
            raise InvalidInput(_("Give the day of the check."))
        problems = request.POST.get("problems") or "0"
        if not problems.isdigit() or int(problems) > 999:
            raise InvalidInput(_("Problems found: a number from 0 to 999."))
        actions.do_record_check(
            project,
            kind=request.POST.get("kind") or CheckKind.SPECIAL,
            checked_on=checked_on,
            subject=request.POST.get("subject", ""),
            result=request.POST.get("result", ""),
            problems=int(problems),
            actor=request.user,
        )
    except GridGovError as error:
        return project_detail(request, code, error=error, status=error.status_code)
    messages.success(request, _("Check recorded."))
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def project_rules(request, code):
    project = project_for(request.user, code)
    try:
        actions.require_manager(request.user, project.town or project.county)
        result = actions.do_run_fund_rules([project], actor=request.user)
    except GridGovError as error:
        return project_detail(request, code, error=error, status=error.status_code)
    messages.success(
        request, _("Fund rules run: %(n)d new findings.") % {"n": result["findings_raised"]}
    )
    return redirect(project.get_absolute_url())


def check_ledger_upload(user, upload):
    """Who may import a ledger (the area's supervisors), and the file's checks."""
    if not is_manager(user):
        raise NotPermitted(_("Only the area's supervisors may do this."))
    form = LedgerUploadForm(data={}, files={"file": upload})
    form.is_valid()
    if "file" in form.errors:
        raise InvalidInput(" ".join(form.errors["file"]))
    return upload


@login_required
def ledger_import(request):
    if not is_manager(request.user):
        return render(request, "403.html", status=403)
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > (
        settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES + 2**20
    ):
        context = {"form": LedgerUploadForm(), "error": too_large_message(), "recent": []}
        return render(request, "supervision/import.html", context, status=413)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_DISBURSEMENTS,
            actor=request.user,
            upload=form.cleaned_data["file"],
            params={"skip_bad_rows": form.cleaned_data["skip_bad_rows"]},
        )
        return redirect("core:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_DISBURSEMENTS), request.user)[:10]
    return render(request, "supervision/import.html", {"form": form, "recent": recent})
