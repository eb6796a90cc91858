"""Outgoing webhooks: a subscription (an endpoint, its secret, the topics it hears about, the
region it covers), the messages queued for it, and every attempt to deliver one."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import EncryptedTextField
from gridgov.core.scope_rules import ScopeRule

from .choices import TEST_TOPIC, Format, MessageStatus, Topic


class Subscription(models.Model):
    name = models.CharField(_("name"), max_length=100)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.STANDARD
    )
    url = models.URLField(_("endpoint URL"), max_length=500)
    # The signing secret ("whsec_…" or the robot's "SEC…"), shown once when created.
    secret = EncryptedTextField(_("secret"))
    topics = models.JSONField(_("topics"), default=list)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_reason = models.CharField(_("why disabled"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["region", "is_active"], name="webhooks_sub_region")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("webhooks:detail", args=[self.pk])

    def topic_labels(self) -> str:
        labels = dict(Topic.choices)
        return "、".join(str(labels.get(t, t)) for t in self.topics)


class Message(models.Model):
    """One thing to tell one subscription. Its `msg_id` is the `webhook-id` header: the same
    on every attempt and on a redelivery, so the receiver can drop a repeat."""

    msg_id = models.CharField(_("message id"), max_length=40, unique=True)
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("webhook subscription"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    topic = models.CharField(_("topic"), max_length=32)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the next attempt is due; while an attempt is under way, when its claim runs out.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    scope_rule = ScopeRule(region="subscription__region")

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_msg_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhooks_msg_sub"),
        ]

    def __str__(self):
        return f"{self.topic} {self.msg_id}"

    @property
    def topic_label(self) -> str:
        if self.topic == TEST_TOPIC:
            return str(_("Test message"))
        return str(dict(Topic.choices).get(self.topic, self.topic))


class Attempt(models.Model):
    """The delivery log: one row per try, what the endpoint answered (or why nothing came)."""

    message = models.ForeignKey(
        Message, verbose_name=_("webhook message"), on_delete=models.CASCADE,
        related_name="attempt_log",
    )  # fmt: skip
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    error = models.CharField(_("error"), max_length=255, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)

    scope_rule = ScopeRule(region="message__subscription__region")

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.message_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
