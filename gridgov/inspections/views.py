"""Inspection pages: the lists officers and command centres work from, creating an inspection,
its page (checklist with the powers behind every check, results, the action forms and the
行政行为码), targets, scenarios, and the rectification orders and cases failed checks lead to.

Pages parse their input with the API's input classes and call the same functions as the API
(`api.create_*`; the loop's steps go through the one action view of every kind of work item,
`gridgov.workflow.pages.act`), so a step taken on a phone page and one taken by an app are the
same write.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from rest_framework import serializers

from gridgov.core.errors import GridGovError, InvalidInput
from gridgov.org.choices import Capability, DepartmentKind, Role
from gridgov.org.roles import capability_required, has_capability, post_of
from gridgov.regions.choices import CRS
from gridgov.regions.selectors import map_centre_for
from gridgov.workflow.models import history_of, urgency_of

from . import codes
from .api import (
    CHOSEN_TRIGGERS,
    MAX_ID,
    InspectionInput,
    ScenarioInput,
    create_inspection,
    create_scenario,
    create_target,
    filtered_targets,
    form_or_json,
    get_case,
    get_rectification,
    get_scenario,
    get_target,
    get_task,
    jurisdictions_for,
    task_filter_from,
    validated,
)
from .choices import FollowUp, InspectionStatus, Outcome, TargetKind, Trigger
from .selectors import (
    TaskFilter,
    departments_for,
    filtered_tasks,
    full_checklist,
    officers_of,
    scenarios_for,
    targets_for,
    task_details,
)
from .workflow import CASE_WORKFLOW, INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

PAGE_SIZE = 30
# Rows of a new scenario's checklist form; blank rows are left out.
CHECKLIST_ROWS = 8
# Targets offered at once when choosing one for a new inspection.
TARGET_CHOICES = 20
TABS = ("mine", "queue", "all")


def _parsed(parse):
    """Run one of the API's input parsers for a page: its refusal becomes InvalidInput with a
    line per problem, as the pages show errors."""
    try:
        return parse()
    except serializers.ValidationError as error:
        raise InvalidInput(_("The request is not valid."), details=_details(error.detail)) from None


def _details(detail, where="") -> list[dict]:
    if isinstance(detail, dict):
        return [
            problem
            for key, value in detail.items()
            for problem in _details(value, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
        return [p for i, value in enumerate(detail) for p in _details(value, f"{where}[{i}]")]
    if isinstance(detail, list):
        return [{"field": where, "message": str(message)} for message in detail]
    return [{"field": where, "message": str(detail)}]


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _with_urgency(page):
    now = timezone.now()
    for item in page:
        item.urgency = urgency_of(item, now)
    return page


# --- Inspections ----------------------------------------------------------------------------


def _default_tab(user) -> str:
    post = post_of(user)
    if post is not None and post.role == Role.OFFICER:
        return "mine"
    if post is not None and post.role == Role.DISPATCHER:
        return "queue"
    return "all"


@login_required
def inspection_list(request):
    """One list, three workbenches: assigned to me, waiting for my command centre, my area."""
    tab = request.GET.get("tab")
    if tab not in TABS:
        tab = _default_tab(request.user)
    params = request.GET.copy()
    params["mine"] = "1" if tab == "mine" else ""
    params["queue"] = "1" if tab == "queue" else ""
    try:
        task_filter = _parsed(lambda: task_filter_from(request.user, params))
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("inspections:list")
    page = _with_urgency(_page(request, filtered_tasks(request.user, task_filter)))
    return render(
        request,
        "inspections/list.html",
        {
            "page": page,
            "f": task_filter,
            "tab": tab,
            "statuses": InspectionStatus.choices,
            "triggers": Trigger.choices,
            "scenarios": list(scenarios_for(request.user)),
            "can_plan": has_capability(request.user, Capability.PLAN_INSPECTIONS),
        },
    )


def _chosen_target(user, raw):
    raw = raw or ""
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        return None
    return targets_for(user).filter(pk=int(raw)).select_related("town", "microgrid").first()


def _targets_matching(user, scenario, q: str):
    params = {"q": q[:100]} if q else {}
    targets = _parsed(lambda: filtered_targets(user, params))
    if scenario is not None:
        targets = targets.filter(kind__in=scenario.target_kinds)
    return list(targets[:TARGET_CHOICES])


@capability_required(Capability.PLAN_INSPECTIONS)
def inspection_new(request):
    """Step 1 (GET): a scenario and a target. Step 2: the departments of the scenario's kinds
    that work where the target is, the trigger, the day and, if known, the officers."""
    user = request.user
    values = request.POST if request.method == "POST" else request.GET
    scenarios = list(scenarios_for(user))
    scenario = next((s for s in scenarios if s.code == values.get("scenario")), None)
    target = _chosen_target(user, values.get("target"))
    departments = departments_for(scenario, target) if scenario and target else []
    # The units' own officers: their sub-units' (every squad of a county bureau) would bury them.
    units = {d.pk for d in departments}
    officers = [o for o in officers_of(departments) if o.department_id in units]
    context = {
        "scenarios": scenarios,
        "scenario": scenario,
        "target": target,
        "values": values,
        "departments": departments,
        "officers": officers,
        "triggers": CHOSEN_TRIGGERS,
        "chosen_departments": values.getlist("departments"),
        "chosen_officers": values.getlist("officers"),
        "today": timezone.localdate(),
    }
    try:
        if target is None:
            context["found"] = _targets_matching(user, scenario, values.get("q", ""))
        if request.method == "POST":
            payload = form_or_json(request.POST, request.FILES, ("departments", "officers"))
            task = create_inspection(user, _parsed(lambda: validated(InspectionInput, payload)))
            messages.success(request, _("Inspection %(number)s created.") % {"number": task.number})
            return redirect(task.get_absolute_url())
    except GridGovError as error:
        context["error"] = error
        return render(request, "inspections/new.html", context, status=error.status_code)
    return render(request, "inspections/new.html", context)


def _recordable(post, item) -> bool:
    """Whether the person may record this item: an officer records their kind's items."""
    if post is None or post.role != Role.OFFICER:
        return True
    return post.department_id is not None and post.department.kind == item.department_kind


