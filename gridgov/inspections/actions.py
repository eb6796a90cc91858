"""Every write to inspections: targets, scenarios, inspection tasks and their results, and the
rectification orders and enforcement cases that failed checks lead to.

Each action checks its own input first, then hands over to the closed-loop engine, which locks
the item, checks the transition table, role, guard and scope, saves, appends the timeline row,
audits and notifies after commit. A refused action changes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.core.validators import validate_uscc
from gridgov.events.actions import locate_or_refuse
from gridgov.org.choices import DepartmentKind, Role
from gridgov.org.models import Department, Staff
from gridgov.org.roles import post_of
from gridgov.org.scoping import scope_of
from gridgov.powers.choices import PowerKind, PowerStatus
from gridgov.powers.models import PowerItem
from gridgov.powers.selectors import versions_in_effect
from gridgov.regions.choices import CRS
from gridgov.regions.crs import wgs84_point
from gridgov.workflow.attachments import save_photos
from gridgov.workflow.engine import PublicActor, prepared

from .choices import (
    FollowUp,
    InspectionStatus,
    Outcome,
    TargetKind,
    Trigger,
)
from .models import (
    ChecklistItem,
    EnforcementCase,
    InspectionAssignment,
    InspectionResult,
    InspectionTarget,
    InspectionTask,
    RectificationOrder,
    Scenario,
)
from .selectors import checklist_of
from .workflow import CASE_WORKFLOW, INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

MAX_RECTIFY_DAYS = 90


# --- Targets ------------------------------------------------------------------------------


@dataclass
class TargetData:
    kind: str
    name: str
    lon: float
    lat: float
    crs: str = CRS.WGS84
    uscc: str = ""
    address: str = ""


def _check_target(data: TargetData) -> tuple[str, float, float]:
    problems = []
    if data.kind not in TargetKind.values:
        problems.append(field_problem("kind", _("Unknown kind of target.")))
    name = (data.name or "").strip()
    if not name or len(name) > 120:
        problems.append(field_problem("name", _("A name of at most 120 characters is required.")))
    uscc = (data.uscc or "").strip().upper()
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as error:
            problems.append(field_problem("uscc", " ".join(error.messages)))
    try:
        lon, lat = wgs84_point(data.lon, data.lat, data.crs)
    except ValueError:
        problems.append(field_problem("location", _("The location is not a valid point.")))
        lon = lat = None
    if problems:
        raise InvalidInput(_("The inspection target is not complete."), details=problems)
    return uscc, lon, lat


def do_create_target(data: TargetData, *, actor) -> InspectionTarget:
    uscc, lon, lat = _check_target(data)
    microgrid = locate_or_refuse(lon, lat)
    if not isinstance(actor, str) and not scope_of(actor).covers_region(microgrid):
        raise InvalidInput(
            _("The place is outside your area."),
            details=[field_problem("location", _("Pick a point inside your area."))],
        )
    with transaction.atomic():
        if uscc and InspectionTarget.objects.filter(uscc=uscc).exists():
            raise Conflict(_("A target with this unified social credit code exists already."))
        target = InspectionTarget(
            kind=data.kind,
            name=data.name.strip(),
            uscc=uscc,
            address=(data.address or "").strip()[:200],
            lon=lon,
            lat=lat,
        )
        target.place_in(microgrid)
        target.save()
        audit.record("inspections.create_target", actor=actor, target=target, summary=target.name)
    return target


# --- Scenarios ----------------------------------------------------------------------------


@dataclass
class ChecklistData:
    department_kind: str
    text: str
    inspection_power: int  # PowerItem id, of kind 行政检查
    penalty_power: int | None = None  # PowerItem id, of kind 行政处罚


@dataclass
class ScenarioData:
    jurisdiction: object  # Region (a county or the city)
    code: str
    name: str
    department_kinds: list[str]
    target_kinds: list[str]
    yearly_cap: int = 4
    description: str = ""
    checklist: list[ChecklistData] = field(default_factory=list)


def holder_kind(power: PowerItem, on: dt.date) -> str | None:
    """The kind of department that holds a power item on a day, if it is in force then."""
    version = (
        versions_in_effect(on)
        .filter(item=power, status=PowerStatus.ACTIVE)
        .select_related("department")
        .first()
    )
    return version.department.kind if version is not None else None


def _check_power(power_id, kind: str, data: ScenarioData, item: ChecklistData):
    """A checklist item's power: of the right kind, of the scenario's jurisdiction, in force
    and held by a department of the kind that checks the item."""
    power = PowerItem.objects.filter(pk=power_id).first() if power_id else None
    if power is None or power.kind != kind:
        label = PowerKind(kind).label
        return None, _("Pick a power item of kind “%(kind)s”.") % {"kind": label}
    if power.jurisdiction_id != data.jurisdiction.pk:
        return None, _("The power item belongs to another jurisdiction's catalogue.")
    holder = holder_kind(power, timezone.localdate())
    if holder != item.department_kind:
        return None, _(
            "%(power)s is not in force or not held by a department of the kind that checks it."
        ) % {"power": power.code}
    return power, None


def _check_scenario(data: ScenarioData) -> list[tuple[ChecklistData, PowerItem, PowerItem]]:
    problems = []
    if not (data.code or "").strip() or len(data.code) > 32:
        problems.append(field_problem("code", _("A code of at most 32 characters is required.")))
    if not (data.name or "").strip() or len(data.name) > 64:
        problems.append(field_problem("name", _("A name of at most 64 characters is required.")))
    if not data.department_kinds or not set(data.department_kinds) <= set(DepartmentKind.values):
        problems.append(field_problem("department_kinds", _("Pick the kinds of department.")))
    if not data.target_kinds or not set(data.target_kinds) <= set(TargetKind.values):
        problems.append(field_problem("target_kinds", _("Pick the kinds of target.")))
    if not isinstance(data.yearly_cap, int) or not 1 <= data.yearly_cap <= 365:
        problems.append(
            field_problem("yearly_cap", _("Visits per year must be between 1 and 365."))
        )
    checked = []
    for i, item in enumerate(data.checklist):
        where = f"checklist[{i}]"
        if item.department_kind not in (data.department_kinds or []):
            problems.append(
                field_problem(where, _("The department kind does not take part in the scenario."))
            )
            continue
        if not (item.text or "").strip() or len(item.text) > 255:
            problems.append(field_problem(where, _("Say what to check (at most 255 characters).")))
        inspection, error = _check_power(item.inspection_power, PowerKind.INSPECTION, data, item)
        if error:
            problems.append(field_problem(f"{where}.inspection_power", error))
        penalty = None
        if item.penalty_power:
            penalty, error = _check_power(item.penalty_power, PowerKind.PENALTY, data, item)
            if error:
                problems.append(field_problem(f"{where}.penalty_power", error))
        checked.append((item, inspection, penalty))
    if not data.checklist:
        problems.append(
            field_problem("checklist", _("A scenario needs at least one checklist item."))
        )
    if problems:
        raise InvalidInput(_("The scenario is not complete."), details=problems)
    return checked


def do_create_scenario(data: ScenarioData, *, actor) -> Scenario:
    checked = _check_scenario(data)
    with transaction.atomic():
        if Scenario.objects.filter(code=data.code.strip()).exists():
            raise Conflict(_("A scenario with this code exists already."))
        scenario = Scenario.objects.create(
            jurisdiction=data.jurisdiction,
            code=data.code.strip(),
            name=data.name.strip(),
            description=(data.description or "").strip(),
            department_kinds=sorted(set(data.department_kinds)),
            target_kinds=sorted(set(data.target_kinds)),
            yearly_cap=data.yearly_cap,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                scenario=scenario,
                department_kind=item.department_kind,
                text=item.text.strip(),
                inspection_power=inspection,
                penalty_power=penalty,
                order=i,
            )
            for i, (item, inspection, penalty) in enumerate(checked)
        )
        audit.record(
            "inspections.create_scenario",
            actor=actor,
            target=scenario,
            summary=scenario.name,
            changes={"checklist": len(checked)},
        )
    return scenario


# --- Inspection tasks ---------------------------------------------------------------------


@dataclass
class InspectionData:
    scenario: Scenario
    target: InspectionTarget
    departments: list[Department]
    trigger: str = Trigger.PLAN
    trigger_event: object = None  # an Event, for Trigger.EVENT
    trigger_ref: str = ""
    planned_for: dt.date | None = None
    officers: list[Staff] = field(default_factory=list)
    needs_merged: int = 0  # how many departments' needs this visit covers; 0: one per department
    note: str = ""


def visits_this_year(target, scenario, year: int) -> int:
    return (
        InspectionTask.objects.filter(target=target, scenario=scenario, created_at__year=year)
        .exclude(status=InspectionStatus.CANCELLED)
        .count()
    )


def _check_inspection(data: InspectionData, now) -> None:
    problems = []
    scenario, target = data.scenario, data.target
    if not scenario.is_active:
        problems.append(field_problem("scenario", _("This scenario is no longer in use.")))
    if target.kind not in scenario.target_kinds:
        problems.append(
            field_problem("target", _("The scenario does not apply to this kind of target."))
        )
    if target.county_id != scenario.jurisdiction_id and target.city_id != scenario.jurisdiction_id:
        problems.append(
            field_problem("target", _("The target is outside the scenario's jurisdiction."))
        )
    if data.trigger not in Trigger.values:
        problems.append(field_problem("trigger", _("Unknown trigger.")))
    if data.trigger == Trigger.EVENT and data.trigger_event is None:
        problems.append(
            field_problem("trigger_event", _("Name the event this inspection follows."))
        )
    departments = {d.pk: d for d in data.departments}
    if not departments:
        problems.append(field_problem("departments", _("Pick at least one department.")))
    for department in departments.values():
        if department.kind not in scenario.department_kinds:
            problems.append(
                field_problem(
                    "departments",
                    _("%(unit)s does not take part in this scenario.") % {"unit": department},
                )
            )
        elif not _works_at(department, target):
            problems.append(
                field_problem(
                    "departments",
                    _("%(unit)s does not work where the target is.") % {"unit": department},
                )
            )
    if len(data.trigger_ref) > 64:
        problems.append(field_problem("trigger_ref", _("The reference is too long.")))
    if data.planned_for is not None and data.planned_for < timezone.localdate(now):
        problems.append(field_problem("planned_for", _("The planned day has passed.")))
    if problems:
        raise InvalidInput(_("The inspection cannot be created."), details=problems)
    if visits_this_year(target, scenario, timezone.localdate(now).year) >= scenario.yearly_cap:
        raise Conflict(
            _(
                "%(target)s has had %(cap)d “%(scenario)s” inspections this year, the most "
                "allowed; merge this need into a planned visit instead."
            )
            % {"target": target, "cap": scenario.yearly_cap, "scenario": scenario}
        )


def _works_at(department, target) -> bool:
    """A unit works at a target if its region contains the target's (a county bureau for
    the whole county, a town squad for its town)."""
    return department.region.contains(target)


def _command_region_of(target, scenario):
    """The command centre that assigns and closes: the town's 四平台, for a county scenario."""
    return target.town if target.town_id else scenario.jurisdiction


