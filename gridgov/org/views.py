import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.invitations import invitation_path
from gridgov.core import audit
from gridgov.core.audit import client_ip
from gridgov.core.errors import Conflict, GridGovError, InvalidInput, NotFound, stored_id
from gridgov.core.exports import CSV, FORMATS, table_response
from gridgov.core.jobs import do_submit_job, problem_location
from gridgov.core.models import Job
from gridgov.regions.choices import RegionLevel
from gridgov.regions.selectors import home_region_for, region_for, region_or_home_for, regions_for

from . import forms, roster
from .actions import (
    StaffData,
    do_add_post,
    do_create_department,
    do_create_login,
    do_create_staff,
    do_deactivate_staff,
    do_issue_invitation,
    do_move_staff,
    do_reactivate_staff,
    do_reset_login,
    do_reveal,
    do_set_department_active,
    do_update_department,
    do_update_staff,
)
from .choices import Capability, DepartmentKind, Role
from .jobs import IMPORT_ROSTER, invitations_name
from .kpi import enforcement_sinking
from .middleware import SESSION_KEY
from .models import Staff
from .roles import capability_required, has_capability
from .scoping import scope_of, scoped
from .selectors import (
    department_named,
    departments_for,
    other_posts_of,
    staff_for,
    staff_member_for,
)

PAGE_SIZE = 50


def _unit_or_none(code: str):
    """The unit a filter names, or None when it names none (a filter never fails a list)."""
    if not code:
        return None
    try:
        return department_named(code)
    except NotFound:
        return None


@capability_required(Capability.VIEW_STAFF)
def staff_list(request):
    role = request.GET.get("role", "")
    text = request.GET.get("q", "").strip()
    unit_code = request.GET.get("department", "").strip()
    inactive = request.GET.get("inactive") == "1"
    staff = staff_for(
        request.user,
        role=role,
        name=text,
        department=_unit_or_none(unit_code),
        active=not inactive,
    )
    if unit_code and _unit_or_none(unit_code) is None:
        staff = staff.none()
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/staff_list.html",
        {
            "page": page,
            "roles": Role.choices,
            "role": role,
            "q": text,
            "department": unit_code,
            "inactive": inactive,
            "can_reveal": has_capability(request.user, Capability.REVEAL_PII),
            "can_manage": has_capability(request.user, Capability.MANAGE_STAFF),
        },
    )


def _refused(form, exc: GridGovError) -> None:
    """Show an action's refusal on the form it came from (out-of-area ones escape as 404)."""
    form.add_error(None, str(exc.message))
    for detail in exc.details:
        form.add_error(None, f"{detail.get('field', '')}: {detail.get('reason', '')}")


def _post_of_form(request, data) -> tuple:
    department = department_named(data["department"]) if data.get("department") else None
    return data["role"], region_for(request.user, data["region"].strip()), department


@capability_required(Capability.MANAGE_STAFF)
def staff_new(request):
    form = forms.StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role, region, department = _post_of_form(request, data)
        try:
            staff = do_create_staff(
                StaffData(
                    name=data["name"],
                    role=role,
                    region=region,
                    department=department,
                    phone=data["phone"],
                    id_number=data["id_number"],
                    employee_number=data["employee_number"],
                ),
                actor=request.user,
            )
        except (InvalidInput, Conflict) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": staff.name})
            return redirect("org:staff-detail", pk=staff.pk)
    status = 400 if form.errors else 200
    return render(request, "org/staff_new.html", {"form": form}, status=status)


@capability_required(Capability.VIEW_STAFF)
def staff_detail(request, pk):
    staff = staff_member_for(request.user, pk)
    return _staff_page(request, staff)


