"""Every write to an event. Views, the API, the worker and the demo all come through here.

Each action checks its own input first, then hands over to the workflow engine, which locks the
event, checks the transition table, role, unit and scope, saves, appends the timeline row and
notifies after commit. A refused action changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import Conflict, GridGovError, InvalidInput, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.core.registry import publish
from gridgov.core.validators import MAX_TEXT, validate_phone
from gridgov.org.choices import Role
from gridgov.org.models import Department
from gridgov.regions.choices import CRS, RegionLevel, parent_level
from gridgov.regions.crs import wgs84_point
from gridgov.regions.locate import locate_point
from gridgov.regions.models import Region
from gridgov.workflow.attachments import prepare_photos, save_photos
from gridgov.workflow.deadlines import DeadlineRule, chase
from gridgov.workflow.engine import CITIZEN, SYSTEM, PublicActor

from .choices import AssignmentRole, EventSource, EventStatus, Priority, Step
from .models import Event, EventAssignment, EventCategory
from .routing import active_category, route
from .selectors import divisions_of, events_for
from .workflow import EVENT_WORKFLOW as WORKFLOW
from .workflow import dispatched, escalated, returned

# What a report is, by who files it; dispatchers type in what the hotline or a caller said.
SOURCES_BY_ROLE = {
    Role.GRID_WORKER: {EventSource.GRID_WORKER},
    Role.MICROGRID_LEADER: {EventSource.GRID_WORKER},
    Role.DISPATCHER: {EventSource.HOTLINE, EventSource.CITIZEN},
    Role.OFFICER: {EventSource.INSPECTION},
    Role.SUPERVISOR: {EventSource.SUPERVISION},
    Role.LEADER: {EventSource.SUPERVISION},
    Role.ADMIN: set(EventSource.values),
    CITIZEN: {EventSource.CITIZEN},
    SYSTEM: {EventSource.WARNING},
}


@dataclass
class ReportData:
    title: str
    category: str  # category code
    lon: float
    lat: float
    crs: str = CRS.WGS84
    description: str = ""
    address: str = ""
    priority: str = Priority.NORMAL
    source: str = ""  # empty: what the reporter's role implies
    reporter_name: str = ""
    reporter_phone: str = ""
    photos: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # kept on the report's timeline row
    # When it happened, if not when it is reported (a caller tells the hotline of last night).
    occurred_at: datetime | str | None = None


# How far back a report may say something happened; a few minutes ahead is a clock's drift.
OCCURRED_WITHIN = timedelta(days=365)
CLOCK_DRIFT = timedelta(minutes=5)


def _occurred_at(value, now, problems: list) -> datetime | None:
    """The moment something happened, from a datetime or ISO 8601 text (local time if it
    names no zone): not in the future, and not more than OCCURRED_WITHIN ago."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, datetime) else parse_datetime(str(value).strip())
    except ValueError:  # well formed but no such moment (a 13th month)
        moment = None
    if moment is None:
        problems.append(field_problem("occurred_at", _("Give a date and time.")))
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + CLOCK_DRIFT:
        problems.append(field_problem("occurred_at", _("It cannot have happened in the future.")))
    elif moment < now - OCCURRED_WITHIN:
        problems.append(
            field_problem("occurred_at", _("Report what happened within the last year."))
        )
    return moment


