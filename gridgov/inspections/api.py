"""REST API for joint inspections: inspection tasks and every step of their loop, targets,
scenarios, and the rectification orders and enforcement cases failed checks lead to.

Views only translate HTTP into action calls; the actions and the workflow engine decide. The
steps of inspections, orders and cases are taken through the one action endpoint and page
view of every kind of work item (`gridgov.workflow`), with the inputs declared here.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import (
    MAX_ID,
    InvalidInput,
    NotFound,
    NotPermitted,
    field_problem,
    stored_id,
)
from gridgov.core.idempotency import idempotent
from gridgov.core.parsers import JSONParser
from gridgov.events.selectors import events_for
from gridgov.org.choices import Capability, DepartmentKind
from gridgov.org.models import Department, Staff
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scoped
from gridgov.powers.models import PowerItem
from gridgov.regions.api import region_brief
from gridgov.regions.choices import CRS, RegionLevel
from gridgov.regions.selectors import regions_for
from gridgov.workflow.api import TimelineSerializer, action_payload, actions_of, timeline_of
from gridgov.workflow.models import urgency_of

from . import actions, codes
from .choices import FollowUp, InspectionStatus, Outcome, TargetKind, Trigger
from .selectors import (
    TaskFilter,
    case_for,
    filtered_tasks,
    rectification_for,
    scenario_for,
    scenarios_for,
    target_for,
    targets_for,
    task_details,
    task_for,
)
from .workflow import CASE_WORKFLOW, INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

# Triggers people choose; warnings create their inspections themselves (M8), with provenance.
CHOSEN_TRIGGERS = [(t.value, t.label) for t in (Trigger.PLAN, Trigger.EVENT)]


# --- Looking items up by what a URL says --------------------------------------------------


def _key(value: str, max_length: int) -> str:
    """A URL's key as the database can be asked about it: an over-long key names nothing. (A
    NUL byte, which PostgreSQL refuses to compare, never gets here: core.middleware refuses
    the request.)"""
    if not value or len(value) > max_length:
        raise NotFound()
    return value


def _id(value) -> int:
    pk = stored_id(value)
    if pk is None:
        raise NotFound()
    return pk


def get_task(user, number: str):
    return task_for(user, _key(number, 20))


def get_target(user, pk: int):
    return target_for(user, _id(pk))


def get_scenario(user, code: str):
    return scenario_for(user, _key(code, 32))


def get_rectification(user, number: str):
    return rectification_for(user, _key(number, 20))


def get_case(user, number: str):
    return case_for(user, _key(number, 20))


# --- Output -------------------------------------------------------------------------------


def _department(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind}


def _power(item) -> dict | None:
    return None if item is None else {"code": item.code, "name": item.name, "kind": item.kind}


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    uscc = serializers.CharField()
    address = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    town = serializers.SerializerMethodField()
    microgrid = serializers.SerializerMethodField()

    def get_town(self, target) -> dict | None:
        return region_brief(target.town)

    def get_microgrid(self, target) -> dict | None:
        return region_brief(target.microgrid)


class ScenarioListSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    description = serializers.CharField()
    jurisdiction = serializers.SerializerMethodField()
    department_kinds = serializers.ListField(child=serializers.CharField())
    target_kinds = serializers.ListField(child=serializers.CharField())
    yearly_cap = serializers.IntegerField()

    def get_url(self, scenario) -> str:
        return reverse("inspections:scenario", args=[scenario.code])

    def get_jurisdiction(self, scenario) -> dict | None:
        return region_brief(scenario.jurisdiction)


class ChecklistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    department_kind = serializers.CharField()
    text = serializers.CharField()
    inspection_power = serializers.SerializerMethodField()
    penalty_power = serializers.SerializerMethodField()

    def get_inspection_power(self, item) -> dict | None:
        return _power(item.inspection_power)

    def get_penalty_power(self, item) -> dict | None:
        return _power(item.penalty_power)


class ScenarioDetailSerializer(ScenarioListSerializer):
    checklist = serializers.SerializerMethodField()

    def get_checklist(self, scenario) -> list[dict]:
        from .selectors import full_checklist

        return ChecklistItemSerializer(full_checklist(scenario), many=True).data


class InspectionListSerializer(serializers.Serializer):
    number = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    scenario = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    trigger = serializers.CharField()
    trigger_label = serializers.CharField(source="get_trigger_display")
    planned_for = serializers.DateField()
    town = serializers.SerializerMethodField()
    department_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    urgency = serializers.SerializerMethodField()

    def get_scenario(self, task) -> dict:
        return {"code": task.scenario.code, "name": task.scenario.name}

    def get_target(self, task) -> dict:
        return {"id": task.target_id, "name": task.target.name, "kind": task.target.kind}

    def get_town(self, task) -> dict | None:
        return region_brief(task.town)

    def get_urgency(self, task) -> str:
        return urgency_of(task)


class ResultSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    note = serializers.CharField()
    follow_up = serializers.CharField()
    rectify_days = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    photos = serializers.SerializerMethodField()

    def get_photos(self, result) -> list[str]:
        return [photo.get_absolute_url() for photo in result.photos.all()]


class TaskChecklistItemSerializer(ChecklistItemSerializer):
    result = serializers.SerializerMethodField()

    def get_result(self, item) -> dict | None:
        return None if item.result is None else ResultSerializer(item.result).data


class FindingBriefSerializer(serializers.Serializer):
    number = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    department = serializers.SerializerMethodField()

    def get_department(self, finding) -> dict:
        return _department(finding.department)


class InspectionDetailSerializer(InspectionListSerializer):
    """An inspection with everything its page shows. Reads `details` (selectors.TaskDetails,
    read here when the caller has not) and `request` from the context."""

    def to_representation(self, task):
        if "details" not in self.context:
            self.context["details"] = task_details(self.context["request"].user, task)
        return super().to_representation(task)

    county = serializers.SerializerMethodField()
    command_centre_of = serializers.SerializerMethodField()
    trigger_event = serializers.SerializerMethodField()
    trigger_ref = serializers.CharField()
    needs_merged = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    inspected_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    acknowledged_by = serializers.CharField()
    acknowledgement = serializers.CharField()
    rating = serializers.IntegerField()
    late = serializers.BooleanField()
    departments = serializers.SerializerMethodField()
    officers = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    rectifications = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    def get_county(self, task) -> dict | None:
        return region_brief(task.county)

    def get_command_centre_of(self, task) -> dict | None:
        return region_brief(task.command_region)

    def get_trigger_event(self, task) -> str | None:
        return task.trigger_event.number if task.trigger_event_id else None

    def get_departments(self, task) -> list[dict]:
        return [_department(d) for d in self.context["details"].departments]

    def get_officers(self, task) -> list[dict]:
        return [
            {"id": o.pk, "name": o.name, "department": _department(o.department)}
            for o in self.context["details"].officers
        ]

    def get_checklist(self, task) -> list[dict]:
        return TaskChecklistItemSerializer(self.context["details"].checklist, many=True).data

    def get_rectifications(self, task) -> list[dict]:
        return FindingBriefSerializer(self.context["details"].rectifications, many=True).data

    def get_cases(self, task) -> list[dict]:
        return FindingBriefSerializer(self.context["details"].cases, many=True).data

    def get_timeline(self, task) -> list[dict]:
        return TimelineSerializer(self.context["details"].timeline, many=True).data

    def get_actions(self, task) -> list[str]:
        return actions_of(INSPECTION_WORKFLOW, task, self.context["request"])

    def get_verify_url(self, task) -> str:
        """The 行政行为码's link: what its QR code holds, for an app to draw."""
        return self.context["request"].build_absolute_uri(codes.verify_path(task))


