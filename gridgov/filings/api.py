"""REST API for night-construction filings: list, file, read, approve/reject/revoke, the
public lookup of valid filings, and the figures.

Views only translate HTTP into selector and action calls; the actions and the workflow engine
decide.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.dates import date_range
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, TooManyRequests, stored_id
from gridgov.core.idempotency import idempotent
from gridgov.core.ratelimit import allow
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.regions.selectors import region_or_home_for
from gridgov.workflow.api import actions_of, timeline_of

from . import actions
from .choices import FilingStatus
from .kpi import KpiQuery, night_construction_kpis
from .selectors import (
    PUBLIC_SITES,
    FilingFilter,
    construction_sites_for,
    filing_for,
    filtered_filings,
    public_filings,
    public_sites,
)
from .workflow import FILING_WORKFLOW as WORKFLOW

# --- Output -------------------------------------------------------------------------------


def _brief(obj, code="code"):
    return None if obj is None else {"code": getattr(obj, code), "name": obj.name}


class HoursMixin(serializers.Serializer):
    first_night = serializers.DateField()
    last_night = serializers.DateField()
    nights = serializers.IntegerField(source="night_count")
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    crosses_midnight = serializers.BooleanField()
    validity = serializers.SerializerMethodField()

    def get_validity(self, filing) -> str:
        return filing.validity()


class FilingListSerializer(HoursMixin):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    site = serializers.SerializerMethodField()
    company_name = serializers.CharField()
    company_uscc = serializers.CharField()
    department = serializers.SerializerMethodField()
    town = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()

    def get_site(self, filing) -> dict:
        return {"id": filing.site_id, "name": filing.site.name}

    def get_department(self, filing) -> dict | None:
        return _brief(filing.department)

    def get_town(self, filing) -> dict | None:
        return _brief(filing.town)


class FilingDetailSerializer(FilingListSerializer):
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField(source="masked_contact_phone")
    reason = serializers.CharField()
    noise_limit_db = serializers.IntegerField()
    noise_measures = serializers.CharField()
    channel = serializers.CharField()
    decided_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_timeline(self, filing) -> list[dict]:
        return timeline_of(filing)

    def get_actions(self, filing) -> list[str]:
        return actions_of(WORKFLOW, filing, self.context["request"])


class PublicFilingSerializer(HoursMixin):
    """What a neighbour may know of a filing: never the contact person or phone."""

    number = serializers.CharField()
    site = serializers.SerializerMethodField()
    company_name = serializers.CharField()
    company_uscc = serializers.CharField()
    reason = serializers.CharField()
    noise_limit_db = serializers.IntegerField()
    noise_measures = serializers.CharField()
    department = serializers.CharField(source="department.name")

    def get_site(self, filing) -> dict:
        return {"id": filing.site_id, "name": filing.site.name, "address": filing.site.address}


def detail_response(request, filing, code=status.HTTP_200_OK) -> Response:
    filing = filing_for(request.user, filing.number)
    return Response(FilingDetailSerializer(filing, context={"request": request}).data, status=code)


# --- Input ----------------------------------------------------------------------------------


class FilingInput(serializers.Serializer):
    site = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("the construction site's id")
    )
    company_name = serializers.CharField(max_length=120)
    company_uscc = serializers.CharField(max_length=18, help_text=_("GB 32100-2015, 18 characters"))
    contact_name = serializers.CharField(max_length=64)
    contact_phone = serializers.CharField(max_length=20)
    first_night = serializers.DateField(help_text=_("the evening the first night begins"))
    last_night = serializers.DateField()
    start_time = serializers.TimeField(input_formats=["%H:%M"], help_text="HH:MM")
    end_time = serializers.TimeField(
        input_formats=["%H:%M"], help_text=_("HH:MM; earlier than the start: the next morning")
    )
    reason = serializers.CharField(max_length=200)
    noise_limit_db = serializers.IntegerField(min_value=0, max_value=200)
    noise_measures = serializers.CharField(max_length=1000)
    department = serializers.CharField(
        required=False, allow_blank=True, max_length=32, default="",
        help_text=_("the responsible department's code; default: the county's housing bureau"),
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


def _flag(value) -> bool:
    return str(value or "").lower() in ("1", "true", "on", "yes")


def _site_id(value) -> int | None:
    if value in (None, ""):
        return None
    pk = stored_id(value)
    if pk is None:
        raise InvalidInput(_("site must be a construction site's id."))
    return pk


def filing_filter_from(user, params) -> FilingFilter:
    site = None
    if (pk := _site_id(params.get("site"))) is not None:
        site = construction_sites_for(user).filter(pk=pk).first()
        if site is None:
            raise InvalidInput(_("No such construction site in your area."))
    return FilingFilter(
        status=params.get("status", ""),
        site=site,
        valid_now=_flag(params.get("valid_now")),
        q=params.get("q", "")[:100],
    )


# --- Views ----------------------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter("status", str, enum=FilingStatus.values),
    OpenApiParameter("site", int, description=_("construction site id")),
    OpenApiParameter("valid_now", bool, description=_("approved and in force today")),
    OpenApiParameter("q", str, description=_("number, company or site name")),
]


class FilingListCreateView(generics.ListAPIView):
    """Filings in your area (newest first), and filing a new one on a company's behalf."""

    serializer_class = FilingListSerializer

    def get_queryset(self):
        user = self.request.user
        return filtered_filings(user, filing_filter_from(user, self.request.query_params))

    @extend_schema(operation_id="filings_list", parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="filings_submit",
        request=FilingInput,
        responses={201: FilingDetailSerializer, 400: dict, 403: dict},
    )
    def post(self, request):
        def create():
            body = FilingInput(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            note = data.pop("note")
            filing = actions.do_submit_filing(
                actions.FilingData(**data), actor=request.user, note=note
            )
            return detail_response(request, filing, status.HTTP_201_CREATED)

        return idempotent(request, create)


class FilingDetailView(APIView):
    @extend_schema(responses={200: FilingDetailSerializer, 404: dict})
    def get(self, request, number):
        return detail_response(request, filing_for(request.user, number))


def count_public_lookup(request) -> None:
    if not allow(f"public:filings:{client_ip(request)}", **settings.GRIDGOV_PUBLIC_LOOKUP_LIMIT):
        raise TooManyRequests(_("Too many lookups from this address; please try again later."))


class PublicFilingListView(generics.ListAPIView):
    """Valid night-construction filings (approved, in force or still to come) of a site, by
    its id or by words of its name or address. No account needed; counted per address."""

    serializer_class = PublicFilingSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        params = self.request.query_params
        site = _site_id(params.get("site"))
        text = (params.get("q") or "").strip()[:100]
        if site is None and not text:
            raise InvalidInput(_("Name a site (site=<id>) or words of its name (q=…)."))
        count_public_lookup(self.request)
        if site is not None:
            return public_filings([site])
        return public_filings(list(public_sites(text).values_list("pk", flat=True)[:PUBLIC_SITES]))

    @extend_schema(
        operation_id="public_filings_list",
        auth=[],
        parameters=[
            OpenApiParameter("site", int, description=_("construction site id")),
            OpenApiParameter("q", str, description=_("words of the site's name or address")),
        ],
        responses={200: PublicFilingSerializer(many=True), 400: dict, 429: dict},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _day(value, name):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(_("%(name)s is not a date (YYYY-MM-DD).") % {"name": name}) from None


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def kpi_query_from(user, params) -> KpiQuery:
    for name in ("from", "to"):
        day = _day(params.get(name), name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidInput(_("Dates run from 2000-01-01 to 2099-12-31."))
    start, end = date_range(params.get("from"), params.get("to"))
    region = region_or_home_for(user, params.get("region"))
    if region is None:
        raise NotFound(_("Name a region."))
    return KpiQuery(region=region, start=start, end=end)


class NightConstructionKpiView(APIView):
    """Night construction per site and area: filings, complaints before and after the first
    approved filing, warnings, inspections and cases."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="kpi_night_construction",
        parameters=[
            OpenApiParameter("region", str, description=_("region code; default: your own")),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive")),
        ],
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request):
        figures = night_construction_kpis(request.user, kpi_query_from(request.user, request.GET))
        return Response(figures)
