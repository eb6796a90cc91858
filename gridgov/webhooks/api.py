"""REST API of the webhooks: subscriptions (the secret is in the answer to the creation
only), switching on and off, a test message, the messages with their delivery log, and
redelivery. Views only translate HTTP into selector and action calls."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.idempotency import idempotent
from gridgov.org.choices import Capability
from gridgov.org.permissions import requires

from . import actions
from .choices import Format, MessageStatus, Topic
from .models import Attempt
from .selectors import messages_for, subscription_for, subscriptions_for


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    format = serializers.ChoiceField(choices=Format.choices)
    url = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    region = serializers.CharField(source="region.code")
    is_active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField()
    disabled_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class CreatedWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text=_("shown this once; keep it to verify signatures"))


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField()
    error = serializers.CharField()
    response_body = serializers.CharField()


class WebhookMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    msg_id = serializers.CharField(help_text=_("the webhook-id header"))
    topic = serializers.CharField()
    payload = serializers.JSONField()
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    log = WebhookAttemptSerializer(source="attempt_log.all", many=True)


class WebhookInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), min_length=1, max_length=10
    )
    region = serializers.CharField(max_length=32, help_text=_("region code"))
    format = serializers.ChoiceField(choices=Format.choices, required=False, default="standard")
    secret = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text=_("a DingTalk robot's signing secret (SEC…); made by GridGov otherwise"),
    )  # fmt: skip


class WebhookActiveInput(serializers.Serializer):
    active = serializers.BooleanField()


PUSHES = [requires(Capability.MANAGE_PUSHES)]


class WebhookListView(generics.ListAPIView):
    """Webhook subscriptions of your area."""

    serializer_class = WebhookSerializer
    permission_classes = PUSHES

    def get_queryset(self):
        return subscriptions_for(self.request.user)

    @extend_schema(operation_id="webhooks_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="webhooks_create", request=WebhookInput,
                   responses={201: CreatedWebhookSerializer, 400: dict, 403: dict})  # fmt: skip
    def post(self, request):
        def create():
            body = WebhookInput(data=request.data)
            body.is_valid(raise_exception=True)
            data = actions.SubscriptionData(**body.validated_data)
            subscription, secret = actions.do_create_subscription(data, actor=request.user)
            answer = {**WebhookSerializer(subscription).data, "secret": secret}
            return Response(answer, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class WebhookDetailView(APIView):
    permission_classes = PUSHES

    @extend_schema(operation_id="webhooks_remove", responses={204: None, 403: dict, 404: dict})
    def delete(self, request, pk):
        actions.do_delete_subscription(pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookActiveView(APIView):
    """Switch a webhook on (its failure count starts again) or off."""

    permission_classes = PUSHES

    @extend_schema(operation_id="webhooks_switch", request=WebhookActiveInput,
                   responses={200: WebhookSerializer, 400: dict, 403: dict, 404: dict})  # fmt: skip
    def post(self, request, pk):
        body = WebhookActiveInput(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = actions.do_set_active(pk, body.validated_data["active"], actor=request.user)
        return Response(WebhookSerializer(subscription).data)


class WebhookTestView(APIView):
    """Queue a test message to the webhook."""

    permission_classes = PUSHES

    @extend_schema(
        operation_id="webhooks_test",
        request=None,
        responses={202: WebhookMessageSerializer, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, pk):
        message = actions.do_send_test(pk, actor=request.user)
        message = messages_for(request.user, message.subscription).get(pk=message.pk)
        return Response(WebhookMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)


class WebhookMessageListView(generics.ListAPIView):
    """A webhook's messages, newest first, each with its delivery log."""

    serializer_class = WebhookMessageSerializer
    permission_classes = PUSHES

    def get_queryset(self):
        subscription = subscription_for(self.request.user, self.kwargs["pk"])
        attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
        return messages_for(self.request.user, subscription).prefetch_related(attempts)

    @extend_schema(operation_id="webhooks_messages_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RedeliverView(APIView):
    """Send a delivered or given-up message again, with the same webhook-id."""

    permission_classes = PUSHES

    @extend_schema(
        operation_id="webhook_messages_redeliver",
        request=None,
        responses={202: WebhookMessageSerializer, 403: dict, 404: dict, 409: dict},
    )
    def post(self, request, pk):
        message = actions.do_redeliver(pk, actor=request.user)
        message = messages_for(request.user, message.subscription).get(pk=message.pk)
        return Response(WebhookMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)