def inspection_response(request, task, code=status.HTTP_200_OK) -> Response:
    task = get_task(request.user, task.number)
    context = {"request": request, "details": task_details(request.user, task)}
    return Response(InspectionDetailSerializer(task, context=context).data, status=code)


class FindingSerializer(FindingBriefSerializer):
    version = serializers.IntegerField()
    inspection = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    check = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    urgency = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    workflow = None

    def get_inspection(self, finding) -> dict:
        return {"number": finding.task.number, "url": finding.task.get_absolute_url()}

    def get_target(self, finding) -> dict:
        return {"id": finding.target_id, "name": finding.target.name}

    def get_check(self, finding) -> dict:
        item = finding.result.checklist_item
        return {"text": item.text, "note": finding.result.note}

    def get_urgency(self, finding) -> str:
        return urgency_of(finding)

    def get_timeline(self, finding) -> list[dict]:
        return timeline_of(finding)

    def get_actions(self, finding) -> list[str]:
        return actions_of(self.workflow, finding, self.context["request"])


class RectificationSerializer(FindingSerializer):
    requirement = serializers.CharField()
    deadline = serializers.DateField()
    reinspections = serializers.IntegerField()

    workflow = RECTIFICATION_WORKFLOW


class CaseSerializer(FindingSerializer):
    penalty_power = serializers.SerializerMethodField()
    decision = serializers.CharField()
    fine_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)

    workflow = CASE_WORKFLOW

    def get_penalty_power(self, case) -> dict | None:
        return _power(case.penalty_power)