def do_create_inspection(data: InspectionData, *, actor) -> InspectionTask:
    """Create an inspection task — from a plan, an event or a warning — and assign its officers
    when they are known."""
    now = timezone.now()
    _check_inspection(data, now)
    target = data.target
    task = InspectionTask(
        scenario=data.scenario,
        target=target,
        trigger=data.trigger,
        trigger_event=data.trigger_event,
        trigger_ref=data.trigger_ref,
        planned_for=data.planned_for,
        command_region=_command_region_of(target, data.scenario),
        department_count=len({d.pk for d in data.departments}),
        needs_merged=data.needs_merged or len({d.pk for d in data.departments}),
        created_at=now,
    )
    task.place_in(target)

    def number(task):
        task.number = next_number("JC", InspectionTask, now)

    with transaction.atomic():
        INSPECTION_WORKFLOW.start(task, "create", actor=actor, note=data.note, prepare=number)
        InspectionAssignment.objects.bulk_create(
            InspectionAssignment(task=task, department=d)
            for d in {d.pk: d for d in data.departments}.values()
        )
        if data.officers:
            task = do_assign_inspection(task.pk, data.officers, actor=actor)
    return task


def _check_officers(task, officers) -> list[Staff]:
    departments = list(task.assignments.select_related("department"))
    chosen = {o.pk: o for o in officers}
    problems = []
    for officer in chosen.values():
        if officer.role != Role.OFFICER or not officer.is_active or officer.department_id is None:
            problems.append(
                field_problem(
                    "officers", _("%(name)s is not an active officer.") % {"name": officer}
                )
            )
    for assignment in departments:
        unit = assignment.department
        if not any(o.department_id and unit.contains(o.department) for o in chosen.values()):
            problems.append(
                field_problem(
                    "officers",
                    _("Assign at least one officer of %(unit)s.") % {"unit": assignment.department},
                )
            )
    units = [a.department for a in departments]
    for officer in chosen.values():
        if officer.department_id and not any(u.contains(officer.department) for u in units):
            problems.append(
                field_problem(
                    "officers",
                    _("%(name)s does not belong to a participating department.")
                    % {"name": officer},
                )
            )
    if problems:
        raise InvalidInput(_("These officers cannot be assigned."), details=problems)
    return list(chosen.values())


