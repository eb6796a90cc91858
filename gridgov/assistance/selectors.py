"""Reading the resident services on behalf of a user (always through the scoping helper): the
catalogue, agents, requests, teams, activities, hours and tasks; the figures (requests by
service, mode, agent and area, on time, satisfaction; special-group coverage) as SQL
aggregates over one region and period."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.households.models import Resident, SpecialGroup
from gridgov.households.selectors import members_of
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region

from .choices import RequestStatus, TaskStatus
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

CHILD_LEVEL = {"city": "county", "county": "town", "town": "village", "village": "grid"}
DONE = (RequestStatus.DONE, RequestStatus.CONFIRMED)


def _one(queryset, message):
    row = queryset.first()
    if row is None:
        raise NotFound(message)
    return row


# --- The catalogue and the agents ---------------------------------------------------------------


def services_for(user):
    return scoped(ProxyService.objects.select_related("county"), user)


def service_for(user, pk) -> ProxyService:
    return _one(services_for(user).filter(pk=stored_id(pk) or 0), _("No such service."))


def agents_for(user):
    return scoped(Agent.objects.select_related("staff", "region"), user)


def agents_covering(item) -> list[Agent]:
    """The active agents whose area holds the item (a request's resident's home)."""
    areas = [getattr(item, f"{level}_id") for level in ("county", "town", "village", "grid")]
    areas.append(item.microgrid_id)
    rows = Agent.objects.filter(is_active=True, region_id__in=[a for a in areas if a])
    return list(rows.select_related("staff"))


def is_agent(user) -> bool:
    from gridgov.org.roles import post_of

    post = post_of(user)
    return post is not None and Agent.objects.filter(staff=post, is_active=True).exists()


# --- Requests -----------------------------------------------------------------------------------


def requests_for(user):
    return scoped(ProxyRequest.objects.all(), user)


def request_list(user, *, status: str = "", mine: bool = False):
    from gridgov.org.roles import post_of

    rows = requests_for(user).select_related("service", "resident", "agent", "village")
    if status:
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(agent=post_of(user))
    return rows.order_by("-id")


def request_for(user, number: str) -> ProxyRequest:
    """The request as the user may see it (404 otherwise): for the kernel's page and API."""
    rows = requests_for(user).select_related("service", "resident__household", "agent")
    return _one(rows.filter(number=str(number)[:20]), _("No such request in your area."))


def resident_in_scope(user, pk) -> Resident:
    rows = scoped(Resident.objects.all(), user).select_related("household__house__building")
    return _one(rows.filter(pk=stored_id(pk) or 0), _("No such resident in your area."))


# --- Volunteers ---------------------------------------------------------------------------------


def teams_for(user):
    return scoped(VolunteerTeam.objects.select_related("region", "organiser"), user)


def team_for(user, pk) -> VolunteerTeam:
    return _one(teams_for(user).filter(pk=stored_id(pk) or 0), _("No such team."))


def volunteers_for(user):
    return scoped(Volunteer.objects.select_related("team"), user)


def volunteer_for(user, pk) -> Volunteer:
    return _one(volunteers_for(user).filter(pk=stored_id(pk) or 0), _("No such volunteer."))


def activities_for(user):
    rows = scoped(Activity.objects.select_related("team"), user)
    return rows.annotate(signed_up=Count("signups"))


def activity_for(user, pk) -> Activity:
    return _one(activities_for(user).filter(pk=stored_id(pk) or 0), _("No such activity."))


def signups_of(activity: Activity):
    return activity.signups.select_related("volunteer").order_by("volunteer__name")


def signup_for(user, pk) -> SignUp:
    rows = scoped(SignUp.objects.select_related("activity__team", "volunteer"), user)
    return _one(rows.filter(pk=stored_id(pk) or 0), _("No such sign-up."))


def certificate_rows(volunteer: Volunteer, year: int) -> list[SignUp]:
    """The volunteer's confirmed hours of a year, activity by activity."""
    return list(
        volunteer.signups.filter(confirmed_at__isnull=False, activity__starts_at__year=year)
        .select_related("activity__team")
        .order_by("activity__starts_at")
    )


def hours_total(rows) -> Decimal:
    return sum((row.hours or Decimal(0) for row in rows), Decimal(0))


# --- Home-service tasks -------------------------------------------------------------------------


def tasks_for(user):
    return scoped(HomeTask.objects.all(), user)


def task_list(user, *, status: str = ""):
    rows = tasks_for(user).select_related("resident", "group", "team", "volunteer", "village")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-id")


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    region: Region
    start: dt.date
    end: dt.date  # inclusive

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        begin = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        after = timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))
        return begin, after + dt.timedelta(days=1)

    @property
    def child(self) -> str:
        return CHILD_LEVEL.get(self.region.level, self.region.level)


def _request_figures(rows, *keys) -> list[dict]:
    """Requests, done, done on time, on-time rate and mean satisfaction, grouped by `keys`."""
    figures = rows.values(*keys).annotate(
        requests=Count("id"),
        done=Count("id", filter=Q(status__in=DONE)),
        on_time=Count("id", filter=Q(status__in=DONE, done_at__lte=F("due_on"))),
        satisfaction=Avg("satisfaction"),
    )
    out = []
    for row in figures.order_by(*keys):
        row["on_time_rate"] = round(100 * row["on_time"] / row["done"], 1) if row["done"] else None
        if row["satisfaction"] is not None:
            row["satisfaction"] = round(float(row["satisfaction"]), 2)
        out.append(row)
    return out


