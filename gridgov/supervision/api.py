"""REST API of supervision: findings (list, record, read; their steps come from the kernel's
`POST /api/v1/findings/{number}/{action}`), groups and posts, suggestions (staff, and the
public endpoint without login), projects with their ledgers, checks and anomalies, ledger
imports, and the figures.

Views only translate HTTP into selector and action calls."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.audit import client_ip
from gridgov.core.dates import parse_day
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound, TooManyRequests, stored_id
from gridgov.core.idempotency import idempotent
from gridgov.core.jobs import do_submit_job
from gridgov.core.ratelimit import allow
from gridgov.inspections.models import InspectionTarget
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.permissions import requires
from gridgov.org.scoping import scoped
from gridgov.regions.selectors import region_or_home_for
from gridgov.workflow.api import actions_of, timeline_of
from gridgov.workflow.engine import PublicActor

from . import actions
from .choices import CheckKind, FindingKind, FindingStatus, SuggestionSource
from .kpi import KpiQuery, supervision_kpis, units_by_open_findings
from .models import SupervisionPost
from .selectors import (
    FindingFilter,
    filtered_findings,
    finding_for,
    groups_for,
    post_for,
    posts_for,
    project_for,
    projects_for,
    suggestions_for,
)
from .workflow import FINDING_WORKFLOW as WORKFLOW

PUBLIC_LABEL = "web:suggestion"


def _brief(obj, code="code"):
    return None if obj is None else {"code": getattr(obj, code), "name": obj.name}


# --- Step inputs (read by the kernel's one endpoint and page) -------------------------------


class AssignInput(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        default="",
        help_text=_("the responsible department's code"),
    )
    target = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("or the id of the unit (inspection target) whose owner rectifies"),
    )
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=actions.MAX_RECTIFY_DAYS,
        help_text=_("working days to rectify; default: the finding's own"),
    )


class ImproveInput(serializers.Serializer):
    measures = serializers.CharField(
        max_length=4000, help_text=_("what changes so that it does not happen again")
    )


class StartEventInput(serializers.Serializer):
    category = serializers.CharField(max_length=32, help_text=_("the event category's code"))


class StartInspectionInput(serializers.Serializer):
    scenario = serializers.CharField(max_length=32, help_text=_("the inspection scenario's code"))


# --- Output ---------------------------------------------------------------------------------


class FindingListSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    summary = serializers.CharField()
    group = serializers.CharField(source="group.name")
    responsible = serializers.CharField(source="responsible_name")
    department = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    town = serializers.SerializerMethodField()
    village = serializers.SerializerMethodField()
    found_at = serializers.DateTimeField()
    deadline = serializers.DateField()
    due_at = serializers.DateTimeField()
    late = serializers.BooleanField()

    def get_department(self, finding) -> dict | None:
        return _brief(finding.department)

    def get_target(self, finding) -> dict | None:
        t = finding.target
        return None if t is None else {"id": t.pk, "name": t.name}

    def get_town(self, finding) -> dict | None:
        return _brief(finding.town)

    def get_village(self, finding) -> dict | None:
        return _brief(finding.village)


class FindingDetailSerializer(FindingListSerializer):
    details = serializers.CharField()
    origin = serializers.CharField()
    rule = serializers.CharField()
    project = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    rectify_days = serializers.IntegerField()
    measures = serializers.CharField()
    returns = serializers.IntegerField()
    event = serializers.SerializerMethodField()
    inspection = serializers.SerializerMethodField()
    assigned_at = serializers.DateTimeField()
    rectified_at = serializers.DateTimeField()
    improved_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_project(self, finding) -> dict | None:
        return _brief(finding.project)

    def get_post(self, finding) -> dict | None:
        return None if finding.post is None else {"id": finding.post_id, "name": finding.post.name}

    def get_event(self, finding) -> str | None:
        return finding.event.number if finding.event_id else None

    def get_inspection(self, finding) -> str | None:
        return finding.inspection.number if finding.inspection_id else None

    def get_timeline(self, finding) -> list[dict]:
        return timeline_of(finding)

    def get_actions(self, finding) -> list[str]:
        return actions_of(WORKFLOW, finding, self.context["request"])


class FindingInput(serializers.Serializer):
    group = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    post = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    department = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    target = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    project = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    rectify_days = serializers.IntegerField(
        required=False, min_value=1, max_value=actions.MAX_RECTIFY_DAYS, default=10
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def finding_data_from(user, data: dict) -> actions.FindingData:
    """The references of a new finding, each looked up within the user's area."""

    def pick(queryset, key, value, name):
        if value in (None, ""):
            return None
        found = queryset.filter(**{key: value}).first()
        if found is None:
            raise InvalidInput(
                _("%(f)s: not found in your area.") % {"f": name},
                details=[{"field": name, "message": _("Not found.")}],
            )
        return found

    return actions.FindingData(
        group=pick(groups_for(user), "pk", data["group"], "group"),
        kind=data["kind"],
        summary=data["summary"],
        details=data.get("details", ""),
        post=pick(posts_for(user), "pk", data.get("post"), "post"),
        department=pick(
            Department.objects.filter(is_active=True), "code", data.get("department"), "department"
        ),
        target=pick(
            scoped(InspectionTarget.objects.all(), user), "pk", data.get("target"), "target"
        ),
        project=pick(projects_for(user), "code", data.get("project"), "project"),
        lon=data.get("lon"),
        lat=data.get("lat"),
        rectify_days=data.get("rectify_days", 10),
    )


