"""The write paths of supervision: groups, posts, suggestions, findings and their steps,
projects, their checks, disbursement imports and the fund anomaly rules. Each checks, writes and
audits in one transaction, or raises a GridGovError before changing anything."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.alerts.selectors import units_for
from gridgov.core import audit
from gridgov.core.checks import checked_text
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.core.validators import MAX_TEXT, validate_phone
from gridgov.events.actions import ReportData, do_report_event
from gridgov.inspections.actions import InspectionData, do_create_inspection
from gridgov.inspections.choices import Trigger
from gridgov.inspections.models import InspectionTarget, Scenario
from gridgov.org.choices import Role
from gridgov.org.models import Department
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.regions.locate import locate_point
from gridgov.workflow.engine import PublicActor
from gridgov.worktime.calendar import current_calendar

from . import funds
from .choices import (
    FindingKind,
    FindingOrigin,
    FindingStatus,
    GroupKind,
    PostKind,
    PostMode,
    SuggestionChannel,
    SuggestionSource,
)
from .models import (
    BudgetLine,
    ContractedParty,
    Disbursement,
    Finding,
    Project,
    ProjectCheck,
    Suggestion,
    SupervisionGroup,
    SupervisionPost,
)
from .workflow import FINDING_WORKFLOW as WORKFLOW

MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_RECTIFY_DAYS = 90


def require_manager(actor, region) -> None:
    """Supervisors and administrators of an area containing `region`; commands and the demo
    act under a label."""
    if isinstance(actor, str) and not isinstance(actor, PublicActor):
        return
    if getattr(actor, "is_superuser", False):
        return
    post = post_of(actor) if actor is not None else None
    if post is None or not post.is_active or post.role not in MANAGERS:
        raise NotPermitted(_("Only the area's supervisors may do this."))
    if not post.region.contains(region):
        raise NotFound()


# --- Groups and posts -----------------------------------------------------------------------


@transaction.atomic
def do_create_group(*, name, region, office, actor, parent=None, members=(), kind=None):
    """A supervision group of a town's discipline office, or a village squad under one."""
    require_manager(actor, region)
    kind = kind or (GroupKind.SQUAD if parent is not None else GroupKind.GROUP)
    if parent is not None and not parent.region.contains(region):
        raise InvalidInput(_("A squad works inside its group's area."))
    group = SupervisionGroup(
        name=checked_text(name, "name", 100), kind=kind, region=region, office=office, parent=parent
    )
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise Conflict(_("A group of this name exists in this area.")) from None
    if members:
        group.members.set(members)
    audit.record(
        "supervision.group.create",
        actor=actor,
        target=group,
        summary=group.name,
        changes={"members": [m.pk for m in members]},
    )
    return group


@dataclass
class PostData:
    name: str
    group: SupervisionGroup
    mode: str = PostMode.OFFLINE
    lon: float | None = None
    lat: float | None = None
    target: InspectionTarget | None = None
    active_from: dt.date | None = None
    active_until: dt.date | None = None
    units: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)


@transaction.atomic
def do_create_post(data: PostData, *, actor) -> SupervisionPost:
    """A supervision post at a unit (an inspection target) or at a place (a point, placed in
    the region tree), watching units, projects and checkpoints."""
    require_manager(actor, data.group.region)
    if data.mode not in PostMode.values:
        raise InvalidInput(_("Unknown mode."), details=[field_problem("mode", _("Unknown."))])
    post = SupervisionPost(
        name=checked_text(data.name, "name", 120),
        group=data.group,
        mode=data.mode,
        active_from=data.active_from or timezone.localdate(),
        active_until=data.active_until,
    )
    if post.active_until is not None and post.active_until < post.active_from:
        raise InvalidInput(
            _("The period ends before it begins."),
            details=[field_problem("active_until", _("Before the start."))],
        )
    if data.target is not None:
        post.kind, post.target = PostKind.UNIT, data.target
        post.lon, post.lat = data.target.lon, data.target.lat
        post.place_in(data.target)
    else:
        post.kind, post.lon, post.lat = PostKind.PLACE, data.lon, data.lat
        post.place_in(_located(data.lon, data.lat))
    if not data.group.region.contains(post):
        raise InvalidInput(_("The post lies outside its group's area."))
    post.save()
    post.watched_units.set(data.units)
    post.watched_projects.set(data.projects)
    post.watched_checkpoints.set(data.checkpoints)
    audit.record("supervision.post.create", actor=actor, target=post, summary=post.name)
    return post