@login_required
def inspection_detail(request, number, error=None, status=200):
    user = request.user
    task = get_task(user, number)
    details = task_details(user, task)
    available = INSPECTION_WORKFLOW.actions_for(task, user)
    may_record = any(t.action == "record" for t in available)
    post = post_of(user)
    for item in details.checklist:
        item.may_record = may_record and _recordable(post, item)
    verify_url = request.build_absolute_uri(codes.verify_path(task))
    return render(
        request,
        "inspections/detail.html",
        {
            "task": task,
            "details": details,
            "item": task,
            "available": [t for t in available if t.action != "record"],
            "assignable": officers_of(details.departments)
            if any(t.action == "assign" for t in available)
            else [],
            "assigned": {o.pk for o in details.officers},
            "outcomes": Outcome.choices,
            "follow_ups": [c for c in FollowUp.choices if c[0]],
            "urgency": urgency_of(task),
            "verify_url": verify_url,
            # segno writes the SVG itself from the URL; nothing of the user's goes in unescaped.
            "qr": mark_safe(codes.qr_svg(verify_url)),  # noqa: S308
            "error": error,
        },
        status=status,
    )


# --- Targets --------------------------------------------------------------------------------


@login_required
def target_list(request):
    try:
        targets = _parsed(lambda: filtered_targets(request.user, request.GET))
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("inspections:targets")
    return render(
        request,
        "inspections/target_list.html",
        {
            "page": _page(request, targets),
            "kinds": TargetKind.choices,
            "kind": request.GET.get("kind", ""),
            "q": request.GET.get("q", ""),
            "can_plan": has_capability(request.user, Capability.PLAN_INSPECTIONS),
        },
    )


@login_required
def target_detail(request, pk):
    target = get_target(request.user, pk)
    tasks = filtered_tasks(request.user, TaskFilter(target=target))
    return render(
        request,
        "inspections/target_detail.html",
        {
            "target": target,
            "page": _with_urgency(_page(request, tasks)),
            "can_plan": has_capability(request.user, Capability.PLAN_INSPECTIONS),
        },
    )


@capability_required(Capability.PLAN_INSPECTIONS)
def target_new(request):
    """A new target: kind, name, unified social credit code, and a pin on the map."""
    context = {"kinds": TargetKind.choices, "home": map_centre_for(request.user), "values": {}}
    if request.method == "POST":
        post = request.POST
        data = {
            "kind": post.get("kind", ""),
            "name": post.get("name", ""),
            "uscc": post.get("uscc", ""),
            "address": post.get("address", ""),
            "lon": post.get("lon", ""),
            "lat": post.get("lat", ""),
            "crs": post.get("crs") or CRS.WGS84,
        }
        try:
            target = create_target(request.user, data)
        except GridGovError as error:
            context.update(error=error, values=post)
            return render(request, "inspections/target_new.html", context, status=error.status_code)
        messages.success(request, _("Inspection target %(name)s added.") % {"name": target.name})
        return redirect(target.get_absolute_url())
    return render(request, "inspections/target_new.html", context)


# --- Scenarios ------------------------------------------------------------------------------


def _labels(choices, values) -> list[str]:
    names = dict(choices)
    return [str(names.get(v, v)) for v in values]


