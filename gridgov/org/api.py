from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.errors import InvalidInput
from gridgov.regions.selectors import region_for, region_or_home_for

from .actions import do_reveal
from .choices import Capability, RevealPurpose, Role
from .kpi import enforcement_sinking
from .models import Department, Staff
from .permissions import requires
from .scoping import scoped
from .selectors import staff_for


class DepartmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "kind", "region_code", "parent_code", "is_enforcement"]


class DepartmentListView(generics.ListAPIView):
    """The directory of departments, agencies and command centres."""

    serializer_class = DepartmentSerializer

    def get_queryset(self):
        queryset = scoped(Department.objects.filter(is_active=True), self.request.user)
        if kind := self.request.query_params.get("kind"):
            queryset = queryset.filter(kind=kind)
        return queryset.select_related("region", "parent").order_by("code")


class StaffSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_code = serializers.CharField(source="department.code", default=None)
    department_name = serializers.CharField(source="department.name", default=None)

    class Meta:
        model = Staff
        fields = [
            "id",
            "name",
            "role",
            "region_code",
            "region_name",
            "department_code",
            "department_name",
            "phone",
            "is_active",
        ]


class StaffListView(generics.ListAPIView):
    """Staff in your area (and department); phone numbers masked."""

    serializer_class = StaffSerializer
    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(
        parameters=[
            OpenApiParameter("role", str, enum=Role.values),
            OpenApiParameter("region", str, description=_("region code; its whole subtree")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        role = params.get("role", "")
        if role and role not in Role.values:
            raise InvalidInput(_("Unknown role %(role)r.") % {"role": role})
        code = params.get("region")
        region = region_for(self.request.user, code) if code else None
        return staff_for(self.request.user, role=role, region=region)


class StaffDetailView(generics.RetrieveAPIView):
    serializer_class = StaffSerializer
    permission_classes = [requires(Capability.VIEW_STAFF)]

    def get_queryset(self):
        return scoped(Staff.objects.all(), self.request.user).select_related("region", "department")


class RevealRequest(serializers.Serializer):
    field = serializers.ChoiceField(choices=["phone", "id_number"])
    purpose = serializers.ChoiceField(choices=RevealPurpose.choices)
    purpose_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("why, in words: required when the purpose is other"),
    )


class StaffRevealView(APIView):
    """Show one personal field in full. Audited; only some roles may."""

    @extend_schema(request=RevealRequest, responses={200: dict})
    def post(self, request, pk):
        body = RevealRequest(data=request.data)
        body.is_valid(raise_exception=True)
        staff = get_object_or_404(scoped(Staff.objects.all(), request.user), pk=pk)
        data = body.validated_data
        value = do_reveal(
            staff,
            data["field"],
            user=request.user,
            purpose=data["purpose"],
            purpose_note=data["purpose_note"],
            ip_address=client_ip(request),
        )
        response = Response({"field": data["field"], "value": value})
        add_never_cache_headers(response)  # no-store: no cache keeps the plaintext
        return response


class EnforcementSinkingView(APIView):
    """Share of enforcement staff working at town level or below (下沉比例)."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        parameters=[OpenApiParameter("region", str, description=_("region code"))],
        responses={200: dict},
    )
    def get(self, request):
        region = region_or_home_for(request.user, request.query_params.get("region"))
        if region is None:
            raise InvalidInput(_("Name a region with ?region=<code>."))
        return Response(enforcement_sinking(request.user, region))