def _located(lon, lat):
    if lon is None or lat is None:
        raise InvalidInput(
            _("A post at a place needs its longitude and latitude."),
            details=[field_problem("lon", _("Required."))],
        )
    microgrid = locate_point(lon, lat)
    if microgrid is None:
        raise InvalidInput(
            _("The point lies in no grid."),
            details=[field_problem("lon", _("Outside every grid."))],
        )
    return microgrid


# --- Suggestions ------------------------------------------------------------------------------


@transaction.atomic
def do_record_suggestion(
    post: SupervisionPost,
    *,
    text,
    actor,
    source=SuggestionSource.PUBLIC,
    name="",
    unit_name="",
    phone="",
) -> Suggestion:
    """A suggestion collected at a post: from the public page (a PublicActor) or typed in by
    staff for a person or a unit."""
    public = isinstance(actor, PublicActor)
    if not post.is_active_on(timezone.localdate()):
        raise Conflict(_("This supervision post is not open now."))
    if source not in SuggestionSource.values:
        raise InvalidInput(_("Unknown source."), details=[field_problem("source", _("Unknown."))])
    phone = (phone or "").strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise InvalidInput(
                _("The phone number is not valid."),
                details=[field_problem("phone", " ".join(error.messages))],
            ) from None
    suggestion = Suggestion(
        post=post,
        source=source,
        text=checked_text(text, "text", MAX_TEXT),
        name=checked_text(name, "name", 64, required=False),
        unit_name=checked_text(
            unit_name, "unit_name", 120, required=source == SuggestionSource.UNIT
        ),
        phone=phone,
        channel=SuggestionChannel.PUBLIC_PAGE if public else SuggestionChannel.STAFF,
        recorded_by=None if public or isinstance(actor, str) else actor,
    )
    suggestion.place_in(post)
    suggestion.save()
    audit.record("supervision.suggestion", actor=actor, target=suggestion, summary=post.name)
    return suggestion


# --- Findings -------------------------------------------------------------------------------


@dataclass
class FindingData:
    group: SupervisionGroup
    kind: str
    summary: str
    details: str = ""
    post: SupervisionPost | None = None
    department: Department | None = None
    target: InspectionTarget | None = None
    project: Project | None = None
    lon: float | None = None
    lat: float | None = None
    rectify_days: int = 10
    origin: str = FindingOrigin.SUPERVISION
    rule: str = ""
    anomaly_key: str = ""
    found_at: dt.datetime | None = None


def _check_finding(data: FindingData) -> None:
    problems = []
    if data.kind not in FindingKind.values:
        problems.append(field_problem("kind", _("Unknown kind.")))
    if not (data.summary or "").strip() or len(data.summary) > 200:
        problems.append(field_problem("summary", _("1 to 200 characters.")))
    if len(data.details or "") > MAX_TEXT:
        problems.append(field_problem("details", _("At most %(n)d characters.") % {"n": MAX_TEXT}))
    if not 1 <= data.rectify_days <= MAX_RECTIFY_DAYS:
        problems.append(
            field_problem("rectify_days", _("1 to %(n)d working days.") % {"n": MAX_RECTIFY_DAYS})
        )
    if problems:
        raise InvalidInput(_("The finding has problems."), details=problems)


def _place_finding(finding: Finding, data: FindingData) -> None:
    """At the unit, at the post, at the point given, or else in the group's area."""
    where = data.target or (data.project if data.project is not None else None) or data.post
    if data.lon is not None and data.lat is not None:
        finding.lon, finding.lat = data.lon, data.lat
        finding.place_in(_located(data.lon, data.lat))
    elif where is not None:
        finding.lon, finding.lat = getattr(where, "lon", None), getattr(where, "lat", None)
        finding.place_in(where)
    else:
        finding.place_in(data.group.region)
    if not data.group.region.contains(finding):
        raise InvalidInput(_("The finding lies outside its group's area."))


