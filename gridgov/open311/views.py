"""Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests.

Public and read-only here (no sign-in): what any 311 client may read. Every answer comes in
JSON or XML after the format suffix, and errors take the spec's shape in the same format.
"""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Count, Q
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridgov.core.audit import client_ip
from gridgov.core.errors import GridGovError
from gridgov.core.ratelimit import allow
from gridgov.events.models import Event, EventTimelineEntry
from gridgov.events.public import PUBLIC_STEP_TEXT, expected_completion
from gridgov.regions.geocode import AmbiguousAddress, place_by_code, place_in_address

from . import serializers
from .actions import PublicRequest, client_for_key, do_submit_public_request
from .formats import FORMATS, Open311Error, error, respond, unknown_format
from .models import Datatype, PublicService

MAX_DAYS = 90  # the spec's longest date range for one search
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# Deeper pages than this are refused: the offset would overflow the database's integers (a
# 500), and a 90-day window never holds that many requests.
MAX_PAGE = 100_000
OPEN = ~Q(status__in=serializers.CLOSED)


def only(*methods):
    """Django's require_http_methods, answering in the spec's error shape (with Allow). The
    views are CSRF-exempt: 311 clients send no cookies, and POST takes an api_key instead, so
    a POST to a read-only endpoint gets this 405 rather than a CSRF page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, fmt, **kwargs):
            if request.method not in methods:
                message = _("%(method)s is not allowed here; use %(allowed)s.")
                response = error(
                    fmt, 405, message % {"method": request.method, "allowed": ", ".join(methods)}
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, fmt=fmt, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


def open311(view):
    """Check the format and the jurisdiction; turn Open311Errors into the spec's errors."""

    @wraps(view)
    def wrapped(request, *args, fmt, **kwargs):
        if fmt not in FORMATS:
            return unknown_format()
        try:
            params = _params(request)
            jurisdiction = params.get("jurisdiction_id")
            if jurisdiction and jurisdiction != settings.GRIDGOV_OPEN311_JURISDICTION:
                raise Open311Error(404, _("Unknown jurisdiction_id: %(j)s.") % {"j": jurisdiction})
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as problem:
            return error(fmt, problem.status, problem.description)

    return wrapped


# What Django raises for a body (or query string) it will not read: too large, too many
# fields or files, or multipart it cannot parse. Left alone, it answers a bare 400.
UNREADABLE = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _params(request):
    try:
        return request.POST if request.method == "POST" else request.GET
    except UNREADABLE:
        raise Open311Error(
            400, _("The request cannot be read: too large, too many fields, or malformed.")
        ) from None


def _services():
    return PublicService.objects.offered().annotate(attribute_count=Count("attributes"))


@only("GET")
@open311
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt}))
    body = {
        "changeset": _time_of_last_change(),
        "contact": settings.GRIDGOV_OPEN311_CONTACT,
        "key_service": settings.GRIDGOV_OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rsplit("/services.", 1)[0],
                "changeset": _time_of_last_change(),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, body, root="discovery", item="")


def _time_of_last_change() -> str:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0).isoformat()


@only("GET")
@open311
def services(request, fmt):
    return respond(
        fmt, [serializers.service(s) for s in _services()], root="services", item="service"
    )


@only("GET")
@open311
def service_definition(request, code, fmt):
    public = _services().prefetch_related("attributes").filter(category__code=code).first()
    if public is None:
        raise Open311Error(404, _("Unknown service_code: %(code)s.") % {"code": code})
    return respond(fmt, serializers.definition(public), root="service_definition", item="")


def _requests():
    """The events of public categories that are published: those that came in through a
    public channel, and those staff chose to publish (Publication); never the rest."""
    return Event.objects.filter(
        category__public_service__is_public=True,
        category__is_active=True,
        publication__isnull=False,
    ).select_related("category", "lead_unit", "routed_unit", "duplicate_of", "publication")


@open311
def requests(request, fmt):
    events = _filtered(_requests(), request.GET).order_by("-reported_at", "-id")
    page, size = _page(request.GET)
    rows = events[(page - 1) * size : page * size]
    return respond(
        fmt, [serializers.request(e) for e in rows], root="service_requests", item="request"
    )