def _staff_page(request, staff, *, status=200, **forms_given):
    person = {
        "name": staff.name,
        "employee_number": staff.employee_number,
        "phone": "",
        "id_number": "",
    }
    post = {
        "role": staff.role,
        "region": staff.region.code,
        "department": staff.department.code if staff.department else "",
    }
    context = {
        "staff": staff,
        "other_posts": other_posts_of(staff, request.user),
        "can_manage": has_capability(request.user, Capability.MANAGE_STAFF),
        "person_form": forms_given.get("person") or forms.PersonForm(initial=person),
        "move_form": forms_given.get("move") or forms.PostForm(initial=post, prefix="move"),
        "post_form": forms_given.get("post") or forms.PostForm(prefix="post"),
        "login_form": forms_given.get("login") or forms.LoginForm(prefix="login"),
        "initial_password": forms_given.get("initial_password"),
        "invitation_link": forms_given.get("invitation_link"),
    }
    return render(request, "org/staff_detail.html", context, status=status)


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_edit(request, pk):
    """Correct the person's details. Blank phone or ID number fields keep what is stored."""
    staff = staff_member_for(request.user, pk)
    form = forms.PersonForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_update_staff(
                staff,
                actor=request.user,
                name=data["name"],
                phone=data["phone"] or staff.phone,
                id_number=data["id_number"] or staff.id_number,
                employee_number=data["employee_number"],
            )
        except (InvalidInput, Conflict) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:staff-detail", pk=staff.pk)
    return _staff_page(request, staff, status=400, person=form)


def _post_change(request, pk, *, prefix: str, action):
    staff = staff_member_for(request.user, pk)
    form = forms.PostForm(request.POST, prefix=prefix)
    if form.is_valid():
        role, region, department = _post_of_form(request, form.cleaned_data)
        try:
            changed = action(
                staff, actor=request.user, role=role, region=region, department=department
            )
        except (InvalidInput, Conflict) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:staff-detail", pk=changed.pk)
    return _staff_page(request, staff, status=400, **{prefix: form})


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_move(request, pk):
    return _post_change(request, pk, prefix="move", action=do_move_staff)


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_add_post(request, pk):
    return _post_change(request, pk, prefix="post", action=do_add_post)


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_set_active(request, pk, active: bool):
    staff = staff_member_for(request.user, pk)
    change = do_reactivate_staff if active else do_deactivate_staff
    change(staff, actor=request.user, ip_address=client_ip(request))
    messages.success(request, _("Saved."))
    return redirect("org:staff-detail", pk=staff.pk)


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_login(request, pk):
    """Give a login; the initial password is shown on this answer only (never stored in
    clear, never in a redirect)."""
    staff = staff_member_for(request.user, pk)
    form = forms.LoginForm(request.POST, prefix="login")
    if form.is_valid():
        try:
            _user, password = do_create_login(
                staff, actor=request.user, username=form.cleaned_data["username"]
            )
        except (InvalidInput, Conflict) as exc:
            _refused(form, exc)
        else:
            response = _staff_page(
                request, staff_member_for(request.user, pk), initial_password=password
            )
            response["Cache-Control"] = "no-store"
            return response
    return _staff_page(request, staff, status=400, login=form)


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_password_reset(request, pk):
    """A new initial password for a forgotten one, shown on this answer only."""
    staff = staff_member_for(request.user, pk)
    password = do_reset_login(staff, actor=request.user)
    response = _staff_page(request, staff, initial_password=password)
    response["Cache-Control"] = "no-store"
    return response


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def staff_invitation(request, pk):
    """A new invitation link for a login without a password, shown on this answer only."""
    staff = staff_member_for(request.user, pk)
    path = do_issue_invitation(staff, actor=request.user, ip_address=client_ip(request))
    response = _staff_page(request, staff, invitation_link=request.build_absolute_uri(path))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def choose_post(request):
    """Act in another of one's own active posts, in this browser session."""
    post = get_object_or_404(
        Staff, pk=stored_id(request.POST.get("post")) or 0, user=request.user, is_active=True
    )
    request.session[SESSION_KEY] = post.pk
    messages.success(request, _("You now act as %(role)s.") % {"role": post.get_role_display()})
    return redirect("core:home")