def detail_response(request, finding, code=status.HTTP_200_OK) -> Response:
    finding = finding_for(request.user, finding.number)
    return Response(
        FindingDetailSerializer(finding, context={"request": request}).data, status=code
    )


def finding_filter_from(params) -> FindingFilter:
    group = params.get("group")
    group_id = stored_id(group) if group else None
    if group and group_id is None:
        raise InvalidInput(_("group must be a group's id."))
    return FindingFilter(
        status=params.get("status", "") if params.get("status") in FindingStatus.values else "",
        kind=params.get("kind", "") if params.get("kind") in FindingKind.values else "",
        group=group_id,
        q=params.get("q", "")[:100],
    )


class FindingListCreateView(generics.ListAPIView):
    """Supervision findings in your area (newest first), and recording a new one."""

    serializer_class = FindingListSerializer

    def get_queryset(self):
        return filtered_findings(self.request.user, finding_filter_from(self.request.query_params))

    @extend_schema(
        operation_id="findings_list",
        parameters=[
            OpenApiParameter("status", str, enum=FindingStatus.values),
            OpenApiParameter("kind", str, enum=FindingKind.values),
            OpenApiParameter("group", int, description=_("supervision group id")),
            OpenApiParameter("q", str, description=_("number, summary or unit")),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="findings_record",
        request=FindingInput,
        responses={201: FindingDetailSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request):
        def create():
            body = FindingInput(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            finding = actions.do_record_finding(
                finding_data_from(request.user, data), actor=request.user, note=data["note"]
            )
            return detail_response(request, finding, status.HTTP_201_CREATED)

        return idempotent(request, create)


class FindingDetailView(APIView):
    @extend_schema(
        operation_id="findings_read", responses={200: FindingDetailSerializer, 404: dict}
    )
    def get(self, request, number):
        return detail_response(request, finding_for(request.user, number))


# --- Groups and posts -----------------------------------------------------------------------


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.SerializerMethodField()
    office = serializers.CharField(source="office.name")
    parent = serializers.IntegerField(source="parent_id")
    members = serializers.SerializerMethodField()

    def get_region(self, group) -> dict:
        return _brief(group.region)

    def get_members(self, group) -> list[dict]:
        return [{"id": s.pk, "name": s.name} for s in group.members.all()]


class GroupListView(generics.ListAPIView):
    """Supervision groups and village squads in your area, with their members."""

    serializer_class = GroupSerializer

    def get_queryset(self):
        return groups_for(self.request.user).prefetch_related("members").order_by("kind", "name")

    @extend_schema(operation_id="supervision_groups_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    group = serializers.CharField(source="group.name")
    kind = serializers.CharField()
    mode = serializers.CharField()
    mode_label = serializers.CharField(source="get_mode_display")
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    target = serializers.SerializerMethodField()
    active_from = serializers.DateField()
    active_until = serializers.DateField()
    watches = serializers.SerializerMethodField()

    def get_target(self, post) -> dict | None:
        return None if post.target is None else {"id": post.target_id, "name": post.target.name}

    def get_watches(self, post) -> dict:
        return {
            "units": [u.name for u in post.watched_units.all()],
            "projects": [p.code for p in post.watched_projects.all()],
            "checkpoints": [c.name for c in post.watched_checkpoints.all()],
        }


class PostListView(generics.ListAPIView):
    """Supervision posts (监督哨) in your area and what each watches."""

    serializer_class = PostSerializer

    def get_queryset(self):
        return posts_for(self.request.user).prefetch_related(
            "watched_units", "watched_projects", "watched_checkpoints"
        )

    @extend_schema(operation_id="supervision_posts_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Suggestions ----------------------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.CharField(source="post.name")
    source = serializers.CharField()
    channel = serializers.CharField()
    text = serializers.CharField()
    name = serializers.CharField()
    unit_name = serializers.CharField()
    phone = serializers.CharField(source="masked_phone")
    created_at = serializers.DateTimeField()


class SuggestionInput(serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    text = serializers.CharField(max_length=4000)
    source = serializers.ChoiceField(choices=SuggestionSource.choices, default="public")
    name = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    unit_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")


def _suggest(post, data, actor):
    return actions.do_record_suggestion(
        post,
        text=data["text"],
        source=data["source"],
        name=data["name"],
        unit_name=data["unit_name"],
        phone=data["phone"],
        actor=actor,
    )


class SuggestionListCreateView(generics.ListAPIView):
    """Suggestions collected at the posts of your area, and recording one for a person or a
    unit (phones masked)."""

    serializer_class = SuggestionSerializer

    def get_queryset(self):
        return suggestions_for(self.request.user)

    @extend_schema(operation_id="suggestions_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="suggestions_record",
        request=SuggestionInput,
        responses={201: SuggestionSerializer, 400: dict, 404: dict},
    )
    def post(self, request):
        body = SuggestionInput(data=request.data)
        body.is_valid(raise_exception=True)
        post = post_for(request.user, body.validated_data["post"])
        suggestion = _suggest(post, body.validated_data, request.user)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


def count_public_suggestion(request) -> None:
    if not allow(f"public:suggestion:{client_ip(request)}", **settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT):
        raise TooManyRequests(_("Too many attempts from this address; please try again later."))


def open_post(pk) -> SupervisionPost:
    """A post that takes suggestions from the public today."""
    pk = stored_id(pk)
    post = SupervisionPost.objects.filter(pk=pk).first() if pk is not None else None
    if post is None or not post.is_active_on(timezone.localdate()):
        raise NotFound(_("No such supervision post, or it is not open now."))
    return post


class PublicSuggestionView(APIView):
    """A suggestion to a supervision post from anyone, without an account; counted per
    address. The answer says only that it was received."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_suggestions_submit",
        auth=[],
        request=SuggestionInput,
        responses={201: dict, 400: dict, 404: dict, 429: dict},
    )
    def post(self, request):
        count_public_suggestion(request)
        body = SuggestionInput(data=request.data)
        body.is_valid(raise_exception=True)
        post = open_post(body.validated_data["post"])
        _suggest(post, body.validated_data, PublicActor(PUBLIC_LABEL))
        return Response({"received": True, "post": post.name}, status=status.HTTP_201_CREATED)


# --- Projects -------------------------------------------------------------------------------


class ProjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.name")
    group = serializers.CharField(source="group.name")
    town = serializers.SerializerMethodField()
    progress = serializers.IntegerField()
    funds_received_on = serializers.DateField()
    plan_title = serializers.CharField()
    plan_approved_on = serializers.DateField()

    def get_town(self, project) -> dict | None:
        return _brief(project.town)


class ProjectDetailSerializer(ProjectSerializer):
    plan_text = serializers.CharField()
    budget_lines = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()
    disbursements = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    def get_budget_lines(self, project) -> list[dict]:
        return [
            {"code": x.code, "name": x.name, "amount": str(x.amount)}
            for x in project.budget_lines.all()
        ]

    def get_parties(self, project) -> list[dict]:
        return [{"name": p.name, "uscc": p.uscc} for p in project.parties.all()]

    def get_checks(self, project) -> list[dict]:
        return [
            {
                "kind": c.kind,
                "checked_on": c.checked_on.isoformat(),
                "subject": c.subject,
                "result": c.result,
                "problems": c.problems,
            }
            for c in project.checks.all()
        ]

    def get_disbursements(self, project) -> list[dict]:
        return [
            {
                "reference": d.reference,
                "paid_on": d.paid_on.isoformat(),
                "payee": d.payee,
                "amount": str(d.amount),
                "line": d.line.code,
            }
            for d in project.disbursements.select_related("line")
        ]

    def get_findings(self, project) -> list[dict]:
        return [
            {"number": f.number, "rule": f.rule, "status": f.status, "summary": f.summary}
            for f in project.findings.order_by("found_at", "pk")
        ]


class ProjectListView(generics.ListAPIView):
    """Projects under fund supervision in your area."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return projects_for(self.request.user)

    @extend_schema(operation_id="supervised_projects_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProjectDetailView(APIView):
    @extend_schema(
        operation_id="supervised_projects_read", responses={200: ProjectDetailSerializer, 404: dict}
    )
    def get(self, request, code):
        return Response(ProjectDetailSerializer(project_for(request.user, code)).data)


class CheckInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CheckKind.choices, default=CheckKind.SPECIAL)
    checked_on = serializers.DateField()
    subject = serializers.CharField(max_length=200)
    result = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    problems = serializers.IntegerField(min_value=0, max_value=999, default=0)


class ProjectCheckView(APIView):
    """Record a check of a project (一项一督查)."""

    @extend_schema(
        operation_id="supervised_projects_check",
        request=CheckInput,
        responses={201: ProjectDetailSerializer, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, code):
        project = project_for(request.user, code)
        body = CheckInput(data=request.data)
        body.is_valid(raise_exception=True)
        actions.do_record_check(project, actor=request.user, **body.validated_data)
        return Response(ProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectRulesView(APIView):
    """Run the fund anomaly rules over a project's ledger now: findings for new anomalies only."""

    @extend_schema(
        operation_id="supervised_projects_run_rules",
        request=None,
        responses={200: dict, 403: dict, 404: dict},
    )
    def post(self, request, code):
        project = project_for(request.user, code)
        actions.require_manager(request.user, project.town or project.county)
        return Response(actions.do_run_fund_rules([project], actor=request.user))


class LedgerUpload(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel (.xlsx) or CSV, the ledger's columns"))
    skip_bad_rows = serializers.BooleanField(required=False, default=False)


class LedgerImportView(APIView):
    """Import payments from a finance ledger file: a background job; its page and
    `GET /api/v1/jobs/{id}` report row by row."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="supervised_projects_import_ledger",
        request=LedgerUpload,
        responses={202: dict, 400: dict, 403: dict},
    )
    def post(self, request):
        from .jobs import IMPORT_DISBURSEMENTS
        from .views import check_ledger_upload

        body = LedgerUpload(data=request.data)
        body.is_valid(raise_exception=True)
        upload = check_ledger_upload(request.user, body.validated_data["file"])
        job = do_submit_job(
            IMPORT_DISBURSEMENTS,
            actor=request.user,
            upload=upload,
            params={"skip_bad_rows": body.validated_data["skip_bad_rows"]},
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


# --- Figures --------------------------------------------------------------------------------

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def kpi_query_from(user, params) -> KpiQuery:
    today = timezone.localdate()
    start = parse_day(params.get("from"), "from") or today.replace(month=1, day=1)
    end = parse_day(params.get("to"), "to") or today
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise InvalidInput(_("Dates run from 2000-01-01 to 2099-12-31."))
    if end < start:
        raise InvalidInput(_("The range ends before it starts."))
    region = region_or_home_for(user, params.get("region"))
    if region is None:
        raise NotFound(_("Name a region."))
    return KpiQuery(region=region, start=start, end=end)


def month_from(params) -> str:
    month = params.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        year, number = (int(part) for part in month.split("-"))
        dt.date(year, number, 1)
    except ValueError:
        raise InvalidInput(_("month is not a month (YYYY-MM).")) from None
    if not 2000 <= year <= 2099:
        raise InvalidInput(_("Dates run from 2000-01-01 to 2099-12-31."))
    return f"{year:04d}-{number:02d}"


KPI_PARAMETERS = [
    OpenApiParameter("region", str, description=_("region code; default: your own")),
    OpenApiParameter("from", str, description=_("YYYY-MM-DD; default: 1 January")),
    OpenApiParameter("to", str, description=_("YYYY-MM-DD, inclusive; default: today")),
]


class SupervisionKpiView(APIView):
    """Findings by kind, unit, group and area; rectified on time; recurrence."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="kpi_supervision",
        parameters=KPI_PARAMETERS,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request):
        return Response(supervision_kpis(request.user, kpi_query_from(request.user, request.GET)))


class UnitsByOpenFindingsView(APIView):
    """The month's list of responsible units by findings open at its end."""

    permission_classes = [requires(Capability.VIEW_KPI)]

    @extend_schema(
        operation_id="kpi_supervision_units",
        parameters=[
            OpenApiParameter("region", str, description=_("region code; default: your own")),
            OpenApiParameter("month", str, description=_("YYYY-MM; default: this month")),
        ],
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request):
        region = region_or_home_for(request.user, request.GET.get("region"))
        if region is None:
            raise NotFound(_("Name a region."))
        month = month_from(request.GET)
        units = units_by_open_findings(request.user, region, month)
        return Response({"region": _brief(region), "month": month, "units": units})
