"""REST API of the resident services: the proxy catalogue, agents, proxy requests (their steps
come from the kernel's `POST /api/v1/assistance/{number}/{action}`), volunteer teams,
activities, sign-ups and hours, home-service tasks (steps: `/api/v1/homecare/…`), and the
figures. Residents are masked: a name, a masked phone and the address.

Views only translate HTTP into selector and action calls."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, field_problem
from gridgov.households.models import SpecialGroup
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.org.scoping import scoped
from gridgov.supervision.api import KPI_PARAMETERS, kpi_query_from
from gridgov.workflow.api import actions_of, timeline_of

from . import actions, selectors
from .choices import RequestedBy, RequestStatus, ServiceMode, TaskStatus
from .workflow import REQUEST_WORKFLOW

REFUSED = {400: dict, 403: dict, 404: dict, 409: dict}


def _valid(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _region_by_code(user, code, field):
    from gridgov.regions.models import Region

    region = scoped(Region.objects.defer("boundary"), user).filter(code=code).first()
    if region is None:
        raise NotFound(_("No such area in yours."), details=[field_problem(field, _("Not found."))])
    return region


# --- Step inputs (read by the kernel's one endpoint and page) ----------------------------------


class ProxyRatingInput(serializers.Serializer):
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("the resident's satisfaction, 1 to 5")
    )


# --- Residents as the services show them --------------------------------------------------------


def masked_resident(resident) -> dict | None:
    """What an agent or a volunteer sees of a resident: the name, a masked phone, the address.
    The full phone only through the audited reveal."""
    if resident is None:
        return None
    house = resident.household.house if resident.household_id else None
    return {
        "id": resident.pk,
        "name": resident.name,
        "phone": resident.masked_phone,
        "address": str(house) if house is not None else "",
    }


class MaskedResidentSerializer(serializers.Serializer):
    """A resident as agents and volunteers see them."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(source="masked_phone", help_text=_("masked"))
    address = serializers.SerializerMethodField()

    def get_address(self, resident) -> str:
        return masked_resident(resident)["address"]


# --- The catalogue ------------------------------------------------------------------------------


class ProxyServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    name = serializers.CharField(max_length=80)
    documents = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    office = serializers.CharField(max_length=100)
    usual_days = serializers.IntegerField(min_value=0, max_value=actions.MAX_USUAL_DAYS)
    mode = serializers.ChoiceField(choices=ServiceMode.choices)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    is_active = serializers.BooleanField(required=False, default=True)


class ProxyServiceInput(ProxyServiceSerializer):
    county = serializers.CharField(max_length=32, help_text=_("the county's code"))


class ServiceListCreateView(generics.ListAPIView):
    """The proxy-service catalogue of the counties you work in; administrators add to it."""

    serializer_class = ProxyServiceSerializer

    def get_queryset(self):
        return selectors.services_for(self.request.user).order_by("county__code", "name")

    @extend_schema(operation_id="assistance_services_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_services_add",
        request=ProxyServiceInput,
        responses={201: ProxyServiceSerializer, 400: dict, 403: dict, 409: dict},
    )
    def post(self, request):
        from gridgov.regions.models import Region

        body = ProxyServiceInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        county = scoped(Region.objects.defer("boundary"), request.user)
        county = county.filter(code=data.pop("county"), level="county").first()
        if county is None:
            raise NotFound(_("No such county in your area."))
        service = actions.do_save_service(
            actions.ServiceData(**data), actor=request.user, county=county
        )
        return Response(ProxyServiceSerializer(service).data, status=status.HTTP_201_CREATED)