def _check_report(
    data: ReportData, role: str | None
) -> tuple[EventCategory, str, float, float, datetime | None]:
    problems = []
    occurred_at = _occurred_at(data.occurred_at, timezone.now(), problems)
    title = (data.title or "").strip()
    if not title:
        problems.append({"field": "title", "message": _("A title is required.")})
    elif len(title) > 100:
        problems.append(
            {"field": "title", "message": _("The title is longer than 100 characters.")}
        )
    category = active_category(data.category)
    if category is None:
        problems.append(
            {
                "field": "category",
                "message": _("Unknown category: %(code)s.") % {"code": data.category},
            }
        )
    if len(data.description or "") > MAX_TEXT:
        problems.append(
            field_problem("description", _("At most %(max)d characters.") % {"max": MAX_TEXT})
        )
    if data.priority not in Priority.values:
        problems.append({"field": "priority", "message": _("Unknown priority.")})
    allowed = SOURCES_BY_ROLE.get(role, set())
    source = data.source or (sorted(allowed)[0] if len(allowed) == 1 else "")
    if source not in allowed:
        problems.append(
            {"field": "source", "message": _("This source cannot be chosen for your role.")}
        )
    if data.reporter_phone:
        try:
            validate_phone(data.reporter_phone)
        except Exception:
            problems.append({"field": "reporter_phone", "message": _("Not a valid phone number.")})
    try:
        lon, lat = wgs84_point(data.lon, data.lat, data.crs)
    except ValueError:
        problems.append({"field": "location", "message": _("The location is not a valid point.")})
        lon = lat = None
    if problems:
        raise InvalidInput(_("The report is not complete."), details=problems)
    return category, source, lon, lat, occurred_at


def locate_or_refuse(lon: float, lat: float) -> Region:
    microgrid = locate_point(lon, lat)
    if microgrid is None:
        raise InvalidInput(
            _("The point %(lon).6f, %(lat).6f is outside every grid of the region.")
            % {"lon": lon, "lat": lat},
            details=[{"field": "location", "message": _("Pick a point inside the region.")}],
        )
    return microgrid


def do_report_event(data: ReportData, *, actor, on_the_spot: bool = False, note: str = "") -> Event:
    """File a report. `on_the_spot`: a grid worker has already handled it (小微事马上办)."""
    role = WORKFLOW.role_of(actor)
    step = WORKFLOW.transition("report_handled" if on_the_spot else "report")
    if role not in step.roles:  # before the input: a data feed account is refused, not corrected
        raise NotPermitted(_("Your role may not “%(action)s”.") % {"action": step.label})
    category, source, lon, lat, occurred_at = _check_report(data, role)
    photos = prepare_photos(data.photos)
    microgrid = locate_or_refuse(lon, lat)
    routed = route(category, microgrid)
    now = timezone.now()
    command_region = getattr(microgrid, category.handling_level) or microgrid.town
    event = Event(
        title=data.title.strip(),
        description=(data.description or "").strip(),
        category=category,
        source=source,
        priority=data.priority,
        lon=lon,
        lat=lat,
        address=(data.address or "").strip()[:200],
        # Objects, not ids: locate loaded them, and the response shows their names.
        city=microgrid.city,
        county=microgrid.county,
        town=microgrid.town,
        village=microgrid.village,
        grid=microgrid.grid,
        microgrid=microgrid,
        command_region=command_region,
        routed_unit=routed.unit,
        routing_reason=routed.reason[:255],
        reporter=actor if getattr(actor, "pk", None) else None,
        reporter_name=(data.reporter_name or _reporter_label(actor))[:64],
        reporter_phone=data.reporter_phone or "",
        reported_at=now,
        occurred_at=occurred_at,
    )

    def number(event):
        event.number = next_number("SJ", Event, now)

    return WORKFLOW.start(
        event,
        "report_handled" if on_the_spot else "report",
        actor=actor,
        note=note,
        photos=photos,
        save_photos=save_photos,
        prepare=number,
        data={
            "routed_to": routed.unit.name if routed.unit else "",
            "why": routed.reason,
            **data.extra,
        },
    )


def _reporter_label(actor) -> str:
    if isinstance(actor, PublicActor):
        return _("citizen")
    if actor is None or isinstance(actor, str):
        return _("warning rule")
    post = getattr(actor, "_gridgov_post", None)
    if post is not None:
        return post.name
    return actor.get_full_name() or actor.get_username()


# --- The command centre ------------------------------------------------------------------


