"""REST API of the ledgers (一标三实): buildings, houses, households and residents — lists in
the reader's area (paginated, fixed query counts), one row, adding rows, moves, and the audited
reveal of a resident's ID number or phone. ID numbers and phones are always masked.

Views only translate HTTP into selector and action calls.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import MAX_ID
from gridgov.org.api import reveal_response
from gridgov.org.choices import RevealPurpose
from gridgov.regions.choices import CRS

from . import actions
from .choices import Colour, HouseUse, MoveKind, Presence, Relation, ResidenceKind
from .selectors import (
    NO_COLOUR,
    building_for,
    filtered_buildings,
    filtered_households,
    filtered_residents,
    house_for,
    household_for,
    houses_for,
    members,
    moves_of,
    placement_for,
    region_for,
    resident_filter_from,
    resident_for,
    unit_target_for,
    units_of_building,
)

# --- Output -------------------------------------------------------------------------------


def _place(row) -> dict:
    return {"village": row.village_id, "grid": row.grid_id, "microgrid": row.microgrid_id}


class PlaceMixin(serializers.Serializer):
    place = serializers.SerializerMethodField()

    def get_place(self, row) -> dict:
        return _place(row)


class BuildingSerializer(PlaceMixin):
    id = serializers.IntegerField()
    address_code = serializers.CharField()
    address = serializers.CharField()
    name = serializers.CharField()
    floors = serializers.IntegerField(allow_null=True)
    lon = serializers.FloatField(allow_null=True, help_text="WGS84")
    lat = serializers.FloatField(allow_null=True, help_text="WGS84")


class HouseSerializer(PlaceMixin):
    id = serializers.IntegerField()
    building = serializers.IntegerField(source="building_id")
    unit = serializers.CharField()
    floor = serializers.IntegerField(allow_null=True)
    room = serializers.CharField()
    use = serializers.ChoiceField(choices=HouseUse.choices)
    label = serializers.CharField(source="__str__")


class HouseholdSerializer(PlaceMixin):
    number = serializers.CharField()
    house = serializers.IntegerField(source="house_id")
    address = serializers.CharField(source="house.__str__")
    size = serializers.IntegerField(help_text=_("people living here now"))
    note = serializers.CharField()


class ResidentSerializer(PlaceMixin):
    """A resident as every answer shows them: ID number and phone masked."""

    id = serializers.IntegerField()
    household = serializers.CharField(source="household.number")
    name = serializers.CharField()
    id_number = serializers.CharField(source="masked_id_number", help_text=_("masked"))
    phone = serializers.CharField(source="masked_phone", help_text=_("masked"))
    birth_date = serializers.DateField(allow_null=True)
    sex = serializers.CharField()
    residence = serializers.ChoiceField(choices=ResidenceKind.choices)
    relation = serializers.ChoiceField(choices=Relation.choices)
    presence = serializers.ChoiceField(choices=Presence.choices)
    colour = serializers.CharField()


class ResidentDetailSerializer(ResidentSerializer):
    groups = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_groups(self, resident) -> list[str]:
        return [g.code for g in resident.groups.all()]


class MoveSerializer(serializers.Serializer):
    resident = serializers.IntegerField(source="resident_id")
    name = serializers.CharField(source="resident.name")
    kind = serializers.ChoiceField(choices=MoveKind.choices)
    on = serializers.DateField()
    note = serializers.CharField()


class HouseholdDetailSerializer(HouseholdSerializer):
    members = serializers.SerializerMethodField()
    moves = serializers.SerializerMethodField()

    def get_members(self, household) -> list[dict]:
        return ResidentDetailSerializer(members(household), many=True).data

    def get_moves(self, household) -> list[dict]:
        return MoveSerializer(moves_of(household)[:100], many=True).data


def _valid(serializer_class, request):
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


# --- Input ----------------------------------------------------------------------------------


class BuildingInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    address = serializers.CharField(max_length=200)
    address_code = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    crs = serializers.ChoiceField(choices=CRS.choices, required=False, default=CRS.GCJ02)
    microgrid = serializers.CharField(
        max_length=32, required=False, default="", allow_blank=True,
        help_text=_("a micro-grid's code, when no location is given"),
    )  # fmt: skip
    floors = serializers.IntegerField(required=False, allow_null=True, default=None)


class HouseInput(serializers.Serializer):
    building = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    use = serializers.ChoiceField(choices=HouseUse.choices)
    unit = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    floor = serializers.IntegerField(required=False, allow_null=True, default=None)
    room = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)


class HouseholdInput(serializers.Serializer):
    house = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    number = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class ResidentInput(serializers.Serializer):
    household = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    residence = serializers.ChoiceField(
        choices=ResidenceKind.choices, required=False, default=ResidenceKind.REGISTERED
    )
    relation = serializers.ChoiceField(
        choices=Relation.choices, required=False, default=Relation.HEAD
    )
    groups = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, max_length=20
    )
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    arrival = serializers.ChoiceField(
        choices=[MoveKind.MOVE_IN, MoveKind.BIRTH], required=False, default=MoveKind.MOVE_IN
    )


class ResidentMoveInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[MoveKind.MOVE_OUT, MoveKind.MOVE_IN, MoveKind.DEATH])
    on = serializers.DateField(required=False, allow_null=True, default=None)
    household = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True,
        help_text=_("the household the person moves into, when it is another one"),
    )  # fmt: skip
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class RevealInput(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    purpose = serializers.ChoiceField(choices=RevealPurpose.choices)
    purpose_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200,
        help_text=_("why, in words: required when the purpose is other"),
    )  # fmt: skip


class RevealOutput(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


# --- Views ----------------------------------------------------------------------------------

REGION = OpenApiParameter("region", str, description=_("an area's id or code; default: yours"))
SEARCH = OpenApiParameter("q", str, description=_("an exact ID number, phone or household number"))


class BuildingListView(generics.ListAPIView):
    """Buildings in your area, by standard address code; adding one (placed by its point or
    its micro-grid)."""

    serializer_class = BuildingSerializer

    def get_queryset(self):
        params = self.request.query_params
        region = region_for(self.request.user, params.get("region"))
        return filtered_buildings(self.request.user, region, params.get("q", ""))

    @extend_schema(operation_id="buildings_list", parameters=[REGION, SEARCH])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="buildings_add",
        request=BuildingInput,
        responses={201: BuildingSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request):
        data = _valid(BuildingInput, request)
        building = actions.do_add_building(actions.BuildingData(**data), actor=request.user)
        return Response(BuildingSerializer(building).data, status=status.HTTP_201_CREATED)


class BuildingDetailView(APIView):
    @extend_schema(operation_id="buildings_read", responses={200: BuildingSerializer, 404: dict})
    def get(self, request, pk):
        return Response(BuildingSerializer(building_for(request.user, pk)).data)

    @extend_schema(
        operation_id="buildings_edit",
        request=BuildingInput,
        responses={200: BuildingSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
        description=_(
            "Replace a building's description; a new point or micro-grid moves its houses, "
            "households, residents and their rows in running canvasses with it."
        ),
    )
    def put(self, request, pk):
        building = building_for(request.user, pk)
        data = _valid(BuildingInput, request)
        building = actions.do_edit_building(
            building, actions.BuildingData(**data), actor=request.user
        )
        return Response(BuildingSerializer(building).data)


class UnitSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target_id")
    name = serializers.CharField(source="target.name")
    building = serializers.IntegerField(source="building_id")


class UnitInput(serializers.Serializer):
    target = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("an inspection target's id")
    )


class BuildingUnitListView(APIView):
    """The actual units (实有单位, inspection targets) at a building; placing one there."""

    @extend_schema(
        operation_id="building_units_list", responses={200: UnitSerializer(many=True), 404: dict}
    )
    def get(self, request, pk):
        building = building_for(request.user, pk)
        # A building holds a handful of units: the list is whole, bounded by the unit count.
        return Response(UnitSerializer(units_of_building(building)[:500], many=True).data)

    @extend_schema(
        operation_id="building_units_place",
        request=UnitInput,
        responses={201: UnitSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, pk):
        building = building_for(request.user, pk)
        target = unit_target_for(request.user, _valid(UnitInput, request)["target"])
        placement = actions.do_place_unit(target, building, actor=request.user)
        return Response(UnitSerializer(placement).data, status=status.HTTP_201_CREATED)


class BuildingUnitView(APIView):
    @extend_schema(
        operation_id="building_units_remove", responses={204: None, 403: dict, 404: dict}
    )
    def delete(self, request, pk, target):
        building = building_for(request.user, pk)
        actions.do_unplace_unit(placement_for(request.user, building, target), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseListView(generics.ListAPIView):
    """Houses in your area, or of one building."""

    serializer_class = HouseSerializer

    def get_queryset(self):
        params = self.request.query_params
        houses = houses_for(self.request.user).select_related("building")
        if building := params.get("building"):
            houses = houses.filter(building=building_for(self.request.user, building))
        region = region_for(self.request.user, params.get("region"))
        if region is not None:
            houses = houses.filter(**{region.level: region.pk})
        return houses.order_by("building_id", "unit", "room", "id")

    @extend_schema(
        operation_id="houses_list",
        parameters=[REGION, OpenApiParameter("building", int, description=_("a building's id"))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="houses_add",
        request=HouseInput,
        responses={201: HouseSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request):
        data = _valid(HouseInput, request)
        building = building_for(request.user, data.pop("building"))
        house = actions.do_add_house(building, actions.HouseData(**data), actor=request.user)
        return Response(HouseSerializer(house).data, status=status.HTTP_201_CREATED)


class HouseholdListView(generics.ListAPIView):
    """Households in your area, by number; search by a member's exact ID number or phone."""

    serializer_class = HouseholdSerializer

    def get_queryset(self):
        params = self.request.query_params
        region = region_for(self.request.user, params.get("region"))
        return filtered_households(self.request.user, region, params.get("q", ""))

    @extend_schema(operation_id="households_list", parameters=[REGION, SEARCH])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="households_add",
        request=HouseholdInput,
        responses={201: HouseholdSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request):
        data = _valid(HouseholdInput, request)
        house = house_for(request.user, data["house"])
        household = actions.do_add_household(
            house, actor=request.user, number=data["number"], note=data["note"]
        )
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)