def do_record_finding(data: FindingData, *, actor, note="", photos=()) -> Finding:
    """Record a finding of a group (at a post, a unit, a project, a point)."""
    require_manager(actor, data.group.region)
    _check_finding(data)
    finding = Finding(
        kind=data.kind,
        summary=data.summary.strip(),
        details=(data.details or "").strip(),
        group=data.group,
        post=data.post,
        department=data.department,
        target=data.target,
        project=data.project,
        rectify_days=data.rectify_days,
        origin=data.origin,
        rule=data.rule,
        anomaly_key=data.anomaly_key,
        found_at=data.found_at or timezone.now(),
        found_by=None if isinstance(actor, str) else actor,
    )
    _place_finding(finding, data)
    now = timezone.now()

    def number(item):
        item.number = next_number("JD", Finding, now)

    return WORKFLOW.start(finding, "find", actor=actor, note=note, photos=photos, prepare=number)


def working_days_after(day: dt.date, days: int) -> dt.date:
    """The working day `days` working days after `day` (the calendar's holidays skipped)."""
    calendar = current_calendar()
    for _n in range(days):
        day = calendar.next_working_day(day)
    return day


@WORKFLOW.runs("assign")
def do_assign_finding(
    pk, *, actor, note="", photos=(), version=None, department="", target=None, days=None
):
    """Assign to the responsible unit — a department (by code) or an inspection target's owner
    — with a deadline `days` working days away (the finding's own by default)."""

    def apply(finding, now):
        changed = {"deadline", "rectify_days"}
        if department:
            unit = Department.objects.filter(code=department, is_active=True).first()
            if unit is None:
                raise InvalidInput(
                    _("No such unit."), details=[field_problem("department", _("Unknown code."))]
                )
            finding.department, finding.target = unit, None
            changed |= {"department", "target"}
        elif target is not None:
            owner = scoped(InspectionTarget.objects.all(), actor).filter(pk=target).first()
            if owner is None or not finding.group.region.contains(owner):
                raise InvalidInput(
                    _("No such unit in this area."),
                    details=[field_problem("target", _("Unknown."))],
                )
            finding.target, finding.department = owner, None
            changed |= {"department", "target"}
        if finding.department_id is None and finding.target_id is None:
            raise InvalidInput(
                _("Name the responsible unit."),
                details=[field_problem("department", _("Required."))],
            )
        if days is not None:
            finding.rectify_days = days
        finding.deadline = working_days_after(timezone.localdate(now), finding.rectify_days)
        return changed

    return WORKFLOW.perform(
        pk,
        "assign",
        actor=actor,
        note=note,
        expected_version=version,
        apply=apply,
        data={"department": department, "target": target},
    )


@WORKFLOW.runs("improve")
def do_improve_finding(pk, *, actor, note="", photos=(), version=None, measures=""):
    measures = checked_text(measures, "measures", MAX_TEXT)

    def apply(finding, now):
        finding.measures = measures
        return {"measures"}

    return WORKFLOW.perform(
        pk, "improve", actor=actor, note=note, expected_version=version, apply=apply
    )


@WORKFLOW.runs("start_event")
def do_start_event(pk, *, actor, note="", photos=(), version=None, category=""):
    """Report an event at the finding's place (a problem for the grid to handle), linked."""

    def apply(finding, now):
        if finding.event_id is not None:
            raise Conflict(_("This finding has started an event already."))
        if finding.lon is None or finding.lat is None:
            raise InvalidInput(_("The finding has no point to report an event at."))
        finding.event = do_report_event(
            ReportData(
                title=finding.summary[:100],
                category=category,
                lon=finding.lon,
                lat=finding.lat,
                description=finding.details or finding.summary,
                extra={"finding": finding.number},
            ),
            actor=actor,
        )
        return {"event"}

    return WORKFLOW.perform(
        pk,
        "start_event",
        actor=actor,
        note=note,
        expected_version=version,
        apply=apply,
        data={"category": category},
    )


