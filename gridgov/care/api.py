"""REST API of frontline care: duty posts, shifts, the duty policy, detection on demand, care
visits, rest orders and problems (their steps: `POST /api/v1/rest-orders/{number}/{action}`
and `/api/v1/care-problems/{number}/{action}`, from the kernel), and the figures.

Views only translate HTTP into selector and action calls."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.dates import date_range
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, stored_id
from gridgov.core.idempotency import idempotent
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.regions.selectors import region_for, region_or_home_for

from . import actions, rules
from .choices import PostKind, ProblemStatus, RestOrderStatus
from .detection import policy_for
from .kpi import KpiQuery, care_kpis
from .selectors import (
    ShiftFilter,
    post_for,
    posts_for,
    problems_for,
    rest_orders_for,
    shifts_for,
    visits_for,
)

# --- Output ---------------------------------------------------------------------------------


class DutyPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    region = serializers.CharField(source="region.code")
    town = serializers.CharField(source="town.name", default="")
    address = serializers.CharField()
    round_the_clock = serializers.BooleanField()


class ShiftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff = serializers.IntegerField(source="staff_id")
    staff_name = serializers.CharField(source="staff.name")
    post = serializers.IntegerField(source="post_id")
    post_name = serializers.CharField(source="post.name")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.FloatField()
    night = serializers.BooleanField(help_text=_("at least 3 hours between 22:00 and 06:00"))


class CareVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    post_name = serializers.CharField(source="post.name")
    visitor = serializers.CharField(source="visitor_name")
    visited_at = serializers.DateTimeField()
    packages = serializers.IntegerField()
    note = serializers.CharField()


class RestOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    staff = serializers.IntegerField(source="staff_id")
    staff_name = serializers.CharField(source="staff.name")
    breaches = serializers.JSONField()
    as_of = serializers.DateField()
    proposed_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField()
    rest_from = serializers.DateTimeField()
    rest_until = serializers.DateTimeField()
    due_at = serializers.DateTimeField()


class ProblemSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_id")
    post_name = serializers.CharField(source="visit.post.name")
    description = serializers.CharField()
    raised_at = serializers.DateTimeField()
    solved_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()


class PolicySerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code", read_only=True)
    max_hours_day = serializers.IntegerField()
    max_hours_week = serializers.IntegerField()
    max_days_in_a_row = serializers.IntegerField()
    max_nights_in_a_row = serializers.IntegerField()
    max_nights_week = serializers.IntegerField()


# --- Input ----------------------------------------------------------------------------------


class PostInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PostKind.choices)
    region = serializers.CharField(max_length=32, help_text=_("region code"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    round_the_clock = serializers.BooleanField(required=False, default=True)


class ShiftInput(serializers.Serializer):
    staff = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    post = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_at = serializers.DateTimeField(help_text=_("ISO 8601; without an offset: Beijing time"))
    ends_at = serializers.DateTimeField()


class CareVisitInput(serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list,
        max_length=200,
    )  # fmt: skip
    packages = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    problems = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=20
    )


class IssueInput(serializers.Serializer):
    """What issuing a rest order takes: how long the person rests."""

    rest_hours = serializers.IntegerField(
        min_value=actions.REST_HOURS_MIN, max_value=actions.REST_HOURS_MAX,
        required=False, default=actions.REST_HOURS_DEFAULT,
        help_text=_("hours of rest from now"),
    )  # fmt: skip


class DetectInput(serializers.Serializer):
    county = serializers.CharField(max_length=32, help_text=_("county code"))
    as_of = serializers.DateField(required=False, allow_null=True, default=None)


def _int(params, name) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    pk = stored_id(value)
    if pk is None:
        raise InvalidInput(_("%(name)s must be an id.") % {"name": name})
    return pk


def shift_filter_from(params) -> ShiftFilter:
    start, end = date_range(params.get("from"), params.get("to"))
    night = str(params.get("night", "")).lower() in ("1", "true", "yes", "on")
    return ShiftFilter(
        post=_int(params, "post"), staff=_int(params, "staff"), start=start, end=end, night=night
    )


# --- Views ----------------------------------------------------------------------------------


class PostListView(generics.ListAPIView):
    """Duty posts of your area."""

    serializer_class = DutyPostSerializer

    def get_queryset(self):
        p = self.request.query_params
        return posts_for(self.request.user, kind=p.get("kind", ""), q=p.get("q", "")[:100])

    @extend_schema(
        operation_id="duty_posts_list",
        parameters=[
            OpenApiParameter("kind", str, enum=PostKind.values),
            OpenApiParameter("q", str),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="duty_posts_create", request=PostInput,
                   responses={201: DutyPostSerializer, 400: dict, 403: dict})  # fmt: skip
    def post(self, request):
        def create():
            body = PostInput(data=request.data)
            body.is_valid(raise_exception=True)
            post = actions.do_create_post(
                actions.PostData(**body.validated_data), actor=request.user
            )
            post = post_for(request.user, post.pk)
            return Response(DutyPostSerializer(post).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class ShiftListView(generics.ListAPIView):
    """Shifts in your area, newest first; entering one refuses overlaps and rest orders."""

    serializer_class = ShiftSerializer

    def get_queryset(self):
        return shifts_for(self.request.user, shift_filter_from(self.request.query_params))

    @extend_schema(
        operation_id="shifts_list",
        parameters=[
            OpenApiParameter("post", int), OpenApiParameter("staff", int),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive")),
            OpenApiParameter("night", bool),
        ],
    )  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="shifts_create", request=ShiftInput,
                   responses={201: ShiftSerializer, 400: dict, 403: dict, 409: dict})  # fmt: skip
    def post(self, request):
        def create():
            body = ShiftInput(data=request.data)
            body.is_valid(raise_exception=True)
            d = body.validated_data
            shift = actions.do_add_shift(
                d["staff"], d["post"], d["starts_at"], d["ends_at"], actor=request.user
            )
            return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class ShiftDetailView(APIView):
    @extend_schema(operation_id="shifts_remove", responses={204: None, 403: dict, 404: dict})
    def delete(self, request, pk):
        actions.do_remove_shift(pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VisitListView(generics.ListAPIView):
    """Care visits in your area, newest first; recording one with the problems raised."""

    serializer_class = CareVisitSerializer

    def get_queryset(self):
        return visits_for(self.request.user)

    @extend_schema(operation_id="care_visits_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="care_visits_create", request=CareVisitInput,
                   responses={201: CareVisitSerializer, 400: dict, 403: dict})  # fmt: skip
    def post(self, request):
        def create():
            body = CareVisitInput(data=request.data)
            body.is_valid(raise_exception=True)
            d = dict(body.validated_data)
            d["people"], d["problems"] = tuple(d["people"]), tuple(d["problems"])
            visit = actions.do_record_visit(actions.VisitData(**d), actor=request.user)
            return Response(CareVisitSerializer(visit).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class RestOrderListView(generics.ListAPIView):
    """Forced-rest orders of your area: proposed, in force, over."""

    serializer_class = RestOrderSerializer

    def get_queryset(self):
        return rest_orders_for(self.request.user, self.request.query_params.get("status", ""))

    @extend_schema(
        operation_id="rest_orders_list",
        parameters=[OpenApiParameter("status", str, enum=RestOrderStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProblemListView(generics.ListAPIView):
    """Problems raised on care visits in your area."""

    serializer_class = ProblemSerializer

    def get_queryset(self):
        return problems_for(self.request.user, self.request.query_params.get("status", ""))

    @extend_schema(
        operation_id="care_problems_list",
        parameters=[OpenApiParameter("status", str, enum=ProblemStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DetectView(APIView):
    """Look for overwork in a county now; answers the proposals it made."""

    permission_classes = [requires(Capability.MANAGE_DUTY)]

    @extend_schema(
        operation_id="duty_detect",
        request=DetectInput,
        responses={200: RestOrderSerializer(many=True), 400: dict, 403: dict, 404: dict},
    )
    def post(self, request):
        body = DetectInput(data=request.data)
        body.is_valid(raise_exception=True)
        county = region_for(request.user, body.validated_data["county"])
        proposed = actions.do_detect(county, actor=request.user, as_of=body.validated_data["as_of"])
        return Response(RestOrderSerializer(proposed, many=True).data)


class PolicyView(APIView):
    """A county's duty policy (the defaults until its administrators set one)."""

    @extend_schema(operation_id="duty_policy_read", responses={200: PolicySerializer, 404: dict})
    def get(self, request, county):
        policy = policy_for(_county(request.user, county))
        return Response(PolicySerializer(policy).data)

    @extend_schema(operation_id="duty_policy_set", request=PolicySerializer,
                   responses={200: PolicySerializer, 400: dict, 403: dict, 404: dict})  # fmt: skip
    def put(self, request, county):
        region = _county(request.user, county)
        values = {name: request.data.get(name) for name in rules.POLICY_BOUNDS}
        policy = actions.do_set_policy(region, values, actor=request.user)
        return Response(PolicySerializer(policy).data)


def _county(user, code):
    region = region_for(user, code)
    if region.level != "county":
        raise NotFound(_("No county %(code)s in your area.") % {"code": code})
    return region


def kpi_query_from(user, params) -> KpiQuery:
    start, end = date_range(params.get("from"), params.get("to"))
    region = region_or_home_for(user, params.get("region"))
    if region is None:
        raise NotFound(_("Name a region."))
    return KpiQuery(region=region, start=start, end=end)


class CareKpiView(APIView):
    """Care visits, problems raised and solved, rest orders and hours on duty, for an area
    and a period (default: the last 90 days), per area one level down and per person."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="kpi_care",
        parameters=[
            OpenApiParameter("region", str, description=_("region code; default: your own")),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive")),
        ],
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request):
        return Response(care_kpis(request.user, kpi_query_from(request.user, request.GET)))