class HouseholdDetailView(APIView):
    @extend_schema(responses={200: HouseholdDetailSerializer, 404: dict})
    def get(self, request, number):
        return Response(HouseholdDetailSerializer(household_for(request.user, number)).data)


RESIDENT_FILTERS = [
    REGION,
    OpenApiParameter("group", str, description=_("a special group's code")),
    OpenApiParameter("residence", str, enum=ResidenceKind.values),
    OpenApiParameter("colour", str, enum=[*Colour.values, NO_COLOUR]),
    OpenApiParameter("presence", str, enum=Presence.values),
    OpenApiParameter("q", str, description=_("an exact ID number, phone or name")),
]


class ResidentListView(generics.ListAPIView):
    """Residents in your area (ID numbers and phones masked), by household."""

    serializer_class = ResidentSerializer

    def get_queryset(self):
        user = self.request.user
        f = resident_filter_from(user, self.request.query_params)
        return filtered_residents(user, f, timezone.localdate())

    @extend_schema(operation_id="residents_list", parameters=RESIDENT_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="residents_add",
        request=ResidentInput,
        responses={201: ResidentDetailSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request):
        data = _valid(ResidentInput, request)
        household = household_for(request.user, data.pop("household"))
        resident = actions.do_add_resident(household, actor=request.user, **data)
        body = ResidentDetailSerializer(resident_for(request.user, resident.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ResidentDetailView(APIView):
    @extend_schema(responses={200: ResidentDetailSerializer, 404: dict})
    def get(self, request, pk):
        return Response(ResidentDetailSerializer(resident_for(request.user, pk)).data)


class ResidentMoveView(APIView):
    """Record a move: out, (back) in, into another household, or a death."""

    @extend_schema(
        operation_id="residents_move",
        request=ResidentMoveInput,
        responses={200: ResidentDetailSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, pk):
        resident = resident_for(request.user, pk)
        data = _valid(ResidentMoveInput, request)
        target = household_for(request.user, data["household"]) if data["household"] else None
        actions.do_record_move(
            resident,
            data["kind"],
            data["on"],
            actor=request.user,
            household=target,
            note=data["note"],
        )
        return Response(ResidentDetailSerializer(resident_for(request.user, pk)).data)


class ResidentRevealView(APIView):
    """A resident's ID number or phone in full, for a stated purpose. Audited; only some
    roles may."""

    @extend_schema(
        operation_id="residents_reveal",
        request=RevealInput,
        responses={200: RevealOutput, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, pk):
        resident = resident_for(request.user, pk)
        return reveal_response(request, resident, _valid(RevealInput, request))