@WORKFLOW.runs("start_inspection")
def do_start_inspection(pk, *, actor, note="", photos=(), version=None, scenario=""):
    """Ask for an inspection of the finding's unit in a scenario; the command centre assigns
    it (a supervisor does not inspect, so the finding starts it under its own label)."""

    def apply(finding, now):
        if finding.inspection_id is not None:
            raise Conflict(_("This finding has started an inspection already."))
        if finding.target is None:
            raise InvalidInput(_("Only a finding at a unit can start an inspection."))
        chosen = Scenario.objects.filter(code=scenario, is_active=True).first()
        if chosen is None:
            raise InvalidInput(
                _("No such scenario."), details=[field_problem("scenario", _("Unknown code."))]
            )
        finding.inspection = do_create_inspection(
            InspectionData(
                scenario=chosen,
                target=finding.target,
                departments=units_for(chosen, finding.target),
                trigger=Trigger.PLAN,
                trigger_ref=finding.number,
                note=finding.summary,
            ),
            actor=f"supervision:{finding.number}",
        )
        return {"inspection"}

    return WORKFLOW.perform(
        pk,
        "start_inspection",
        actor=actor,
        note=note,
        expected_version=version,
        apply=apply,
        data={"scenario": scenario},
    )


# --- Projects, checks, disbursements --------------------------------------------------------


@dataclass
class ProjectData:
    code: str
    name: str
    region: object  # the town or village it is in
    department: Department
    group: SupervisionGroup
    lines: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (code, name, amount)
    parties: list[tuple[str, str]] = field(default_factory=list)  # (name, credit code)
    progress: int = 0
    funds_received_on: dt.date | None = None
    plan_title: str = ""
    plan_text: str = ""
    plan_approved_on: dt.date | None = None


@transaction.atomic
def do_create_project(data: ProjectData, *, actor) -> Project:
    """A project under fund supervision, with its budget lines, contracted parties and plan."""
    require_manager(actor, data.region)
    if not data.group.region.contains(data.region):
        raise InvalidInput(_("The project lies outside its group's area."))
    if not 0 <= data.progress <= 100:
        raise InvalidInput(
            _("Progress runs from 0 to 100."), details=[field_problem("progress", _("0 to 100."))]
        )
    project = Project(
        code=checked_text(data.code, "code", 32),
        name=checked_text(data.name, "name", 120),
        department=data.department,
        group=data.group,
        progress=data.progress,
        funds_received_on=data.funds_received_on,
        plan_title=data.plan_title,
        plan_text=data.plan_text,
        plan_approved_on=data.plan_approved_on,
    )
    project.place_in(data.region)
    try:
        with transaction.atomic():
            project.save()
            BudgetLine.objects.bulk_create(
                [BudgetLine(project=project, code=c, name=n, amount=a) for c, n, a in data.lines]
            )
            ContractedParty.objects.bulk_create(
                [ContractedParty(project=project, name=n, uscc=u) for n, u in data.parties]
            )
    except IntegrityError:
        raise Conflict(_("A project with this code, line or party exists already.")) from None
    audit.record("supervision.project.create", actor=actor, target=project, summary=project.name)
    return project


@transaction.atomic
def do_set_progress(project: Project, progress: int, *, actor) -> Project:
    require_manager(actor, project.town or project.county)
    if not 0 <= progress <= 100:
        raise InvalidInput(
            _("Progress runs from 0 to 100."), details=[field_problem("progress", _("0 to 100."))]
        )
    before = project.progress
    project.progress = progress
    project.save(update_fields=["progress"])
    audit.record(
        "supervision.project.progress",
        actor=actor,
        target=project,
        changes={"progress": [before, progress]},
    )
    return project


@transaction.atomic
def do_record_check(
    project: Project, *, kind, checked_on, subject, result="", problems=0, actor
) -> ProjectCheck:
    """One check of a project (一项一督查), kept in its history."""
    require_manager(actor, project.town or project.county)
    if checked_on > timezone.localdate():
        raise InvalidInput(
            _("A check cannot be recorded ahead of its day."),
            details=[field_problem("checked_on", _("In the future."))],
        )
    check = ProjectCheck.objects.create(
        project=project,
        kind=kind,
        checked_on=checked_on,
        subject=checked_text(subject, "subject", 200),
        result=checked_text(result, "result", MAX_TEXT, required=False),
        problems=problems,
        recorded_by=None if isinstance(actor, str) else actor,
    )
    audit.record("supervision.project.check", actor=actor, target=project, summary=subject)
    return check


