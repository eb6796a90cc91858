"""REST endpoints of appointments under /api/v1/appointments/: resources and their free slots,
the bookings of a day or a week (who booked shown only to the resource's people), staff
booking on someone's behalf, walk-ins, the waiting list, and the public booking (a code
texted to the phone, then the booking). The bookings' steps (attend, no-show, cancel,
reschedule) are the kernel's: POST /api/v1/bookings/{number}/{action}."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.dates import parse_day
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, field_problem
from gridgov.core.pii import mask_name, mask_phone
from gridgov.workflow.api import actions_of, timeline_of

from . import actions
from .choices import WhoMayBook
from .selectors import (
    bookings_for,
    configured_resource,
    exception_for,
    free_slots,
    listed_member_for,
    member_list_for,
    member_lists_for,
    person_on,
    resource_for,
    resources_for,
    served_by,
)
from .workflow import BOOKING_WORKFLOW as WORKFLOW

REFUSED = {400: dict, 403: dict, 404: dict, 409: dict}
MAX_MEMBER_FILE = 2 * 2**20


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


# --- Configuration: resources, hours, exceptions, member lists ------------------------------
# For staff holding MANAGE_SERVICES in the resource's area; each write is one action, shared
# with the pages.


class ResourceDetailSerializer(ResourceSerializer):
    region_code = serializers.CharField(source="region.code")
    days_ahead = serializers.IntegerField()
    residents_of = serializers.CharField(source="residents_of.code", default=None)
    members = serializers.IntegerField(source="members_id", allow_null=True)
    is_active = serializers.BooleanField()
    hours = serializers.SerializerMethodField()

    def get_hours(self, resource) -> list[dict]:
        return [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in resource.hours.all()
        ]


class ResourceInput(serializers.Serializer):
    region = serializers.CharField(max_length=20, help_text=_("the area's code"))
    name = serializers.CharField(max_length=100)
    kind = serializers.CharField(max_length=12, help_text=_("counsellor, peer, room or desk"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    slot_minutes = serializers.IntegerField(min_value=5, max_value=actions.MAX_SLOT_MINUTES)
    days_ahead = serializers.IntegerField(
        min_value=1, max_value=actions.MAX_DAYS_AHEAD, required=False, default=30
    )
    sensitive = serializers.BooleanField(required=False, default=False)
    who_may_book = serializers.ChoiceField(choices=WhoMayBook.choices, default=WhoMayBook.ANYONE)
    residents_of = serializers.CharField(max_length=20, required=False, allow_null=True,
                                         default=None, help_text=_("the area's code"))  # fmt: skip
    members = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                       allow_null=True, default=None)  # fmt: skip


def _area_by_code(user, code, field):
    from gridgov.org.scoping import scoped
    from gridgov.regions.models import Region

    area = scoped(Region.objects.defer("boundary"), user).filter(code=code).first()
    if area is None:
        raise NotFound(_("No such area in yours."), details=[field_problem(field, _("Not found."))])
    return area


def _resource_input(request) -> tuple[actions.ResourceData, object]:
    data = _valid(ResourceInput, request)
    user = request.user
    region = _area_by_code(user, data.pop("region"), "region")
    if data["residents_of"]:
        data["residents_of"] = _area_by_code(user, data["residents_of"], "residents_of")
    if data["members"]:
        data["members"] = member_list_for(user, data["members"])
    return actions.ResourceData(**data), region


class ResourceCreateView(ResourceListView):
    """The resources that take appointments in your area; add one (its hours next)."""

    @extend_schema(
        operation_id="appointment_resources_add",
        request=ResourceInput,
        responses={201: ResourceDetailSerializer, **REFUSED},
    )
    def post(self, request):
        data, region = _resource_input(request)
        resource = actions.do_save_resource(data, actor=request.user, region=region)
        return Response(ResourceDetailSerializer(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetailView(APIView):
    @extend_schema(operation_id="appointment_resource", responses={200: ResourceDetailSerializer})
    def get(self, request, pk):
        return Response(ResourceDetailSerializer(configured_resource(request.user, pk)).data)

    @extend_schema(
        operation_id="appointment_resource_change",
        request=ResourceInput,
        responses={200: ResourceDetailSerializer, **REFUSED},
    )
    def put(self, request, pk):
        resource = configured_resource(request.user, pk)
        data, region = _resource_input(request)
        resource = actions.do_save_resource(
            data, actor=request.user, region=region, resource=resource
        )
        return Response(ResourceDetailSerializer(resource).data)


class ActiveInput(serializers.Serializer):
    active = serializers.BooleanField(help_text=_("false takes the resource out of booking"))


class ResourceActiveView(APIView):
    @extend_schema(
        operation_id="appointment_resource_active",
        request=ActiveInput,
        responses={200: ResourceDetailSerializer, **REFUSED},
    )
    def post(self, request, pk):
        resource = configured_resource(request.user, pk)
        active = _valid(ActiveInput, request)["active"]
        resource = actions.do_set_active(resource, active=active, actor=request.user)
        return Response(ResourceDetailSerializer(resource).data)


class HoursRangeInput(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=_("Monday 0 … Sunday 6"))
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class WeekInput(serializers.Serializer):
    hours = HoursRangeInput(many=True, max_length=7 * 6)


class WeekView(APIView):
    @extend_schema(
        operation_id="appointment_resource_week",
        description=_("Replace the week's opening hours; overlapping ranges are refused."),
        request=WeekInput,
        responses={200: ResourceDetailSerializer, **REFUSED},
    )
    def put(self, request, pk):
        resource = configured_resource(request.user, pk)
        hours = [
            (h["weekday"], h["opens"], h["closes"]) for h in _valid(WeekInput, request)["hours"]
        ]
        actions.do_set_weekly_hours(resource, hours, actor=request.user)
        return Response(ResourceDetailSerializer(resource).data)


class ExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    closed = serializers.BooleanField()
    opens = serializers.TimeField(allow_null=True)
    closes = serializers.TimeField(allow_null=True)
    reason = serializers.CharField()


class ExceptionInput(serializers.Serializer):
    day = serializers.DateField()
    closed = serializers.BooleanField(required=False, default=False)
    opens = serializers.TimeField(required=False, allow_null=True, default=None)
    closes = serializers.TimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ExceptionListView(generics.ListAPIView):
    """A resource's exceptions to its week (closed days, extra hours), the latest day first."""

    serializer_class = ExceptionSerializer

    def get_queryset(self):
        resource = configured_resource(self.request.user, self.kwargs["pk"])
        return resource.exceptions.order_by("-day", "pk")

    @extend_schema(operation_id="appointment_exceptions_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="appointment_exceptions_add",
        request=ExceptionInput,
        responses={201: ExceptionSerializer, **REFUSED},
    )
    def post(self, request, pk):
        resource = configured_resource(request.user, pk)
        made = actions.do_add_exception(
            resource, actor=request.user, **_valid(ExceptionInput, request)
        )
        return Response(ExceptionSerializer(made).data, status=status.HTTP_201_CREATED)


