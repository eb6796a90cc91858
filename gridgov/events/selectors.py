"""Reading events on behalf of a user: always through the scoping helper."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.workflow.models import Urgency

from .choices import EventStatus
from .models import Event, EventCategory
from .workflow import EVENT_WORKFLOW

# What a list row shows, loaded in the same query.
LIST_RELATED = ("category", "category__parent", "town", "grid", "lead_unit")
DETAIL_RELATED = (
    *LIST_RELATED,
    "county",
    "village",
    "microgrid",
    "command_region",
    "routed_unit",
    "duplicate_of",
)


def events_for(user):
    return scoped(Event.objects.all(), user)


def event_for(user, number: str) -> Event:
    """An event the user may see, by number; 404 otherwise (never reveal that it exists)."""
    event = events_for(user).select_related(*DETAIL_RELATED).filter(number=number).first()
    if event is None:
        raise NotFound(_("No event %(number)s in your area.") % {"number": number})
    return event


@dataclass
class EventFilter:
    status: str = ""
    category: str = ""  # a category code; a first-level code includes its subclasses
    region: object = None  # a Region
    unit: Department | None = None
    urgency: str = ""
    q: str = ""  # number or words of the title
    mine: bool = False  # reported by the user
    queue: str = ""  # "command": waiting for the user's command centre; "unit": for their unit
    period: object = None  # a core.dates.Period: reported within it


def filtered_events(user, f: EventFilter):
    events = events_for(user).select_related(*LIST_RELATED)
    if f.status in EventStatus.values:
        events = events.filter(status=f.status)
    elif f.status == "open":
        events = events.filter(status__in=EVENT_WORKFLOW.open_states)
    if f.category:
        events = events.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.region is not None:
        events = events.filter(**{f.region.level: f.region.pk})
    if f.period is not None:
        start, end = f.period.bounds()
        events = events.filter(reported_at__gte=start, reported_at__lt=end)
    if f.unit is not None:
        events = events.filter(lead_unit__path__startswith=f.unit.path)
    if f.mine:
        events = events.filter(reporter=user)
    if f.q:
        events = events.filter(Q(number=f.q.strip()) | Q(title__contains=f.q.strip()))
    now = timezone.now()
    if f.urgency == Urgency.RED:
        events = events.filter(overdue_now(now))
    elif f.urgency == Urgency.YELLOW:
        events = events.filter(warn_at__lte=now, due_at__gte=now, late=False)
    events = _queue(events, user, f.queue)
    return events.order_by("-reported_at", "-id")


def _command_queue(post) -> Q:
    """Waiting for this command centre: held here and needing a dispatcher's step."""
    return Q(
        command_region_id=post.region_id,
        status__in=[EventStatus.REPORTED, EventStatus.ACCEPTED, EventStatus.HANDLED,
                    EventStatus.VERIFIED],
    )  # fmt: skip


def _unit_queue(post) -> Q:
    """Waiting for this unit (its sub-units included): dispatched to it, or being handled."""
    return Q(
        lead_unit__path__startswith=post.department.path,
        status__in=[EventStatus.DISPATCHED, EventStatus.HANDLING],
    )


def _queue(events, user, queue: str):
    post = post_of(user)
    if not queue or post is None:
        return events
    if queue == "command":
        return events.filter(_command_queue(post))
    if queue == "unit" and post.department_id:
        return events.filter(_unit_queue(post))
    return events


def overdue_now(now) -> Q:
    """Open and past its deadline now, or overdue before and still not done: an item that was
    once late stays red (超期件) until it is closed, even after an urging restarted its clock."""
    return Q(status__in=EVENT_WORKFLOW.open_states) & (Q(due_at__lt=now) | Q(late=True))


def categories():
    """Active categories, first-level ones each followed by their subclasses."""
    rows = list(EventCategory.objects.filter(is_active=True).select_related("parent"))
    tops = [c for c in rows if c.parent_id is None]
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered.extend(c for c in rows if c.parent_id == top.pk)
    return ordered


def divisions_of(place) -> set[int]:
    """The city, county, town and village containing an event or a region: the places whose
    units may be given work there."""
    return {r for r in (place.city_id, place.county_id, place.town_id, place.village_id) if r}


def units_working_in(place) -> list[Department]:
    """Units a dispatcher may give work in `place` (an event, or their own region) to."""
    return list(
        Department.objects.filter(region_id__in=divisions_of(place), is_active=True)
        .select_related("region")
        .order_by("region__code", "code")
    )


# --- Suggesting duplicates ----------------------------------------------------------------


def _metres(lon1, lat1, lon2, lat2) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


def possible_duplicates(user, *, category: EventCategory, lon: float, lat: float, exclude=None):
    """Open events of the same category near a point, reported recently: maybe the same
    problem. A bounding box narrows the rows in the database, the distance is exact."""
    radius = settings.GRIDGOV_DUPLICATE_RADIUS_M
    since = timezone.now() - timedelta(hours=settings.GRIDGOV_DUPLICATE_WINDOW_HOURS)
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    rows = (
        events_for(user)
        .filter(
            category=category,
            reported_at__gte=since,
            status__in=EVENT_WORKFLOW.open_states,
            lon__range=(lon - dlon, lon + dlon),
            lat__range=(lat - dlat, lat + dlat),
        )
        .select_related(*LIST_RELATED)
        .order_by("-reported_at")[:50]
    )
    found = []
    for event in rows:
        if exclude is not None and event.pk == exclude.pk:
            continue
        distance = _metres(lon, lat, event.lon, event.lat)
        if distance <= radius:
            event.distance_m = round(distance)
            found.append(event)
    return sorted(found, key=lambda e: e.distance_m)[:10]


# --- Who to tell ---------------------------------------------------------------------------


def command_centre_user_ids(event) -> list[int]:
    return list(
        Staff.objects.filter(
            role=Role.DISPATCHER,
            region_id=event.command_region_id,
            is_active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


def unit_user_ids(event) -> list[int]:
    units = list(event.assignments.values_list("department_id", flat=True))
    return list(
        Staff.objects.filter(
            department_id__in=units, is_active=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )


def reporter_user_ids(event) -> list[int]:
    """The reporter and the reporters of every report merged into this one."""
    ids = {event.reporter_id}
    ids |= set(Event.objects.filter(duplicate_of=event).values_list("reporter_id", flat=True))
    if event.duplicate_of_id:
        ids.add(
            Event.objects.filter(pk=event.duplicate_of_id)
            .values_list("reporter_id", flat=True)
            .first()
        )
    return [i for i in ids if i]


def may_report(user) -> bool:
    """Whether the table lets this user report an event (a data feed account may not)."""
    return EVENT_WORKFLOW.role_of(user) in EVENT_WORKFLOW.transition("report").roles


def workload(user) -> dict:
    """The workbench's counters: my open reports, my command centre's queue, my unit's tasks,
    and what is overdue in my area — one query over open events only (the ones with a running
    deadline, found through its partial index), so a city-wide home page stays cheap."""
    post = post_of(user)
    counts = {
        "mine_open": Count("pk", filter=Q(reporter=user.pk)),
        "overdue": Count("pk", filter=overdue_now(timezone.now())),
    }
    # Who works a command centre's queue: those the table lets accept its reports.
    if post is not None and post.role in EVENT_WORKFLOW.transition("accept").roles:
        counts["command_queue"] = Count("pk", filter=_command_queue(post))
    if post is not None and post.department_id:
        counts["unit_tasks"] = Count("pk", filter=_unit_queue(post))
    running = events_for(user).filter(due_at__isnull=False)  # every open event, nothing else
    return running.order_by().aggregate(**counts)