@INSPECTION_WORKFLOW.runs("assign")
def do_assign_inspection(
    pk, officers=(), *, actor, note="", photos=(), version=None
) -> InspectionTask:
    """Assign (or reassign) the officers: at least one of every participating department."""

    def apply(task, now):
        task.officers.set(_check_officers(task, officers))
        return []

    return INSPECTION_WORKFLOW.perform(
        pk,
        "assign",
        actor=actor,
        apply=apply,
        note=note,
        expected_version=version,
        data={"officers": [o.pk for o in officers]},
    )


@dataclass
class ResultData:
    checklist_item: int
    outcome: str
    note: str = ""
    follow_up: str = ""
    rectify_days: int | None = None
    photos: list = field(default_factory=list)


def _check_result(task, data: ResultData, actor) -> ChecklistItem:
    items = {item.pk: item for item in checklist_of(task)}
    item = items.get(data.checklist_item)
    problems = []
    if item is None:
        raise InvalidInput(
            _("This checklist item is not part of the inspection."),
            details=[
                field_problem("checklist_item", _("Pick an item of this inspection's checklist."))
            ],
        )
    post = post_of(actor) if not isinstance(actor, str) else None
    if (
        post is not None
        and post.role == Role.OFFICER
        and post.department.kind != item.department_kind
    ):
        raise NotPermitted(_("This item is checked by another kind of department."))
    if data.outcome not in Outcome.values:
        problems.append(field_problem("outcome", _("Pick pass, fail or not applicable.")))
    if len(data.note or "") > 500:
        problems.append(field_problem("note", _("The note is longer than 500 characters.")))
    if data.outcome == Outcome.FAIL:
        if data.follow_up not in (FollowUp.RECTIFY, FollowUp.CASE):
            problems.append(
                field_problem(
                    "follow_up", _("A failed item needs a rectification order or a case.")
                )
            )
        if data.follow_up == FollowUp.CASE and item.penalty_power_id is None:
            problems.append(
                field_problem(
                    "follow_up", _("This item names no penalty power; order a rectification.")
                )
            )
        if data.follow_up == FollowUp.RECTIFY and not (
            isinstance(data.rectify_days, int) and 1 <= data.rectify_days <= MAX_RECTIFY_DAYS
        ):
            problems.append(
                field_problem(
                    "rectify_days",
                    _("Give between 1 and %(max)d days to rectify.") % {"max": MAX_RECTIFY_DAYS},
                )
            )
        if not (data.note or "").strip():
            problems.append(field_problem("note", _("Say what was found.")))
    elif data.follow_up:
        problems.append(field_problem("follow_up", _("Only a failed item has a follow-up.")))
    if problems:
        raise InvalidInput(_("The check cannot be recorded."), details=problems)
    return item


