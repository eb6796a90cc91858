from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import body_object
from gridgov.core.audit import client_ip
from gridgov.core.errors import InvalidInput, stored_id
from gridgov.regions.selectors import region_for, region_or_home_for

from .actions import (
    StaffData,
    do_add_post,
    do_create_department,
    do_create_login,
    do_create_staff,
    do_deactivate_staff,
    do_issue_invitation,
    do_move_staff,
    do_reactivate_staff,
    do_reset_login,
    do_reveal,
    do_set_department_active,
    do_update_department,
    do_update_staff,
)
from .choices import Capability, DepartmentKind, RevealPurpose, Role
from .kpi import enforcement_sinking
from .models import Department, Staff
from .permissions import requires
from .scoping import scoped
from .selectors import department_named, departments_for, staff_for, staff_member_for


class DepartmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "region_code",
            "parent_code",
            "is_enforcement",
            "is_active",
        ]


class DepartmentWrite(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=DepartmentKind.choices)
    region_code = serializers.CharField(max_length=32)
    parent_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    is_enforcement = serializers.BooleanField(default=False)


class DepartmentEdit(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=DepartmentKind.choices, required=False)
    is_enforcement = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


def _valid(serializer_class, request):
    body = serializer_class(data=body_object(request.data))
    body.is_valid(raise_exception=True)
    return body.validated_data


class DepartmentListView(generics.ListCreateAPIView):
    """The directory of departments, agencies and command centres (GET); a new one in your
    area (POST, manage_staff)."""

    serializer_class = DepartmentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=DepartmentKind.values),
            OpenApiParameter("q", str, description=_("name contains, or code starts with")),
            OpenApiParameter("inactive", bool, description=_("closed units instead")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return departments_for(
            self.request.user,
            kind=params.get("kind", ""),
            text=params.get("q", "").strip(),
            active=params.get("inactive") not in ("1", "true"),
        )

    @extend_schema(request=DepartmentWrite, responses={201: DepartmentSerializer})
    def post(self, request, *args, **kwargs):
        data = _valid(DepartmentWrite, request)
        department = do_create_department(
            actor=request.user,
            code=data["code"].strip(),
            name=data["name"].strip(),
            kind=data["kind"],
            region=region_for(request.user, data["region_code"]),
            parent=department_named(data["parent_code"]) if data.get("parent_code") else None,
            is_enforcement=data["is_enforcement"],
        )
        return Response(DepartmentSerializer(department).data, status=201)


class DepartmentDetailView(APIView):
    """One unit (GET); rename, re-kind, close or reopen it (PATCH, manage_staff)."""

    def _department(self, pk):
        return get_object_or_404(
            departments_for(self.request.user, active=None), pk=stored_id(pk) or 0
        )

    @extend_schema(responses=DepartmentSerializer)
    def get(self, request, pk):
        return Response(DepartmentSerializer(self._department(pk)).data)

    @extend_schema(request=DepartmentEdit, responses=DepartmentSerializer)
    def patch(self, request, pk):
        data = _valid(DepartmentEdit, request)
        department = self._department(pk)
        if {"name", "kind", "is_enforcement"} & set(data):
            do_update_department(
                department,
                actor=request.user,
                name=data.get("name", department.name),
                kind=data.get("kind", department.kind),
                is_enforcement=data.get("is_enforcement", department.is_enforcement),
            )
        if "is_active" in data:
            do_set_department_active(department, data["is_active"], actor=request.user)
        return Response(DepartmentSerializer(department).data)


class StaffSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_code = serializers.CharField(source="department.code", default=None)
    department_name = serializers.CharField(source="department.name", default=None)
    username = serializers.CharField(source="user.username", default=None)

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
            "employee_number",
            "username",
            "is_active",
        ]


