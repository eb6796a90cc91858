"""REST API of the scheduled reports: the subscriptions (subscribe, end) and the reports of
your area with the links to their files. Views only translate HTTP into selector and action
calls."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.idempotency import idempotent
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires
from gridgov.regions.selectors import region_for

from . import actions
from .choices import Frequency, ReportStatus
from .selectors import reports_for, subscriptions_for


class ReportSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region.code")
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    recipients = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_recipients(self, subscription) -> list[str]:
        return [u.username for u in subscription.recipients.all()]


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    period = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    made_at = serializers.DateTimeField(allow_null=True)
    xlsx = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    def _link(self, report, fmt) -> str | None:
        if report.status != ReportStatus.READY:
            return None
        return reverse("reports:download", args=[report.pk, fmt])

    def get_xlsx(self, report) -> str | None:
        return self._link(report, "xlsx")

    def get_pdf(self, report) -> str | None:
        return self._link(report, "pdf")


class ReportSubscriptionInput(serializers.Serializer):
    region = serializers.CharField(max_length=32, help_text=_("region code"))
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=150), max_length=50, required=False, default=list,
        help_text=_("user names"),
    )  # fmt: skip


class ReportSubscriptionListView(generics.ListAPIView):
    """Report subscriptions of your area; subscribing again changes the recipients."""

    serializer_class = ReportSubscriptionSerializer
    permission_classes = [requires(Capability.MANAGE_PUSHES)]

    def get_queryset(self):
        return subscriptions_for(self.request.user)

    @extend_schema(operation_id="report_subscriptions_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="report_subscriptions_create", request=ReportSubscriptionInput,
                   responses={201: ReportSubscriptionSerializer, 400: dict, 403: dict})  # fmt: skip
    def post(self, request):
        def create():
            body = ReportSubscriptionInput(data=request.data)
            body.is_valid(raise_exception=True)
            d = body.validated_data
            subscription = actions.do_subscribe(
                d["region"], d["frequency"], d["recipients"], actor=request.user
            )
            subscription = subscriptions_for(request.user).get(pk=subscription.pk)
            answer = ReportSubscriptionSerializer(subscription).data
            return Response(answer, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class ReportSubscriptionDetailView(APIView):
    permission_classes = [requires(Capability.MANAGE_PUSHES)]

    @extend_schema(
        operation_id="report_subscriptions_remove", responses={204: None, 403: dict, 404: dict}
    )
    def delete(self, request, pk):
        actions.do_unsubscribe(pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportListView(generics.ListAPIView):
    """Reports of your area, newest first, with the links to download them."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        p = self.request.query_params
        region = region_for(self.request.user, p["region"]) if p.get("region") else None
        frequency = p.get("frequency", "")
        return reports_for(
            self.request.user,
            region=region,
            frequency=frequency if frequency in Frequency.values else "",
        )

    @extend_schema(
        operation_id="reports_list",
        parameters=[
            OpenApiParameter("region", str, description=_("region code")),
            OpenApiParameter("frequency", str, enum=Frequency.values),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
