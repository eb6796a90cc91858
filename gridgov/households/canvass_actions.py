"""Every write to a door-knocking canvass: prepare it, start it (its households and counters made
in bulk), assign cadres, record visits, excuse a household, close it.

Each action checks its input first and changes nothing when it refuses; the closed-loop engine
(`gridgov.households.workflow`) takes the canvass's own steps, and the other writes are audited.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.dates import required_day
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotPermitted,
    field_problem,
    stored_id,
)
from gridgov.core.jobs import job_handler, report_progress
from gridgov.core.numbers import next_number
from gridgov.org.models import Staff
from gridgov.org.roles import post_of
from gridgov.org.scoping import can_see, scoped
from gridgov.regions.models import Region
from gridgov.workflow.attachments import prepare_photos, save_photos

from . import colours, coverage, visit_form
from .choices import (
    CanvassStatus,
    CanvassTarget,
    Colour,
    CoverageLevel,
    HouseholdState,
    Presence,
    VisitOutcome,
)
from .models import (
    Answer,
    Assignment,
    Building,
    Canvass,
    Canvassed,
    Coverage,
    RetentionPeriod,
    SpecialGroup,
    Visit,
)
from .workflow import CANVASS_WORKFLOW as WORKFLOW

AREA_LEVELS = ("county", "town", "village", "grid")
MAX_DAYS = 366
# Households of an area above which starting it makes its households in a background job.
BACKGROUND_FROM = 200_000
MAX_REASON = 200
# Who records visits: the cadres who knock on doors, and the organisers themselves.
VISITORS = frozenset(
    {"grid_worker", "microgrid_leader", "dispatcher", "admin", "leader", "officer"}
)
# The event category a need found at a visit is reported under unless another is named:
# 困难群众帮扶 (data/event-categories.csv).
NEED_CATEGORY = "0702"


# --- Prepare ------------------------------------------------------------------------------


@dataclass
class CanvassData:
    title: str
    region: object  # a Region or its id
    starts_on: object  # date or "YYYY-MM-DD"
    ends_on: object
    target: str = CanvassTarget.ALL
    target_groups: list = field(default_factory=list)  # special group codes
    target_colour: str = ""
    form: list | None = None  # None: the default form
    is_emergency: bool = False


def _day(value, name: str, problems: list) -> dt.date | None:
    """The date, or None with its problem added (every field's problem is told at once)."""
    if isinstance(value, dt.date):
        return value
    try:
        return required_day(str(value or "").strip(), name)
    except InvalidInput as error:
        problems.extend(error.details or [field_problem(name, str(error.message))])
        return None


def _area(value, actor, problems: list) -> Region | None:
    region = value if isinstance(value, Region) else None
    if region is None and (pk := stored_id(value)) is not None:
        region = Region.objects.filter(pk=pk).first()
    if region is not None and not isinstance(actor, str) and not can_see(actor, region):
        region = None
    if region is None or region.level not in AREA_LEVELS:
        problems.append(
            field_problem("region", _("Choose a county, town, village or grid of your area."))
        )
        return None
    return region


def _check_target(data: CanvassData, problems: list) -> list[SpecialGroup]:
    if data.target not in CanvassTarget.values:
        problems.append(field_problem("target", _("Unknown target.")))
        return []
    groups = []
    if data.target == CanvassTarget.GROUPS:
        codes = list(dict.fromkeys(data.target_groups or []))
        groups = list(SpecialGroup.objects.filter(code__in=codes, is_active=True))
        if not codes or len(groups) != len(codes):
            problems.append(field_problem("target_groups", _("Choose active special groups.")))
    if data.target == CanvassTarget.COLOUR and data.target_colour not in Colour.values:
        problems.append(field_problem("target_colour", _("Choose one of the four colours.")))
    return groups


def _check_canvass(data: CanvassData, actor) -> tuple:
    problems = []
    title = (data.title or "").strip()
    if not title or len(title) > 120:
        problems.append(field_problem("title", _("A title of 1 to 120 characters.")))
    region = _area(data.region, actor, problems)
    starts = _day(data.starts_on, "starts_on", problems)
    ends = _day(data.ends_on, "ends_on", problems)
    if starts and ends and ends < starts:
        problems.append(field_problem("ends_on", _("The last day is before the first.")))
    elif starts and ends and (ends - starts).days > MAX_DAYS:
        problems.append(field_problem("ends_on", _("A canvass lasts at most a year.")))
    groups = _check_target(data, problems)
    form = visit_form.DEFAULT_FORM if data.form in (None, []) else data.form
    try:
        form = visit_form.check_form(form)
    except InvalidInput as error:
        problems.extend(error.details)
    if problems:
        raise InvalidInput(_("The canvass is not complete."), details=problems)
    return title, region, starts, ends, groups, form


def do_create_canvass(data: CanvassData, *, actor, note: str = "") -> Canvass:
    """Prepare a canvass (a draft): its area, period, target and visit form."""
    step = WORKFLOW.transition("create")
    if WORKFLOW.role_of(actor) not in step.roles:
        raise NotPermitted(_("Your role may not “%(action)s”.") % {"action": step.label})
    title, region, starts, ends, groups, form = _check_canvass(data, actor)
    canvass = Canvass(
        title=title, region=region, starts_on=starts, ends_on=ends, target=data.target,
        target_colour=data.target_colour if data.target == CanvassTarget.COLOUR else "",
        form=form, is_emergency=bool(data.is_emergency),
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip

    def number(item):
        item.number = next_number("PX", Canvass)

    def then(item, entry):
        item.target_groups.set(groups)

    return WORKFLOW.start(canvass, "create", actor=actor, note=note, prepare=number, then=then)


# --- Start, close -------------------------------------------------------------------------


@WORKFLOW.runs("start")
def do_start_canvass(pk, *, actor, note: str = "", photos=(), version=None) -> Canvass:
    """Start the visits: the households to reach and the counters of every level are made in
    bulk SQL; an area too big for one request makes them in a background job."""
    job = {}

    def apply(canvass, now):
        today = timezone.localdate(now)
        if coverage.target_households(canvass, today).count() > BACKGROUND_FROM:
            job["params"] = {"canvass": canvass.pk, "day": today.isoformat()}
            return []
        coverage.materialise(canvass, today)
        return []

    canvass = WORKFLOW.perform(
        pk, "start", actor=actor, note=note, expected_version=version, apply=apply
    )
    if job:
        from gridgov.core.jobs import do_submit_job

        do_submit_job("canvass_households", actor=actor, params=job["params"])
    return canvass


@job_handler("canvass_households")
def make_households_job(job) -> dict:
    """A big area's households, made village by village, with progress on the job's page."""
    canvass = Canvass.objects.select_related("region").get(pk=job.params["canvass"])
    today = dt.date.fromisoformat(job.params["day"])
    if Coverage.objects.filter(canvass=canvass).exists():
        return {"households": canvass.households.count()}  # delivered twice: done already
    villages = list(
        Region.objects.filter(**{f"{canvass.region.level}_id": canvass.region_id}, level="village")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    made = 0
    for index, village in enumerate(villages, start=1):
        with transaction.atomic():
            area = Region(pk=village, level="village")
            households = coverage.target_households(canvass, today, area)
            made += coverage.materialise_rows(canvass, households)
        report_progress(job, f"{index}/{len(villages)}")
    with transaction.atomic():
        coverage.make_counters(canvass)
    return {"households": made}


def _retention_days(canvass) -> int | None:
    record = "canvass.emergency" if canvass.is_emergency else "canvass.ordinary"
    period = RetentionPeriod.objects.filter(record=record).first()
    return None if period is None else period.days


def open_households(canvass):
    """The households not reached and not excused: what keeps a canvass from closing."""
    return canvass.households.filter(state__in=coverage.OPEN, excuse="")


@WORKFLOW.runs("close")
def do_close_canvass(pk, *, actor, note: str = "", photos=(), version=None) -> Canvass:
    """Close the canvass once every household was reached or has a reason; from then its data
    is kept until its retention period ends."""

    def apply(canvass, now):
        remaining = open_households(canvass)
        count = remaining.count()
        if count:
            sample = remaining.select_related("household").order_by("household__number")[:20]
            raise Conflict(
                _("%(n)d households have not been reached and have no reason; visit them "
                  "or give a reason for each before closing.") % {"n": count},
                details=[field_problem(c.household.number, c.get_state_display()) for c in sample],
            )  # fmt: skip
        days = _retention_days(canvass)
        canvass.retain_until = (
            None if days is None else timezone.localdate(now) + dt.timedelta(days=days)
        )
        return ["retain_until"]

    return WORKFLOW.perform(
        pk, "close", actor=actor, note=note, expected_version=version, apply=apply
    )


# --- Who covers what ----------------------------------------------------------------------


def _organiser(canvass, actor) -> None:
    post = post_of(actor) if getattr(actor, "is_authenticated", False) else None
    if not WORKFLOW.visible(canvass, actor):
        raise NotFound()
    if post is None or post.role not in WORKFLOW.transition("start").roles:
        raise NotPermitted(_("Only the canvass's organisers may do this."))
    if not post.region.contains(canvass.region):
        raise NotPermitted(_("Only the canvass's organisers may do this."))


def do_assign(canvass, *, actor, staff, level: str, region, building=None) -> Assignment:
    """包片、包村、包网格、包点位: a cadre covers an area (or a point) of the canvass."""
    _organiser(canvass, actor)
    problems = []
    staff = staff if isinstance(staff, Staff) else Staff.objects.filter(pk=stored_id(staff)).first()
    if staff is None or not staff.is_active or not can_see(actor, staff):
        problems.append(field_problem("staff", _("Choose an active cadre of your area.")))
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=stored_id(region)).first()
    if region is None or not canvass.region.contains(region):
        problems.append(field_problem("region", _("Choose an area inside the canvass's area.")))
    if level not in CoverageLevel.values:
        problems.append(field_problem("level", _("Unknown kind of assignment.")))
    if building is not None and not isinstance(building, Building):
        building = Building.objects.filter(pk=stored_id(building)).first()
        if building is None or region is None or not region.contains(building):
            problems.append(field_problem("building", _("Choose a building of that area.")))
    if problems:
        raise InvalidInput(_("The assignment is not valid."), details=problems)
    with transaction.atomic():
        assignment, made = Assignment.objects.get_or_create(
            canvass=canvass, staff=staff, region=region, building=building,
            defaults={"level": level},
        )  # fmt: skip
        if made:
            audit.record(
                "households.canvass.assign", actor=actor, target=assignment,
                summary=f"{canvass.number} {staff} → {region.name}",
            )  # fmt: skip
    return assignment


def assigned_q(canvass, user) -> Q:
    """The households a cadre covers in a canvass: their assignments', or their own area's."""
    post = post_of(user)
    if post is None:
        return Q(pk__in=[])
    mine = list(
        Assignment.objects.filter(canvass=canvass, staff=post).select_related("region", "building")
    )
    if not mine:
        return Q(**{f"{post.region.level}_id": post.region_id})
    q = Q(pk__in=[])
    for a in mine:
        if a.building_id:
            q |= Q(household__house__building_id=a.building_id)
        else:
            q |= Q(**{f"{a.region.level}_id": a.region_id})
    return q


def my_households(canvass, user, *, states=coverage.OPEN):
    """ "My households": those of the canvass in the cadre's assignments (or area), in reach."""
    rows = scoped(Canvassed.objects.filter(canvass=canvass), user).filter(assigned_q(canvass, user))
    return rows.filter(state__in=states).order_by("microgrid_id", "household__number")


# --- Excuse -------------------------------------------------------------------------------


def canvassed_for(canvass, user, household_number: str, *, lock=False) -> Canvassed:
    rows = Canvassed.objects.select_related("household")
    if lock:
        rows = rows.select_for_update(of=("self",))
    row = scoped(rows, user).filter(canvass=canvass, household__number=household_number).first()
    if row is None:
        raise NotFound()
    return row


def do_excuse_household(canvass, household_number: str, *, actor, reason: str) -> Canvassed:
    """A household that cannot be visited (demolished, away for the whole canvass), with the
    reason: it no longer keeps the canvass from closing."""
    _organiser(canvass, actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            _("Give a reason."),
            details=[field_problem("reason", _("A reason of 1 to 200 characters."))],
        )
    if canvass.status != CanvassStatus.RUNNING:
        raise Conflict(_("Only a running canvass's households can be excused."))
    with transaction.atomic():
        row = canvassed_for(canvass, actor, household_number, lock=True)
        if row.state in coverage.REACHED:
            raise Conflict(_("This household has been visited; it needs no reason."))
        was, seen = row.state, row.persons_seen
        row.state, row.excuse = HouseholdState.EXCUSED, reason
        row.save(update_fields=["state", "excuse"])
        coverage.record_visit(row, was=was, seen_before=seen)
        audit.record(
            "households.canvass.excuse", actor=actor, target=row,
            summary=f"{canvass.number} {household_number}", changes={"reason": reason},
        )  # fmt: skip
    return row


# --- Visits -------------------------------------------------------------------------------


@dataclass
class VisitData:
    household: str  # the household's number
    outcome: str = VisitOutcome.VISITED
    # resident id → {"answers": {key: value}, "seen": bool}; omitted: at home, all well.
    persons: dict = field(default_factory=dict)
    note: str = ""
    lon: float | None = None
    lat: float | None = None
    photos: list = field(default_factory=list)
    need: str = ""  # a need found at the visit: reported as an event in the same step
    need_category: str = NEED_CATEGORY
    idempotency_key: str = ""


# What a need found at a visit becomes, by kind: an event now; a service request later.
NEED_ROUTES: dict[str, Callable] = {}


def register_need_route(kind: str, report: Callable) -> None:
    """report(visit, canvassed, data, actor) → the number of what it filed."""
    NEED_ROUTES[kind] = report


def _place_of(canvassed) -> tuple[float, float]:
    building = canvassed.household.house.building
    if building.lon is not None and building.lat is not None:
        return building.lon, building.lat
    micro = Region.objects.get(pk=canvassed.microgrid_id)
    return micro.label_lon, micro.label_lat


def report_need_as_event(visit, canvassed, data: VisitData, actor) -> str:
    from gridgov.events.actions import ReportData, do_report_event

    lon, lat = _place_of(canvassed)
    building = canvassed.household.house.building
    event = do_report_event(
        ReportData(
            title=_("Need found at a door-knocking visit"),
            category=data.need_category or NEED_CATEGORY,
            lon=lon,
            lat=lat,
            description=data.need.strip(),
            address=f"{building.address} {canvassed.household.house}"[:200],
            extra={"canvass": visit.canvass.number, "household": canvassed.household.number},
        ),
        actor=actor,
    )
    return event.number


register_need_route("event", report_need_as_event)


def _check_visit(data: VisitData, canvass, members, photos: int) -> dict:
    """Each present member's answers (defaults where omitted) and whether they were seen."""
    problems = []
    if data.outcome not in VisitOutcome.values:
        problems.append(field_problem("outcome", _("Unknown outcome.")))
    if len(data.note or "") > 2000:
        problems.append(field_problem("note", _("At most %(max)d characters.") % {"max": 2000}))
    if len(data.need or "") > 2000:
        problems.append(field_problem("need", _("At most %(max)d characters.") % {"max": 2000}))
    persons = data.persons or {}
    if not isinstance(persons, dict):
        problem = field_problem("persons", _("An object by resident id."))
        raise InvalidInput(_("The visit is not valid."), details=[problem])
    ids = {m.pk for m in members}
    for key in persons:
        if stored_id(key) not in ids:
            problems.append(field_problem(f"persons.{key}", _("Not a member of this household.")))
    if problems:
        raise InvalidInput(_("The visit is not valid."), details=problems)
    if data.outcome != VisitOutcome.VISITED:
        return {}
    given = {stored_id(k): v for k, v in persons.items()}
    checked, problems = {}, []
    for member in members:
        entry = given.get(member.pk) or {}
        if not isinstance(entry, dict):
            entry = {}
        try:
            values = visit_form.answers_for(
                canvass.form, entry.get("answers"), where=f"persons.{member.pk}", photos=photos
            )
        except InvalidInput as error:
            problems.extend(error.details)
            continue
        checked[member.pk] = (values, entry.get("seen", True) is not False)
    if problems:
        raise InvalidInput(_("The answers are not valid."), details=problems)
    return checked


def _may_visit(actor) -> None:
    post = post_of(actor) if getattr(actor, "is_authenticated", False) else None
    if post is None or not post.is_active or post.role not in VISITORS:
        raise NotPermitted(_("Your role may not record visits."))


def do_record_visit(canvass, data: VisitData, *, actor) -> Visit:
    """One knock at one household's door. Omitted answers are the form's defaults (at home, all
    well). Nobody home keeps the household open. In the same transaction: the household's row,
    the counters of every level, each person's colour, and a need reported as an event."""
    _may_visit(actor)
    if not WORKFLOW.visible(canvass, actor):
        raise NotFound()
    # Before the transaction: a bad photo refuses the visit before anything is written.
    photos = prepare_photos(data.photos or [])
    if data.idempotency_key:
        done = Visit.objects.filter(visitor=actor, idempotency_key=data.idempotency_key).first()
        if done is not None:
            return done
    try:
        return _visit(canvass, data, photos, actor)
    except IntegrityError:
        # The same key sent twice at once: the other request recorded the visit.
        done = Visit.objects.filter(visitor=actor, idempotency_key=data.idempotency_key).first()
        if not data.idempotency_key or done is None:
            raise
        return done


def _visit(canvass, data: VisitData, photos, actor) -> Visit:
    with transaction.atomic():
        row = canvassed_for(canvass, actor, data.household, lock=True)
        if canvass.status != CanvassStatus.RUNNING:
            raise Conflict(_("Visits are recorded while a canvass runs."))
        members = list(row.household.residents.filter(presence=Presence.PRESENT).order_by("pk"))
        answers = _check_visit(data, canvass, members, len(photos))
        visit = _write_visit(canvass, row, data, answers, members, photos, actor)
        if data.need.strip() and data.outcome == VisitOutcome.VISITED:
            number = NEED_ROUTES["event"](visit, row, data, actor)
            link = _("Event %(n)s") % {"n": number}
            visit.note = f"{visit.note}\n{link}" if visit.note else link
            visit.save(update_fields=["note"])
            visit.event_number = number
    return visit


def _write_visit(canvass, row, data, answers, members, photos, actor) -> Visit:
    now = timezone.now()
    visit = Visit.objects.create(
        canvass=canvass, canvassed=row, outcome=data.outcome, visitor=actor, visited_at=now,
        lon=data.lon, lat=data.lat, note=(data.note or "").strip(),
        idempotency_key=data.idempotency_key or "",
    )  # fmt: skip
    if photos:
        visit.photos.set(save_photos(photos, uploaded_by=actor))
    Answer.objects.bulk_create(
        Answer(visit=visit, resident_id=pk, seen=seen, values=values)
        for pk, (values, seen) in answers.items()
    )
    was, seen_before = row.state, row.persons_seen
    if data.outcome == VisitOutcome.VISITED:
        row.state = HouseholdState.VISITED
        row.persons_seen = sum(1 for _values, seen in answers.values() if seen)
        row.excuse = ""
    elif data.outcome == VisitOutcome.REFUSED and row.state != HouseholdState.VISITED:
        # Reached at the door, nobody's answers: off the proof list, its people not seen.
        row.state, row.excuse = HouseholdState.REFUSED, ""
    elif row.state in coverage.OPEN:
        # Nobody home: still open, still on the proof list.
        row.state = HouseholdState.NOBODY_HOME
    row.visits += 1
    row.last_visit_at = now
    row.save(update_fields=["state", "persons_seen", "excuse", "visits", "last_visit_at"])
    coverage.record_visit(row, was=was, seen_before=seen_before)
    if answers:
        by_pk = {m.pk: m for m in members}
        colours.apply_rules(
            [(by_pk[pk], values) for pk, (values, _seen) in answers.items()],
            actor=actor, canvass=canvass, now=now,
        )  # fmt: skip
    audit.record(
        "households.canvass.visit", actor=actor, target=visit,
        summary=f"{canvass.number} {row.household.number} {data.outcome}",
    )  # fmt: skip
    return visit
