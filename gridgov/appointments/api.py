"""REST endpoints of appointments under /api/v1/appointments/: resources and their free slots,
the bookings of a day or a week (who booked shown only to the resource's people), staff
booking on someone's behalf, walk-ins, the waiting list, and the public booking (a code
texted to the phone, then the booking). The bookings' steps (attend, no-show, cancel,
reschedule) are the kernel's: POST /api/v1/bookings/{number}/{action}."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.dates import parse_day
from gridgov.core.errors import MAX_ID
from gridgov.workflow.api import actions_of, timeline_of

from . import actions
from .selectors import (
    bookings_for,
    free_slots,
    person_on,
    resource_for,
    resources_for,
    served_by,
)
from .workflow import BOOKING_WORKFLOW as WORKFLOW

REFUSED = {400: dict, 403: dict, 404: dict, 409: dict}


class ResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.name")
    place = serializers.CharField()
    slot_minutes = serializers.IntegerField()
    who_may_book = serializers.CharField()
    sensitive = serializers.BooleanField()


class BookingSerializer(serializers.Serializer):
    """A booking; `name` and `phone` in full for the resource's staff and duty managers only,
    masked for other staff of the area, empty on a sensitive resource."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    resource = serializers.IntegerField(source="resource_id")
    resource_name = serializers.CharField(source="resource.name")
    slot_start = serializers.DateTimeField()
    slot_end = serializers.DateTimeField()
    channel = serializers.CharField()
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    def _person(self, booking):
        served = self.context.setdefault("served", served_by(self.context["request"].user))
        return person_on(booking, served)

    def get_name(self, booking) -> str:
        return self._person(booking).name

    def get_phone(self, booking) -> str:
        return self._person(booking).phone


class BookingDetailSerializer(BookingSerializer):
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_timeline(self, booking) -> list[dict]:
        return timeline_of(booking)

    def get_actions(self, booking) -> list[str]:
        return actions_of(WORKFLOW, booking, self.context["request"])


class BookInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    slot_start = serializers.DateTimeField()
    name = serializers.CharField(max_length=actions.MAX_NAME)
    phone = serializers.CharField(max_length=20)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BookedSerializer(serializers.Serializer):
    number = serializers.CharField()
    slot_start = serializers.DateTimeField()
    link = serializers.CharField(help_text=_("The person's link to cancel or reschedule."))


class WalkInInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    name = serializers.CharField(max_length=actions.MAX_NAME)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class WaitingInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    day = serializers.DateField()
    name = serializers.CharField(max_length=actions.MAX_NAME)
    phone = serializers.CharField(max_length=20)


class CodeInput(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class PublicBookInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    slot_start = serializers.DateTimeField()
    name = serializers.CharField(max_length=actions.MAX_NAME)
    phone = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=8)


def _valid(serializer_class, request):
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def link_for(token: str) -> str:
    return f"/public/appointments/b/{token}/"


class ResourceListView(generics.ListAPIView):
    """The resources that take appointments in your area."""

    serializer_class = ResourceSerializer

    def get_queryset(self):
        return resources_for(self.request.user)

    @extend_schema(operation_id="appointment_resources_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SlotsView(APIView):
    """A resource's free slots on a day (anyone may ask: the public page shows them)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="appointment_slots",
        parameters=[OpenApiParameter("day", str, description=_("YYYY-MM-DD; today if absent"))],
        responses={200: serializers.ListSerializer(child=serializers.DateTimeField()), 404: dict},
    )
    def get(self, request, pk):
        resource = actions.open_resource(pk)
        day = parse_day(request.query_params.get("day"), "day") or timezone.localdate()
        return Response([s.isoformat() for s in free_slots(resource, day)])


class BookingListView(generics.ListAPIView):
    """Bookings of the days from `day` (today by default; `days` 1 to 7), by resource."""

    serializer_class = BookingSerializer

    def get_queryset(self):
        params = self.request.query_params
        user = self.request.user
        start = parse_day(params.get("day"), "day") or timezone.localdate()
        days = 7 if params.get("days") == "7" else 1
        resource = resource_for(user, params["resource"]) if params.get("resource") else None
        return bookings_for(user, start=start, days=days, resource=resource)

    @extend_schema(
        operation_id="bookings_list",
        parameters=[
            OpenApiParameter("day", str, description=_("YYYY-MM-DD; today if absent")),
            OpenApiParameter("days", int, enum=[1, 7]),
            OpenApiParameter("resource", int),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="bookings_add",
        description=_("Book a slot on someone's behalf; 409 when the slot is taken."),
        request=BookInput,
        responses={201: BookedSerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(BookInput, request)
        resource = resource_for(request.user, data.pop("resource"))
        booking, token = actions.do_book(resource, actor=request.user, **data)
        body = {"number": booking.number, "slot_start": booking.slot_start, "link": link_for(token)}
        return Response(BookedSerializer(body).data, status=status.HTTP_201_CREATED)


class WalkInView(APIView):
    @extend_schema(
        operation_id="bookings_walk_in",
        request=WalkInInput,
        responses={201: BookingDetailSerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(WalkInInput, request)
        resource = resource_for(request.user, data.pop("resource"))
        booking = actions.do_walk_in(resource, actor=request.user, **data)
        answer = BookingDetailSerializer(booking, context={"request": request})
        return Response(answer.data, status=status.HTTP_201_CREATED)


class WaitingView(APIView):
    @extend_schema(
        operation_id="appointment_waiting_join",
        request=WaitingInput,
        responses={201: dict, **REFUSED},
    )
    def post(self, request):
        data = _valid(WaitingInput, request)
        resource = resource_for(request.user, data.pop("resource"))
        entry = actions.do_join_waiting_list(resource, actor=request.user, **data)
        return Response({"id": entry.pk, "day": entry.day}, status=status.HTTP_201_CREATED)


class PublicCodeView(APIView):
    """Text a booking code to a phone; counted per phone and per address."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="appointment_code", request=CodeInput,
                   responses={202: dict, 400: dict, 429: dict})  # fmt: skip
    def post(self, request):
        data = _valid(CodeInput, request)
        actions.do_send_code(data["phone"], ip=client_ip(request))
        return Response({"sent": True}, status=status.HTTP_202_ACCEPTED)


class PublicBookingView(APIView):
    """Book with the code texted to the phone (no account)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="appointment_public_book", request=PublicBookInput,
                   responses={201: BookedSerializer, **REFUSED, 429: dict})  # fmt: skip
    def post(self, request):
        data = _valid(PublicBookInput, request)
        booking, token = actions.do_book_public(data.pop("resource"), ip=client_ip(request), **data)
        body = {"number": booking.number, "slot_start": booking.slot_start, "link": link_for(token)}
        return Response(BookedSerializer(body).data, status=status.HTTP_201_CREATED)