# --- Input --------------------------------------------------------------------------------


def _ids(**kwargs):
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=100,
        **kwargs,
    )


class InspectionInput(serializers.Serializer):
    scenario = serializers.CharField(max_length=32, help_text=_("the scenario's code"))
    target = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("the inspection target's id")
    )
    departments = serializers.ListField(
        child=serializers.CharField(max_length=32), max_length=20,
        help_text=_("codes of the participating units"),
    )  # fmt: skip
    trigger = serializers.ChoiceField(choices=CHOSEN_TRIGGERS, default=Trigger.PLAN)
    trigger_event = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="",
        help_text=_("trigger event: the number of the event this inspection follows"),
    )  # fmt: skip
    trigger_ref = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="",
        help_text=_("the plan or document this inspection comes from"),
    )  # fmt: skip
    planned_for = serializers.DateField(required=False, allow_null=True, default=None)
    officers = _ids(help_text=_("ids of the officers, if known already"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


# What the steps that take more than a note and photos take (the tables name them).


class AssignInput(serializers.Serializer):
    officers = _ids(help_text=_("assign: ids of the officers"))

    def validate_officers(self, ids) -> list[Staff]:
        return staff_members(ids)


class RecordInput(serializers.Serializer):
    checklist_item = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("record: the checklist item")
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    follow_up = serializers.ChoiceField(
        choices=FollowUp.choices, required=False, allow_blank=True, default=""
    )
    rectify_days = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate(self, data):
        data.setdefault("checklist_item", None)
        data.setdefault("outcome", "")
        return data


class FinishInput(serializers.Serializer):
    acknowledged_by = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("finish: who acknowledged the inspection for the inspected party"),
    )  # fmt: skip
    acknowledgement = serializers.CharField(required=False, allow_blank=True, default="")


class FailInput(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text=_("fail: days to put it right"),
    )  # fmt: skip


class DecideInput(serializers.Serializer):
    fine_yuan = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32,
        help_text=_("decide: the fine in yuan"),
    )  # fmt: skip


class TargetInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    name = serializers.CharField(max_length=120)
    uscc = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32,
        help_text=_("unified social credit code (GB 32100-2015)"),
    )  # fmt: skip
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    crs = serializers.ChoiceField(choices=CRS.choices, default=CRS.WGS84)


class ChecklistRowInput(serializers.Serializer):
    department_kind = serializers.ChoiceField(choices=DepartmentKind.choices)
    text = serializers.CharField(max_length=255)
    inspection_power = serializers.CharField(
        max_length=64, help_text=_("code of a 行政检查 item of the jurisdiction's catalogue")
    )
    penalty_power = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="",
        help_text=_("code of the 行政处罚 item a violation falls under"),
    )  # fmt: skip


