"""The pages that configure the resident services, for staff holding MANAGE_SERVICES in the
area: volunteer teams (create, edit, members found in the ledgers or among the staff, their
skills, removal), activities (create, edit; sign-up and hours are on the activity's page), red
proxy agents (flag a post, take the flag off), and a home-service task for a member of a
special group.

Each write is one action of `actions.py`, shared with the API; a refused one shows its reasons
with its 4xx status and changes nothing."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, InvalidInput, NotFound
from gridgov.households.models import SpecialGroup
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required

from . import actions, selectors
from .choices import TeamKind

PAGE_SIZE = 30
configures = capability_required(Capability.MANAGE_SERVICES)


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _refused(request, template, context, error):
    context.update(error=error, values=request.POST)
    return render(request, template, context, status=error.status_code)


def _organiser(user, post):
    return selectors.staff_for(user, post.get("organiser")) if post.get("organiser") else None


def _moment(text):
    at = parse_datetime((text or "").strip()) if text else None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at


def _capacity(text):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def _activity_fields(post) -> dict:
    return {
        "title": post.get("title", ""),
        "place": post.get("place", ""),
        "starts_at": _moment(post.get("starts_at")),
        "ends_at": _moment(post.get("ends_at")),
        "capacity": _capacity(post.get("capacity")),
    }


# --- Teams --------------------------------------------------------------------------------------


@configures
def team_list(request):
    user = request.user
    context = {
        "page": _page(request, selectors.teams_for(user).order_by("region__code", "kind", "name")),
        "kinds": TeamKind.choices,
        "areas": selectors.team_areas_for(user),
        "staff": selectors.staff_named(user, request.GET.get("organiser_q", "")),
        "values": {},
    }
    if request.method == "POST":
        try:
            team = actions.do_add_team(
                selectors.agent_area_for(user, request.POST.get("region")),
                name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
                organiser=_organiser(user, request.POST), actor=user,
            )  # fmt: skip
        except GridGovError as error:
            return _refused(request, "assistance/teams.html", context, error)
        messages.success(request, _("The team is saved."))
        return redirect("assistance:team", pk=team.pk)
    return render(request, "assistance/teams.html", context)


@configures
def team_detail(request, pk):
    """A team: its name, kind and organiser; its members (add, skills, remove); its
    activities (add; each one's page signs up and records hours)."""
    user = request.user
    team = selectors.team_for(user, pk)
    q = request.GET.get("q", "")
    context = {
        "team": team,
        "kinds": TeamKind.choices,
        "members": selectors.members_of_team(team),
        "found": selectors.residents_found(user, q, team.region),
        "q": q,
        "staff": selectors.staff_named(user, request.GET.get("staff_q", "")),
        "activities": selectors.activities_for(user).filter(team=team).order_by("-starts_at")[:20],
        "values": {},
    }
    if request.method == "POST":
        try:
            _team_write(request, team)
        except GridGovError as error:
            return _refused(request, "assistance/team.html", context, error)
        messages.success(request, _("Saved."))
        return redirect("assistance:team", pk=team.pk)
    return render(request, "assistance/team.html", context)


def _team_write(request, team):
    user, post = request.user, request.POST
    what = post.get("what")
    if what == "edit":
        actions.do_edit_team(team, name=post.get("name", ""), kind=post.get("kind", ""),
                             organiser=_organiser(user, post), actor=user)  # fmt: skip
    elif what == "member":
        resident = post.get("resident") and selectors.resident_in_scope(user, post["resident"])
        staff = post.get("staff") and selectors.staff_for(user, post["staff"])
        actions.do_add_volunteer(
            team, actor=user, name=post.get("name", ""), resident=resident or None,
            staff=staff or None, skills=post.get("skills", ""),
        )  # fmt: skip
    elif what in ("skills", "remove"):
        volunteer = selectors.volunteer_for(user, post.get("volunteer"))
        if volunteer.team_id != team.pk:
            raise NotFound(_("No such volunteer."))
        if what == "skills":
            actions.do_set_skills(volunteer, post.get("skills", ""), actor=user)
        else:
            actions.do_remove_volunteer(volunteer, actor=user)
    elif what == "activity":
        actions.do_add_activity(team, actor=user, **_activity_fields(post))
    else:
        raise InvalidInput(_("Unknown action: %(action)s.") % {"action": what})


@configures
def activity_edit(request, pk):
    activity = selectors.activity_for(request.user, pk)
    context = {"activity": activity, "values": {}}
    if request.method == "POST":
        try:
            actions.do_edit_activity(activity, actor=request.user, **_activity_fields(request.POST))
        except GridGovError as error:
            return _refused(request, "assistance/activity_form.html", context, error)
        messages.success(request, _("Saved."))
        return redirect("assistance:activity", pk=activity.pk)
    return render(request, "assistance/activity_form.html", context)


# --- Agents -------------------------------------------------------------------------------------


@configures
def agent_list(request):
    user = request.user
    agents = selectors.agents_for(user).order_by("-is_active", "region__code", "pk")
    context = {
        "page": _page(request, agents),
        "staff": selectors.staff_named(user, request.GET.get("q", "")),
        "q": request.GET.get("q", ""),
        "areas": selectors.agent_areas_for(user),
        "values": {},
    }
    if request.method == "POST":
        try:
            staff = selectors.staff_for(user, request.POST.get("staff"))
            region = (
                selectors.agent_area_for(user, request.POST.get("region"))
                if request.POST.get("region")
                else staff.region
            )
            actions.do_set_agent(staff, region=region, actor=user)
        except GridGovError as error:
            return _refused(request, "assistance/agents.html", context, error)
        messages.success(request, _("The post is flagged as an agent."))
        return redirect("assistance:agents")
    return render(request, "assistance/agents.html", context)


@configures
@require_POST
def agent_remove(request, pk):
    try:
        actions.do_remove_agent(selectors.agent_for(request.user, pk), actor=request.user)
    except GridGovError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The agent flag is taken off."))
    return redirect("assistance:agents")


def _chosen(lookup, user, value):
    return lookup(user, value) if value else None


# --- Home-service tasks -------------------------------------------------------------------------


@configures
def task_new(request):
    """A home service for a member of a special group, found by name, phone or ID number among
    the group's members of the area, assigned to a volunteer or a team."""
    user = request.user
    groups = SpecialGroup.objects.filter(is_active=True).order_by("order", "code")
    group = groups.filter(code=request.GET.get("group") or request.POST.get("group")).first()
    q = request.GET.get("q", "")
    found = selectors.residents_found(user, q, group=group) if group is not None else []
    teams = selectors.teams_for(user).order_by("region__code", "name")[:100]
    context = {
        "groups": groups,
        "group": group,
        "q": q,
        "found": found,
        "teams": teams,
        "volunteers": selectors.volunteers_for(user)
        .filter(is_active=True)
        .select_related("team")
        .order_by("team__name", "name")[:200],
        "values": {"due_day": (timezone.localdate() + dt.timedelta(days=7)).isoformat()},
    }
    if request.method == "POST":
        post = request.POST
        try:
            if group is None:
                raise InvalidInput(_("No such special group."))
            task = actions.do_assign_home_task(
                selectors.resident_in_scope(user, post.get("resident")),
                group,
                actor=user,
                summary=post.get("summary", ""),
                due_day=parse_day(post.get("due_day"), _("day")),
                team=_chosen(selectors.team_for, user, post.get("team")),
                volunteer=_chosen(selectors.volunteer_for, user, post.get("volunteer")),
            )
        except GridGovError as error:
            return _refused(request, "assistance/task_new.html", context, error)
        messages.success(request, _("Task %(number)s assigned.") % {"number": task.number})
        return redirect(task.get_absolute_url())
    return render(request, "assistance/task_new.html", context)