class PostWrite(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    region_code = serializers.CharField(max_length=32)
    department_code = serializers.CharField(max_length=32, required=False, allow_blank=True)


class PersonWrite(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    employee_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )


class StaffWrite(PersonWrite, PostWrite):
    pass


class LoginWrite(serializers.Serializer):
    username = serializers.CharField(max_length=150)


def _post_from(user, data) -> tuple:
    """The role, region and department a request names; regions outside the area are 404."""
    code = data.get("department_code")
    return (
        data["role"],
        region_for(user, data["region_code"]),
        department_named(code) if code else None,
    )


class StaffListView(generics.ListAPIView):
    """Staff in your area (and department); phone numbers masked. POST (manage_staff): add a
    person with their first post."""

    serializer_class = StaffSerializer
    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(
        parameters=[
            OpenApiParameter("role", str, enum=Role.values),
            OpenApiParameter("region", str, description=_("region code; its whole subtree")),
            OpenApiParameter("department", str, description=_("unit code; its sub-units too")),
            OpenApiParameter("q", str, description=_("name contains, or employee number")),
            OpenApiParameter("inactive", bool, description=_("people who left instead")),
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
        unit = params.get("department")
        return staff_for(
            self.request.user,
            role=role,
            region=region,
            name=params.get("q", "").strip(),
            department=department_named(unit) if unit else None,
            active=params.get("inactive") not in ("1", "true"),
        )

    @extend_schema(request=StaffWrite, responses={201: StaffSerializer, 403: dict, 404: dict})
    def post(self, request):
        data = _valid(StaffWrite, request)
        role, region, department = _post_from(request.user, data)
        staff = do_create_staff(
            StaffData(
                name=data["name"],
                role=role,
                region=region,
                department=department,
                phone=data["phone"],
                id_number=data["id_number"],
                employee_number=data["employee_number"],
            ),
            actor=request.user,
        )
        return Response(StaffSerializer(staff).data, status=201)


class StaffDetailView(APIView):
    """One post (GET); correct the person's details (PATCH, manage_staff)."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(responses=StaffSerializer)
    def get(self, request, pk):
        return Response(StaffSerializer(staff_member_for(request.user, pk)).data)

    @extend_schema(request=PersonWrite, responses={200: StaffSerializer, 403: dict, 404: dict})
    def patch(self, request, pk):
        staff = staff_member_for(request.user, pk)
        body = PersonWrite(data=body_object(request.data), partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        do_update_staff(
            staff,
            actor=request.user,
            name=data.get("name", staff.name),
            phone=data.get("phone", staff.phone),
            id_number=data.get("id_number", staff.id_number),
            employee_number=data.get("employee_number", staff.employee_number),
        )
        return Response(StaffSerializer(staff_member_for(request.user, pk)).data)


class StaffMoveView(APIView):
    """Move the person to another post (manage_staff; both posts in your area)."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(request=PostWrite, responses={200: StaffSerializer, 403: dict, 404: dict})
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        role, region, department = _post_from(request.user, _valid(PostWrite, request))
        do_move_staff(staff, actor=request.user, role=role, region=region, department=department)
        return Response(StaffSerializer(staff).data)


class StaffPostsView(APIView):
    """Give the person a second post (manage_staff): a new staff row sharing their login."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(request=PostWrite, responses={201: StaffSerializer, 403: dict, 404: dict})
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        role, region, department = _post_from(request.user, _valid(PostWrite, request))
        post = do_add_post(
            staff, actor=request.user, role=role, region=region, department=department
        )
        return Response(StaffSerializer(post).data, status=201)


class StaffActiveView(APIView):
    """Deactivate the post (manage_staff). With no active post left, the login is disabled:
    signed out everywhere, its API tokens revoked."""

    permission_classes = [requires(Capability.VIEW_STAFF)]
    active = False

    @extend_schema(request=None, responses={200: StaffSerializer, 403: dict, 404: dict})
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        change = do_reactivate_staff if self.active else do_deactivate_staff
        change(staff, actor=request.user, ip_address=client_ip(request))
        return Response(StaffSerializer(staff_member_for(request.user, pk)).data)


class StaffReactivateView(StaffActiveView):
    """Take the post up again; the login works again."""

    active = True


class StaffInvitationView(APIView):
    """A fresh one-time invitation link for the person's login that has no password yet (a
    roster import's, whose link was lost or expired). In this answer only."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer("Invitation", {"invitation_link": serializers.URLField()}),
            403: dict,
            404: dict,
            409: dict,
        },
    )
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        path = do_issue_invitation(staff, actor=request.user, ip_address=client_ip(request))
        return Response(
            {"invitation_link": request.build_absolute_uri(path)},
            status=201,
            headers={"Cache-Control": "no-store"},
        )


class StaffPasswordResetView(APIView):
    """A forgotten password (manage_staff): a new one-time initial password, in this answer
    only; the person's API tokens are revoked and they choose their own at the next sign-in."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ResetLogin",
                {"username": serializers.CharField(), "initial_password": serializers.CharField()},
            ),
            403: dict,
            404: dict,
            409: dict,
        },
    )
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        password = do_reset_login(staff, actor=request.user)
        return Response(
            {"username": staff.user.username, "initial_password": password},
            headers={"Cache-Control": "no-store"},
        )


class StaffLoginView(APIView):
    """Give the person a login (manage_staff). The one-time initial password is in this answer
    only; the person must change it at their first sign-in."""

    permission_classes = [requires(Capability.VIEW_STAFF)]

    @extend_schema(
        request=LoginWrite,
        responses={
            201: inline_serializer(
                "InitialLogin",
                {"username": serializers.CharField(), "initial_password": serializers.CharField()},
            ),
            400: dict,
            403: dict,
            404: dict,
        },
    )
    def post(self, request, pk):
        staff = staff_member_for(request.user, pk)
        data = _valid(LoginWrite, request)
        user, password = do_create_login(staff, actor=request.user, username=data["username"])
        return Response(
            {"username": user.username, "initial_password": password},
            status=201,
            headers={"Cache-Control": "no-store"},
        )


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
        return reveal_response(request, staff, body.validated_data)


def reveal_response(request, instance, data) -> Response:
    """The API's answer to a reveal of one field of a row the caller found in their scope:
    {"field", "value"}, audited by `do_reveal`, never kept by a cache."""
    value = do_reveal(
        instance,
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