@login_required
def scenario_list(request):
    scenarios = scenarios_for(request.user).select_related("jurisdiction")
    page = _page(request, scenarios)
    for scenario in page:
        scenario.department_labels = _labels(DepartmentKind.choices, scenario.department_kinds)
        scenario.target_labels = _labels(TargetKind.choices, scenario.target_kinds)
    return render(
        request,
        "inspections/scenario_list.html",
        {
            "page": page,
            "can_manage": has_capability(request.user, Capability.MANAGE_SCENARIOS),
        },
    )


@login_required
def scenario_detail(request, code):
    scenario = get_scenario(request.user, code)
    return render(
        request,
        "inspections/scenario_detail.html",
        {
            "scenario": scenario,
            "checklist": full_checklist(scenario),
            "department_labels": _labels(DepartmentKind.choices, scenario.department_kinds),
            "target_labels": _labels(TargetKind.choices, scenario.target_kinds),
        },
    )


ROW_FIELDS = ("department_kind", "text", "inspection_power", "penalty_power")
ROW_FIELD = re.compile(r"^checklist\[(\d+)\]")


def _checklist_rows(post) -> list[dict]:
    return [
        {name: post.get(f"{name}_{n}", "").strip() for name in ROW_FIELDS}
        for n in range(1, CHECKLIST_ROWS + 1)
    ]


def _by_row(error: GridGovError, rows: list[int]) -> GridGovError:
    """Say which form row a checklist problem is on (the rows sent leave out blank ones)."""
    for problem in error.details:
        match = ROW_FIELD.match(problem.get("field", ""))
        if match and int(match.group(1)) < len(rows):
            row = rows[int(match.group(1))]
            problem["message"] = _("Row %(row)d: %(message)s") % {
                "row": row,
                "message": problem["message"],
            }
    return error


@capability_required(Capability.MANAGE_SCENARIOS)
def scenario_new(request):
    """A new "一件事" scenario: its jurisdiction's catalogue first, then the departments, the
    kinds of target, the yearly cap and a checklist whose every row names a 行政检查 power."""
    user, post = request.user, request.POST
    jurisdictions = list(jurisdictions_for(user).order_by("code"))
    chosen = post.get("jurisdiction") or request.GET.get("jurisdiction", "")
    if not chosen and len(jurisdictions) == 1:
        chosen = jurisdictions[0].code
    jurisdiction = next((j for j in jurisdictions if j.code == chosen), None)
    rows = _checklist_rows(post)
    context = {
        "jurisdictions": jurisdictions,
        "jurisdiction": jurisdiction,
        "department_kinds": DepartmentKind.choices,
        "target_kinds": TargetKind.choices,
        "rows": [{"n": n, **row} for n, row in enumerate(rows, 1)],
        "values": post,
        "chosen_departments": post.getlist("department_kinds"),
        "chosen_targets": post.getlist("target_kinds"),
    }
    if request.method != "POST":
        return render(request, "inspections/scenario_new.html", context)
    used = [(n, row) for n, row in enumerate(rows, 1) if any(row.values())]
    payload = {
        "jurisdiction": chosen,
        "code": post.get("code", "").strip(),
        "name": post.get("name", "").strip(),
        "description": post.get("description", ""),
        "department_kinds": post.getlist("department_kinds"),
        "target_kinds": post.getlist("target_kinds"),
        "checklist": [row for _n, row in used],
    }
    if post.get("yearly_cap", "").strip():
        payload["yearly_cap"] = post["yearly_cap"].strip()
    try:
        scenario = create_scenario(user, _parsed(lambda: validated(ScenarioInput, payload)))
    except GridGovError as error:
        context["error"] = _by_row(error, [n for n, _row in used])
        return render(request, "inspections/scenario_new.html", context, status=error.status_code)
    messages.success(request, _("Scenario %(name)s defined.") % {"name": scenario.name})
    return redirect("inspections:scenario", scenario.code)


# --- Rectification orders and enforcement cases ---------------------------------------------


def _finding_page(request, template, finding, workflow, error=None, status=200):
    timeline = history_of(finding)
    return render(
        request,
        template,
        {
            "item": finding,
            "check": finding.result.checklist_item,
            "timeline": timeline,
            "available": workflow.actions_for(finding, request.user),
            "urgency": urgency_of(finding),
            "error": error,
        },
        status=status,
    )


@login_required
def rectification_detail(request, number, error=None, status=200):
    order = get_rectification(request.user, number)
    return _finding_page(
        request, "inspections/rectification.html", order, RECTIFICATION_WORKFLOW, error, status
    )


@login_required
def case_detail(request, number, error=None, status=200):
    case = get_case(request.user, number)
    return _finding_page(request, "inspections/case.html", case, CASE_WORKFLOW, error, status)
