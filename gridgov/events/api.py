"""REST API for events: list, report, read, every action of the loop, duplicates, KPIs.

Views only translate HTTP into action calls; the actions and the workflow engine decide.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import body_object
from gridgov.core.dates import Period, date_range
from gridgov.core.errors import InvalidInput
from gridgov.core.idempotency import idempotent
from gridgov.core.parsers import JSONParser
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.permissions import requires
from gridgov.org.scoping import scoped
from gridgov.regions.choices import CRS
from gridgov.regions.selectors import region_for
from gridgov.workflow.api import actions_of, timeline_of
from gridgov.workflow.models import Urgency, urgency_of

from . import actions
from .choices import EventSource, EventStatus, Priority
from .kpi import KpiQuery, event_kpis
from .models import EventCategory
from .selectors import (
    EventFilter,
    categories,
    event_for,
    filtered_events,
    possible_duplicates,
)
from .workflow import EVENT_WORKFLOW as WORKFLOW

# --- Output -------------------------------------------------------------------------------


def _brief(obj, code="code"):
    return None if obj is None else {"code": getattr(obj, code), "name": obj.name}


class EventListSerializer(serializers.Serializer):
    # A plain Serializer, not a ModelSerializer: it is built on every request, and reporting
    # an event is the hot path; introspecting the model each time cost a third of it.
    number = serializers.CharField()
    title = serializers.CharField()
    category = serializers.SerializerMethodField()
    source = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    address = serializers.CharField()
    town = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    lead_unit = serializers.SerializerMethodField()
    reported_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    urgency = serializers.SerializerMethodField()

    def get_category(self, event) -> dict:
        return {"code": event.category.code, "name": str(event.category)}

    def get_town(self, event) -> dict | None:
        return _brief(event.town)

    def get_grid(self, event) -> dict | None:
        return _brief(event.grid)

    def get_lead_unit(self, event) -> dict | None:
        return _brief(event.lead_unit)

    def get_urgency(self, event) -> str:
        return urgency_of(event)


class EventDetailSerializer(EventListSerializer):
    description = serializers.CharField()
    county = serializers.SerializerMethodField()
    village = serializers.SerializerMethodField()
    microgrid = serializers.SerializerMethodField()
    command_centre_of = serializers.SerializerMethodField()
    suggested_unit = serializers.SerializerMethodField()
    routing_reason = serializers.CharField()
    reporter = serializers.CharField(source="reporter_name")
    occurred_at = serializers.DateTimeField()
    duplicate_of = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField()
    handled_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    rework_count = serializers.IntegerField()
    reopen_count = serializers.IntegerField()
    escalation_count = serializers.IntegerField()
    satisfaction = serializers.IntegerField()
    late = serializers.BooleanField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_county(self, event) -> dict | None:
        return _brief(event.county)

    def get_village(self, event) -> dict | None:
        return _brief(event.village)

    def get_microgrid(self, event) -> dict | None:
        return _brief(event.microgrid)

    def get_command_centre_of(self, event) -> dict | None:
        return _brief(event.command_region)

    def get_suggested_unit(self, event) -> dict | None:
        return _brief(event.routed_unit)

    def get_duplicate_of(self, event) -> str | None:
        return event.duplicate_of.number if event.duplicate_of_id else None

    def get_timeline(self, event) -> list[dict]:
        return timeline_of(event)

    def get_actions(self, event) -> list[str]:
        return actions_of(WORKFLOW, event, self.context["request"])


class EventCreatedSerializer(serializers.Serializer):
    """What a phone needs back after reporting: the number to quote, where it went and why,
    the deadline, and the photos as stored. GET the event for its full detail."""

    number = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    grid = serializers.SerializerMethodField()
    command_centre_of = serializers.SerializerMethodField()
    suggested_unit = serializers.SerializerMethodField()
    routing_reason = serializers.CharField()
    due_at = serializers.DateTimeField()
    photos = serializers.SerializerMethodField()

    def get_grid(self, event) -> dict | None:
        return _brief(event.grid)

    def get_command_centre_of(self, event) -> dict | None:
        return _brief(event.command_region)

    def get_suggested_unit(self, event) -> dict | None:
        return _brief(event.routed_unit)

    def get_photos(self, event) -> list[str]:
        return [a.get_absolute_url() for a in event.last_entry.photos()]


def detail_response(request, event, code=status.HTTP_200_OK) -> Response:
    event = event_for(request.user, event.number)
    return Response(EventDetailSerializer(event, context={"request": request}).data, status=code)


# --- Input ----------------------------------------------------------------------------------


class ReportInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    category = serializers.CharField(max_length=16)
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    crs = serializers.ChoiceField(choices=CRS.choices, default=CRS.WGS84)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    source = serializers.ChoiceField(
        choices=EventSource.choices, required=False, allow_blank=True, default=""
    )
    reporter_name = serializers.CharField(
        required=False, allow_blank=True, max_length=64, default=""
    )
    reporter_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=20, default=""
    )
    occurred_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When it happened, if not now: not in the future, within the last year."),
    )
    on_the_spot = serializers.BooleanField(
        default=False,
        help_text=_("Handled on the spot (小微事马上办): photos and a note required."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


# What the steps that take more than a note take (the table names them).


class DispatchInput(serializers.Serializer):
    lead = serializers.CharField(
        required=False, default="", help_text=_("dispatch: the lead unit's code")
    )
    assisting = serializers.ListField(
        child=serializers.CharField(), required=False, default=list,
        help_text=_("dispatch: assisting units' codes"),
    )  # fmt: skip

    def validate_lead(self, code) -> Department:
        return _unit(code)

    def validate_assisting(self, codes) -> list[Department]:
        return [_unit(c) for c in codes if c]


class DuplicateInput(serializers.Serializer):
    original = serializers.CharField(
        required=False, default="", help_text=_("mark_duplicate: the number of the earlier event")
    )


class RateInput(serializers.Serializer):
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5
    )


class BulkDispatchInput(serializers.Serializer):
    events = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=200
    )
    lead = serializers.CharField(max_length=32)
    assisting = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list
    )


def _unit(code: str | None) -> Department:
    unit = Department.objects.filter(code=code or "", is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": code or "—"})
    return unit


# --- Views ----------------------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter("status", str, enum=[*EventStatus.values, "open"]),
    OpenApiParameter("category", str, description=_("category code (with its subclasses)")),
    OpenApiParameter("region", str, description=_("region code")),
    OpenApiParameter("unit", str, description=_("lead unit code (its sub-units included)")),
    OpenApiParameter("urgency", str, enum=[Urgency.YELLOW, Urgency.RED]),
    OpenApiParameter("q", str, description=_("number, or words of the title")),
    OpenApiParameter("mine", bool, description=_("only what I reported")),
    OpenApiParameter("queue", str, enum=["command", "unit"], description=_("my work queue")),
    OpenApiParameter("period", str, description=_("reported within: 2026-11, 2026-W48, 2026")),
]  # fmt: skip


def event_filter_from(user, params) -> EventFilter:
    region = region_for(user, params["region"]) if params.get("region") else None
    unit = None
    if params.get("unit"):
        unit = scoped(Department.objects.all(), user).filter(code=params["unit"]).first()
        if unit is None:
            raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": params["unit"]})
    return EventFilter(
        status=params.get("status", ""),
        category=params.get("category", ""),
        region=region,
        unit=unit,
        urgency=params.get("urgency", ""),
        q=params.get("q", ""),
        mine=params.get("mine") in ("1", "true", "on"),
        queue=params.get("queue", ""),
        period=Period.parse(params["period"]) if params.get("period") else None,
    )


class EventListCreateView(generics.ListAPIView):
    """Events in your area (newest first), and reporting a new one."""

    serializer_class = EventListSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return filtered_events(
            self.request.user, event_filter_from(self.request.user, self.request.query_params)
        )

    @extend_schema(operation_id="events_list", parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="events_report",
        request={"application/json": ReportInput, "multipart/form-data": ReportInput},
        responses={201: EventCreatedSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=_(
                    "A key per report: a retried request returns the first response "
                    "and creates nothing."
                ),
            )
        ],
    )
    def post(self, request):
        def create():
            data = _report_input(request)
            event = actions.do_report_event(
                actions.ReportData(
                    **{k: v for k, v in data.items() if k not in ("on_the_spot", "note")}
                ),
                actor=request.user,
                on_the_spot=data["on_the_spot"],
                note=data["note"],
            )
            # The new event has its related rows loaded already: answer without reading it back.
            return Response(EventCreatedSerializer(event).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


def _report_input(request) -> dict:
    payload = dict(body_object(request.data))
    if hasattr(request.data, "getlist"):  # a form: one value per field, photos as files
        payload = {k: request.data.get(k) for k in request.data if k != "photos"}
        payload["photos"] = request.FILES.getlist("photos")
    serializer = ReportInput(data=payload)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class EventDetailView(APIView):
    @extend_schema(responses={200: EventDetailSerializer})
    def get(self, request, number):
        return detail_response(request, event_for(request.user, number))


class BulkDispatchView(APIView):
    """Dispatch many accepted events to the same unit(s); each one succeeds or fails alone."""

    @extend_schema(
        operation_id="events_bulk_dispatch",
        request=BulkDispatchInput,
        responses={200: dict},
    )
    def post(self, request):
        body = BulkDispatchInput(data=request.data)
        body.is_valid(raise_exception=True)
        numbers = body.validated_data["events"]
        lead = _unit(body.validated_data["lead"])
        assisting = [_unit(c) for c in body.validated_data["assisting"]]
        result = actions.do_bulk_dispatch_events(
            numbers, actor=request.user, lead=lead, assisting=assisting
        )
        return Response(result)


class DuplicateSuggestionsView(APIView):
    """Open events of a category near a point, reported recently: before reporting, check."""

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, required=True),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("crs", str, enum=CRS.values),
        ],
        responses={200: EventListSerializer(many=True)},
    )
    def get(self, request):
        category = EventCategory.objects.filter(
            code=request.query_params.get("category", "")
        ).first()
        if category is None:
            raise InvalidInput(
                _("Unknown category: %(code)s.")
                % {"code": request.query_params.get("category", "")}
            )
        lon, lat = _point(request.query_params)
        events = possible_duplicates(request.user, category=category, lon=lon, lat=lat)
        rows = EventListSerializer(events, many=True).data
        for row, event in zip(rows, events, strict=True):
            row["distance_m"] = event.distance_m
        return Response(rows)


def _point(params) -> tuple[float, float]:
    from gridgov.regions.api import LocateQuery
    from gridgov.regions.crs import to_wgs84

    query = LocateQuery(data=params)
    query.is_valid(raise_exception=True)
    lon, lat = to_wgs84(
        query.validated_data["lon"], query.validated_data["lat"], query.validated_data["crs"]
    )
    return float(lon), float(lat)


class CategoryListView(APIView):
    """The event categories (two levels) with their time limits in working hours."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(
            [
                {
                    "code": c.code,
                    "name": c.name,
                    "parent": c.parent.code if c.parent_id else None,
                    "hours": {
                        s: c.hours_for(s) for s in ("accept", "dispatch", "handle", "verify")
                    },
                    "handling_level": c.handling_level,
                }
                for c in categories()
            ]
        )


class EventKpiView(APIView):
    """Closed-loop figures for a region or unit in your area, over a date range."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description=_("region code; default: your own")),
            OpenApiParameter("unit", str, description=_("lead unit code")),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive")),
        ],
        responses={200: dict},
    )
    def get(self, request):
        return Response(
            event_kpis(request.user, kpi_query_from(request.user, request.query_params))
        )


def kpi_query_from(user, params) -> KpiQuery:
    from gridgov.regions.selectors import region_or_home_for

    start, end = date_range(params.get("from"), params.get("to"))
    f = event_filter_from(user, {"region": params.get("region"), "unit": params.get("unit")})
    region = (
        f.region if f.region is not None or f.unit is not None else region_or_home_for(user, None)
    )
    return KpiQuery(region=region, unit=f.unit, start=start, end=end)