class ScenarioInput(serializers.Serializer):
    jurisdiction = serializers.CharField(
        max_length=32, help_text=_("region code of the county or city whose catalogue it uses")
    )
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    department_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DepartmentKind.choices), max_length=20
    )
    target_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetKind.choices), max_length=20
    )
    yearly_cap = serializers.IntegerField(default=4)
    checklist = ChecklistRowInput(many=True, max_length=100)


def form_or_json(data, files, listed=()) -> dict:
    """A request's input from JSON or from a form, as the events' actions read it; the fields
    in `listed` are lists in a form too (checkboxes)."""
    if not isinstance(data, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    return action_payload(data, files, listed)


def validated(input_class, payload: dict) -> dict:
    body = input_class(data=payload)
    body.is_valid(raise_exception=True)
    return body.validated_data


# --- From input to action arguments (shared with the pages) --------------------------------


def require(user, capability: str) -> None:
    if not has_capability(user, capability):
        raise NotPermitted()


def staff_members(ids) -> list[Staff]:
    """The staff members of these ids (the actions check that they may be assigned)."""
    ids = list(dict.fromkeys(ids or []))
    found = list(
        Staff.objects.filter(pk__in=ids).select_related("department").defer("phone", "id_number")
    )
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        raise InvalidInput(
            _("These officers cannot be assigned."),
            details=[
                field_problem("officers", _("Unknown staff member: %(id)s.") % {"id": i})
                for i in missing
            ],
        )
    return found


def inspection_data_from(user, data: dict) -> actions.InspectionData:
    """InspectionData from validated InspectionInput: codes and numbers looked up in the
    user's scope, every problem reported at once."""
    problems = []
    scenario = scenarios_for(user).filter(code=data["scenario"]).first()
    if scenario is None:
        problems.append(field_problem("scenario", _("Pick a scenario.")))
    target = targets_for(user).filter(pk=data["target"]).first()
    if target is None:
        problems.append(field_problem("target", _("No such inspection target in your area.")))
    wanted = list(dict.fromkeys(data["departments"]))
    departments = list(
        Department.objects.filter(code__in=wanted, is_active=True).select_related("region")
    )
    for code in sorted(set(wanted) - {d.code for d in departments}):
        problems.append(field_problem("departments", _("Unknown unit: %(code)s.") % {"code": code}))
    event = None
    if data["trigger"] == Trigger.EVENT and data["trigger_event"]:
        event = events_for(user).filter(number=data["trigger_event"]).first()
        if event is None:
            problems.append(
                field_problem(
                    "trigger_event",
                    _("No event %(number)s in your area.") % {"number": data["trigger_event"]},
                )
            )
    try:
        officers = staff_members(data["officers"])
    except InvalidInput as refused:
        problems.extend(refused.details)
    if problems:
        raise InvalidInput(_("The inspection cannot be created."), details=problems)
    return actions.InspectionData(
        scenario=scenario,
        target=target,
        departments=departments,
        trigger=data["trigger"],
        trigger_event=event,
        trigger_ref=data["trigger_ref"],
        planned_for=data["planned_for"],
        officers=officers,
        note=data["note"],
    )


def create_inspection(user, data: dict):
    require(user, Capability.PLAN_INSPECTIONS)
    return actions.do_create_inspection(inspection_data_from(user, data), actor=user)


def create_target(user, data: dict):
    require(user, Capability.PLAN_INSPECTIONS)
    return actions.do_create_target(actions.TargetData(**data), actor=user)


def jurisdictions_for(user):
    """Where scenarios are defined: the county and city catalogues the user may see."""
    return regions_for(user).filter(level__in=(RegionLevel.CITY, RegionLevel.COUNTY))


def _power_id(jurisdiction, code: str) -> int | None:
    if not code:
        return None
    found = PowerItem.objects.filter(jurisdiction=jurisdiction, code=code)
    return found.values_list("pk", flat=True).first()


def scenario_data_from(user, data: dict) -> actions.ScenarioData:
    """ScenarioData from a scenario's input: the jurisdiction and power items by code."""
    jurisdiction = jurisdictions_for(user).filter(code=data["jurisdiction"]).first()
    if jurisdiction is None:
        raise InvalidInput(
            _("The scenario is not complete."),
            details=[field_problem("jurisdiction", _("Pick a county or city in your area."))],
        )
    return actions.ScenarioData(
        jurisdiction=jurisdiction,
        code=data["code"],
        name=data["name"],
        description=data.get("description", ""),
        department_kinds=list(data["department_kinds"]),
        target_kinds=list(data["target_kinds"]),
        yearly_cap=data["yearly_cap"],
        checklist=[
            actions.ChecklistData(
                department_kind=row["department_kind"],
                text=row["text"],
                inspection_power=_power_id(jurisdiction, row["inspection_power"]),
                penalty_power=_power_id(jurisdiction, row.get("penalty_power", "")),
            )
            for row in data["checklist"]
        ],
    )


def create_scenario(user, data: dict):
    require(user, Capability.MANAGE_SCENARIOS)
    return actions.do_create_scenario(scenario_data_from(user, data), actor=user)


# --- Lists ----------------------------------------------------------------------------------


class TaskQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=InspectionStatus.choices, required=False, allow_blank=True
    )
    trigger = serializers.ChoiceField(choices=Trigger.choices, required=False, allow_blank=True)
    scenario = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("scenario code")
    )
    department = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("participating unit code")
    )
    target = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("inspection target id")
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("number or target name")
    )
    mine = serializers.BooleanField(required=False, help_text=_("only those assigned to me"))
    queue = serializers.BooleanField(
        required=False, help_text=_("only those waiting for my command centre")
    )


