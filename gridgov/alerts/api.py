"""REST API for early warnings: the signal intake, signal sources, warnings and their loop,
rules with their versions, and the dry run.

Views only translate HTTP into selector and action calls.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import InvalidInput, NotFound
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.regions.choices import CRS
from gridgov.regions.models import Region
from gridgov.regions.selectors import region_for
from gridgov.workflow.api import actions_of, timeline_of

from . import actions
from .choices import SourceKind, WarningStatus
from .evaluation import dry_run
from .models import Rule
from .selectors import (
    WarningFilter,
    filtered_warnings,
    rule_for,
    rule_to_manage,
    rule_versions,
    rules_for,
    signals_of,
    sources,
    warning_for,
)
from .workflow import WARNING_WORKFLOW

DRY_RUN_MAX_DAYS = 92

# --- Output ---------------------------------------------------------------------------------


def _brief(obj, code="code"):
    return None if obj is None else {"code": getattr(obj, code), "name": obj.name}


class WarningListSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    rule = serializers.SerializerMethodField()
    summary = serializers.CharField()
    target = serializers.SerializerMethodField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    town = serializers.SerializerMethodField()
    signal_count = serializers.IntegerField()
    fired_at = serializers.DateTimeField()
    action_type = serializers.CharField()

    def get_rule(self, warning) -> dict:
        return {"id": warning.rule_id, "name": warning.rule.name}

    def get_target(self, warning) -> dict | None:
        t = warning.target
        return None if t is None else {"id": t.pk, "name": t.name, "kind": t.kind}

    def get_town(self, warning) -> dict | None:
        return _brief(warning.town)


class WarningSignalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField(source="source.code")
    external_id = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    observed_at = serializers.DateTimeField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    device = serializers.CharField()


class WarningDetailSerializer(WarningListSerializer):
    rule_version = serializers.IntegerField(source="rule_version.number")
    county = serializers.SerializerMethodField()
    first_signal_at = serializers.DateTimeField()
    last_signal_at = serializers.DateTimeField()
    value = serializers.FloatField()
    signals = serializers.SerializerMethodField()
    inspection = serializers.SerializerMethodField()
    event = serializers.SerializerMethodField()
    action_error = serializers.CharField()
    due_at = serializers.DateTimeField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_county(self, warning) -> dict | None:
        return _brief(warning.county)

    def get_signals(self, warning) -> list[dict]:
        return WarningSignalSerializer(signals_of(warning), many=True).data

    def get_inspection(self, warning) -> str | None:
        return warning.inspection.number if warning.inspection_id else None

    def get_event(self, warning) -> str | None:
        return warning.event.number if warning.event_id else None

    def get_timeline(self, warning) -> list[dict]:
        return timeline_of(warning)

    def get_actions(self, warning) -> list[str]:
        return actions_of(WARNING_WORKFLOW, warning, self.context["request"])


class WarningRuleVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    definition = serializers.JSONField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()

    def get_created_by(self, version) -> str:
        return version.created_by.get_username() if version.created_by_id else ""


class WarningRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    is_active = serializers.BooleanField()
    version = serializers.IntegerField(source="current.number")
    definition = serializers.JSONField(source="current.definition")
    updated_at = serializers.DateTimeField()


class WarningRuleDetailSerializer(WarningRuleSerializer):
    versions = serializers.SerializerMethodField()

    def get_versions(self, rule) -> list[dict]:
        return WarningRuleVersionSerializer(rule_versions(rule), many=True).data


class SignalSourceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    min_value = serializers.FloatField()
    max_value = serializers.FloatField()
    event_categories = serializers.JSONField()
    is_active = serializers.BooleanField()


# --- Input ----------------------------------------------------------------------------------


class WarningRuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    jurisdiction = serializers.CharField(max_length=32, help_text=_("region code"))
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(default=True)
    definition = serializers.JSONField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    version = serializers.IntegerField(
        required=False, help_text=_("update: the version you edited; 409 if it changed since")
    )


class SignalSourceInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(
        choices=[(k, label) for k, label in SourceKind.choices if k != SourceKind.WARNING]
    )
    metric = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    min_value = serializers.FloatField(required=False, allow_null=True, default=None)
    max_value = serializers.FloatField(required=False, allow_null=True, default=None)
    event_categories = serializers.ListField(
        child=serializers.CharField(max_length=17), required=False, default=list, max_length=50
    )
    is_active = serializers.BooleanField(default=True)


class WarningRuleDryRunInput(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("first day, default: a month ago"))
    end = serializers.DateField(required=False, help_text=_("last day, inclusive; default: today"))
    version = serializers.IntegerField(required=False, min_value=1)


def rule_data(user, data: dict) -> actions.RuleData:
    jurisdiction = Region.objects.filter(code=data["jurisdiction"]).first()
    if jurisdiction is None:
        raise InvalidInput(
            _("Unknown region: %(code)s.") % {"code": data["jurisdiction"]},
            details=[{"field": "jurisdiction", "message": _("Unknown region.")}],
        )
    return actions.RuleData(
        name=data["name"],
        jurisdiction=jurisdiction,
        definition=data["definition"],
        description=data.get("description", ""),
        is_active=data.get("is_active", True),
        note=data.get("note", ""),
    )


def period(start, end) -> tuple[datetime, datetime]:
    """[start, end] as days, local midnight to midnight; default the last month."""
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=30)
    if start > end or (end - start).days > DRY_RUN_MAX_DAYS:
        raise InvalidInput(
            _("Pick a period of at most %(n)d days.") % {"n": DRY_RUN_MAX_DAYS},
            details=[{"field": "start", "message": _("The period is empty or too long.")}],
        )
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tz),
        datetime.combine(end + timedelta(days=1), time.min, tz),
    )


def dry_run_result(rule: Rule, version_number: int | None, start, end) -> dict:
    version = rule.current
    if version_number is not None:
        version = rule.versions.filter(number=version_number).first()
        if version is None:
            raise NotFound(_("No such version of this rule."))
    start_at, end_at = period(start, end)
    result = dry_run(rule, version, start_at, end_at)
    return {"version": version.number, "start": start_at, "end": end_at, **result}


def _firing_json(dry) -> dict:
    f = dry.firing
    return {
        "subject": f.subject_key,
        "target": f.target_id,
        "signals": f.signal_ids[: actions.MAX_PROVENANCE],
        "signal_count": f.signal_count,
        "first_signal_at": f.first_at.isoformat(),
        "last_signal_at": f.last_at.isoformat(),
        "value": f.value,
        "suppressed": dry.suppressed,
    }


# --- Input ----------------------------------------------------------------------------------


class SignalInput(serializers.Serializer):
    """One signal as a feed sends it. Documents the intake; the action checks each row itself,
    so that one bad row of a batch refuses that row only."""

    source = serializers.CharField(help_text=_("The signal source's code, e.g. noise"))
    id = serializers.CharField(max_length=64, help_text=_("The signal's id at its source"))
    kind = serializers.CharField(
        max_length=32, required=False, help_text=_("Default: the source's")
    )
    value = serializers.FloatField(required=False, allow_null=True)
    unit = serializers.CharField(required=False, help_text=_("Default: the source's"))
    observed_at = serializers.DateTimeField(required=False, help_text=_("Default: now"))
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=CRS.choices, required=False, default=CRS.WGS84)
    target = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("An inspection target's number")
    )
    device = serializers.CharField(max_length=64, required=False)
    payload = serializers.DictField(required=False)


class SignalRefusalSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    field = serializers.CharField(help_text=_("The first problem's field"))
    reason = serializers.CharField(help_text=_("The first problem"))
    problems = serializers.ListField(child=serializers.DictField(), help_text=_("Every problem"))


class SignalIntakeResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.ListField(child=serializers.DictField())
    rejected = SignalRefusalSerializer(many=True)


# --- Views ----------------------------------------------------------------------------------


class SignalIntakeView(APIView):
    """Take in one signal (an object) or a batch (a list of up to 5,000). Idempotent by
    (source, id); refused rows are listed with their index, field and reason while the rest
    are kept. Needs the feed_signals capability: an API token of a data feed account (the
    integration role, which may do nothing else)."""

    permission_classes = [requires(Capability.FEED_SIGNALS)]

    @extend_schema(
        operation_id="signals_feed",
        request=PolymorphicProxySerializer(
            component_name="SignalFeed",
            serializers=[SignalInput, SignalInput(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            200: SignalIntakeResultSerializer,
            201: SignalIntakeResultSerializer,
            400: dict,
            403: dict,
        },
    )
    def post(self, request):
        single = isinstance(request.data, dict)
        rows = [request.data] if single else request.data
        result = actions.do_feed_signals(rows, actor=request.user)
        if single:
            if result["rejected"]:
                refused = result["rejected"][0]
                raise InvalidInput(
                    _("The signal was refused."),
                    details=refused["problems"],
                )
            code = status.HTTP_201_CREATED if result["accepted"] else status.HTTP_200_OK
            return Response(result, status=code)
        if not result["accepted"] and not result["duplicates"]:
            return Response(
                {"detail": _("Every signal was refused."), "code": "invalid", **result},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result)


class SourceListView(generics.ListAPIView):
    """The signal sources: their codes, kinds, units and plausible ranges; and defining a new
    one (the manage_warning_rules capability)."""

    serializer_class = SignalSourceSerializer

    def get_queryset(self):
        return sources()

    @extend_schema(request=SignalSourceInput, responses={201: SignalSourceSerializer, 400: dict})
    def post(self, request):
        body = SignalSourceInput(data=request.data)
        body.is_valid(raise_exception=True)
        source = actions.do_create_source(
            actions.SourceData(**body.validated_data), actor=request.user
        )
        return Response(SignalSourceSerializer(source).data, status=status.HTTP_201_CREATED)


class SourceDetailView(APIView):
    """One signal source; PUT changes its name, signal kind, unit, range, categories and
    whether it is in use (its code and kind stay)."""

    @extend_schema(responses={200: SignalSourceSerializer})
    def get(self, request, code):
        return Response(SignalSourceSerializer(source_for(code)).data)

    @extend_schema(request=SignalSourceInput, responses={200: SignalSourceSerializer, 400: dict})
    def put(self, request, code):
        source = source_for(code)
        if source.kind == SourceKind.WARNING:
            raise InvalidInput(_("This source is kept by the platform itself."))
        if not isinstance(request.data, dict):
            raise InvalidInput(_("Send the source as a JSON object."))
        fields = {key: request.data.get(key) for key in request.data}
        body = SignalSourceInput(data={**fields, "code": source.code, "kind": source.kind})
        body.is_valid(raise_exception=True)
        source = actions.do_update_source(
            source, actions.SourceData(**body.validated_data), actor=request.user
        )
        return Response(SignalSourceSerializer(source).data)


def source_for(code: str):
    source = sources().filter(code=code).first()
    if source is None:
        raise NotFound(_("No such signal source."))
    return source


class WarningListView(generics.ListAPIView):
    """Warnings in your area, newest first."""

    serializer_class = WarningListSerializer

    def get_queryset(self):
        return filtered_warnings(
            self.request.user, warning_filter_from(self.request.user, self.request.query_params)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[*WarningStatus.values, "open"]),
            OpenApiParameter("rule", int),
            OpenApiParameter("region", str, description=_("region code")),
            OpenApiParameter("target", int),
            OpenApiParameter("q", str, description=_("number, or words of the target's name")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _int_param(params, name) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Not a number: %(name)s.") % {"name": name},
            details=[{"field": name, "message": _("Give a number.")}],
        ) from None


def warning_filter_from(user, params) -> WarningFilter:
    rule_id = _int_param(params, "rule")
    rule = rule_for(user, rule_id) if rule_id is not None else None
    region = region_for(user, params["region"]) if params.get("region") else None
    return WarningFilter(
        status=params.get("status", ""),
        rule=rule,
        region=region,
        target=_int_param(params, "target"),
        q=(params.get("q") or "")[:100],
    )


class WarningDetailView(APIView):
    @extend_schema(responses={200: WarningDetailSerializer})
    def get(self, request, number):
        warning = warning_for(request.user, number)
        return Response(WarningDetailSerializer(warning, context={"request": request}).data)


class RuleListCreateView(generics.ListAPIView):
    """Warning rules, and creating one (the manage_warning_rules capability)."""

    serializer_class = WarningRuleSerializer

    def get_queryset(self):
        return rules_for(self.request.user).order_by("name", "id")

    @extend_schema(
        request=WarningRuleInput, responses={201: WarningRuleDetailSerializer, 400: dict}
    )
    def post(self, request):
        body = WarningRuleInput(data=request.data)
        body.is_valid(raise_exception=True)
        rule = actions.do_create_rule(
            rule_data(request.user, body.validated_data), actor=request.user
        )
        rule = rule_for(request.user, rule.pk)
        return Response(WarningRuleDetailSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailView(APIView):
    """A rule with its version history; PUT edits it (a changed definition is a new version)."""

    @extend_schema(responses={200: WarningRuleDetailSerializer})
    def get(self, request, pk):
        return Response(WarningRuleDetailSerializer(rule_for(request.user, pk)).data)

    @extend_schema(
        request=WarningRuleInput, responses={200: WarningRuleDetailSerializer, 400: dict, 409: dict}
    )
    def put(self, request, pk):
        rule = rule_to_manage(request.user, pk)
        body = WarningRuleInput(data=request.data)
        body.is_valid(raise_exception=True)
        actions.do_update_rule(
            rule.pk,
            rule_data(request.user, body.validated_data),
            actor=request.user,
            expected_version=body.validated_data.get("version"),
        )
        return Response(WarningRuleDetailSerializer(rule_for(request.user, pk)).data)


class RuleDryRunView(APIView):
    """What the rule (its current version, or `version`) would have raised over a past period
    of signals — a month by default. Writes nothing."""

    permission_classes = [requires(Capability.MANAGE_WARNING_RULES)]

    @extend_schema(request=WarningRuleDryRunInput, responses={200: dict, 400: dict, 404: dict})
    def post(self, request, pk):
        rule = rule_to_manage(request.user, pk)
        body = WarningRuleDryRunInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = dry_run_result(rule, data.get("version"), data.get("start"), data.get("end"))
        return Response(
            {
                "rule": rule.pk,
                "version": result["version"],
                "start": result["start"],
                "end": result["end"],
                "signals": result["signals"],
                "warnings": result["warnings"],
                "suppressed": result["suppressed"],
                "firings": [_firing_json(f) for f in result["firings"]],
            }
        )
