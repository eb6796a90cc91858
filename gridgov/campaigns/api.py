"""REST API of the campaign boards: campaigns, their items, an item's stage moves and their
undoing, and the board's data. Thin: parse, call a selector or an action, serialise."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import body_object
from gridgov.core.errors import InvalidInput, NotFound, NotPermitted, stored_id
from gridgov.core.idempotency import idempotent
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.org.roles import has_capability
from gridgov.regions.selectors import region_for

from . import actions
from .places import m2_to_mu
from .selectors import (
    ItemFilter,
    board_figures,
    campaign_for,
    campaigns_for,
    item_for,
    items_of,
    map_features,
    records_of,
    region_outline,
    stages_of,
    teams_of,
)

# --- Output -------------------------------------------------------------------------------


class StageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    colour = serializers.CharField()
    skippable = serializers.BooleanField()
    stuck_days = serializers.IntegerField(allow_null=True)


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    leader = serializers.CharField(source="leader.name", default=None)


class CampaignSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    region = serializers.SerializerMethodField()
    started_on = serializers.DateField()
    stuck_days = serializers.IntegerField()
    description = serializers.CharField()

    def get_region(self, campaign) -> dict:
        return {"code": campaign.region.code, "name": campaign.region.name}


class CampaignDetailSerializer(CampaignSerializer):
    stages = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    def get_stages(self, campaign) -> list[dict]:
        return StageSerializer(stages_of(campaign), many=True).data

    def get_teams(self, campaign) -> list[dict]:
        return TeamSerializer(teams_of(campaign), many=True).data


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    owner = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    area_mu = serializers.SerializerMethodField()
    address = serializers.CharField()
    lon = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    stage = serializers.CharField(source="stage.name", default=None)
    stage_since = serializers.DateField(allow_null=True)
    task_team = serializers.CharField(source="task_team.name", default=None)
    version = serializers.IntegerField()

    def get_area_mu(self, item) -> float:
        return round(float(m2_to_mu(item.area_m2)), 4)


class RecordSerializer(serializers.Serializer):
    stage = serializers.CharField(source="stage.name")
    reached_on = serializers.DateField()
    done_by = serializers.CharField(source="done_by.username", default=None)
    note = serializers.CharField()
    documents = serializers.SerializerMethodField()
    undone_at = serializers.DateTimeField(allow_null=True)
    undo_reason = serializers.CharField()

    def get_documents(self, record) -> list[str]:
        return [f"/photos/{d.pk}/" for d in record.documents.all()]


class ItemDetailSerializer(ItemSerializer):
    geometry = serializers.SerializerMethodField()
    records = serializers.SerializerMethodField()

    def get_geometry(self, item) -> dict | None:
        import json

        return json.loads(item.geometry) if item.geometry else None

    def get_records(self, item) -> list[dict]:
        return RecordSerializer(records_of(item), many=True).data


# --- Input ----------------------------------------------------------------------------------


class StageInput(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    skippable = serializers.BooleanField(default=False)
    stuck_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)


class CampaignInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    region = serializers.CharField(max_length=32, help_text=_("the owning region's code"))
    started_on = serializers.DateField()
    stuck_days = serializers.IntegerField(min_value=1, max_value=3650, default=30)
    description = serializers.CharField(max_length=2000, required=False, default="")
    stages = StageInput(many=True)


class MoveInput(serializers.Serializer):
    stage = serializers.CharField(max_length=40, help_text=_("the stage's name or position"))
    reached_on = serializers.DateField(required=False, help_text=_("default: today"))
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text=_("the item's version as you saw it")
    )


class UndoInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(required=False)


def _valid(serializer_class, request) -> dict:
    body = serializer_class(data=body_object(request.data))
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def stage_named(campaign, text: str):
    stages = stages_of(campaign)
    chosen = next((s for s in stages if s.name == text or str(s.position) == text), None)
    if chosen is None:
        raise InvalidInput(_("No stage %(stage)s in this campaign.") % {"stage": text})
    return chosen


def _item(request, number, pk):
    campaign = campaign_for(request.user, number)
    if stored_id(pk) is None:
        raise NotFound()
    return campaign, item_for(request.user, campaign, pk)


# --- Views ----------------------------------------------------------------------------------

VIEW = [requires(Capability.VIEW_CAMPAIGNS)]


class CampaignListView(generics.ListAPIView):
    """Campaigns in your area, newest first; and setting up a new one."""

    serializer_class = CampaignSerializer
    permission_classes = VIEW

    def get_queryset(self):
        return campaigns_for(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(operation_id="campaigns_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="campaigns_create",
        request=CampaignInput,
        responses={201: CampaignDetailSerializer, 400: dict, 403: dict},
    )
    def post(self, request):
        if not has_capability(request.user, Capability.MANAGE_CAMPAIGNS):
            raise NotPermitted()

        def create():
            data = _valid(CampaignInput, request)
            campaign = actions.do_create_campaign(
                region=region_for(request.user, data["region"]),
                name=data["name"],
                stages=[actions.StageSpec(**s) for s in data["stages"]],
                started_on=data["started_on"],
                stuck_days=data["stuck_days"],
                description=data["description"],
                actor=request.user,
            )
            return Response(CampaignDetailSerializer(campaign).data, status.HTTP_201_CREATED)

        return idempotent(request, create)


class CampaignDetailView(APIView):
    permission_classes = VIEW

    @extend_schema(operation_id="campaigns_read", responses={200: CampaignDetailSerializer})
    def get(self, request, number):
        return Response(CampaignDetailSerializer(campaign_for(request.user, number)).data)


def item_filter_from(params) -> ItemFilter:
    def number(name):
        value = params.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError:
            raise InvalidInput(_("%(name)s must be a number.") % {"name": name}) from None

    return ItemFilter(
        stage=number("stage"),
        team=number("team"),
        stuck=params.get("stuck") in ("1", "true", "on"),
        q=(params.get("q") or "")[:64],
    )


class ItemListView(generics.ListAPIView):
    """A campaign's items, by code; filtered by stage (position), task team, stuck, words."""

    serializer_class = ItemSerializer
    permission_classes = VIEW

    def get_queryset(self):
        campaign = campaign_for(self.request.user, self.kwargs["number"])
        return items_of(self.request.user, campaign, item_filter_from(self.request.query_params))

    @extend_schema(
        operation_id="campaign_items_list",
        parameters=[
            OpenApiParameter("stage", int, description=_("the stage's position (0 first)")),
            OpenApiParameter("team", int, description=_("a task team's id")),
            OpenApiParameter("stuck", bool, description=_("only items stuck in their stage")),
            OpenApiParameter("q", str, description=_("words of the code or name")),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ItemDetailView(APIView):
    permission_classes = VIEW

    @extend_schema(operation_id="campaign_items_read", responses={200: ItemDetailSerializer})
    def get(self, request, number, pk):
        _campaign, item = _item(request, number, pk)
        return Response(ItemDetailSerializer(item).data)


class MoveView(APIView):
    """Record that the item reached a stage: the next one, or past skippable ones."""

    permission_classes = VIEW

    @extend_schema(
        operation_id="campaign_items_move",
        request=MoveInput,
        responses={200: ItemDetailSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, number, pk):
        def move():
            campaign, item = _item(request, number, pk)
            data = _valid(MoveInput, request)
            actions.do_move_item(
                item.pk,
                stage=stage_named(campaign, data["stage"]),
                reached_on=data.get("reached_on"),
                note=data["note"],
                version=data.get("version"),
                actor=request.user,
            )
            return Response(ItemDetailSerializer(item_for(request.user, campaign, pk)).data)

        return idempotent(request, move)


class UndoView(APIView):
    """Take back the item's last move, saying why."""

    permission_classes = VIEW

    @extend_schema(
        operation_id="campaign_items_undo",
        request=UndoInput,
        responses={200: ItemDetailSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, number, pk):
        def undo():
            campaign, item = _item(request, number, pk)
            data = _valid(UndoInput, request)
            actions.do_undo_move(
                item.pk, reason=data["reason"], version=data.get("version"), actor=request.user
            )
            return Response(ItemDetailSerializer(item_for(request.user, campaign, pk)).data)

        return idempotent(request, undo)


class BoardView(APIView):
    """Everything the board draws, in one answer: the funnel (count and area per stage), stuck
    items, the task teams, the burn-down against the plan, the items as GeoJSON coloured by
    stage, and the region's outline. Figures are aggregated by the database; places are sent as
    stored."""

    permission_classes = VIEW

    @extend_schema(operation_id="campaigns_board", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, number):
        return board_response(campaign_for(request.user, number))


def board_response(campaign) -> HttpResponse:
    import json

    figures = json.dumps(board_figures(campaign), ensure_ascii=False, separators=(",", ":"))
    body = (
        figures[:-1]
        + ',"outline":'
        + region_outline(campaign)
        + ',"items":'
        + map_features(campaign)
        + "}"
    )
    return HttpResponse(body.encode(), content_type="application/json")