@INSPECTION_WORKFLOW.runs("record")
def do_record_result(
    pk, data: ResultData | None = None, *, actor, note="", photos=(), version=None, **fields
) -> InspectionTask:
    """Record (or correct, until the inspection is finished) one checklist item's finding:
    given as ResultData, or as the action's input fields (checklist_item, outcome…)."""
    if data is None:
        fields = {"checklist_item": None, "outcome": "", **fields}
        data = ResultData(note=note, photos=list(photos), **fields)
    photos = prepared(data.photos)
    recorded = {}

    def apply(task, now):
        item = _check_result(task, data, actor)
        result, _created = InspectionResult.objects.update_or_create(
            task=task,
            checklist_item=item,
            defaults={
                "outcome": data.outcome,
                "note": (data.note or "").strip(),
                "follow_up": data.follow_up if data.outcome == Outcome.FAIL else "",
                "rectify_days": data.rectify_days if data.follow_up == FollowUp.RECTIFY else None,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
                "recorded_at": now,
            },
        )
        recorded["result"] = result
        return []

    def attach_photos(task, entry):
        # The result shows the photos of the step that recorded it, in the same transaction.
        if entry.photos():
            recorded["result"].photos.set(entry.photos())

    return INSPECTION_WORKFLOW.perform(
        pk,
        "record",
        actor=actor,
        apply=apply,
        expected_version=version,
        note=(data.note or "").strip(),
        photos=photos,
        save_photos=save_photos,
        data={"checklist_item": data.checklist_item, "outcome": data.outcome},
        then=attach_photos,
    )