@capability_required(Capability.VIEW_STAFF)
def department_list(request):
    kind = request.GET.get("kind", "")
    text = request.GET.get("q", "").strip()
    inactive = request.GET.get("inactive") == "1"
    units = departments_for(request.user, kind=kind, text=text, active=not inactive)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/department_list.html",
        {
            "page": page,
            "kinds": DepartmentKind.choices,
            "kind": kind,
            "q": text,
            "inactive": inactive,
            "can_manage": has_capability(request.user, Capability.MANAGE_STAFF),
        },
    )


@capability_required(Capability.MANAGE_STAFF)
def department_new(request):
    form = forms.DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = do_create_department(
                actor=request.user,
                code=data["code"].strip(),
                name=data["name"].strip(),
                kind=data["kind"],
                region=region_for(request.user, data["region"].strip()),
                parent=department_named(data["parent"].strip()) if data["parent"] else None,
                is_enforcement=data["is_enforcement"],
            )
        except (InvalidInput, Conflict) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("org:department-detail", pk=unit.pk)
    status = 400 if form.errors else 200
    return render(request, "org/department_new.html", {"form": form}, status=status)


def _department_for(user, pk):
    return get_object_or_404(departments_for(user, active=None), pk=stored_id(pk) or 0)


@capability_required(Capability.VIEW_STAFF)
def department_detail(request, pk):
    unit = _department_for(request.user, pk)
    form = forms.DepartmentEditForm(
        request.POST or None,
        initial={"name": unit.name, "kind": unit.kind, "is_enforcement": unit.is_enforcement},
    )
    status = 200
    if request.method == "POST":
        if not has_capability(request.user, Capability.MANAGE_STAFF):
            raise PermissionDenied
        if form.is_valid():
            try:
                do_update_department(unit, actor=request.user, **form.cleaned_data)
            except (InvalidInput, Conflict) as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("org:department-detail", pk=unit.pk)
        status = 400
    staff = staff_for(request.user, department=unit, active=True)
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    manages = has_capability(request.user, Capability.MANAGE_STAFF)
    return render(
        request,
        "org/department_detail.html",
        {
            "unit": unit,
            "form": form,
            "page": page,
            # The directory shows every unit; the forms only those of the user's own area.
            "can_manage": manages and scope_of(request.user).covers_region(unit.region),
        },
        status=status,
    )


@capability_required(Capability.MANAGE_STAFF)
@require_POST
def department_set_active(request, pk, active: bool):
    unit = _department_for(request.user, pk)
    do_set_department_active(unit, active, actor=request.user)
    messages.success(request, _("Saved."))
    return redirect("org:department-detail", pk=unit.pk)


@capability_required(Capability.VIEW_STAFF)
@require_POST
def staff_reveal(request, pk):
    """htmx: replace a masked phone with the full number. Audited."""
    staff = get_object_or_404(scoped(Staff.objects.all(), request.user), pk=pk)
    return reveal_answer(request, staff, "phone")


def reveal_answer(request, instance, field_name: str) -> HttpResponse:
    """htmx: the full value, for the purpose picked on the page (the button includes the
    page's purpose list), or the refusal in its place. Never stored by any cache."""
    try:
        value = do_reveal(
            instance,
            field_name,
            user=request.user,
            purpose=request.POST.get("purpose", ""),
            purpose_note=request.POST.get("purpose_note", ""),
            ip_address=client_ip(request),
        )
        response = HttpResponse(escape(value))
    except GridGovError as exc:  # htmx swaps the text in place of the number
        reasons = "".join(f" {d.get('message', '')}" for d in exc.details)
        response = HttpResponse(escape(f"{exc.message}{reasons}"), status=exc.status_code)
    add_never_cache_headers(response)
    return response


@capability_required(Capability.VIEW_KPI)
def kpi_sinking(request):
    """Share of enforcement staff sunk to the grassroots, with a ranking."""
    region = region_or_home_for(request.user, request.GET.get("region"))
    if region is None:
        raise Http404
    figures = enforcement_sinking(request.user, region)
    return render(request, "org/kpi_sinking.html", {"region": region, "figures": figures})