def _given(params) -> dict:
    """Query parameters with a value: an empty filter is no filter (forms send them empty)."""
    return {k: params.get(k) for k in params if params.get(k) not in ("", None)}


def task_filter_from(user, params) -> TaskFilter:
    """A TaskFilter from query parameters (the list page's and the API's)."""
    query = TaskQuery(data=_given(params))
    query.is_valid(raise_exception=True)
    f = query.validated_data
    scenario = department = target = None
    if f.get("scenario"):
        scenario = scenarios_for(user).filter(code=f["scenario"]).first()
        if scenario is None:
            raise InvalidInput(_("No scenario %(code)s.") % {"code": f["scenario"]})
    if f.get("department"):
        department = scoped(Department.objects.all(), user).filter(code=f["department"]).first()
        if department is None:
            raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": f["department"]})
    if f.get("target"):
        target = targets_for(user).filter(pk=f["target"]).first()
        if target is None:
            raise InvalidInput(_("No such inspection target in your area."))
    return TaskFilter(
        status=f.get("status", ""),
        trigger=f.get("trigger", ""),
        scenario=scenario,
        department=department,
        target=target,
        q=f.get("q", ""),
        mine=f.get("mine", False),
        queue=f.get("queue", False),
    )


class TargetQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TargetKind.choices, required=False, allow_blank=True)
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text=_("name, or unified social credit code"),
    )  # fmt: skip


def filtered_targets(user, params):
    query = TargetQuery(data=_given(params))
    query.is_valid(raise_exception=True)
    f = query.validated_data
    targets = targets_for(user).filter(is_active=True).select_related("town", "microgrid")
    if f.get("kind"):
        targets = targets.filter(kind=f["kind"])
    if q := f.get("q", "").strip():
        targets = targets.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    return targets


# --- Views ----------------------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter("status", str, enum=InspectionStatus.values),
    OpenApiParameter("trigger", str, enum=Trigger.values),
    OpenApiParameter("scenario", str, description=_("scenario code")),
    OpenApiParameter("department", str, description=_("participating unit code")),
    OpenApiParameter("target", int, description=_("inspection target id")),
    OpenApiParameter("q", str, description=_("number or target name")),
    OpenApiParameter("mine", bool, description=_("only those assigned to me")),
    OpenApiParameter("queue", bool, description=_("only those waiting for my command centre")),
]
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=_("A key per request: a retried request returns the first response."),
)
REFUSALS = {400: dict, 403: dict, 404: dict, 409: dict}
FORMS = [JSONParser, MultiPartParser, FormParser]