@INSPECTION_WORKFLOW.runs("finish")
def do_finish_inspection(
    pk, *, actor, acknowledged_by="", acknowledgement="", note="", photos=(), version=None
) -> InspectionTask:
    """Finish on site: every item checked, the inspected party's acknowledgement taken (or
    their refusal noted); failed items become rectification orders or cases."""
    who = (acknowledged_by or "").strip()
    if not who or len(who) > 64:
        raise InvalidInput(
            _("Record who acknowledged the inspection for the inspected party."),
            details=[field_problem("acknowledged_by", _("A name of at most 64 characters."))],
        )
    if len(acknowledgement or "") > 255:
        raise InvalidInput(_("The acknowledgement is longer than 255 characters."))

    def apply(task, now):
        results = {r.checklist_item_id: r for r in task.results.all()}
        missing = [item for item in checklist_of(task) if item.pk not in results]
        if missing:
            raise InvalidInput(
                _("%(n)d checklist items are not recorded yet.") % {"n": len(missing)},
                details=[field_problem("checklist_item", item.text) for item in missing],
            )
        task.inspected_at = now
        task.acknowledged_by = who
        task.acknowledgement = (acknowledgement or "").strip()
        failed.extend(r for r in results.values() if r.outcome == Outcome.FAIL)
        return ["inspected_at", "acknowledged_by", "acknowledgement"]

    def follow_up(task, entry):
        for result in failed:
            _follow_up(task, result, actor)

    failed = []
    return INSPECTION_WORKFLOW.perform(
        pk, "finish", actor=actor, apply=apply, note=note, expected_version=version, then=follow_up
    )


def _follow_up(task, result, actor) -> None:
    item = ChecklistItem.objects.select_related("penalty_power").get(pk=result.checklist_item_id)
    department = _department_for(task, item.department_kind)
    if result.follow_up == FollowUp.CASE:
        _file_case(task, result, item.penalty_power, department, actor=actor)
    else:
        deadline = timezone.localdate() + dt.timedelta(days=result.rectify_days)
        order = RectificationOrder(
            task=task,
            result=result,
            target_id=task.target_id,
            department=department,
            requirement=result.note or item.text,
            deadline=deadline,
        )
        _start_finding(RECTIFICATION_WORKFLOW, order, "issue", "ZG", actor=actor)


def _department_for(task, kind: str) -> Department:
    return next(
        a.department
        for a in task.assignments.select_related("department")
        if a.department.kind == kind
    )


def _start_finding(workflow, finding, action, prefix, *, actor, note=""):
    now = timezone.now()
    finding.created_at = now

    def number(item):
        item.number = next_number(prefix, type(item), now)

    return workflow.start(finding, action, actor=actor, note=note, prepare=number)