class ExceptionDetailView(APIView):
    @extend_schema(operation_id="appointment_exception_remove", responses={204: None, **REFUSED})
    def delete(self, request, pk, exception):
        resource = configured_resource(request.user, pk)
        actions.do_remove_exception(exception_for(resource, exception), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code")
    size = serializers.IntegerField(default=0)


class MemberListInput(serializers.Serializer):
    name = serializers.CharField(max_length=actions.MAX_LIST_NAME)
    region = serializers.CharField(max_length=20, help_text=_("the area's code"))


class RenameInput(serializers.Serializer):
    name = serializers.CharField(max_length=actions.MAX_LIST_NAME)


class MemberListsView(generics.ListAPIView):
    """The member lists of your area (an organisation's members who may book its resources)."""

    serializer_class = MemberListSerializer

    def get_queryset(self):
        return member_lists_for(self.request.user).order_by("name", "pk")

    @extend_schema(operation_id="appointment_member_lists_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="appointment_member_lists_add",
        request=MemberListInput,
        responses={201: MemberListSerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(MemberListInput, request)
        region = _area_by_code(request.user, data["region"], "region")
        made = actions.do_save_member_list(name=data["name"], region=region, actor=request.user)
        return Response(MemberListSerializer(made).data, status=status.HTTP_201_CREATED)


class MemberListView(APIView):
    @extend_schema(
        operation_id="appointment_member_list_rename",
        request=RenameInput,
        responses={200: MemberListSerializer, **REFUSED},
    )
    def put(self, request, pk):
        members = member_list_for(request.user, pk)
        name = _valid(RenameInput, request)["name"]
        members = actions.do_save_member_list(name=name, members=members, actor=request.user)
        return Response(MemberListSerializer(members).data)


class ListedMemberSerializer(serializers.Serializer):
    """A member as staff see them: masked."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    def get_name(self, member) -> str:
        return mask_name(member.name) if member.name else ""

    def get_phone(self, member) -> str:
        return mask_phone(member.phone) if member.phone else ""


class ListedMemberInput(serializers.Serializer):
    name = serializers.CharField(max_length=actions.MAX_NAME)
    phone = serializers.CharField(max_length=20)


class ListedMembersView(generics.ListAPIView):
    """A member list's members, masked; add one."""

    serializer_class = ListedMemberSerializer

    def get_queryset(self):
        return member_list_for(self.request.user, self.kwargs["pk"]).entries.order_by("pk")

    @extend_schema(operation_id="appointment_list_members_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="appointment_list_members_add",
        request=ListedMemberInput,
        responses={201: ListedMemberSerializer, **REFUSED},
    )
    def post(self, request, pk):
        members = member_list_for(request.user, pk)
        data = _valid(ListedMemberInput, request)
        made = actions.do_add_list_member(members, actor=request.user, **data)
        return Response(ListedMemberSerializer(made).data, status=status.HTTP_201_CREATED)


class ListedMemberView(APIView):
    @extend_schema(operation_id="appointment_list_member_remove", responses={204: None, **REFUSED})
    def delete(self, request, pk, member):
        members = member_list_for(request.user, pk)
        actions.do_remove_list_member(listed_member_for(members, member), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberFileInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel (.xlsx) or CSV: 姓名, 手机号"))


class MemberImportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    added = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.DictField())


class MemberImportView(APIView):
    """Import members from a spreadsheet: good rows added, a phone already listed left as it is,
    every other row reported by row and column."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="appointment_list_members_import",
        request={"multipart/form-data": MemberFileInput},
        responses={200: MemberImportSerializer, **REFUSED},
    )
    def post(self, request, pk):
        members = member_list_for(request.user, pk)  # before the body is read: 404 first
        actions.check_configures(request.user, members.region)
        upload = _valid(MemberFileInput, request)["file"]
        if upload.size > MAX_MEMBER_FILE:
            raise InvalidInput(_("The file is too large (at most 2 MB)."))
        report = actions.do_import_list_members(
            members, upload.read(), upload.name, actor=request.user
        )
        return Response(MemberImportSerializer(report).data)
