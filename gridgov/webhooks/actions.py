"""Every write of the webhooks: creating a subscription (its secret is handed back once),
switching it on and off, deleting it, sending a test message, redelivering a message.

Each checks the capability and the actor's area (404 outside it), writes in one transaction
and audits; a refused action changes nothing. The sending itself is the worker's
(`delivery`)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted, field_problem
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of
from gridgov.regions.models import Region

from . import signing
from .addresses import checked_endpoint
from .choices import TEST_TOPIC, Format, MessageStatus, Topic
from .delivery import deliver, queue_message
from .models import Message, Subscription
from .selectors import message_for, subscription_for

MAX_SUBSCRIPTIONS_PER_REGION = 50


@dataclass
class SubscriptionData:
    name: str
    url: str
    topics: list[str] = field(default_factory=list)
    region: object = None  # a Region or its code
    format: str = Format.STANDARD
    secret: str = ""  # a DingTalk robot's "SEC…" secret; made here for Standard Webhooks


def _require(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_PUSHES):
        raise NotPermitted()


def region_in_area(value, actor, problems) -> Region | None:
    """The region a subscription is for: one the actor's area covers."""
    region = value if isinstance(value, Region) else None
    if region is None and isinstance(value, str) and value.strip():
        region = Region.objects.filter(code=value.strip()).defer("boundary").first()
    if region is None or not scope_of(actor).covers_region(region):
        problems.append(field_problem("region", _("Choose a region of your area.")))
        return None
    return region


def _checked(data: SubscriptionData, actor) -> tuple[dict, list]:
    problems = []
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        problems.append(field_problem("name", _("A name is required, at most 100 characters.")))
    topics = sorted(set(data.topics or ()))
    if not topics or any(t not in Topic.values for t in topics):
        problems.append(field_problem("topics", _("Choose at least one topic.")))
    if data.format not in Format.values:
        problems.append(field_problem("format", _("Choose a format.")))
    url = (data.url or "").strip()
    if len(url) > 500:
        problems.append(field_problem("url", _("At most 500 characters.")))
    else:
        try:
            checked_endpoint(url)
        except InvalidInput as refused:
            problems.extend(refused.details)
    secret = (data.secret or "").strip()
    if data.format == Format.DINGTALK and not (secret.startswith("SEC") and len(secret) <= 200):
        problems.append(
            field_problem("secret", _("Give the robot's signing secret (it starts with SEC)."))
        )
    region = region_in_area(data.region, actor, problems)
    values = {"name": name, "url": url, "topics": topics, "region": region}
    return values, problems


@transaction.atomic
def do_create_subscription(data: SubscriptionData, *, actor) -> tuple[Subscription, str]:
    """The subscription and its secret, which is never shown again."""
    _require(actor)
    values, problems = _checked(data, actor)
    if problems:
        raise InvalidInput(_("The webhook is not complete."), details=problems)
    region = values["region"]
    if Subscription.objects.filter(region=region).count() >= MAX_SUBSCRIPTIONS_PER_REGION:
        raise Conflict(_("This region has as many webhooks as it may have."))
    secret = data.secret.strip() if data.format == Format.DINGTALK else signing.new_secret()
    subscription = Subscription.objects.create(
        **values, format=data.format, secret=secret, created_by=actor
    )
    audit.record(
        "webhooks.subscription.create",
        actor=actor,
        target=subscription,
        summary=subscription.name,
        changes={"url": values["url"], "topics": values["topics"], "region": region.code},
    )
    return subscription, secret


@transaction.atomic
def do_set_active(pk, active: bool, *, actor) -> Subscription:
    """Switch a subscription on (its failure count starts again) or off."""
    _require(actor)
    subscription = subscription_for(actor, pk, lock=True)
    if active:
        checked_endpoint(subscription.url)  # the address may have moved somewhere private
    subscription.is_active = bool(active)
    subscription.consecutive_failures = 0 if active else subscription.consecutive_failures
    subscription.disabled_reason = "" if active else _("Switched off by hand.")
    subscription.save(update_fields=["is_active", "consecutive_failures", "disabled_reason"])
    if not active:
        Message.objects.filter(subscription=subscription, status=MessageStatus.PENDING).update(
            status=MessageStatus.FAILED, next_attempt_at=None
        )
    audit.record(
        "webhooks.subscription.switch_on" if active else "webhooks.subscription.switch_off",
        actor=actor,
        target=subscription,
        summary=subscription.name,
    )
    return subscription


@transaction.atomic
def do_delete_subscription(pk, *, actor) -> None:
    _require(actor)
    subscription = subscription_for(actor, pk, lock=True)
    audit.record(
        "webhooks.subscription.delete", actor=actor, target=subscription, summary=subscription.name
    )
    subscription.delete()


@transaction.atomic
def do_send_test(pk, *, actor) -> Message:
    """Queue a test message to the subscription, whatever its topics."""
    _require(actor)
    subscription = subscription_for(actor, pk, lock=True)
    if not subscription.is_active:
        raise Conflict(_("Switch the webhook on first."))
    message = queue_message(
        subscription,
        TEST_TOPIC,
        {"title": _("Test message from GridGov"), "sent_by": actor.get_username()},
    )
    audit.record("webhooks.message.test", actor=actor, target=message, summary=subscription.name)
    transaction.on_commit(lambda: deliver.enqueue(message.pk))
    return message


@transaction.atomic
def do_redeliver(pk, *, actor) -> Message:
    """Send a message again, with the same `webhook-id` (so the receiver may drop a repeat),
    with a fresh run of attempts."""
    _require(actor)
    message = message_for(actor, pk, lock=True)
    if message.status == MessageStatus.PENDING:
        raise Conflict(_("This message is still being sent."))
    if not message.subscription.is_active:
        raise Conflict(_("Switch the webhook on first."))
    message.status, message.attempts = MessageStatus.PENDING, 0
    message.next_attempt_at, message.delivered_at = timezone.now(), None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
    audit.record("webhooks.message.redeliver", actor=actor, target=message, summary=message.topic)
    transaction.on_commit(lambda: deliver.enqueue(message.pk))
    return message