def ledger_of(project: Project) -> funds.Ledger:
    return funds.Ledger(
        code=project.code,
        progress=project.progress,
        funds_received_on=project.funds_received_on,
        lines=tuple(
            funds.Line(line.pk, line.code, line.name, line.amount)
            for line in project.budget_lines.all()
        ),
        parties=tuple(project.parties.values_list("name", "uscc")),
        payments=tuple(
            funds.Payment(d.reference, d.line_id, d.paid_on, d.payee, d.payee_uscc, d.amount)
            for d in project.disbursements.all()
        ),
    )


def do_run_fund_rules(projects, *, actor, today=None, limits=None) -> dict:
    """Raise a finding for every anomaly of these projects' ledgers that has none yet; a
    second run raises nothing new."""
    today = today or timezone.localdate()
    limits = limits or funds.FundLimits()
    raised = 0
    for project in projects:
        anomalies = funds.anomalies(ledger_of(project), today, limits)
        known = set(
            Finding.objects.filter(anomaly_key__in=[a.key for a in anomalies]).values_list(
                "anomaly_key", flat=True
            )
        )
        for anomaly in anomalies:
            if anomaly.key in known:
                continue
            try:
                with transaction.atomic():
                    do_record_finding(_fund_finding(project, anomaly), actor=actor)
            except IntegrityError:  # another run raised it a moment ago
                continue
            raised += 1
    return {"projects": len(projects), "findings_raised": raised}


def _fund_finding(project: Project, anomaly: funds.Anomaly) -> FindingData:
    return FindingData(
        group=project.group,
        kind=FindingKind.FUNDS,
        origin=FindingOrigin.FUND_RULE,
        summary=f"{project.name}: {anomaly.summary}"[:200],
        project=project,
        department=project.department,
        rule=anomaly.rule,
        anomaly_key=anomaly.key,
    )


@dataclass(frozen=True)
class DisbursementRow:
    row: int
    project: Project
    line: BudgetLine
    reference: str
    paid_on: dt.date
    payee: str
    payee_uscc: str
    amount: Decimal
    purpose: str


@transaction.atomic
def do_import_disbursements(
    rows: list[DisbursementRow], *, actor, skip_bad_rows=False, file_problems=()
) -> dict:
    """Write checked ledger rows. A voucher already imported with the same values is left as
    it is (importing a file twice changes nothing); with other values it is a problem. With
    any problem nothing is written, unless `skip_bad_rows`."""
    for project in {r.project for r in rows}:
        require_manager(actor, project.town or project.county)
    existing = {
        (d.project_id, d.reference): (d.line_id, d.amount, d.paid_on, d.payee)
        for d in Disbursement.objects.filter(project__in={r.project.pk for r in rows})
    }
    problems, new, unchanged = list(file_problems), [], 0
    for r in rows:
        key, values = (r.project.pk, r.reference), (r.line.pk, r.amount, r.paid_on, r.payee)
        known = existing.setdefault(key, values)
        if known is values:
            new.append(r)
        elif known == values:
            unchanged += 1
        else:
            problems.append(
                {
                    "row": r.row,
                    "column": "凭证号",
                    "reason": _("this voucher was imported with other values"),
                }
            )
    if problems and not skip_bad_rows:
        raise InvalidInput(_("The ledger has problems; nothing was imported."), details=problems)
    refused = {p.get("row") for p in problems}
    new = [r for r in new if r.row not in refused]
    Disbursement.objects.bulk_create(
        [
            Disbursement(
                project=r.project,
                line=r.line,
                reference=r.reference,
                paid_on=r.paid_on,
                payee=r.payee,
                payee_uscc=r.payee_uscc,
                amount=r.amount,
                purpose=r.purpose,
            )
            for r in new
        ]
    )
    projects = sorted({r.project for r in rows}, key=lambda p: p.code)
    summary = {
        "rows": len(rows) + len({p.get("row") for p in file_problems}),
        "created": len(new),
        "unchanged": unchanged,
        "rows_skipped": len(refused),
    }
    audit.record(
        "supervision.disbursements.import",
        actor=actor,
        summary=_("%(n)d ledger rows imported") % {"n": len(new)},
        changes=summary,
    )
    summary.update(do_run_fund_rules(projects, actor="system:fund-rules"))
    return {**summary, "problems": problems}


def finding_is_open(finding: Finding) -> bool:
    return finding.status not in WORKFLOW.terminal and finding.status != FindingStatus.DISMISSED
