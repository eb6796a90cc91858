"""The only write paths of the resident services: the catalogue, agents, proxy requests (with
the real logic of their table's steps), volunteer teams, members, activities, sign-ups and
hours, and home-service tasks. Each checks, writes and audits in one transaction, or raises a
GridGovError before changing anything."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.checks import refuse_if_any, text
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.org.choices import Capability, Role
from gridgov.org.roles import has_capability, post_of
from gridgov.regions.choices import RegionLevel

from .choices import RequestedBy, ServiceMode, TeamKind
from .models import (
    Activity,
    Agent,
    HomeTask,
    ProxyRequest,
    ProxyService,
    SignUp,
    Volunteer,
    VolunteerTeam,
)
from .workflow import ANY_POST, AREA_STAFF, REQUEST_WORKFLOW, TASK_WORKFLOW

MAX_USUAL_DAYS = 60
MAX_HOURS = Decimal("24")


def _post_over(actor, region, roles=AREA_STAFF):
    """The actor's post when it is one of `roles` and its area holds `region` (or the region
    holds it: a micro-grid's staff work for their village's teams); NotPermitted otherwise.
    Commands and the demo (a label, not a person) are trusted: None."""
    if isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return None
    post = post_of(actor) if actor is not None else None
    if post is None or not post.is_active or post.role not in roles:
        raise NotPermitted(_("Your role may not do this."))
    if post.role == Role.ADMIN and post.region_id is None:
        return post
    if post.region_id is None or not (post.region.contains(region) or region.contains(post.region)):
        raise NotPermitted(_("This is outside your area."))
    return post


def check_configures(actor, region) -> None:
    """NotPermitted unless the actor configures the resident services (teams, members,
    activities, agents) of an area holding `region`. Commands and the demo are trusted."""
    if isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return
    if actor is None or not has_capability(actor, Capability.MANAGE_SERVICES):
        raise NotPermitted(_("Only staff who configure resident services may do this."))
    post = post_of(actor)
    if post is None or (post.region_id is not None and not post.region.contains(region)):
        raise NotPermitted(_("This is outside your area."))


def _works_in(staff, region) -> bool:
    return (
        staff.is_active
        and staff.region_id is not None
        and (region.contains(staff.region) or staff.region.contains(region))
    )


# --- The catalogue ------------------------------------------------------------------------------


@dataclass
class ServiceData:
    name: str = ""
    documents: str = ""
    office: str = ""
    usual_days: object = 3
    mode: str = ""
    is_active: bool = True


def _checked_service(data: ServiceData) -> dict:
    problems = []
    values = {
        "name": text(data.name, "name", 80, problems),
        "documents": text(data.documents, "documents", 2000, problems, required=False),
        "office": text(data.office, "office", 100, problems),
        "is_active": bool(data.is_active),
    }
    try:
        values["usual_days"] = int(data.usual_days)
        if not 0 <= values["usual_days"] <= MAX_USUAL_DAYS:
            raise ValueError
    except (TypeError, ValueError):
        message = _("A number of working days from 0 to %(n)d.") % {"n": MAX_USUAL_DAYS}
        problems.append(field_problem("usual_days", message))
    if data.mode not in ServiceMode.values:
        problems.append(field_problem("mode", _("Choose 马上办, 就近办 or 上门办.")))
    values["mode"] = data.mode
    refuse_if_any(_("The service is not complete."), problems)
    return values


def do_save_service(data: ServiceData, *, actor, county=None, service=None) -> ProxyService:
    """Add a service to a county's catalogue, or change one. Administrators of the county (or
    above) only."""
    county = service.county if service is not None else county
    if county is None or county.level != RegionLevel.COUNTY:
        raise InvalidInput(
            _("A catalogue belongs to a county."),
            details=[field_problem("county", _("Choose a county."))],
        )
    post = _post_over(actor, county, roles={Role.ADMIN})
    if post is not None and post.region_id is not None and not post.region.contains(county):
        raise NotPermitted(_("Only the county's administrators edit its catalogue."))
    values = _checked_service(data)
    with transaction.atomic():
        taken = ProxyService.objects.filter(county=county, name=values["name"])
        if service is not None:
            taken = taken.exclude(pk=service.pk)
        if taken.exists():
            raise Conflict(
                _("The catalogue already has this service."),
                details=[field_problem("name", _("Already in the catalogue."))],
            )
        row = service or ProxyService(county=county)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit.record(
            "assistance.service.saved" if service else "assistance.service.added",
            actor=actor,
            target=row,
            summary=row.name,
            changes={k: v for k, v in values.items() if k != "documents"},
        )
    return row


def do_set_agent(staff, *, region, actor, active: bool = True) -> Agent:
    """Flag a staff post as a red proxy agent of an area (or take the flag off)."""
    check_configures(actor, region)
    if staff.role not in ANY_POST or not _works_in(staff, region):
        raise InvalidInput(
            _("The agent must work in that area."),
            details=[field_problem("staff", _("This post works elsewhere."))],
        )
    with transaction.atomic():
        agent, _created = Agent.objects.update_or_create(
            staff=staff, defaults={"region": region, "is_active": active}
        )
        audit.record(
            "assistance.agent.set",
            actor=actor,
            target=agent,
            summary=f"{staff.name} {region.name}",
            changes={"region": region.code, "active": active},
        )
    return agent


@transaction.atomic
def do_remove_agent(agent: Agent, *, actor) -> Agent:
    """Take the agent flag off a post: its requests stay with it, it accepts no new ones."""
    check_configures(actor, agent.region)
    locked = Agent.objects.select_for_update().get(pk=agent.pk)
    if not locked.is_active:
        raise Conflict(_("This post is no longer an agent."))
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit.record("assistance.agent.removed", actor=actor, target=locked,
                 summary=f"{locked.staff.name} {locked.region.name}")  # fmt: skip
    return locked


# --- Proxy requests -----------------------------------------------------------------------------


def do_request_service(
    service: ProxyService,
    resident,
    *,
    actor,
    requested_by: str = RequestedBy.STAFF,
    details: str = "",
    note: str = "",
) -> ProxyRequest:
    """Start a proxy request for a resident (the households canvass calls this for a need met on
    a visit). The resident and the service are found by the caller through the scoping helper;
    the service must be of the resident's county."""
    problems = []
    if requested_by not in RequestedBy.values:
        problems.append(field_problem("requested_by", _("Not a known requester.")))
    details = text(details, "details", 300, problems, required=False)
    if not service.is_active:
        problems.append(field_problem("service", _("The service is no longer offered.")))
    if resident.county_id != service.county_id:
        problems.append(field_problem("service", _("Not a service of the resident's county.")))
    refuse_if_any(_("The request is not complete."), problems)
    request = ProxyRequest(
        service=service, resident=resident, requested_by=requested_by, details=details
    )
    request.place_in(resident.microgrid or resident.grid or resident.village)

    def number(item):
        item.number = next_number("DB", ProxyRequest)

    return REQUEST_WORKFLOW.start(request, "request", actor=actor, note=note, prepare=number)


