"""REST API of the door-knocking canvasses: list and prepare them, their coverage by area, the
proof list (households not yet reached, members masked), visits (with Idempotency-Key), excuses,
assignments, and the four colours (counts by area, a manual override). The steps (start, close,
cancel) are the kernel's `POST /api/v1/canvasses/{number}/{action}`.

Views only translate HTTP into selector and action calls.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import InvalidInput, NotFound, stored_id
from gridgov.core.idempotency import HEADER, idempotent
from gridgov.core.parsers import JSONParser
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region
from gridgov.workflow.api import actions_of, timeline_of
from gridgov.workflow.models import urgency_of

from . import canvass_actions as actions
from . import colours, coverage
from .choices import CanvassTarget, Colour, CoverageLevel, HouseholdState, VisitOutcome
from .models import Canvass
from .workflow import CANVASS_WORKFLOW as WORKFLOW

# --- Output -------------------------------------------------------------------------------


class CanvassListSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.CharField()
    is_emergency = serializers.BooleanField()


class CanvassDetailSerializer(CanvassListSerializer):
    version = serializers.IntegerField()
    target_groups = serializers.SerializerMethodField()
    target_colour = serializers.CharField()
    form = serializers.JSONField()
    retain_until = serializers.DateField()
    due_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    urgency = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_target_groups(self, canvass) -> list[str]:
        return [g.code for g in canvass.target_groups.all()]

    def get_urgency(self, canvass) -> str:
        return urgency_of(canvass)

    def get_timeline(self, canvass) -> list[dict]:
        return timeline_of(canvass)

    def get_actions(self, canvass) -> list[str]:
        return actions_of(WORKFLOW, canvass, self.context["request"])


class CoverageRowSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="region_id")
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    level = serializers.CharField(source="region.level")
    households_total = serializers.IntegerField()
    households_visited = serializers.IntegerField()
    households_excused = serializers.IntegerField()
    persons_total = serializers.IntegerField()
    persons_seen = serializers.IntegerField()
    done = serializers.SerializerMethodField(help_text=_("share reached, 0 to 1"))

    def get_done(self, row) -> float:
        return round(coverage.done_share(row), 4)


class CoverageSerializer(serializers.Serializer):
    area = CoverageRowSerializer()
    children = CoverageRowSerializer(many=True)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    id_number = serializers.CharField(source="masked_id_number")
    phone = serializers.CharField(source="masked_phone")
    colour = serializers.CharField()


class CanvassedSerializer(serializers.Serializer):
    household = serializers.CharField(source="household.number")
    address = serializers.SerializerMethodField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    visits = serializers.IntegerField()
    persons_total = serializers.IntegerField()
    persons_seen = serializers.IntegerField()
    excuse = serializers.CharField()
    members = serializers.SerializerMethodField()

    def get_address(self, row) -> str:
        return str(row.household.house)

    def get_members(self, row) -> list[dict]:
        members = self.context.get("members", {}).get(row.household_id, [])
        return MemberSerializer(members, many=True).data


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    household = serializers.CharField(source="canvassed.household.number")
    outcome = serializers.CharField()
    visited_at = serializers.DateTimeField()
    note = serializers.CharField()
    state = serializers.CharField(source="canvassed.state")
    event = serializers.SerializerMethodField()

    def get_event(self, visit) -> str:
        return getattr(visit, "event_number", "")


# --- Input --------------------------------------------------------------------------------


class CanvassInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    region = serializers.IntegerField(help_text=_("the area's id: a county, town, village, grid"))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.ChoiceField(CanvassTarget.choices, default=CanvassTarget.ALL)
    target_groups = serializers.ListField(child=serializers.CharField(), default=list)
    target_colour = serializers.ChoiceField(Colour.choices, required=False, default="")
    form = serializers.JSONField(required=False, default=None, help_text=_("empty: the default"))
    is_emergency = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class VisitInput(serializers.Serializer):
    household = serializers.CharField(max_length=40)
    outcome = serializers.ChoiceField(VisitOutcome.choices, default=VisitOutcome.VISITED)
    persons = serializers.JSONField(
        required=False,
        default=dict,
        help_text=_("resident id → {answers: {key: value}, seen: bool}; omitted: all well"),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    need = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ExcuseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AssignmentInput(serializers.Serializer):
    staff = serializers.IntegerField()
    level = serializers.ChoiceField(CoverageLevel.choices)
    region = serializers.IntegerField()
    building = serializers.IntegerField(required=False, allow_null=True, default=None)


class ColourInput(serializers.Serializer):
    colour = serializers.ChoiceField(Colour.choices)
    reason = serializers.CharField(max_length=200)


class CanvassAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class ColourCountsSerializer(serializers.Serializer):
    total = serializers.DictField(child=serializers.IntegerField(), help_text="colour → people")
    by_area = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="area id → colour → people",
    )


class ColourSetSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    colour = serializers.CharField()
    previous = serializers.CharField()


def _valid(serializer_class, data) -> dict:
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def canvass_for(user, number: str) -> Canvass:
    return WORKFLOW.item_for(user, number)


def area_for(user, canvass, value) -> Region:
    """The area asked about: the canvass's own, or one inside it the user may see."""
    if value in (None, ""):
        region = canvass.region
    else:
        region = Region.objects.filter(pk=stored_id(value)).first()
    if region is None or not canvass.region.contains(region):
        raise NotFound()
    if not scoped(Region.objects.filter(pk=region.pk), user).exists():
        # A grid worker reads the part of a town's canvass that is theirs.
        raise NotFound()
    return region