def _check_units(event, lead: Department, assisting: list[Department]) -> None:
    on_path = divisions_of(event)
    for unit in [lead, *assisting]:
        if not unit.is_active:
            raise InvalidInput(_("%(unit)s is not an active unit.") % {"unit": unit.name})
        if unit.region_id not in on_path:
            raise InvalidInput(
                _("%(unit)s does not work where this event is.") % {"unit": unit.name}
            )
    if lead in assisting:
        raise InvalidInput(_("The lead unit cannot also be an assisting unit."))


@WORKFLOW.runs("dispatch")
def do_dispatch_event(
    pk, *, actor, lead: Department | None = None, assisting=(), note="", photos=(), version=None
) -> Event:
    """派遣: give the event to a lead unit, and optionally to assisting units."""
    if lead is None:
        raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": "—"})
    assisting = list(dict.fromkeys(assisting))

    def apply(event, now):
        _check_units(event, lead, assisting)
        EventAssignment.objects.filter(event=event).delete()
        EventAssignment.objects.bulk_create(
            [
                EventAssignment(
                    event=event, department=lead, role=AssignmentRole.LEAD, assigned_at=now
                )
            ]
            + [
                EventAssignment(
                    event=event, department=u, role=AssignmentRole.ASSIST, assigned_at=now
                )
                for u in assisting
            ]
        )
        return dispatched(event, lead, now)

    return WORKFLOW.perform(
        pk, "dispatch", actor=actor, note=note, expected_version=version, apply=apply,
        data={"lead": lead.name, "assisting": [u.name for u in assisting]},
    )  # fmt: skip


def do_bulk_dispatch_events(numbers, *, actor, lead: Department, assisting=()) -> dict:
    """Dispatch many accepted events, by number, to one unit; each succeeds or fails on its
    own, and a number outside the actor's area fails like one that does not exist."""
    visible = dict(events_for(actor).filter(number__in=numbers).values_list("number", "pk"))
    done, failed = [], []
    for number in dict.fromkeys(numbers):
        if number not in visible:
            message = _("No event %(number)s in your area.") % {"number": number}
            failed.append({"number": number, "message": message})
            continue
        try:
            do_dispatch_event(visible[number], actor=actor, lead=lead, assisting=assisting)
            done.append(number)
        except GridGovError as error:
            failed.append({"number": number, "message": str(error.message)})
    return {"dispatched": done, "failed": failed}


@WORKFLOW.runs("escalate")
def do_escalate_event(pk, *, actor, note, photos=(), version=None) -> Event:
    """上报上级: move the event to the command centre one level up (village → … → city)."""

    destination = {}

    def apply(event, now):
        up = parent_level(event.command_region.level)
        target = getattr(event.command_region, up, None) if up else None
        if target is None:
            raise Conflict(_("This event is already with the city's command centre."))
        destination["to"] = target.name  # the timeline says where it went
        return escalated(event, target.pk)

    return WORKFLOW.perform(
        pk, "escalate", actor=actor, note=note, expected_version=version, apply=apply,
        data=destination,
    )  # fmt: skip


@WORKFLOW.runs("hand_down")
def do_hand_down_event(pk, *, actor, note="", photos=(), version=None) -> Event:
    """下派: give the event to the command centre one level down, on its own path."""
    levels = ("city", "county", "town", "village")

    destination = {}

    def apply(event, now):
        level = event.command_region.level
        down = levels[levels.index(level) + 1] if level in levels[:-1] else None
        target = getattr(event, down, None) if down else None
        if target is None:
            raise Conflict(_("There is no lower command centre to hand this event to."))
        event.command_region = target
        destination["to"] = target.name  # the timeline says where it went
        return {"command_region"}

    return WORKFLOW.perform(
        pk, "hand_down", actor=actor, note=note, expected_version=version, apply=apply,
        data=destination,
    )  # fmt: skip