@REQUEST_WORKFLOW.runs("accept")
def do_accept_request(pk, *, actor, note="", photos=(), version=None):
    """The agent who accepts becomes the request's agent."""

    def apply(request, now):
        request.agent = post_of(actor)
        return {"agent"}

    return REQUEST_WORKFLOW.perform(
        pk, "accept", actor=actor, note=note, expected_version=version, apply=apply
    )


@REQUEST_WORKFLOW.runs("confirm")
def do_confirm_request(pk, *, actor, note="", photos=(), version=None, satisfaction=None):
    """The resident confirms it is done, with their satisfaction (1–5)."""
    if satisfaction not in (1, 2, 3, 4, 5):
        raise InvalidInput(
            _("Give the resident's satisfaction."),
            details=[field_problem("satisfaction", _("From 1 to 5."))],
        )

    def apply(request, now):
        request.satisfaction = satisfaction
        return {"satisfaction"}

    return REQUEST_WORKFLOW.perform(
        pk, "confirm", actor=actor, note=note, expected_version=version, apply=apply
    )


# --- Volunteers ---------------------------------------------------------------------------------


def _checked_team(region, name, kind, organiser) -> str:
    problems = []
    name = text(name, "name", 60, problems)
    if kind not in TeamKind.values:
        problems.append(field_problem("kind", _("Not a known kind of team.")))
    if organiser is not None and not _works_in(organiser, region):
        problems.append(field_problem("organiser", _("The organiser must work in the area.")))
    refuse_if_any(_("The team is not complete."), problems)
    return name