def _file_case(task, result, penalty_power, department, *, actor, note=""):
    case = EnforcementCase(
        task=task,
        result=result,
        target_id=task.target_id,
        department=department,
        penalty_power=penalty_power,
    )
    return _start_finding(CASE_WORKFLOW, case, "file", "AJ", actor=actor, note=note)


def do_rate_inspection(number: str, *, rating, comment: str = "") -> InspectionTask:
    """The inspected party rates the inspection once, through its QR code (the caller has
    checked the code's signature)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(
            _("Give a rating from 1 to 5."),
            details=[field_problem("rating", _("Give a rating from 1 to 5."))],
        )
    comment = (comment or "").strip()
    if len(comment) > 255:
        raise InvalidInput(_("The comment is longer than 255 characters."))
    pk = InspectionTask.objects.filter(number=number).values_list("pk", flat=True).first()
    actor = PublicActor.holding(f"qr:{number}", pk)

    def apply(task, now):
        task.rating, task.rating_comment, task.rated_at = rating, comment, now
        return ["rating", "rating_comment", "rated_at"]

    return INSPECTION_WORKFLOW.perform(
        pk, "rate", actor=actor, apply=apply, note=comment, data={"rating": rating}
    )


# --- Rectification orders -----------------------------------------------------------------


@RECTIFICATION_WORKFLOW.runs("fail")
def do_fail_reinspection(pk, *, actor, note: str, days: int | None = None, photos=(), version=None):
    """Not put right: a new deadline, the order stays open."""
    if not (isinstance(days, int) and 1 <= days <= MAX_RECTIFY_DAYS):
        raise InvalidInput(
            _("Give between 1 and %(max)d days to rectify.") % {"max": MAX_RECTIFY_DAYS},
            details=[field_problem("days", _("Between 1 and 90."))],
        )

    def apply(order, now):
        order.deadline = timezone.localdate(now) + dt.timedelta(days=days)
        order.reinspections += 1
        return ["deadline", "reinspections"]

    return RECTIFICATION_WORKFLOW.perform(
        pk,
        "fail",
        actor=actor,
        apply=apply,
        note=note,
        expected_version=version,
        data={"days": days},
    )


@RECTIFICATION_WORKFLOW.runs("escalate")
def do_escalate_rectification(pk, *, actor, note: str, photos=(), version=None):
    """Not put right and not to be given more time: file a case under the item's penalty."""

    def apply(order, now):
        if order.result.checklist_item.penalty_power is None:
            raise InvalidInput(_("This item names no penalty power; a case cannot be filed."))
        return []

    def file_case(order, entry):
        penalty = order.result.checklist_item.penalty_power
        _file_case(order.task, order.result, penalty, order.department, actor=actor, note=note)

    return RECTIFICATION_WORKFLOW.perform(
        pk,
        "escalate",
        actor=actor,
        apply=apply,
        note=note,
        expected_version=version,
        lock_related=("department", "result__checklist_item__penalty_power"),
        then=file_case,
    )


# --- Enforcement cases --------------------------------------------------------------------


@CASE_WORKFLOW.runs("decide")
def do_decide_case(pk, *, actor, note: str, fine_yuan=None, photos=(), version=None):
    """Record the decision (the step's note) and the fine, if any."""
    decision = (note or "").strip()
    fine = None
    if fine_yuan not in (None, ""):
        try:
            fine = Decimal(str(fine_yuan))
            if not fine.is_finite() or fine < 0 or fine >= Decimal("1e10"):
                raise InvalidOperation
            fine = fine.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput(
                _("The fine is not a valid amount."),
                details=[field_problem("fine_yuan", _("An amount in yuan, e.g. 2000.00."))],
            ) from None
    if len(decision) > 500:
        raise InvalidInput(_("The decision is longer than 500 characters."))

    def apply(case, now):
        case.decision, case.fine_yuan = decision, fine
        return ["decision", "fine_yuan"]

    return CASE_WORKFLOW.perform(
        pk,
        "decide",
        actor=actor,
        apply=apply,
        note=decision,
        expected_version=version,
        data={"fine_yuan": str(fine) if fine is not None else None},
    )