REGION = OpenApiParameter("region", int, description=_("an area's id; default: the canvass's"))


# --- Views --------------------------------------------------------------------------------


class CanvassListCreateView(generics.ListAPIView):
    """Canvasses of your area (and those over it you work in), and preparing a new one."""

    serializer_class = CanvassListSerializer

    def get_queryset(self):
        rows = scoped(Canvass.objects.select_related("region"), self.request.user)
        state = self.request.query_params.get("status")
        return rows.filter(status=state) if state else rows.order_by("-starts_on", "-id")

    @extend_schema(operation_id="canvasses_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="canvasses_create",
        request=CanvassInput,
        responses={201: CanvassDetailSerializer, 400: dict, 403: dict},
    )
    def post(self, request):
        def create():
            data = _valid(CanvassInput, request.data)
            note = data.pop("note")
            canvass = actions.do_create_canvass(
                actions.CanvassData(**data), actor=request.user, note=note
            )
            body = CanvassDetailSerializer(canvass, context={"request": request}).data
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class CanvassDetailView(APIView):
    @extend_schema(operation_id="canvasses_read", responses={200: CanvassDetailSerializer})
    def get(self, request, number):
        canvass = canvass_for(request.user, number)
        return Response(CanvassDetailSerializer(canvass, context={"request": request}).data)


class CoverageView(APIView):
    """An area's counters and those of each area directly below it."""

    @extend_schema(
        operation_id="canvasses_coverage",
        parameters=[REGION],
        responses={200: CoverageSerializer, 404: dict},
    )
    def get(self, request, number):
        canvass = canvass_for(request.user, number)
        region = area_for(request.user, canvass, request.query_params.get("region"))
        row, children = coverage.area_coverage(canvass, region)
        if row is None:
            raise NotFound()
        return Response(CoverageSerializer({"area": row, "children": children}).data)


class ProofListView(generics.ListAPIView):
    """The proof list: an area's households not yet reached, members masked; empty means
    不落一户. state=pending|nobody_home|visited|excused narrows it."""

    serializer_class = CanvassedSerializer

    def get_queryset(self):
        canvass = canvass_for(self.request.user, self.kwargs["number"])
        region = area_for(self.request.user, canvass, self.request.query_params.get("region"))
        state = self.request.query_params.get("state")
        if state and state not in HouseholdState.values:
            raise InvalidInput(_("Unknown state."))
        states = (state,) if state else coverage.OPEN
        return scoped(coverage.proof_list(canvass, region, states=states), self.request.user)

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else []
        context = {**self.get_serializer_context(), **kwargs.pop("context", {})}
        context["members"] = coverage.residents_of(rows)
        return self.serializer_class(*args, context=context, **kwargs)

    @extend_schema(
        operation_id="canvasses_households",
        parameters=[REGION, OpenApiParameter("state", str, enum=HouseholdState.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VisitView(APIView):
    """Record a visit of one household. Omitted answers are the form's defaults (at home, all
    well); a retried request with the same Idempotency-Key records nothing new."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="canvasses_visit",
        request={"application/json": VisitInput, "multipart/form-data": VisitInput},
        responses={201: VisitSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER)],
    )
    def post(self, request, number):
        def create():
            canvass = canvass_for(request.user, number)
            payload = (
                dict(request.data.items()) if hasattr(request.data, "getlist") else request.data
            )
            if hasattr(request.FILES, "getlist"):
                payload = {**payload, "photos": request.FILES.getlist("photos")}
            data = _valid(VisitInput, payload)
            visit = actions.do_record_visit(
                canvass,
                actions.VisitData(**data, idempotency_key=request.headers.get(HEADER, "")[:64]),
                actor=request.user,
            )
            return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class ExcuseView(APIView):
    @extend_schema(
        operation_id="canvasses_excuse",
        request=ExcuseInput,
        responses={200: CanvassedSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, number, household):
        canvass = canvass_for(request.user, number)
        data = _valid(ExcuseInput, request.data)
        row = actions.do_excuse_household(
            canvass, household, actor=request.user, reason=data["reason"]
        )
        return Response(CanvassedSerializer(row).data)


class AssignmentView(APIView):
    @extend_schema(
        operation_id="canvasses_assign",
        request=AssignmentInput,
        responses={201: CanvassAssignmentSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, number):
        canvass = canvass_for(request.user, number)
        data = _valid(AssignmentInput, request.data)
        assignment = actions.do_assign(canvass, actor=request.user, **data)
        return Response({"id": assignment.pk}, status=status.HTTP_201_CREATED)


class ColourCountsView(APIView):
    """Present residents by colour in an area and in each area below it."""

    @extend_schema(
        operation_id="colours_counts",
        parameters=[OpenApiParameter("region", int, required=True)],
        responses={200: ColourCountsSerializer, 404: dict},
    )
    def get(self, request):
        region = scoped(Region.objects.all(), request.user).filter(
            pk=stored_id(request.query_params.get("region"))
        )
        region = region.first()
        if region is None:
            raise NotFound()
        return Response(colours.colour_counts(region, request.user))


class ColourOverrideView(APIView):
    @extend_schema(
        operation_id="residents_colour",
        request=ColourInput,
        responses={200: ColourSetSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, pk):
        data = _valid(ColourInput, request.data)
        change = colours.do_override_colour(
            pk, data["colour"], actor=request.user, reason=data["reason"]
        )
        return Response({"resident": pk, "colour": change.colour, "previous": change.previous})
