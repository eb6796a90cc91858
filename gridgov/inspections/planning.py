"""The "综合查一次" planner against the database: departments' pending needs in, a plan a
dispatcher reviews out, inspection tasks when they confirm it.

`planner.plan` is pure; this module builds its request from the needs of an area and period
(officers of the needs' departments, what each target may still be visited this year, the
working-day calendar), stores the proposal as a draft `InspectionPlan`, and on confirmation
creates one inspection task per visit through `do_create_inspection`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import (
    GridGovError,
    InvalidInput,
    NotPermitted,
    field_problem,
)
from gridgov.org.choices import Capability, Role
from gridgov.org.models import Department, Staff
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scoped
from gridgov.worktime.calendar import is_working_day

from . import planner
from .actions import InspectionData, do_create_inspection
from .choices import InspectionStatus, NeedStatus, Trigger
from .models import (
    ChecklistItem,
    InspectionNeed,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
    Scenario,
)
from .workflow import NEED_WORKFLOW, PLAN_WORKFLOW

MAX_PLAN_DAYS = 62

REASON_LABELS = {
    planner.Reason.EMPTY_WINDOW: gettext_lazy("no working day of the period in its window"),
    planner.Reason.NO_OFFICERS: gettext_lazy("its department has no officer"),
    planner.Reason.TARGET_CAP: gettext_lazy(
        "the target has had as many visits as the scenario allows"
    ),
    planner.Reason.NO_CAPACITY: gettext_lazy(
        "its department's officers are fully booked in its window"
    ),
    planner.Reason.DUPLICATE: gettext_lazy("given twice"),
}


def _require(actor, capability):
    if not isinstance(actor, str) and not has_capability(actor, capability):
        raise NotPermitted()


# --- Needs --------------------------------------------------------------------------------


@dataclass
class NeedData:
    scenario: Scenario
    target: InspectionTarget
    department: Department
    earliest: dt.date
    latest: dt.date
    items: list[int] | None = None  # checklist item ids; None: all of the department's kind


def do_create_need(data: NeedData, *, actor) -> InspectionNeed:
    """A department's wish to inspect a target in a window, waiting to be planned."""
    _require(actor, Capability.PLAN_INSPECTIONS)
    problems = []
    scenario, department = data.scenario, data.department
    if department.kind not in scenario.department_kinds:
        problems.append(field_problem("department", _("This department is not in the scenario.")))
    if data.target.kind not in scenario.target_kinds:
        problems.append(field_problem("target", _("The scenario does not apply to this target.")))
    if data.latest < data.earliest:
        problems.append(field_problem("latest", _("The window ends before it starts.")))
    if data.latest < timezone.localdate():
        problems.append(field_problem("latest", _("The window has passed.")))
    kind_items = ChecklistItem.objects.filter(
        scenario=scenario, department_kind=department.kind
    ).values_list("pk", flat=True)
    items = set(kind_items) if data.items is None else set(data.items)
    if not items or not items <= set(kind_items):
        problems.append(field_problem("items", _("Pick checklist items of the department's kind.")))
    if problems:
        raise InvalidInput(_("The inspection need is not complete."), details=problems)
    need = InspectionNeed(
        scenario=scenario,
        target=data.target,
        department=department,
        earliest=data.earliest,
        latest=data.latest,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    NEED_WORKFLOW.start(need, "create", actor=actor, then=lambda need, entry: need.items.set(items))
    return need


# --- Proposing a plan ---------------------------------------------------------------------


@dataclass
class _Request:
    request: planner.PlanRequest
    # The planner plans per "target"; a visit is to one target under one scenario, so each
    # (target, scenario) pair gets an id of its own.
    pairs: dict[int, tuple[int, int]]


def _pending_needs(area, start, end, actor):
    needs = InspectionNeed.objects.all()
    if not isinstance(actor, str):  # commands and the worker plan for the area they are given
        needs = scoped(needs, actor)
    return (
        needs.filter(
            status=NeedStatus.PENDING,
            earliest__lte=end,
            latest__gte=start,
            **{f"target__{area.level}": area.pk},
        )
        .order_by("pk")
        .values_list("pk", "target_id", "scenario_id", "department_id", "earliest", "latest")
    )


def _officers(department_ids) -> list[planner.Officer]:
    """Officers of the needs' departments (a squad's officers work for its own needs; an
    officer of a sub-unit also serves a need of the unit above it)."""
    departments = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "path"))
    if not departments:  # no needs: an empty Q() below would match every officer
        return []
    by_path = sorted(departments.items(), key=lambda d: -len(d[1]))  # most specific first
    capacity = settings.GRIDGOV_INSPECTIONS_PER_OFFICER_DAY
    officers = []
    staff = Staff.objects.filter(role=Role.OFFICER, is_active=True, department__isnull=False)
    paths = Q()
    for path in departments.values():
        paths |= Q(department__path__startswith=path)
    for pk, path in staff.filter(paths).order_by("pk").values_list("pk", "department__path"):
        unit = next(d for d, p in by_path if path.startswith(p))
        officers.append(planner.Officer(id=pk, department=unit, capacity=capacity))
    return officers


