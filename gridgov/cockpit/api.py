"""The cockpit's data endpoint: GET /api/v1/cockpit/{region_code}?period=…"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.dates import Period
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires

from .selectors import cockpit_data

_Region = inline_serializer(
    "CockpitRegion",
    {"code": serializers.CharField(), "name": serializers.CharField(),
     "level": serializers.CharField()},
)  # fmt: skip
_Figure = inline_serializer(
    "CockpitFigure",
    {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "unit": serializers.CharField(),
        "value": serializers.FloatField(allow_null=True),
        "higher_is_better": serializers.BooleanField(),
        "rows": serializers.CharField(allow_null=True),
        "by_child": serializers.BooleanField(),
    },
)
_Tile = inline_serializer(
    "CockpitTile",
    {
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "figures": _Figure.__class__(many=True),
        "charts": serializers.DictField(),
    },
)
COCKPIT = inline_serializer(
    "Cockpit",
    {
        "region": _Region,
        "period": serializers.DictField(),
        "ancestors": _Region.__class__(many=True),
        "children": _Region.__class__(many=True),
        "refreshed_at": serializers.DateTimeField(allow_null=True),
        "tiles": _Tile.__class__(many=True),
    },
)


class CockpitView(APIView):
    """Every cockpit tile you may see for a region of your area and a period, read from the
    rollups: figures (each with the link to the list behind it) and charts."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="cockpit_read",
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description=_(
                    "2026-11, 2026-W48, 2026-11-07, 2026 or 2026-11-01..2026-11-30; "
                    "default: this month"
                ),
            ),
        ],
        responses={200: COCKPIT, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request, region_code):
        period = Period.parse(request.query_params.get("period"))
        return Response(cockpit_data(request.user, region_code, period))
