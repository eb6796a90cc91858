"""The phone app's own reads: who I am and where my micro-grid is, my open tasks nearest first,
my messages. Everything it writes goes through the areas' endpoints (event reports, the kernel's
steps), each with an Idempotency-Key made on the phone.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import Pagination
from gridgov.core.errors import InvalidInput, field_problem
from gridgov.org.roles import post_of
from gridgov.regions.choices import CRS
from gridgov.regions.crs import wgs84_point
from gridgov.workflow.models import urgency_of

from .selectors import my_messages, my_tasks, phone_actions


class StepSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    note_required = serializers.BooleanField()
    photos = serializers.BooleanField(source="takes_photos")


class TaskSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("events or inspections"))
    number = serializers.CharField(source="item.number")
    title = serializers.CharField()
    status = serializers.CharField(source="item.status")
    status_label = serializers.CharField(source="item.get_status_display")
    version = serializers.IntegerField(source="item.version")
    due_at = serializers.DateTimeField(source="item.due_at")
    urgency = serializers.SerializerMethodField()
    lon = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    distance_m = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    def get_urgency(self, task) -> str:
        return urgency_of(task.item)

    def get_distance_m(self, task) -> int | None:
        return None if task.distance_m is None else round(task.distance_m)

    @extend_schema(responses=StepSerializer(many=True))
    def get_steps(self, task) -> list[dict]:
        return StepSerializer(phone_actions(task, self.context["request"].user), many=True).data


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class PhoneUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("the signed-in user: the phone's outbox is theirs"))
    name = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    region = serializers.DictField(
        allow_null=True, help_text=_("my posting: id, code, name and its label point (WGS84)")
    )


def _position(params) -> tuple[float | None, float | None]:
    """The phone's position from ?lon=&lat=[&crs=] (WGS84 from a browser), or none."""
    if "lon" not in params and "lat" not in params:
        return None, None
    try:
        return wgs84_point(params.get("lon"), params.get("lat"), params.get("crs") or CRS.WGS84)
    except ValueError:
        raise InvalidInput(
            _("The position is not valid."),
            details=[field_problem("lon", _("lon and lat must be a point on Earth."))],
        ) from None


class MyTasksView(APIView):
    """Events and inspections waiting for me, nearest to my position first."""

    @extend_schema(
        operation_id="mobile_tasks",
        parameters=[
            OpenApiParameter("lon", float, description=_("my longitude")),
            OpenApiParameter("lat", float, description=_("my latitude")),
            OpenApiParameter("crs", str, enum=["wgs84", "gcj02"]),
        ],
        responses=TaskSerializer(many=True),
    )
    def get(self, request):
        lon, lat = _position(request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(my_tasks(request.user, lon=lon, lat=lat), request, self)
        data = TaskSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class MyMessagesView(APIView):
    """What the closed loop told me, newest first."""

    @extend_schema(operation_id="mobile_messages", responses=MessageSerializer(many=True))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(my_messages(request.user), request, self)
        return paginator.get_paginated_response(MessageSerializer(page, many=True).data)


class MeView(APIView):
    """Who I am and the region I work in (the app draws its outline)."""

    @extend_schema(operation_id="mobile_me", responses=PhoneUserSerializer)
    def get(self, request):
        post = post_of(request.user)
        region = None
        if post is not None:
            r = post.region
            region = {
                "id": r.pk,
                "code": r.code,
                "name": r.name,
                "lon": r.label_lon,
                "lat": r.label_lat,
            }
        name = getattr(request.user, "display_name", "") or request.user.get_username()
        role = "" if post is None else post.role
        me = {"id": request.user.pk, "name": name, "role": role, "region": region}
        return Response(PhoneUserSerializer(me).data)
