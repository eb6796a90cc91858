"""Warning pages: the list with a map, a warning with its provenance and actions, and the
rules — list, form with validation, version history and the dry run.

Pages call the same selectors and action functions as the API.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError
from gridgov.events.choices import Priority
from gridgov.events.selectors import categories
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.selectors import scenarios
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from gridgov.workflow.models import history_of

from . import actions
from .api import dry_run_result, warning_filter_from
from .choices import (
    ActionType,
    ConditionType,
    FilingCondition,
    ScopeType,
    SourceKind,
    WarningStatus,
)
from .forms import definition_from_form, form_from_definition
from .selectors import (
    filtered_warnings,
    open_counts,
    rule_for,
    rule_to_manage,
    rule_versions,
    rules_for,
    signals_of,
    sources,
    warning_for,
)
from .workflow import WARNING_WORKFLOW

PAGE_SIZE = 30


@login_required
def warning_list(request):
    try:
        f = warning_filter_from(request.user, request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("alerts:list")
    page = Paginator(filtered_warnings(request.user, f), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    points = [
        {"lon": w.lon, "lat": w.lat, "number": w.number, "label": w.summary,
         "status": w.status, "url": w.get_absolute_url()}
        for w in page
    ]  # fmt: skip
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "f": f,
            "statuses": WarningStatus.choices,
            "rules": rules_for(request.user).order_by("name", "id"),
            "points": points,
            "can_manage": has_capability(request.user, Capability.MANAGE_WARNING_RULES),
        },
    )


@login_required
def warning_detail(request, number, error=None, status=200):
    warning = warning_for(request.user, number)
    return render(
        request,
        "alerts/detail.html",
        {
            "warning": warning,
            "signals": signals_of(warning),
            "timeline": history_of(warning),
            "available": WARNING_WORKFLOW.actions_for(warning, request.user),
            "error": error,
        },
        status=status,
    )


# --- Rules ----------------------------------------------------------------------------------


@login_required
def rule_list(request):
    rules = list(rules_for(request.user).order_by("name", "id"))
    counts = open_counts(rules)
    for rule in rules:
        rule.open_warnings = counts.get(rule.pk, 0)
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/rules.html",
        {
            "page": page,
            "sources": sources(),
            "source_kinds": [k for k in SourceKind.choices if k[0] != SourceKind.WARNING],
            "can_manage": has_capability(request.user, Capability.MANAGE_WARNING_RULES),
            "can_manage_sources": has_capability(request.user, Capability.MANAGE_WARNING_RULES)
            and actions.manages_sources(request.user),
        },
    )


@login_required
def rule_detail(request, pk):
    rule = rule_for(request.user, pk)
    versions = rule_versions(rule)
    for version in versions:
        version.pretty = json.dumps(version.definition, ensure_ascii=False, indent=2)
    context = {
        "rule": rule,
        "versions": versions,
        "can_manage": has_capability(request.user, Capability.MANAGE_WARNING_RULES)
        and actions.manages(request.user, rule.jurisdiction),
        "dry": None,
        "params": request.GET,
    }
    if "start" in request.GET and context["can_manage"]:
        try:
            version = request.GET.get("version") or None
            context["dry"] = dry_run_result(
                rule,
                int(version) if version and version.isdigit() else None,
                parse_day(request.GET.get("start"), "start"),
                parse_day(request.GET.get("end"), "end"),
            )
            _name_subjects(context["dry"]["firings"])
        except GridGovError as error:
            context["dry_error"] = error
    return render(request, "alerts/rule.html", context)


def _name_subjects(firings) -> None:
    from gridgov.inspections.models import InspectionTarget

    ids = {f.firing.target_id for f in firings if f.firing.target_id is not None}
    names = dict(InspectionTarget.objects.filter(pk__in=ids).values_list("pk", "name"))
    for f in firings:
        f.subject_name = names.get(f.firing.target_id, "") if f.firing.target_id else ""


def _form_context(values, errors=None, rule=None) -> dict:
    # Templates cannot look up keys with dots: "scope.radius_m" is shown as "scope_radius_m".
    by_field = {}
    for problem in errors.details if errors else []:
        key = str(problem.get("field", "")).replace(".", "_")
        by_field.setdefault(key, []).append(problem.get("message", ""))
    return {
        "values": {key.replace(".", "_"): value for key, value in values.items()},
        "errors": errors,
        "field_errors": by_field,
        "rule": rule,
        "jurisdictions": Region.objects.filter(
            level__in=(RegionLevel.CITY, RegionLevel.COUNTY)
        ).order_by("code"),
        "sources": sources(),
        "conditions": ConditionType.choices,
        "scopes": ScopeType.choices,
        "filings": FilingCondition.choices,
        "action_types": ActionType.choices,
        "target_kinds": TargetKind.choices,
        "scenarios": scenarios(),
        "categories": [c for c in categories() if c.parent_id],
        "priorities": Priority.choices,
    }


def _rule_form(request, rule=None):
    """Create or edit: the same form, checked by the same action as the API."""
    if rule is not None:
        values = {
            "name": rule.name,
            "description": rule.description,
            "jurisdiction": rule.jurisdiction.code,
            "is_active": rule.is_active,
            **form_from_definition(rule.current.definition),
        }
    else:
        values = {"is_active": True, "filing": "ignore", "action.priority": "normal"}
    if request.method == "POST":
        values = _posted_values(request.POST)
        jurisdiction = Region.objects.filter(code=request.POST.get("jurisdiction", "")).first()
        data = actions.RuleData(
            name=request.POST.get("name", ""),
            jurisdiction=jurisdiction,
            definition=definition_from_form(request.POST),
            description=request.POST.get("description", ""),
            is_active=request.POST.get("is_active") == "on",
            note=request.POST.get("note", ""),
        )
        try:
            if rule is None:
                rule = actions.do_create_rule(data, actor=request.user)
            else:
                rule = actions.do_update_rule(rule.pk, data, actor=request.user)
        except GridGovError as error:
            context = _form_context(values, error, rule)
            context["other_rules"] = _other_rules(request.user, rule)
            return render(request, "alerts/rule_form.html", context, status=error.status_code)
        messages.success(request, _("Rule saved (version %(n)d).") % {"n": rule.current.number})
        return redirect(rule.get_absolute_url())
    context = _form_context(values, None, rule)
    context["other_rules"] = _other_rules(request.user, rule)
    return render(request, "alerts/rule_form.html", context)


def _other_rules(user, rule):
    return [r for r in rules_for(user).order_by("name", "id") if rule is None or r.pk != rule.pk]


def _posted_values(post) -> dict:
    values = {key: post.get(key) for key in post}
    for listed in ("signals.sources", "scope.target_kinds", "condition.rules"):
        values[listed] = post.getlist(listed)
    values["is_active"] = post.get("is_active") == "on"
    return values


@capability_required(Capability.MANAGE_WARNING_RULES)
@require_POST
def source_create(request):
    """A new type of signal from the rules page: a kind of sensor, or complaints drawn from
    events of some categories."""

    def number(name):
        raw = (request.POST.get(name) or "").strip()
        try:
            return float(raw) if raw else None
        except ValueError:
            return raw  # refused by the action with the field's name

    data = actions.SourceData(
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
        kind=request.POST.get("kind", ""),
        metric=request.POST.get("metric", ""),
        unit=request.POST.get("unit", ""),
        min_value=number("min_value"),
        max_value=number("max_value"),
        event_categories=tuple(
            c.strip()
            for c in request.POST.get("event_categories", "").replace("，", ",").split(",")
            if c.strip()
        ),
    )
    try:
        source = actions.do_create_source(data, actor=request.user)
    except GridGovError as error:
        details = "；".join(str(d.get("message", "")) for d in error.details)
        messages.error(request, f"{error.message} {details}".strip())
    else:
        messages.success(request, _("Signal source %(code)s added.") % {"code": source.code})
    return redirect("alerts:rules")


@capability_required(Capability.MANAGE_WARNING_RULES)
def rule_create(request):
    return _rule_form(request)


@capability_required(Capability.MANAGE_WARNING_RULES)
def rule_edit(request, pk):
    return _rule_form(request, rule_to_manage(request.user, pk))