def _remaining_caps(pairs: dict[int, tuple[int, int]], year: int) -> dict[int, int]:
    """Visits each (target, scenario) may still have this year: its cap less those made."""
    scenarios = {s: s for _t, s in pairs.values()}
    caps = dict(Scenario.objects.filter(pk__in=scenarios).values_list("pk", "yearly_cap"))
    done = {
        (row["target_id"], row["scenario_id"]): row["n"]
        for row in InspectionTask.objects.filter(
            created_at__year=year, target__in={t for t, _s in pairs.values()}
        )
        .exclude(status=InspectionStatus.CANCELLED)
        .order_by()
        .values("target_id", "scenario_id")
        .annotate(n=Count("pk"))
    }
    return {
        pair_id: max(0, caps[scenario] - done.get((target, scenario), 0))
        for pair_id, (target, scenario) in pairs.items()
    }


def build_request(area, start: dt.date, end: dt.date, *, actor) -> _Request:
    pair_ids: dict[tuple[int, int], int] = {}
    needs = []
    for pk, target, scenario, department, earliest, latest in _pending_needs(
        area, start, end, actor
    ):
        pair = pair_ids.setdefault((target, scenario), len(pair_ids) + 1)
        needs.append(planner.Need(pk, pair, department, (), earliest, latest))
    pairs = {pair: key for key, pair in pair_ids.items()}
    days = (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    request = planner.PlanRequest(
        start=start,
        end=end,
        needs=needs,
        officers=_officers({n.department for n in needs}),
        target_caps=_remaining_caps(pairs, start.year),
        days_off=frozenset(d for d in days if not is_working_day(d)),
    )
    return _Request(request, pairs)


def _check_period(area, start, end) -> None:
    problems = []
    if end < start:
        problems.append(field_problem("end", _("The period ends before it starts.")))
    elif (end - start).days + 1 > MAX_PLAN_DAYS:
        problems.append(
            field_problem("end", _("Plan at most %(n)d days at a time.") % {"n": MAX_PLAN_DAYS})
        )
    if start < timezone.localdate():
        problems.append(field_problem("start", _("The period must start today or later.")))
    if area.level not in ("city", "county", "town"):
        problems.append(field_problem("area", _("Plan for a town, a county or the city.")))
    if problems:
        raise InvalidInput(_("The plan cannot be made."), details=problems)


def do_propose_plan(area, start: dt.date, end: dt.date, *, actor) -> InspectionPlan:
    """Run the planner over the area's pending needs and keep its proposal as a draft."""
    _require(actor, Capability.PLAN_INSPECTIONS)
    _check_period(area, start, end)
    built = build_request(area, start, end, actor=actor)
    result = planner.plan(built.request)
    visits = [
        {
            "target": built.pairs[v.target][0],
            "scenario": built.pairs[v.target][1],
            "day": v.day.isoformat(),
            "needs": list(v.needs),
            "officers": list(v.officers),
        }
        for v in result.visits
    ]
    summary = {
        "needs": len(built.request.needs),
        "visits": len(result.visits),
        "planned_needs": result.planned_needs,
        "visits_without_merging": result.visits_without_merging,
        "visits_saved": result.visits_saved,
        "lower_bound": result.lower_bound,
        "unplanned": len(result.unplanned),
    }
    plan = InspectionPlan(
        area=area,
        start=start,
        end=end,
        summary=summary,
        visits=visits,
        unplanned=[{"need": u.need, "reason": str(u.reason)} for u in result.unplanned],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    PLAN_WORKFLOW.start(plan, "propose", actor=actor, data=summary)
    return plan


# --- Confirming it ------------------------------------------------------------------------


def do_confirm_plan(pk, *, actor) -> dict:
    """Turn every visit of a draft plan into an inspection task (trigger: plan) with its day,
    departments and officers, and mark the needs it covers as planned. A visit whose needs
    were planned or cancelled meanwhile, or that the rules refuse now, is skipped and said so."""
    _require(actor, Capability.PLAN_INSPECTIONS)
    created, skipped, counts = [], [], {}

    def apply(plan, now):
        needs = _needs_of(plan)
        targets = InspectionTarget.objects.in_bulk({v["target"] for v in plan.visits})
        scenarios = Scenario.objects.in_bulk({v["scenario"] for v in plan.visits})
        officers = Staff.objects.select_related("department").in_bulk(
            {o for v in plan.visits for o in v["officers"]}
        )
        for i, visit in enumerate(plan.visits):
            visit_needs = [needs.get(n) for n in visit["needs"]]
            if any(n is None or n.status != NeedStatus.PENDING for n in visit_needs):
                skipped.append({"visit": i, "reason": _("its needs changed since planning")})
                continue
            try:
                with transaction.atomic():
                    task = do_create_inspection(
                        InspectionData(
                            scenario=scenarios[visit["scenario"]],
                            target=targets[visit["target"]],
                            departments=list(
                                {n.department_id: n.department for n in visit_needs}.values()
                            ),
                            trigger=Trigger.PLAN,
                            trigger_ref=f"PLAN-{plan.pk}",
                            planned_for=dt.date.fromisoformat(visit["day"]),
                            officers=[officers[o] for o in visit["officers"]],
                            needs_merged=len(visit_needs),
                        ),
                        actor=actor,
                    )
                    for need in visit_needs:
                        _plan_need(need, task, actor)
            except GridGovError as refused:
                skipped.append({"visit": i, "reason": str(refused.message)})
                continue
            created.append(task.number)
        plan.summary = {**plan.summary, "created": len(created), "skipped": skipped}
        counts.update(created=len(created), skipped=len(skipped))  # for the timeline and audit
        return ["summary"]

    PLAN_WORKFLOW.perform(
        pk,
        "confirm",
        actor=actor,
        apply=apply,
        lock_related=("area",),
        data=counts,
    )
    return {"created": created, "skipped": skipped}


def _plan_need(need, task, actor) -> None:
    def planned(need, now):
        need.task = task
        return ["task"]

    NEED_WORKFLOW.perform(need.pk, "plan", actor=actor, apply=planned, data={"task": task.number})


def _needs_of(plan) -> dict[int, InspectionNeed]:
    ids = {n for v in plan.visits for n in v["needs"]}
    return (
        InspectionNeed.objects.select_related("department")
        .select_for_update(of=("self",))
        .in_bulk(ids)
    )


def do_discard_plan(pk, *, actor) -> InspectionPlan:
    _require(actor, Capability.PLAN_INSPECTIONS)
    return PLAN_WORKFLOW.perform(pk, "discard", actor=actor, lock_related=("area",))


def plan_rows(plan) -> tuple[list[dict], list[dict]]:
    """The plan as a dispatcher reads it: visits by day with names, and what was left out."""
    needs = InspectionNeed.objects.select_related("department").in_bulk(
        {n for v in plan.visits for n in v["needs"]} | {u["need"] for u in plan.unplanned}
    )
    targets = InspectionTarget.objects.in_bulk({v["target"] for v in plan.visits})
    officers = (
        Staff.objects.select_related("department")
        .defer("phone", "id_number")
        .in_bulk({o for v in plan.visits for o in v["officers"]})
    )
    visits = [
        {
            "day": v["day"],
            "target": targets.get(v["target"]),
            "departments": sorted({needs[n].department.name for n in v["needs"] if n in needs}),
            "officers": [officers[o].name for o in v["officers"] if o in officers],
            "needs": len(v["needs"]),
        }
        for v in sorted(plan.visits, key=lambda v: (v["day"], v["target"]))
    ]
    by_reason = defaultdict(list)
    for u in plan.unplanned:
        by_reason[u["reason"]].append(needs.get(u["need"]))
    left = [
        {"reason": REASON_LABELS.get(reason, reason), "needs": [n for n in ns if n is not None]}
        for reason, ns in by_reason.items()
    ]
    return visits, left
