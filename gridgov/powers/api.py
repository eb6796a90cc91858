"""REST API for the power-item catalogue: the catalogue as of a date, one item with its
history, and the catalogue's figures. Read by every staff member (the catalogue is published).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import InvalidInput, NotFound
from gridgov.org.models import Department
from gridgov.org.scoping import scoped

from .choices import PowerKind, PowerStatus
from .kpi import power_kpis
from .selectors import (
    CatalogueFilter,
    can_read_catalogue,
    catalogue,
    history_of,
    jurisdiction_or_default,
    parse_as_of,
    power_item_for,
    version_on,
)


class CatalogueReaders(BasePermission):
    message = _("Only staff may read the power-item catalogue.")

    def has_permission(self, request, view):
        return can_read_catalogue(request.user)


# --- Output -------------------------------------------------------------------------------


def _unit(department) -> dict | None:
    return None if department is None else {"code": department.code, "name": department.name}


class PowerItemSerializer(serializers.Serializer):
    """An item as the catalogue lists it on the day asked: its version in effect then."""

    id = serializers.IntegerField(source="item.pk")
    code = serializers.CharField(source="item.code")
    name = serializers.CharField(source="item.name")
    kind = serializers.ChoiceField(source="item.kind", choices=PowerKind.choices)
    kind_label = serializers.CharField(source="item.get_kind_display")
    jurisdiction = serializers.CharField(source="item.jurisdiction.code")
    department = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=PowerStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    effective_from = serializers.DateField()
    document_number = serializers.CharField()

    def get_department(self, version) -> dict:
        return _unit(version.department)


class VersionSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    department = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=PowerStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    document_number = serializers.CharField()
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.SerializerMethodField()

    def get_department(self, version) -> dict:
        return _unit(version.department)

    def get_recorded_by(self, version) -> str | None:
        return version.recorded_by.get_username() if version.recorded_by_id else None


class PowerItemDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PowerKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    legal_basis = serializers.CharField()
    jurisdiction = serializers.SerializerMethodField()
    as_of = serializers.DateField()
    current = VersionSerializer(allow_null=True, help_text=_("The version in effect on as_of."))
    history = VersionSerializer(many=True, help_text=_("Every version, oldest first."))

    def get_jurisdiction(self, item) -> dict:
        return {"code": item.jurisdiction.code, "name": item.jurisdiction.name}


class KindCountSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PowerKind.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    in_force = serializers.IntegerField()


class DepartmentCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    count = serializers.IntegerField()
    in_force = serializers.IntegerField()
    penalty = serializers.IntegerField(help_text=_("penalty items in force"))


class PenaltyShareSerializer(serializers.Serializer):
    penalty_items = serializers.IntegerField(help_text=_("penalty items in force"))
    comprehensive_enforcement = serializers.IntegerField(
        help_text=_("of which held by comprehensive enforcement units")
    )
    share = serializers.FloatField(allow_null=True, help_text=_("percent, 2 decimals"))
    target = serializers.FloatField(help_text=_("the provincial target, percent"))
    difference = serializers.FloatField(
        allow_null=True, help_text=_("share minus target, percentage points")
    )


class PowerKpiSerializer(serializers.Serializer):
    jurisdiction = serializers.DictField(child=serializers.CharField())
    as_of = serializers.DateField()
    total = serializers.IntegerField()
    in_force = serializers.IntegerField()
    by_kind = KindCountSerializer(many=True)
    by_department = DepartmentCountSerializer(many=True)
    penalty_share = PenaltyShareSerializer()


# --- Input --------------------------------------------------------------------------------

AS_OF = OpenApiParameter("as_of", str, description=_("YYYY-MM-DD; default: today"))
JURISDICTION = OpenApiParameter(
    "jurisdiction", str, description=_("county or city code; default: your own")
)
LIST_PARAMETERS = [
    JURISDICTION,
    AS_OF,
    OpenApiParameter("kind", str, enum=PowerKind.values),
    OpenApiParameter("department", str, description=_("holding unit's code (sub-units included)")),
    OpenApiParameter("status", str, enum=PowerStatus.values),
    OpenApiParameter("q", str, description=_("start of the code, or words of the name")),
]


def catalogue_filter_from(user, params, among=None) -> CatalogueFilter:
    """The catalogue filter from query parameters; shared with the pages (which pass the
    jurisdictions they list already as `among`)."""
    kind, status = params.get("kind", ""), params.get("status", "")
    if kind and kind not in PowerKind.values:
        raise InvalidInput(_("Unknown kind: %(v)s.") % {"v": kind}, details=[{"field": "kind"}])
    if status and status not in PowerStatus.values:
        raise InvalidInput(
            _("Unknown status: %(v)s.") % {"v": status}, details=[{"field": "status"}]
        )
    department = None
    if code := params.get("department", ""):
        department = scoped(Department.objects.all(), user).filter(code=code).first()
        if department is None:
            raise InvalidInput(
                _("Unknown unit: %(code)s.") % {"code": code}, details=[{"field": "department"}]
            )
    return CatalogueFilter(
        jurisdiction=jurisdiction_or_default(user, params.get("jurisdiction"), among),
        as_of=parse_as_of(params.get("as_of")),
        kind=kind,
        department=department,
        status=status,
        q=params.get("q", "")[:100],
    )


# --- Views --------------------------------------------------------------------------------


class PowerItemListView(generics.ListAPIView):
    """The catalogue as of a day: one row per item, its holder and status then."""

    serializer_class = PowerItemSerializer
    permission_classes = [CatalogueReaders]

    def get_queryset(self):
        f = catalogue_filter_from(self.request.user, self.request.query_params)
        return catalogue(self.request.user, f)

    @extend_schema(operation_id="power_items_list", parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PowerItemDetailView(APIView):
    """One item with every version (holder, status, document) and the one in effect."""

    permission_classes = [CatalogueReaders]

    @extend_schema(
        operation_id="power_items_detail",
        parameters=[AS_OF],
        responses={200: PowerItemDetailSerializer},
    )
    def get(self, request, pk):
        item = power_item_for(request.user, pk)
        as_of = parse_as_of(request.query_params.get("as_of"))
        history = history_of(item)
        item.as_of, item.history = as_of, history
        item.current = version_on(history, as_of)
        return Response(PowerItemDetailSerializer(item).data)


class PowerKpiView(APIView):
    """Counts by kind and by holder, and the comprehensive enforcement share of penalty items
    against the provincial target — as of a day."""

    permission_classes = [CatalogueReaders]

    @extend_schema(
        operation_id="kpi_powers",
        parameters=[JURISDICTION, AS_OF],
        responses={200: PowerKpiSerializer},
    )
    def get(self, request):
        jurisdiction = jurisdiction_or_default(
            request.user, request.query_params.get("jurisdiction")
        )
        if jurisdiction is None:
            raise NotFound(_("There is no power-item catalogue yet."))
        as_of = parse_as_of(request.query_params.get("as_of"))
        return Response(power_kpis(request.user, jurisdiction, as_of))