@only("GET")
@open311
def request_detail(request, request_id, fmt):
    event = _requests().filter(number=request_id).first()
    if event is None:
        raise Open311Error(404, _("Unknown service_request_id: %(id)s.") % {"id": request_id})
    return respond(fmt, [serializers.request(event)], root="service_requests", item="request")


def _filtered(events, params):
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: with ids, every other filter is ignored
        return events.filter(number__in=ids[:MAX_PAGE_SIZE])
    if params.get("service_code"):
        codes = [c.strip() for c in params["service_code"].split(",") if c.strip()]
        events = events.filter(category__code__in=codes)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed."))
    if statuses == {"open"}:
        events = events.filter(OPEN)
    elif statuses == {"closed"}:
        events = events.exclude(OPEN)
    start, end = _window(params)
    return events.filter(reported_at__gte=start, reported_at__lte=end)


def _window(params):
    """start_date and end_date: by default the last 90 days, and never more than 90 days."""
    end = _datetime(params, "end_date") or timezone.now()
    start = _datetime(params, "start_date") or end - timedelta(days=MAX_DAYS)
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > timedelta(days=MAX_DAYS):
        raise Open311Error(400, _("A search may span at most %(days)d days.") % {"days": MAX_DAYS})
    return start, end


def _datetime(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        moment = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, _("%(name)s is not a W3C datetime (2026-11-28T09:30:00+08:00).") % {"name": name}
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _page(params) -> tuple[int, int]:
    try:
        page = int(params.get("page", 1))
        size = int(params.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        raise Open311Error(400, _("page and page_size are whole numbers.")) from None
    if not 1 <= page <= MAX_PAGE or not 1 <= size <= MAX_PAGE_SIZE:
        raise Open311Error(
            400,
            _("page is 1 to %(pages)d; page_size is 1 to %(max)d.")
            % {"pages": MAX_PAGE, "max": MAX_PAGE_SIZE},
        )
    return page, size


# --- Submitting a request ---------------------------------------------------------------------

MAX_DESCRIPTION = 4000


@only("GET", "POST")  # clients authenticate with their api_key, not with a browser session
def requests_endpoint(request, fmt):
    if request.method == "POST":
        return submit(request, fmt=fmt)
    return requests(request, fmt=fmt)


@open311
def submit(request, fmt):
    # Counted before anything else: guessing keys and flooding are limited the same way.
    if not allow(f"open311:ip:{client_ip(request)}", **settings.GRIDGOV_OPEN311_IP_LIMIT):
        raise Open311Error(429, _("Too many requests from this address; try again later."))
    client = client_for_key(request.POST.get("api_key", ""))
    if client is None:
        raise Open311Error(403, _("A valid api_key is required to submit requests."))
    if not allow(f"open311:key:{client.pk}", **settings.GRIDGOV_OPEN311_KEY_LIMIT):
        raise Open311Error(429, _("Too many requests with this api_key; try again later."))
    public = (
        _services()
        .prefetch_related("attributes")
        .filter(category__code=request.POST.get("service_code", ""))
        .first()
    )
    if public is None:
        raise Open311Error(400, _("Unknown service_code: %(code)s.") % {
            "code": request.POST.get("service_code", "")})  # fmt: skip
    lat, lon = _point(request.POST)
    description = request.POST.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description is longer than 4000 characters."))
    name = " ".join(
        part for part in (request.POST.get("last_name", ""), request.POST.get("first_name", ""))
        if part
    ).strip()  # fmt: skip
    try:
        event, code = do_submit_public_request(
            PublicRequest(
                service_code=public.category.code,
                lat=lat,
                long=lon,
                description=description,
                address_string=request.POST.get("address_string", ""),
                name=name,
                phone=request.POST.get("phone", ""),
                email=request.POST.get("email", ""),
                answers=_answers(public, request.POST),
                photos=request.FILES.getlist("media"),
            ),
            client=client,
        )
    except GridGovError as problem:
        details = "; ".join(d.get("message", "") for d in problem.details)
        raise Open311Error(400, f"{problem.message} {details}".strip()) from None
    body = [
        {
            "service_request_id": event.number,
            "service_notice": _(
                "Received; expected to be done by %(due)s. Follow it at %(url)s with number "
                "%(number)s and tracking code %(code)s."
            )
            % {
                "due": serializers._time(expected_completion(event)),
                "url": request.build_absolute_uri(reverse("citizens:lookup")),
                "number": event.number,
                "code": code,
            },
            "account_id": request.POST.get("account_id") or None,
        }
    ]
    return respond(fmt, body, root="service_requests", item="request")


def _point(form) -> tuple[float, float]:
    """Where the request is: lat/long, else a region code (address_id), else the division
    names in address_string (this server has no street-level geocoder)."""
    if form.get("lat", "").strip() or form.get("long", "").strip():
        return _coordinates(form)
    if form.get("address_id", "").strip():
        place = place_by_code(form["address_id"])
        if place is None:
            raise Open311Error(
                400,
                _("Unknown address_id: %(id)s (give a region code).") % {"id": form["address_id"]},
            )
        return place.lat, place.lon
    if form.get("address_string", "").strip():
        try:
            place = place_in_address(form["address_string"])
        except AmbiguousAddress as ambiguous:
            message = _("address_string could mean %(places)s; name the town, or send lat/long.")
            raise Open311Error(400, message % {"places": "、".join(ambiguous.names)}) from None
        if place is None:
            raise Open311Error(
                400, _("address_string names no county, town or village here; send lat and long.")
            )
        return place.lat, place.lon
    raise Open311Error(400, _("Say where: lat and long, address_string or address_id."))


def _coordinates(form) -> tuple[float, float]:
    try:
        lat, lon = float(form.get("lat", "")), float(form.get("long", ""))
    except ValueError:
        raise Open311Error(400, _("lat and long are numbers (WGS84 degrees).")) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, _("lat and long are outside the globe."))
    return lat, lon


def _answers(public, form) -> dict:
    """The service's questions, answered as its definition says (attribute[code]=…)."""
    answers = {}
    for attribute in public.attributes.all():
        if not attribute.variable:
            continue
        given = [v for v in form.getlist(f"attribute[{attribute.code}]") if v != ""]
        if not given:
            if attribute.required:
                raise Open311Error(
                    400, _("attribute[%(code)s] is required.") % {"code": attribute.code}
                )
            continue
        answers[attribute.code] = _answer(attribute, given)
    return answers


def _answer(attribute, given: list[str]):
    keys = {v["key"] for v in attribute.values}
    wrong = Open311Error(
        400, _("attribute[%(code)s] is not a valid %(type)s.")
        % {"code": attribute.code, "type": attribute.datatype},
    )  # fmt: skip
    if attribute.datatype == Datatype.MULTIVALUELIST:
        if not set(given) <= keys:
            raise wrong
        return given
    value = given[0]
    if attribute.datatype == Datatype.SINGLEVALUELIST and value not in keys:
        raise wrong
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise wrong from None
        if number != number or number in (float("inf"), float("-inf")):
            raise wrong
    if attribute.datatype == Datatype.DATETIME:
        try:
            if parse_datetime(value) is None:
                raise wrong
        except ValueError:
            raise wrong from None
    if len(value) > MAX_DESCRIPTION:
        raise wrong
    return value


@only("GET")
@open311
def request_updates(request, fmt):
    """The request-updates extension (servicerequestupdates): the public steps of requests in
    a time window, oldest first, so a client can follow every request it sent or shows."""
    start, end = _window(request.GET)
    entries = EventTimelineEntry.objects.filter(
        item__category__public_service__is_public=True,
        item__category__is_active=True,
        item__publication__isnull=False,
        action__in=PUBLIC_STEP_TEXT,
        at__gte=start,
        at__lte=end,
    ).select_related("item")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        entries = entries.filter(item__number__in=ids[:MAX_PAGE_SIZE])
    page, size = _page(request.GET)
    rows = entries.order_by("at", "id")[(page - 1) * size : page * size]
    body = [serializers.update(entry) for entry in rows]
    return respond(fmt, body, root="service_request_updates", item="request_update")


@only("GET")
@open311
def token(request, token_id, fmt):
    """Requests are numbered at once, so a token is the request id itself."""
    if not _requests().filter(number=token_id).exists():
        raise Open311Error(404, _("Unknown token: %(t)s.") % {"t": token_id})
    body = [{"service_request_id": token_id, "token": token_id}]
    return respond(fmt, body, root="service_requests", item="request")