def _totals(rows) -> dict:
    figures = rows.aggregate(
        requests=Count("id"),
        done=Count("id", filter=Q(status__in=DONE)),
        on_time=Count("id", filter=Q(status__in=DONE, done_at__lte=F("due_on"))),
        rated=Count("satisfaction"),
        satisfaction=Avg("satisfaction"),
    )
    done = figures["done"]
    figures["on_time_rate"] = round(100 * figures["on_time"] / done, 1) if done else None
    if figures["satisfaction"] is not None:
        figures["satisfaction"] = round(float(figures["satisfaction"]), 2)
    return figures


def request_figures(user, period: Period) -> dict:
    begin, after = period.bounds
    rows = requests_for(user).filter(
        **{period.region.level: period.region}, requested_at__gte=begin, requested_at__lt=after
    )
    child = period.child
    return {
        "total": _totals(rows),
        "by_service": _request_figures(rows, "service__name", "service__mode"),
        "by_mode": _request_figures(rows, "service__mode"),
        "by_agent": _request_figures(rows.filter(agent__isnull=False), "agent__name"),
        "by_area": _request_figures(rows, f"{child}__name"),
    }


def coverage(user, period: Period) -> list[dict]:
    """For each active special group: its members in each area below the region, and how many
    of them had a home service done in the period. One aggregate per group."""
    begin, after = period.bounds
    child = period.child
    served = tasks_for(user).filter(
        status=TaskStatus.DONE, done_at__gte=begin, done_at__lt=after, resident__isnull=False
    )
    residents = scoped(Resident.objects.all(), user).filter(**{period.region.level: period.region})
    out = []
    for group in SpecialGroup.objects.filter(is_active=True).order_by("order", "code"):
        members = members_of(group, residents, period.end)
        areas = members.values(f"{child}__name").annotate(
            members=Count("id"),
            served=Count("id", filter=Q(pk__in=served.values("resident_id"))),
        )
        areas = list(areas.order_by(f"{child}__name"))
        for area in areas:
            area["area"] = area.pop(f"{child}__name")
            area["share"] = round(100 * area["served"] / area["members"], 1)
        total = sum(a["members"] for a in areas)
        done = sum(a["served"] for a in areas)
        out.append(
            {
                "group": group.name,
                "code": group.code,
                "members": total,
                "served": done,
                "share": round(100 * done / total, 1) if total else None,
                "areas": areas,
            }
        )
    return out


def volunteer_hours(user, period: Period) -> list[dict]:
    """Confirmed hours per team in the region and period."""
    begin, after = period.bounds
    rows = scoped(SignUp.objects.all(), user).filter(
        **{f"activity__team__region__{period.region.level}": period.region},
        confirmed_at__isnull=False,
        activity__starts_at__gte=begin,
        activity__starts_at__lt=after,
    )
    rows = rows.values("activity__team__name").annotate(
        hours=Sum("hours"), volunteers=Count("volunteer", distinct=True)
    )
    return [
        {"team": r["activity__team__name"], "hours": r["hours"], "volunteers": r["volunteers"]}
        for r in rows.order_by("activity__team__name")
    ]


# --- Configuration ------------------------------------------------------------------------------

PICKER_LIMIT = 50
AGENT_AREA_LEVELS = ("town", "village", "grid")


def agent_for(user, pk) -> Agent:
    return _one(agents_for(user).filter(pk=stored_id(pk) or 0), _("No such agent."))


def staff_for(user, pk):
    """A staff post of the user's area (for an organiser, an agent, a member)."""
    from gridgov.org.models import Staff

    rows = scoped(Staff.objects.select_related("region").defer("phone", "id_number"), user)
    return _one(rows.filter(pk=stored_id(pk) or 0, is_active=True), _("No such staff member."))


def staff_named(user, text: str):
    """Active staff posts of the user's area whose name holds `text` (at most PICKER_LIMIT)."""
    from gridgov.org.models import Staff

    text = (text or "").strip()[:40]
    rows = scoped(Staff.objects.filter(is_active=True), user).select_related("region")
    rows = rows.defer("phone", "id_number", "region__boundary")
    if text:
        rows = rows.filter(name__contains=text)
    return rows.order_by("name", "pk")[:PICKER_LIMIT]


def residents_found(user, text: str, region: Region | None = None, group=None):
    """Residents of the user's area (inside `region`, of a special group when given) whose
    name, phone or ID number is `text`: what staff pick a resident from, shown masked."""
    from gridgov.households.selectors import search_q

    text = (text or "").strip()
    if not text:
        return Resident.objects.none()
    rows = scoped(Resident.objects.all(), user).filter(search_q(text))
    if region is not None:
        rows = rows.filter(**{region.level: region})
    if group is not None:
        rows = members_of(group, rows, timezone.localdate())
    return rows.select_related("household__house__building").order_by("pk")[:PICKER_LIMIT]


def agent_areas_for(user):
    rows = scoped(Region.objects.defer("boundary"), user).filter(level__in=AGENT_AREA_LEVELS)
    return rows.order_by("code")[:300]


def agent_area_for(user, pk) -> Region:
    rows = scoped(Region.objects.defer("boundary"), user)
    return _one(rows.filter(pk=stored_id(pk) or 0), _("No such area in yours."))


def team_areas_for(user):
    rows = scoped(Region.objects.defer("boundary"), user)
    return rows.filter(level__in=("county", "town", "village", "grid")).order_by("code")[:300]


def members_of_team(team: VolunteerTeam):
    return (
        team.members.filter(is_active=True)
        .select_related("resident", "staff")
        .order_by("name", "pk")
    )