def _name_free(region, name, team=None):
    taken = VolunteerTeam.objects.filter(region=region, name=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise Conflict(
            _("The area already has this team."),
            details=[field_problem("name", _("Already taken."))],
        )


def do_add_team(region, *, name: str, kind: str, actor, organiser=None) -> VolunteerTeam:
    check_configures(actor, region)
    name = _checked_team(region, name, kind, organiser)
    with transaction.atomic():
        _name_free(region, name)
        team = VolunteerTeam.objects.create(
            region=region, name=name, kind=kind, organiser=organiser
        )
        audit.record("assistance.team.added", actor=actor, target=team, summary=name)
    return team


def do_edit_team(team: VolunteerTeam, *, name: str, kind: str, actor, organiser=None):
    """A team's name, kind and organiser (its area stays: its members and hours are there)."""
    check_configures(actor, team.region)
    name = _checked_team(team.region, name, kind, organiser)
    with transaction.atomic():
        _name_free(team.region, name, team)
        team.name, team.kind, team.organiser = name, kind, organiser
        team.save(update_fields=["name", "kind", "organiser"])
        changes = {"kind": kind, "organiser": organiser.pk if organiser else None}
        audit.record(
            "assistance.team.changed", actor=actor, target=team, summary=name, changes=changes
        )
    return team


def do_add_volunteer(
    team: VolunteerTeam, *, actor, name="", resident=None, staff=None, skills=""
) -> Volunteer:
    """A member of a team: a resident of the ledgers or a staff member of its area (or, for
    neither, a name)."""
    check_configures(actor, team.region)
    problems = []
    if resident is not None:
        name = resident.name
        if not team.region.contains(resident):
            problems.append(field_problem("resident", _("The resident lives outside the area.")))
    elif staff is not None:
        name = staff.name
        if not _works_in(staff, team.region):
            problems.append(field_problem("staff", _("This post works elsewhere.")))
    name = text(name, "name", 64, problems)
    skills = text(skills, "skills", 200, problems, required=False)
    refuse_if_any(_("The volunteer is not complete."), problems)
    with transaction.atomic():
        VolunteerTeam.objects.select_for_update().filter(pk=team.pk).first()
        same = Volunteer.objects.filter(team=team, is_active=True)
        if (resident is not None and same.filter(resident=resident).exists()) or (
            staff is not None and same.filter(staff=staff).exists()
        ):
            raise Conflict(_("Already a member of the team."))
        volunteer = Volunteer.objects.create(
            team=team,
            name=name,
            resident=resident,
            staff=staff,
            skills=skills,
            joined_on=timezone.localdate(),
        )
        # The resident's name is personal: the audit row keeps only who they are by key.
        audit.record("assistance.volunteer.added", actor=actor, target=volunteer, summary=team.name)
    return volunteer


@transaction.atomic
def do_set_skills(volunteer: Volunteer, skills: str, *, actor) -> Volunteer:
    check_configures(actor, volunteer.team.region)
    problems = []
    skills = text(skills, "skills", 200, problems, required=False)
    refuse_if_any(_("The skills are not right."), problems)
    volunteer.skills = skills
    volunteer.save(update_fields=["skills"])
    audit.record("assistance.volunteer.skills", actor=actor, target=volunteer,
                 summary=volunteer.team.name, changes={"skills": skills})  # fmt: skip
    return volunteer


@transaction.atomic
def do_remove_volunteer(volunteer: Volunteer, *, actor) -> Volunteer:
    """Take a member off the team: their sign-ups and confirmed hours stay."""
    check_configures(actor, volunteer.team.region)
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if not locked.is_active:
        raise Conflict(_("No longer a member of the team."))
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit.record("assistance.volunteer.removed", actor=actor, target=locked,
                 summary=volunteer.team.name)  # fmt: skip
    return locked


def _checked_activity(title, place, starts_at, ends_at, capacity) -> tuple[str, str]:
    problems = []
    title = text(title, "title", 100, problems)
    place = text(place, "place", 100, problems)
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        problems.append(field_problem("ends_at", _("The activity must end after it starts.")))
    if not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        problems.append(field_problem("capacity", _("From 1 to 1000 people.")))
    refuse_if_any(_("The activity is not complete."), problems)
    return title, place


def do_add_activity(
    team: VolunteerTeam, *, actor, title, place, starts_at, ends_at, capacity=20
) -> Activity:
    check_configures(actor, team.region)
    title, place = _checked_activity(title, place, starts_at, ends_at, capacity)
    with transaction.atomic():
        activity = Activity.objects.create(
            team=team,
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
        audit.record("assistance.activity.added", actor=actor, target=activity, summary=title)
    return activity


def do_edit_activity(activity: Activity, *, actor, title, place, starts_at, ends_at, capacity):
    """An activity's place, time and capacity; the capacity not below those signed up (the
    row is locked while they are counted, as a sign-up locks it)."""
    check_configures(actor, activity.team.region)
    title, place = _checked_activity(title, place, starts_at, ends_at, capacity)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        signed_up = SignUp.objects.filter(activity=locked).count()
        if capacity < signed_up:
            message = _("%(n)d volunteers have signed up already.") % {"n": signed_up}
            raise Conflict(message, details=[field_problem("capacity", message)])
        locked.title, locked.place, locked.capacity = title, place, capacity
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.save(update_fields=["title", "place", "capacity", "starts_at", "ends_at"])
        audit.record("assistance.activity.changed", actor=actor, target=locked, summary=title,
                     changes={"place": place, "starts_at": starts_at.isoformat(),
                              "ends_at": ends_at.isoformat(), "capacity": capacity})  # fmt: skip
    return locked


def do_sign_up(activity: Activity, volunteer: Volunteer, *, actor) -> SignUp:
    """Sign a volunteer up, while there is room (the activity's row is locked while counting,
    so two last sign-ups at once do not both get the last place)."""
    _post_over(actor, activity.team.region)
    if (
        volunteer.team.region_id != activity.team.region_id
        and volunteer.team_id != activity.team_id
    ):
        raise InvalidInput(
            _("The volunteer is not of this area."),
            details=[field_problem("volunteer", _("Another area's volunteer."))],
        )
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if SignUp.objects.filter(activity=locked, volunteer=volunteer).exists():
            raise Conflict(_("Already signed up."))
        if SignUp.objects.filter(activity=locked).count() >= locked.capacity:
            raise Conflict(_("The activity is full."))
        signup = SignUp.objects.create(activity=locked, volunteer=volunteer)
        audit.record("assistance.signup", actor=actor, target=signup, summary=locked.title)
    return signup


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not Decimal(0) < hours <= MAX_HOURS:
        raise InvalidInput(
            _("The hours are not valid."),
            details=[field_problem("hours", _("More than 0, at most 24, in tenths."))],
        )
    return hours


def do_record_hours(signup: SignUp, hours, *, actor) -> SignUp:
    """Hours served, recorded at the activity; they count once the organiser confirms them."""
    _post_over(actor, signup.activity.team.region)
    hours = _hours(hours)
    with transaction.atomic():
        locked = SignUp.objects.select_for_update().get(pk=signup.pk)
        if locked.confirmed_at is not None:
            raise Conflict(_("The hours are confirmed already."))
        locked.hours = hours
        locked.save(update_fields=["hours"])
        audit.record(
            "assistance.hours.recorded",
            actor=actor,
            target=locked,
            summary=signup.activity.title,
            changes={"hours": str(hours)},
        )
    return locked


def may_confirm_hours(actor, team: VolunteerTeam) -> bool:
    """The team's organiser, or a dispatcher or administrator over its area."""
    post = post_of(actor)
    if post is None or not post.is_active:
        return False
    if team.organiser_id is not None and team.organiser_id == post.pk:
        return True
    return post.role in (Role.DISPATCHER, Role.ADMIN) and (
        post.region_id is None or post.region.contains(team.region)
    )


def do_confirm_hours(signup: SignUp, *, actor) -> SignUp:
    team = signup.activity.team
    if not may_confirm_hours(actor, team):
        raise NotPermitted(_("Only the team's organiser confirms hours."))
    with transaction.atomic():
        locked = SignUp.objects.select_for_update().get(pk=signup.pk)
        if locked.hours is None:
            raise Conflict(_("No hours recorded yet."))
        if locked.confirmed_at is not None:
            raise Conflict(_("The hours are confirmed already."))
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
        audit.record(
            "assistance.hours.confirmed",
            actor=actor,
            target=locked,
            summary=signup.activity.title,
            changes={"hours": str(locked.hours)},
        )
    return locked


# --- Home-service tasks -------------------------------------------------------------------------


def do_assign_home_task(
    resident, group, *, actor, summary: str, due_day: dt.date, team=None, volunteer=None
) -> HomeTask:
    """A home service for a member of a special group, assigned to a volunteer or a team of
    the resident's area. The resident is found by the caller through the scoping helper."""
    from gridgov.households.selectors import members_of

    problems = []
    summary = text(summary, "summary", 200, problems)
    if team is None and volunteer is None:
        problems.append(field_problem("team", _("Assign it to a volunteer or a team.")))
    if volunteer is not None and team is None:
        team = volunteer.team
    if team is not None and not team.region.contains(resident):
        problems.append(field_problem("team", _("The team serves another area.")))
    if due_day is None or due_day < timezone.localdate():
        problems.append(field_problem("due_day", _("A day from today on.")))
    if not members_of(
        group, type(resident).objects.filter(pk=resident.pk), timezone.localdate()
    ).exists():
        problems.append(field_problem("group", _("The resident is not in this group.")))
    refuse_if_any(_("The task is not complete."), problems)
    task = HomeTask(
        resident=resident,
        group=group,
        summary=summary,
        team=team,
        volunteer=volunteer,
        due_day=due_day,
    )
    task.place_in(resident.microgrid or resident.grid or resident.village)

    def number(item):
        item.number = next_number("JF", HomeTask)

    return TASK_WORKFLOW.start(task, "assign", actor=actor, prepare=number)