class ServiceDetailView(APIView):
    @extend_schema(operation_id="assistance_services_read", responses={200: ProxyServiceSerializer})
    def get(self, request, pk):
        return Response(ProxyServiceSerializer(selectors.service_for(request.user, pk)).data)

    @extend_schema(
        operation_id="assistance_services_change",
        request=ProxyServiceSerializer,
        responses={200: ProxyServiceSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def put(self, request, pk):
        service = selectors.service_for(request.user, pk)
        body = ProxyServiceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service = actions.do_save_service(
            actions.ServiceData(**body.validated_data), actor=request.user, service=service
        )
        return Response(ProxyServiceSerializer(service).data)


class ProxyAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff = serializers.IntegerField(source="staff_id")
    name = serializers.CharField(source="staff.name")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    is_active = serializers.BooleanField()


class ProxyAgentInput(serializers.Serializer):
    staff = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    region = serializers.CharField(max_length=20, help_text=_("the area's code"))


class AgentListView(generics.ListAPIView):
    """The red proxy agents of your area."""

    serializer_class = ProxyAgentSerializer

    def get_queryset(self):
        return selectors.agents_for(self.request.user).order_by("region__code", "pk")

    @extend_schema(operation_id="assistance_agents_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_agents_set",
        description=_("Flag a staff post as the red proxy agent of an area."),
        request=ProxyAgentInput,
        responses={201: ProxyAgentSerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(ProxyAgentInput, request)
        staff = selectors.staff_for(request.user, data["staff"])
        region = _region_by_code(request.user, data["region"], "region")
        agent = actions.do_set_agent(staff, region=region, actor=request.user)
        return Response(ProxyAgentSerializer(agent).data, status=status.HTTP_201_CREATED)


class AgentDetailView(APIView):
    @extend_schema(
        operation_id="assistance_agent_remove",
        description=_("Take the agent flag off the post."),
        request=None,
        responses={200: ProxyAgentSerializer, **REFUSED},
    )
    def delete(self, request, pk):
        agent = actions.do_remove_agent(selectors.agent_for(request.user, pk), actor=request.user)
        return Response(ProxyAgentSerializer(agent).data)


# --- Proxy requests -----------------------------------------------------------------------------


class ProxyRequestListSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.CharField(source="service.name")
    mode = serializers.CharField(source="service.mode")
    resident = MaskedResidentSerializer(allow_null=True)
    agent = serializers.CharField(source="agent.name", default=None)
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    due_on = serializers.DateTimeField()
    late = serializers.BooleanField()
    satisfaction = serializers.IntegerField(allow_null=True)


class ProxyRequestDetailSerializer(ProxyRequestListSerializer):
    version = serializers.IntegerField()
    details = serializers.CharField()
    office = serializers.CharField(source="service.office")
    documents = serializers.CharField(source="service.documents")
    done_at = serializers.DateTimeField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_timeline(self, request_) -> list[dict]:
        return timeline_of(request_)

    def get_actions(self, request_) -> list[str]:
        return actions_of(REQUEST_WORKFLOW, request_, self.context["request"])


class ProxyRequestInput(serializers.Serializer):
    service = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    resident = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    requested_by = serializers.ChoiceField(choices=RequestedBy.choices, default=RequestedBy.STAFF)
    details = serializers.CharField(max_length=300, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


def _request_rows(request):
    return selectors.request_list(
        request.user,
        status=request.query_params.get("status", ""),
        mine=request.query_params.get("mine") in ("1", "true"),
    ).select_related("resident__household__house__building")


class RequestListCreateView(generics.ListAPIView):
    """Proxy requests in your area (newest first); staff record one for a resident."""

    serializer_class = ProxyRequestListSerializer

    def get_queryset(self):
        return _request_rows(self.request)

    @extend_schema(
        operation_id="assistance_requests_list",
        parameters=[
            OpenApiParameter("status", str, enum=RequestStatus.values),
            OpenApiParameter("mine", bool, description=_("only the requests you are agent of")),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_requests_add",
        request=ProxyRequestInput,
        responses={201: ProxyRequestDetailSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request):
        body = ProxyRequestInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = actions.do_request_service(
            selectors.service_for(request.user, data["service"]),
            selectors.resident_in_scope(request.user, data["resident"]),
            actor=request.user,
            requested_by=data["requested_by"],
            details=data["details"],
            note=data["note"],
        )
        made = selectors.request_for(request.user, made.number)
        context = {"request": request}
        return Response(ProxyRequestDetailSerializer(made, context=context).data, status=201)


class RequestDetailView(APIView):
    @extend_schema(
        operation_id="assistance_requests_read",
        responses={200: ProxyRequestDetailSerializer, 404: dict},
    )
    def get(self, request, number):
        item = selectors.request_for(request.user, number)
        return Response(ProxyRequestDetailSerializer(item, context={"request": request}).data)


# --- Volunteers ---------------------------------------------------------------------------------


class VolunteerTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.code")
    organiser = serializers.CharField(source="organiser.name", default=None)


class VolunteerTeamChange(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    kind = serializers.CharField(max_length=12, help_text=_("the kind of team"))
    organiser = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                         allow_null=True, default=None)  # fmt: skip


class VolunteerTeamInput(VolunteerTeamChange):
    region = serializers.CharField(max_length=20, help_text=_("the area's code"))


def _team_fields(request, data) -> dict:
    organiser = data.pop("organiser", None)
    data["organiser"] = selectors.staff_for(request.user, organiser) if organiser else None
    return data


class TeamListView(generics.ListAPIView):
    """Volunteer teams of your area."""

    serializer_class = VolunteerTeamSerializer

    def get_queryset(self):
        return selectors.teams_for(self.request.user).order_by("region__code", "kind", "name")

    @extend_schema(operation_id="assistance_teams_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_teams_add",
        request=VolunteerTeamInput,
        responses={201: VolunteerTeamSerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(VolunteerTeamInput, request)
        region = _region_by_code(request.user, data.pop("region"), "region")
        team = actions.do_add_team(region, actor=request.user, **_team_fields(request, data))
        return Response(VolunteerTeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamDetailView(APIView):
    @extend_schema(
        operation_id="assistance_team_change",
        request=VolunteerTeamChange,
        responses={200: VolunteerTeamSerializer, **REFUSED},
    )
    def put(self, request, pk):
        team = selectors.team_for(request.user, pk)
        data = _valid(VolunteerTeamChange, request)
        team = actions.do_edit_team(team, actor=request.user, **_team_fields(request, data))
        return Response(VolunteerTeamSerializer(team).data)


class VolunteerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    resident = serializers.IntegerField(source="resident_id", allow_null=True)
    staff = serializers.IntegerField(source="staff_id", allow_null=True)
    skills = serializers.CharField()
    joined_on = serializers.DateField()
    is_active = serializers.BooleanField()


class VolunteerInput(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    staff = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SkillsInput(serializers.Serializer):
    skills = serializers.CharField(max_length=200, allow_blank=True)


class TeamMembersView(generics.ListAPIView):
    """A team's members; add one: a resident of the ledgers, a staff member, or a name."""

    serializer_class = VolunteerSerializer

    def get_queryset(self):
        return selectors.members_of_team(selectors.team_for(self.request.user, self.kwargs["pk"]))

    @extend_schema(operation_id="assistance_team_members_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_team_members_add",
        request=VolunteerInput,
        responses={201: VolunteerSerializer, **REFUSED},
    )
    def post(self, request, pk):
        team = selectors.team_for(request.user, pk)
        data = _valid(VolunteerInput, request)
        user = request.user
        resident = (
            selectors.resident_in_scope(user, data["resident"]) if data.get("resident") else None
        )
        staff = data.get("staff") and selectors.staff_for(user, data["staff"])
        volunteer = actions.do_add_volunteer(
            team, actor=user, name=data["name"], resident=resident, staff=staff,
            skills=data["skills"],
        )  # fmt: skip
        return Response(VolunteerSerializer(volunteer).data, status=status.HTTP_201_CREATED)


class VolunteerDetailView(APIView):
    @extend_schema(
        operation_id="assistance_volunteer_skills",
        request=SkillsInput,
        responses={200: VolunteerSerializer, **REFUSED},
    )
    def patch(self, request, pk):
        volunteer = selectors.volunteer_for(request.user, pk)
        skills = _valid(SkillsInput, request)["skills"]
        volunteer = actions.do_set_skills(volunteer, skills, actor=request.user)
        return Response(VolunteerSerializer(volunteer).data)

    @extend_schema(
        operation_id="assistance_volunteer_remove",
        request=None,
        responses={200: VolunteerSerializer, **REFUSED},
    )
    def delete(self, request, pk):
        volunteer = selectors.volunteer_for(request.user, pk)
        volunteer = actions.do_remove_volunteer(volunteer, actor=request.user)
        return Response(VolunteerSerializer(volunteer).data)


class VolunteerActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.CharField(source="team.name")
    title = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    signed_up = serializers.IntegerField()


class VolunteerActivityChange(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    place = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)


class VolunteerActivityInput(VolunteerActivityChange):
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ActivityListView(generics.ListAPIView):
    """Volunteer activities of your area, the latest first."""

    serializer_class = VolunteerActivitySerializer

    def get_queryset(self):
        return selectors.activities_for(self.request.user).order_by("-starts_at", "-pk")

    @extend_schema(operation_id="assistance_activities_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_activities_add",
        request=VolunteerActivityInput,
        responses={201: VolunteerActivitySerializer, **REFUSED},
    )
    def post(self, request):
        data = _valid(VolunteerActivityInput, request)
        team = selectors.team_for(request.user, data.pop("team"))
        activity = actions.do_add_activity(team, actor=request.user, **data)
        activity = selectors.activity_for(request.user, activity.pk)
        return Response(VolunteerActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(APIView):
    @extend_schema(
        operation_id="assistance_activity_change",
        request=VolunteerActivityChange,
        responses={200: VolunteerActivitySerializer, **REFUSED},
    )
    def put(self, request, pk):
        activity = selectors.activity_for(request.user, pk)
        data = _valid(VolunteerActivityChange, request)
        actions.do_edit_activity(activity, actor=request.user, **data)
        activity = selectors.activity_for(request.user, activity.pk)
        return Response(VolunteerActivitySerializer(activity).data)


class VolunteerSignUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = serializers.IntegerField(source="activity_id")
    volunteer = serializers.IntegerField(source="volunteer_id")
    volunteer_name = serializers.CharField(source="volunteer.name")
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class VolunteerSignUpInput(serializers.Serializer):
    volunteer = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class SignUpView(APIView):
    @extend_schema(
        operation_id="assistance_activities_sign_up",
        request=VolunteerSignUpInput,
        responses={201: VolunteerSignUpSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, pk):
        activity = selectors.activity_for(request.user, pk)
        body = VolunteerSignUpInput(data=request.data)
        body.is_valid(raise_exception=True)
        volunteer = selectors.volunteer_for(request.user, body.validated_data["volunteer"])
        signup = actions.do_sign_up(activity, volunteer, actor=request.user)
        return Response(VolunteerSignUpSerializer(signup).data, status=status.HTTP_201_CREATED)


class VolunteerHoursInput(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)


class HoursView(APIView):
    @extend_schema(
        operation_id="assistance_signups_hours",
        request=VolunteerHoursInput,
        responses={200: VolunteerSignUpSerializer, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, pk):
        signup = selectors.signup_for(request.user, pk)
        body = VolunteerHoursInput(data=request.data)
        body.is_valid(raise_exception=True)
        signup = actions.do_record_hours(signup, body.validated_data["hours"], actor=request.user)
        return Response(VolunteerSignUpSerializer(signup).data)


class ConfirmHoursView(APIView):
    @extend_schema(
        operation_id="assistance_signups_confirm",
        request=None,
        responses={200: VolunteerSignUpSerializer, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, pk):
        signup = selectors.signup_for(request.user, pk)
        signup = actions.do_confirm_hours(signup, actor=request.user)
        return Response(VolunteerSignUpSerializer(signup).data)


# --- Home-service tasks -------------------------------------------------------------------------


class HomeTaskSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    group = serializers.CharField(source="group.name")
    summary = serializers.CharField()
    resident = MaskedResidentSerializer(allow_null=True)
    team = serializers.CharField(source="team.name", default=None)
    volunteer = serializers.CharField(source="volunteer.name", default=None)
    due_day = serializers.DateField()
    done_at = serializers.DateTimeField()
    late = serializers.BooleanField()


class HomeTaskInput(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    group = serializers.SlugField(max_length=32, help_text=_("the special group's code"))
    summary = serializers.CharField(max_length=200)
    due_day = serializers.DateField()
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    volunteer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class TaskListCreateView(generics.ListAPIView):
    """Home-service tasks in your area; staff assign one to a volunteer or a team."""

    serializer_class = HomeTaskSerializer

    def get_queryset(self):
        rows = selectors.task_list(
            self.request.user, status=self.request.query_params.get("status", "")
        )
        return rows.select_related("resident__household__house__building")

    @extend_schema(
        operation_id="assistance_tasks_list",
        parameters=[OpenApiParameter("status", str, enum=TaskStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="assistance_tasks_assign",
        request=HomeTaskInput,
        responses={201: HomeTaskSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request):
        body = HomeTaskInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        group = SpecialGroup.objects.filter(code=data["group"], is_active=True).first()
        if group is None:
            raise InvalidInput(_("No such special group."))
        user = request.user
        task = actions.do_assign_home_task(
            selectors.resident_in_scope(user, data["resident"]),
            group,
            actor=user,
            summary=data["summary"],
            due_day=data["due_day"],
            team=selectors.team_for(user, data["team"]) if data.get("team") else None,
            volunteer=(
                selectors.volunteer_for(user, data["volunteer"]) if data.get("volunteer") else None
            ),
        )
        task = selectors.task_list(user).get(pk=task.pk)
        return Response(HomeTaskSerializer(task).data, status=status.HTTP_201_CREATED)


# --- Figures ------------------------------------------------------------------------------------


def period_from(user, params) -> selectors.Period:
    query = kpi_query_from(user, params)
    return selectors.Period(region=query.region, start=query.start, end=query.end)


class AssistanceKpiView(APIView):
    """Proxy requests by service, mode, agent and area: done, on time, satisfaction; special
    groups' home-service coverage; volunteer hours."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="kpi_assistance",
        parameters=KPI_PARAMETERS,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request):
        period = period_from(request.user, request.GET)
        return Response(
            {
                "region": period.region.code,
                "from": period.start,
                "to": period.end,
                "requests": selectors.request_figures(request.user, period),
                "coverage": selectors.coverage(request.user, period),
                "volunteer_hours": selectors.volunteer_hours(request.user, period),
            }
        )