class InspectionListCreateView(generics.ListAPIView):
    """Inspections in your area (newest first; officers: their departments'), and creating
    one (PLAN_INSPECTIONS)."""

    serializer_class = InspectionListSerializer

    def get_queryset(self):
        user = self.request.user
        return filtered_tasks(user, task_filter_from(user, self.request.query_params))

    @extend_schema(operation_id="inspections_list", parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="inspections_create",
        request=InspectionInput,
        responses={201: InspectionDetailSerializer, **REFUSALS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request):
        def create():
            payload = form_or_json(request.data, request.FILES, ("departments", "officers"))
            data = validated(InspectionInput, payload)
            task = create_inspection(request.user, data)
            return inspection_response(request, task, status.HTTP_201_CREATED)

        return idempotent(request, create)


class InspectionDetailView(APIView):
    @extend_schema(operation_id="inspections_read", responses={200: InspectionDetailSerializer})
    def get(self, request, number):
        return inspection_response(request, get_task(request.user, number))


class TargetListCreateView(generics.ListAPIView):
    """Inspection targets in your area, and adding one (PLAN_INSPECTIONS)."""

    serializer_class = TargetSerializer

    def get_queryset(self):
        return filtered_targets(self.request.user, self.request.query_params)

    @extend_schema(
        operation_id="inspection_targets_list",
        parameters=[
            OpenApiParameter("kind", str, enum=TargetKind.values),
            OpenApiParameter("q", str, description=_("name, or unified social credit code")),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="inspection_targets_create",
        request=TargetInput,
        responses={201: TargetSerializer, **REFUSALS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request):
        def create():
            data = validated(TargetInput, form_or_json(request.data, request.FILES))
            target = create_target(request.user, data)
            return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class TargetDetailView(APIView):
    @extend_schema(operation_id="inspection_targets_read", responses={200: TargetSerializer})
    def get(self, request, pk):
        return Response(TargetSerializer(get_target(request.user, pk)).data)


class ScenarioListCreateView(generics.ListAPIView):
    """The "一件事" scenarios in use, and defining one (MANAGE_SCENARIOS)."""

    serializer_class = ScenarioListSerializer
    parser_classes = [JSONParser]  # a checklist is a list of rows: JSON only

    def get_queryset(self):
        return scenarios_for(self.request.user).select_related("jurisdiction")

    @extend_schema(operation_id="scenarios_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="scenarios_create",
        request=ScenarioInput,
        responses={201: ScenarioDetailSerializer, **REFUSALS},
    )
    def post(self, request):
        data = validated(ScenarioInput, form_or_json(request.data, request.FILES))
        scenario = create_scenario(request.user, data)
        return Response(ScenarioDetailSerializer(scenario).data, status=status.HTTP_201_CREATED)


class ScenarioDetailView(APIView):
    @extend_schema(operation_id="scenarios_read", responses={200: ScenarioDetailSerializer})
    def get(self, request, code):
        return Response(ScenarioDetailSerializer(get_scenario(request.user, code)).data)


def _finding_response(request, serializer_class, finding) -> Response:
    return Response(serializer_class(finding, context={"request": request}).data)


class RectificationDetailView(APIView):
    @extend_schema(operation_id="rectifications_read", responses={200: RectificationSerializer})
    def get(self, request, number):
        order = get_rectification(request.user, number)
        return _finding_response(request, RectificationSerializer, order)


class CaseDetailView(APIView):
    @extend_schema(operation_id="cases_read", responses={200: CaseSerializer})
    def get(self, request, number):
        return _finding_response(request, CaseSerializer, get_case(request.user, number))
