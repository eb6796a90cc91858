import json
import math

import shapely
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import InvalidInput, NotFound
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires

from .choices import CRS, RegionLevel
from .crs import to_wgs84
from .locate import locate_point
from .models import Region
from .selectors import ancestors_of, region_for, regions_for

# --- Locate -------------------------------------------------------------------------------


class LocateQuery(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=CRS.choices, default=CRS.WGS84)

    def validate(self, attrs):
        if not (math.isfinite(attrs["lon"]) and math.isfinite(attrs["lat"])):
            raise serializers.ValidationError(_("lon and lat must be finite numbers."))
        return attrs


def region_brief(region: Region | None) -> dict | None:
    if region is None:
        return None
    return {"code": region.code, "name": region.name}


class LocateView(APIView):
    """The micro-grid, grid, village, town and county that contain a point."""

    permission_classes = [requires(Capability.VIEW_REGIONS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", float, required=True, description=_("longitude")),
            OpenApiParameter("lat", float, required=True, description=_("latitude")),
            OpenApiParameter("crs", str, enum=CRS.values, description="wgs84 | gcj02"),
        ],
        responses={200: dict, 400: dict, 404: dict},
    )
    def get(self, request):
        query = LocateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        lon, lat = (
            float(v)
            for v in to_wgs84(
                query.validated_data["lon"],
                query.validated_data["lat"],
                query.validated_data["crs"],
            )
        )
        microgrid = locate_point(lon, lat)
        if microgrid is None:
            raise NotFound(
                _("The point %(lon).6f, %(lat).6f is not inside any micro-grid.")
                % {"lon": lon, "lat": lat}
            )
        return Response(
            {
                "point": {"lon": round(lon, 7), "lat": round(lat, 7), "crs": CRS.WGS84},
                "microgrid": region_brief(microgrid),
                "grid": region_brief(microgrid.grid),
                "village": region_brief(microgrid.village),
                "town": region_brief(microgrid.town),
                "county": region_brief(microgrid.county),
                "city": region_brief(microgrid.city),
            }
        )


# --- The tree -----------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(
        source="parent.code", default=None, allow_null=True, read_only=True
    )
    leader = serializers.CharField(
        source="leader.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent_code", "label_lon", "label_lat", "leader"]


class RegionDetailSerializer(RegionSerializer):
    ancestors = serializers.SerializerMethodField()

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "ancestors"]

    def get_ancestors(self, region) -> list[dict]:
        return [{"code": a.code, "name": a.name, "level": a.level} for a in ancestors_of(region)]


class RegionListView(generics.ListAPIView):
    """Regions in your area, filtered by parent code, level or name."""

    serializer_class = RegionSerializer
    permission_classes = [requires(Capability.VIEW_REGIONS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", str),
            OpenApiParameter("level", str, enum=RegionLevel.values),
            OpenApiParameter("q", str, description=_("part of the name or code")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = regions_for(self.request.user).select_related("parent", "leader")
        params = self.request.query_params
        if parent := params.get("parent"):
            queryset = queryset.filter(parent__code=parent)
        if level := params.get("level"):
            if level not in RegionLevel.values:
                raise InvalidInput(_("Unknown level %(level)r.") % {"level": level})
            queryset = queryset.filter(level=level)
        if text := params.get("q"):
            queryset = queryset.filter(name__contains=text) | queryset.filter(code__startswith=text)
        return queryset.order_by("code")


class RegionDetailView(APIView):
    permission_classes = [requires(Capability.VIEW_REGIONS)]

    @extend_schema(responses=RegionDetailSerializer)
    def get(self, request, code):
        return Response(RegionDetailSerializer(region_for(request.user, code)).data)


class RegionChildrenGeoJSONView(APIView):
    """The children of a region as a GeoJSON FeatureCollection (WGS84), for maps."""

    permission_classes = [requires(Capability.VIEW_REGIONS)]

    @extend_schema(responses={200: dict})
    def get(self, request, code):
        region = region_for(request.user, code)
        children = (
            regions_for(request.user)
            .filter(parent=region, boundary__isnull=False)
            .select_related("leader")
            .order_by("code")
        )
        return Response(feature_collection([region, *children], focus=region))


def feature_collection(regions, *, focus: Region, with_leaders: bool = True) -> dict:
    """Regions as GeoJSON features. with_leaders=False: for public maps, no staff names."""
    features = []
    for region in regions:
        geometry = region.geometry()
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geometry)),
                "properties": {
                    "code": region.code,
                    "name": region.name,
                    "level": region.level,
                    "leader": region.leader.name if with_leaders and region.leader_id else None,
                    "role": "focus" if region.pk == focus.pk else "child",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