@WORKFLOW.runs("mark_duplicate")
def do_mark_duplicate(
    pk, *, actor, original: Event | str = "", note="", photos=(), version=None
) -> Event:
    """Merge a report into an earlier event of the same problem (given as itself or by its
    number); it then counts once."""
    merged = {}

    def apply(event, now):
        earlier = original
        if isinstance(earlier, str):  # looked up once the actor may merge at all
            earlier = events_for(actor).filter(number=earlier).first()
        elif not WORKFLOW.visible(earlier, actor):  # first: never say what is out of sight
            earlier = None
        if earlier is None:
            number = original if isinstance(original, str) else original.number
            raise InvalidInput(_("Unknown event: %(number)s.") % {"number": number})
        if earlier.pk == event.pk:
            raise InvalidInput(_("An event cannot duplicate itself."))
        if earlier.status in (EventStatus.MERGED, EventStatus.REJECTED):
            raise InvalidInput(_("Merge into an event that is being worked on."))
        event.duplicate_of = earlier
        merged["original"] = earlier.number
        return {"duplicate_of"}

    return WORKFLOW.perform(
        pk, "mark_duplicate", actor=actor, note=note, expected_version=version, apply=apply,
        data=merged,
    )  # fmt: skip


# --- The units -------------------------------------------------------------------------


@WORKFLOW.runs("give_back")
def do_give_back_event(pk, *, actor, note, photos=(), version=None) -> Event:
    """退回: the unit says the event is not theirs; the dispatcher must dispatch again."""

    def apply(event, now):
        EventAssignment.objects.filter(event=event).delete()
        return returned(event)

    return WORKFLOW.perform(
        pk, "give_back", actor=actor, note=note, expected_version=version, apply=apply
    )


# --- Oversight, reporters ----------------------------------------------------------------


@WORKFLOW.runs("rate")
def do_rate_event(
    pk, *, actor, satisfaction: int | None = None, note="", photos=(), version=None
) -> Event:
    if satisfaction not in range(1, 6):
        raise InvalidInput(_("Satisfaction is rated from 1 to 5."))

    def apply(event, now):
        if event.satisfaction is not None:
            raise Conflict(_("This event has been rated already."))
        event.satisfaction = satisfaction
        return {"satisfaction"}

    return WORKFLOW.perform(
        pk,
        "rate",
        actor=actor,
        note=note,
        expected_version=version,
        apply=apply,
        data={"satisfaction": satisfaction},
    )


# --- Deadlines ----------------------------------------------------------------------------


def _escalate_late(pk, *, actor, note, version) -> Event:
    return _overdue(do_escalate_event(pk, actor=actor, note=note, version=version))


def _urge_late(pk, *, actor, note, version) -> Event:
    return _overdue(WORKFLOW.act(pk, "urge", actor=actor, note=note, version=version))


def _overdue(event: Event) -> Event:
    """Tell the webhooks subscribed to "event.overdue" (once the sweep's step commits)."""
    payload = {
        "title": event.title, "number": event.number, "status": event.status,
        "step": event.step, "due_at": event.due_at.isoformat() if event.due_at else None,
        "url": settings.GRIDGOV_SITE_URL + event.get_absolute_url(),
    }  # fmt: skip
    publish("event.overdue", payload, event.deepest_region_id)
    return event


# What the worker's deadline sweep does with a late event: a command centre that let it sit past
# its accept or dispatch limit loses it to the level above; a late unit or checker (or the city's
# centre, which has no level above) is urged (督办) and its clock restarts.
chase(
    WORKFLOW,
    DeadlineRule(
        "escalate",
        steps=frozenset({Step.ACCEPT, Step.DISPATCH}),
        applies=lambda event: event.command_region.level != RegionLevel.CITY,
        take=_escalate_late,
        note=gettext_lazy(
            "The command centre did not %(step)s in time (%(overdue)s); escalated automatically."
        ),
    ),
    DeadlineRule(
        "urge",
        take=_urge_late,
        note=gettext_lazy("Step “%(step)s” is late (%(overdue)s); urged automatically."),
    ),
    related=("command_region",),
)
