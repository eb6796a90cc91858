"""The public pages (no account needed): report a problem, track it, rate or reopen it.

A person proves they filed an event with its number and tracking code; the numbers they have
proved are kept in their session, so the tracking page needs no code in its address. Every
POST here is counted per address (core.ratelimit) before anything else happens.
"""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.core.audit import client_ip
from gridgov.core.errors import GridGovError, InvalidInput, TooManyRequests
from gridgov.core.ratelimit import allow
from gridgov.events.models import Event
from gridgov.events.public import (
    expected_completion,
    is_closed,
    public_steps,
    responsible_unit,
)
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.open311.models import PublicService
from gridgov.regions.api import feature_collection
from gridgov.regions.models import Region
from gridgov.regions.selectors import map_centre

from . import actions

SESSION_KEY = "citizen_tickets"
MAX_REMEMBERED = 20
MAX_PHOTOS = 6


def _count(request, what: str, limit: dict) -> None:
    if not allow(f"public:{what}:{client_ip(request)}", **limit):
        raise TooManyRequests(_("Too many attempts from this address; please try again later."))


def _remember(request, number: str) -> None:
    numbers = [n for n in request.session.get(SESSION_KEY, []) if n != number]
    request.session[SESSION_KEY] = [number, *numbers][:MAX_REMEMBERED]


def _proved_event(request, number: str) -> Event | None:
    if number not in request.session.get(SESSION_KEY, []):
        return None
    return (
        Event.objects.filter(number=number)
        .select_related("category", "lead_unit", "routed_unit", "county", "town")
        .first()
    )


@require_GET
def home(request):
    return render(request, "citizens/home.html", {"recent": request.session.get(SESSION_KEY, [])})


@require_http_methods(["GET", "POST"])
def submit(request):
    context = {
        "services": PublicService.objects.offered(),
        "home": map_centre(Region.objects.filter(parent__isnull=True).order_by("code").first()),
        "values": {},
        "max_photos": MAX_PHOTOS,
    }
    if request.method == "POST":
        try:
            _count(request, "submit", settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT)
            photos = request.FILES.getlist("photos")
            if len(photos) > MAX_PHOTOS:
                raise InvalidInput(_("At most %(n)d photos, please.") % {"n": MAX_PHOTOS})
            event, code = actions.do_submit_complaint(
                actions.Complaint(
                    category=request.POST.get("category", ""),
                    description=request.POST.get("description", ""),
                    lon=request.POST.get("lon", ""),
                    lat=request.POST.get("lat", ""),
                    address=request.POST.get("address", ""),
                    name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""),
                    photos=photos,
                )
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(request, "citizens/submit.html", context, status=error.status_code)
        _remember(request, event.number)
        return _shown_once(request, event.number, code)
    return render(request, "citizens/submit.html", context)


def _shown_once(request, number: str, code: str):
    """The number and tracking code, in the answer to the POST itself: the code is kept
    nowhere readable (not in the session either), and no cache may keep this page."""
    response = render(request, "citizens/submitted.html", {"number": number, "code": code})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def submitted(request):
    """Where the code used to be shown after a redirect: nothing to show any more."""
    return redirect("citizens:home")


@require_http_methods(["GET", "POST"])
def lookup(request):
    values = {"number": request.GET.get("number", "")}
    if request.method == "POST":
        values = {"number": request.POST.get("number", "").strip().upper()}
        try:
            _count(request, "lookup", settings.GRIDGOV_PUBLIC_LOOKUP_LIMIT)
        except GridGovError as error:
            return render(request, "citizens/lookup.html", {"error": error, "values": values},
                          status=error.status_code)  # fmt: skip
        event = actions.event_for_ticket(values["number"], request.POST.get("code", ""))
        if event is not None:
            _remember(request, event.number)
            return redirect("citizens:ticket", number=event.number)
        error = InvalidInput(
            _("No report has this number and tracking code. Please check both and try again.")
        )
        return render(request, "citizens/lookup.html", {"error": error, "values": values},
                      status=404)  # fmt: skip
    return render(request, "citizens/lookup.html", {"values": values})


@require_GET
def ticket(request, number):
    event = _proved_event(request, number)
    if event is None:
        return redirect(reverse("citizens:lookup") + f"?number={number}")
    return _render_ticket(request, event)


def _render_ticket(request, event, error=None, status=200):
    steps = public_steps(event.timeline.order_by("seq"))
    actor = actions.reporter(event)
    return render(
        request,
        "citizens/ticket.html",
        {
            "event": event,
            "steps": steps,
            "closed": is_closed(event),
            "expected": expected_completion(event),
            "unit": responsible_unit(event),
            "may_rate": EVENT_WORKFLOW.may(event, "rate", actor) and event.satisfaction is None,
            "may_reopen": EVENT_WORKFLOW.may(event, "reopen", actor),
            "reopen_days": settings.GRIDGOV_REOPEN_DAYS,
            "error": error,
        },
        status=status,
    )


@require_POST
def rate(request, number):
    return _reporter_step(request, number, lambda event: actions.do_rate_as_reporter(
        event, satisfaction=request.POST.get("satisfaction"), note=request.POST.get("note", "")
    ), _("Thank you for your rating."))  # fmt: skip


@require_POST
def reopen(request, number):
    return _reporter_step(request, number, lambda event: actions.do_reopen_as_reporter(
        event, reason=request.POST.get("reason", "")
    ), _("Your report is open again; the command centre will look at it."))  # fmt: skip


def _reporter_step(request, number, step, done: str):
    event = _proved_event(request, number)
    if event is None:
        return redirect(reverse("citizens:lookup") + f"?number={number}")
    try:
        _count(request, "lookup", settings.GRIDGOV_PUBLIC_LOOKUP_LIMIT)
        step(event)
    except GridGovError as error:
        event.refresh_from_db()
        return _render_ticket(request, event, error=error, status=error.status_code)
    messages.success(request, done)
    return redirect("citizens:ticket", number=number)


@require_GET
def areas(request):
    """The city's counties for the complaint form's map: names and outlines only."""
    city = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if city is None:
        return _json({"type": "FeatureCollection", "features": []})
    children = Region.objects.filter(parent=city, boundary__isnull=False).order_by("code")
    return _json(feature_collection([city, *children], focus=city, with_leaders=False))


def _json(body):
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=3600"
    return response
