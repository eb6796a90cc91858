"""REST API of the evaluation under /api/v1/evaluation/: the sets, a month's evaluation with
its corrections, its ranking (paginated), a unit's score explained; evaluating a month,
publishing it, importing a set's indicators from a file.

Views only translate HTTP into selector and action calls."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import InvalidInput
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires

from . import actions, selectors
from .setfile import import_indicator_file

# --- Output ---------------------------------------------------------------------------------


class IndicatorOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    source = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    direction = serializers.CharField()
    rule = serializers.CharField()
    floor = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    thresholds = serializers.CharField()


class IndicatorSetOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    unit_kind = serializers.CharField()
    is_active = serializers.BooleanField()
    indicators = IndicatorOut(many=True, source="indicators.all")


class CorrectionOut(serializers.Serializer):
    of_month = serializers.DateField(format="%Y-%m")
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    indicator_code = serializers.CharField()
    indicator_name = serializers.CharField()
    published = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    recomputed = serializers.ListField(child=serializers.IntegerField(allow_null=True))


class EvaluationOut(serializers.Serializer):
    indicator_set = serializers.CharField(source="indicator_set.code")
    month = serializers.CharField(source="period_text")
    status = serializers.CharField()
    computed_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    indicators = serializers.JSONField()
    corrections = CorrectionOut(many=True, source="corrections.all")


class MeasureOut(serializers.Serializer):
    code = serializers.CharField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text=_("a rate in percent, or a count"))
    points = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    contribution = serializers.FloatField(allow_null=True)


class ScoreOut(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    previous_total = serializers.FloatField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True)
    total_change = serializers.FloatField(allow_null=True)
    measures = MeasureOut(many=True)


class ExplainedOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    source = serializers.CharField()
    rule = serializers.CharField()
    direction = serializers.CharField()
    weight = serializers.FloatField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(allow_null=True)


class UnitScoreOut(ScoreOut):
    explained = ExplainedOut(many=True)
    corrections = CorrectionOut(many=True)


# --- Views ----------------------------------------------------------------------------------

READERS = [requires(Capability.VIEW_KPI)]


def _evaluation(request, code, month):
    return selectors.evaluation_for(request.user, code, selectors.month_of(month))


class SetListView(generics.ListAPIView):
    """The indicator sets of your area and the areas inside it."""

    permission_classes = READERS
    serializer_class = IndicatorSetOut

    def get_queryset(self):
        return selectors.sets_for(self.request.user).prefetch_related("indicators").order_by("code")

    @extend_schema(operation_id="evaluation_sets_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EvaluationView(APIView):
    """A set's month: its status, the indicators it weighed, the corrections of late data."""

    permission_classes = READERS

    @extend_schema(
        operation_id="evaluation_month",
        responses={200: EvaluationOut, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request, code, month):
        return Response(EvaluationOut(_evaluation(request, code, month)).data)


class RankingView(generics.ListAPIView):
    """The month's ranking, best first, with the change in rank and score since last month."""

    permission_classes = READERS
    serializer_class = ScoreOut

    def get_queryset(self):
        evaluation = _evaluation(self.request, self.kwargs["code"], self.kwargs["month"])
        return selectors.ranking_of(evaluation)

    @extend_schema(operation_id="evaluation_ranking")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitScoreView(APIView):
    """Why a unit scored what it scored: each indicator counted, rated, scored and weighed."""

    permission_classes = READERS

    @extend_schema(
        operation_id="evaluation_unit_score",
        responses={200: UnitScoreOut, 400: dict, 403: dict, 404: dict},
    )
    def get(self, request, code, month, unit):
        evaluation = _evaluation(request, code, month)
        score = selectors.score_for(evaluation, unit)
        score.explained = selectors.explained(evaluation, score)
        score.corrections = selectors.corrections_of(evaluation).filter(unit_id=score.unit_id)
        return Response(UnitScoreOut(score).data)


class EvaluateView(APIView):
    """Evaluate the month (a draft; a draft already there is replaced; 409 once published)."""

    @extend_schema(
        operation_id="evaluation_evaluate",
        request=None,
        responses={200: EvaluationOut, 400: dict, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, code, month):
        indicator_set = selectors.set_for(request.user, code)
        evaluation = actions.do_evaluate_month(
            indicator_set, selectors.month_of(month), actor=request.user
        )
        return Response(EvaluationOut(evaluation).data)


class PublishView(APIView):
    """Publish the month: it never changes afterwards."""

    @extend_schema(
        operation_id="evaluation_publish",
        request=None,
        responses={200: EvaluationOut, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, code, month):
        evaluation = actions.do_publish_evaluation(
            _evaluation(request, code, month), actor=request.user
        )
        return Response(EvaluationOut(evaluation).data)


class IndicatorUpload(serializers.Serializer):
    file = serializers.FileField(help_text=_("Excel (.xlsx) or CSV, the indicator file's columns"))


class ImportIndicatorsView(APIView):
    """Add or change the set's indicators from a file; every problem by row and column, and
    nothing written, when any row is wrong."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="evaluation_indicators_import",
        request=IndicatorUpload,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request, code):
        indicator_set = selectors.set_for(request.user, code)
        body = IndicatorUpload(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES:
            raise InvalidInput(_("The file is too large."))
        return Response(
            import_indicator_file(indicator_set, upload.read(), upload.name, actor=request.user)
        )
