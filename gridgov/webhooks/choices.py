from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a subscription may hear about (`gridgov.core.registry.publish`)."""

    EVENT_OVERDUE = "event.overdue", _("an event ran overdue (red)")
    WARNING_RAISED = "warning.raised", _("a warning was raised")
    SUMMARY_DAILY = "summary.daily", _("the daily summary")
    REPORT_READY = "report.ready", _("a scheduled report is ready")


# Sent only by the "send a test message" button, whatever topics were chosen.
TEST_TOPIC = "webhook.test"
# Topics about a region as a whole go to subscriptions of exactly that region; the others
# (something that happened somewhere) to subscriptions of the region and every one above it.
WHOLE_REGION_TOPICS = frozenset({Topic.SUMMARY_DAILY, Topic.REPORT_READY})


class Format(models.TextChoices):
    STANDARD = "standard", _("Standard Webhooks (signed JSON)")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("given up")