# --- The roster: import (a background job), its template, export, invitation links ----------

ROSTER_AREA_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


def _roster_areas(user):
    """Counties and cities inside the user's area: the rosters they may import."""
    return list(regions_for(user).filter(level__in=ROSTER_AREA_LEVELS).order_by("code"))


@capability_required(Capability.MANAGE_STAFF)
def roster_import(request):
    areas = _roster_areas(request.user)
    home = home_region_for(request.user)
    form = forms.RosterUploadForm(
        request.POST or None,
        request.FILES or None,
        areas=areas,
        initial={"area": home.code if home else ""},
    )
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_ROSTER,
            actor=request.user,
            params={
                "area": form.cleaned_data["area"],
                "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("org:roster-job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_ROSTER), request.user)[:10]
    context = {
        "form": form,
        "recent": recent,
        "columns": roster.COLUMNS,
        "formats": FORMATS,
        "job_url": "org:roster-job",
    }
    return render(request, "org/roster_import.html", context, status=400 if form.errors else 200)


@capability_required(Capability.MANAGE_STAFF)
def roster_job(request, pk):
    """The import's job page, with the invitation links to download once it is done."""
    job = get_object_or_404(
        scoped(Job.objects.filter(kind=IMPORT_ROSTER), request.user), pk=stored_id(pk) or 0
    )
    problems = [(problem_location(p), p.get("reason", "")) for p in job.problems]
    context = {
        "job": job,
        "problems": problems,
        "invitations": default_storage.exists(invitations_name(job.pk)),
    }
    return render(request, "org/roster_job.html", context)


@capability_required(Capability.MANAGE_STAFF)
def roster_invitations(request, pk):
    """The invitation links of the logins an import created, downloadable once: the file of
    ids is deleted as it is served. Each link is signed now and works once, until it expires."""
    job = get_object_or_404(
        scoped(Job.objects.filter(kind=IMPORT_ROSTER), request.user), pk=stored_id(pk) or 0
    )
    name = invitations_name(job.pk)
    if not default_storage.exists(name):
        raise Http404
    with default_storage.open(name) as stored:
        ids = json.load(stored)
    default_storage.delete(name)
    people = (
        Staff.objects.filter(user_id__in=ids)
        .select_related("user", "region")
        .order_by("region__code", "name", "pk")
    )
    rows = [
        [
            s.name,
            s.user.username,
            s.region.name,
            request.build_absolute_uri(invitation_path(s.user)),
        ]
        for s in people
        if s.user.is_active and not s.user.has_usable_password()
    ]
    audit.record(
        "org.roster.invitations",
        actor=request.user,
        target=job,
        summary=f"{len(rows)} invitation links",
        ip_address=client_ip(request),
    )
    response = table_response(
        CSV, f"邀请链接-{job.pk}", ["姓名", "用户名", "岗位", "邀请链接"], rows
    )
    response["Cache-Control"] = "no-store"
    return response


@capability_required(Capability.MANAGE_STAFF)
def roster_template(request):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    return table_response(fmt, "花名册模板", roster.COLUMNS, roster.template_rows(), title="花名册")


@capability_required(Capability.VIEW_STAFF)
def roster_export(request):
    """The staff of the list's filter, every page of it, masked, in the import's columns."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    unit_code = request.GET.get("department", "").strip()
    staff = staff_for(
        request.user,
        role=request.GET.get("role", ""),
        name=request.GET.get("q", "").strip(),
        department=_unit_or_none(unit_code),
        active=request.GET.get("inactive") != "1",
    ).select_related("department__region", "department__parent")
    if unit_code and _unit_or_none(unit_code) is None:
        staff = staff.none()
    rows = roster.export_rows(staff.iterator(chunk_size=2000))
    return table_response(fmt, "花名册", roster.COLUMNS, rows, title="花名册")
