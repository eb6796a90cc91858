"""REST API of the "综合查一次" planner and the inspections' figures.

`POST inspection-needs` records a department's wish to inspect a target in a window;
`POST inspection-plans` runs the planner over an area's pending needs for a period and keeps
the proposal as a draft; `POST inspection-plans/{id}/confirm` creates the inspection tasks.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.dates import required_day
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, stored_id
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.permissions import requires
from gridgov.regions.selectors import region_or_home_for

from .kpi import inspection_kpis
from .planning import (
    REASON_LABELS,
    NeedData,
    do_confirm_plan,
    do_create_need,
    do_discard_plan,
    do_propose_plan,
)
from .planning_views import kpi_query_from, pending_needs_for
from .selectors import plan_for, target_for


def _id(value) -> int:
    pk = stored_id(value)
    if pk is None:
        raise NotFound()
    return pk


class NeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scenario = serializers.CharField(source="scenario.code")
    target = serializers.IntegerField(source="target_id")
    target_name = serializers.CharField(source="target.name")
    department = serializers.CharField(source="department.code")
    earliest = serializers.DateField()
    latest = serializers.DateField()
    status = serializers.CharField()


class NeedInput(serializers.Serializer):
    scenario = serializers.CharField(max_length=32)
    target = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    department = serializers.CharField(max_length=32)
    earliest = serializers.DateField()
    latest = serializers.DateField()
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
    )


class NeedListCreateView(generics.ListAPIView):
    """Pending inspection needs in your area; POST records one (PLAN_INSPECTIONS)."""

    serializer_class = NeedSerializer
    permission_classes = [requires(Capability.PLAN_INSPECTIONS)]

    def get_queryset(self):
        return pending_needs_for(self.request.user, None)

    @extend_schema(request=NeedInput, responses={201: NeedSerializer})
    def post(self, request):
        from .models import Scenario

        data = NeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        scenario = Scenario.objects.filter(code=v["scenario"], is_active=True).first()
        department = Department.objects.filter(code=v["department"], is_active=True).first()
        problems = []
        if scenario is None:
            problems.append({"field": "scenario", "message": _("Unknown scenario.")})
        if department is None:
            problems.append({"field": "department", "message": _("Unknown department.")})
        if problems:
            raise InvalidInput(_("The inspection need is not complete."), details=problems)
        need = do_create_need(
            NeedData(
                scenario=scenario,
                target=target_for(request.user, v["target"]),
                department=department,
                earliest=v["earliest"],
                latest=v["latest"],
                items=v.get("items"),
            ),
            actor=request.user,
        )
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    area = serializers.CharField(source="area.code")
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.CharField()
    summary = serializers.JSONField()
    visits = serializers.SerializerMethodField()
    unplanned = serializers.SerializerMethodField()

    def get_visits(self, plan) -> list[dict]:
        """Each visit with its scenario's code and name (the plan stores the scenario's id)."""
        from .models import Scenario

        scenarios = Scenario.objects.in_bulk({v["scenario"] for v in plan.visits})
        rows = []
        for visit in plan.visits:
            scenario = scenarios.get(visit["scenario"])
            rows.append(
                {
                    **visit,
                    "scenario": scenario.code if scenario else None,
                    "scenario_name": scenario.name if scenario else None,
                }
            )
        return rows

    def get_unplanned(self, plan) -> list[dict]:
        """Each need left out, with why: its reason's code and, beside it, the reason in words."""
        return [
            {**left, "reason_text": str(REASON_LABELS.get(left["reason"], left["reason"]))}
            for left in plan.unplanned
        ]


class PlanInput(serializers.Serializer):
    area = serializers.CharField(max_length=32, required=False)
    start = serializers.CharField(max_length=10)
    end = serializers.CharField(max_length=10)


class PlanCreateView(APIView):
    """Run the planner over your area's pending needs for a period: a draft plan to review."""

    permission_classes = [requires(Capability.PLAN_INSPECTIONS)]

    @extend_schema(
        request=PlanInput, responses={201: PlanSerializer}, operation_id="inspection_plan_propose"
    )
    def post(self, request):
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        plan = do_propose_plan(
            region_or_home_for(request.user, v.get("area") or None),
            required_day(v["start"], "start"),
            required_day(v["end"], "end"),
            actor=request.user,
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    permission_classes = [requires(Capability.PLAN_INSPECTIONS)]

    @extend_schema(responses={200: PlanSerializer})
    def get(self, request, pk):
        return Response(PlanSerializer(plan_for(request.user, _id(pk))).data)


class PlanDecisionView(APIView):
    """`confirm` creates the plan's inspection tasks; `discard` drops the draft."""

    permission_classes = [requires(Capability.PLAN_INSPECTIONS)]

    @extend_schema(request=None, responses={200: dict}, operation_id="inspection_plan_decide")
    def post(self, request, pk, decision):
        plan = plan_for(request.user, _id(pk))
        if decision == "confirm":
            return Response(do_confirm_plan(plan.pk, actor=request.user))
        if decision == "discard":
            return Response(PlanSerializer(do_discard_plan(plan.pk, actor=request.user)).data)
        raise NotFound(_("Unknown action: %(action)s.") % {"action": decision[:32]})


class InspectionKpiView(APIView):
    """Inspection figures for a region, department or scenario in your area, over a range."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description=_("region code; default: your own")),
            OpenApiParameter("department", str, description=_("department code")),
            OpenApiParameter("scenario", str, description=_("scenario code")),
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive")),
        ],
        responses={200: dict},
    )
    def get(self, request):
        query = kpi_query_from(request.user, request.query_params)
        return Response(inspection_kpis(request.user, query))
