"""Delivering messages: queued after the commit that published them, sent by the worker, one
attempt at a time, retried with exponential backoff and jitter, and logged.

A message is claimed before it is sent (a conditional UPDATE that pushes its `next_attempt_at`
past the attempt's timeout), so two workers never send it at once; the attempt itself runs
outside any transaction. A failed attempt schedules the next one; the periodic
`send_due_messages` queues what is due. After MAX_ATTEMPTS the message is given up; after
GRIDGOV_WEBHOOK_MAX_FAILURES failed attempts in a row the subscription is switched off and the
person who created it is told.
"""

import logging
import random
import time
import uuid
from datetime import timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from gridgov.core import audit
from gridgov.core.errors import GridGovError
from gridgov.regions.models import Region
from gridgov.workflow.models import Notification

from . import signing
from .addresses import checked_endpoint
from .choices import TEST_TOPIC, WHOLE_REGION_TOPICS, Format, MessageStatus, Topic
from .models import Attempt, Message, Subscription

logger = logging.getLogger(__name__)

# 5 attempts: at once, then after about 1, 4, 16 and 40 minutes (some 61 minutes in all).
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_FACTOR = 4
BACKOFF_CAP = timedelta(minutes=40)
JITTER = 0.2  # each delay is stretched or shrunk by up to a fifth, so retries do not bunch
RESPONSE_KEPT = 1000  # characters of an answer kept in the log
LEVELS = ("city", "county", "town", "village", "grid", "microgrid")


def backoff(attempts: int, *, rand=random.random) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    delay = min(BACKOFF_BASE * BACKOFF_FACTOR ** (attempts - 1), BACKOFF_CAP)
    return delay * (1 + JITTER * (2 * rand() - 1))


def timeout_seconds() -> float:
    return float(settings.GRIDGOV_WEBHOOK_TIMEOUT_SECONDS)


# --- Queueing ------------------------------------------------------------------------------


def receive(topic: str, payload: dict, region_id: int | None) -> None:
    """The push receiver (`gridgov.core.registry.register_push_receiver`): a message for every
    active subscription to the topic whose region covers where it happened; each is sent by
    the worker once this is committed."""
    subscriptions = _subscribers(topic, region_id)
    if not subscriptions:
        return
    with transaction.atomic():
        messages = [queue_message(s, topic, payload) for s in subscriptions]
        transaction.on_commit(lambda: [deliver.enqueue(m.pk) for m in messages])


def _subscribers(topic: str, region_id: int | None) -> list[Subscription]:
    if region_id is None:
        return []
    active = Subscription.objects.filter(is_active=True)
    if topic in WHOLE_REGION_TOPICS:
        within = Q(region_id=region_id)
    else:
        region = Region.objects.filter(pk=region_id).values(*(f"{lv}_id" for lv in LEVELS))
        above = [pk for pk in (region[0].values() if region else ()) if pk]
        within = Q(region_id__in=above or [region_id])
    # JSON containment is not portable across SQLite and PostgreSQL: topics are a short list.
    return [s for s in active.filter(within).order_by("pk") if topic in s.topics]


def queue_message(subscription: Subscription, topic: str, payload: dict) -> Message:
    return Message.objects.create(
        msg_id=f"msg_{uuid.uuid4().hex}",
        subscription=subscription,
        topic=topic,
        payload=payload,
        next_attempt_at=timezone.now(),
    )


@task()
def deliver(message_id: int) -> str:
    return attempt_delivery(message_id)


@task()
def send_due_messages() -> int:
    """Queue every message whose next attempt is due (the clock runs this every half minute)."""
    due = Message.objects.filter(
        status=MessageStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    ids = list(due.order_by("next_attempt_at")[:500])
    for pk in ids:
        deliver.enqueue(pk)
    return len(ids)


# --- One attempt ---------------------------------------------------------------------------


def _claim(message_id: int, now) -> bool:
    hold = now + timedelta(seconds=timeout_seconds() * 3 + 30)
    return (
        Message.objects.filter(
            pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=hold)
        == 1
    )


def attempt_delivery(message_id: int, *, now=None) -> str:
    """Send a due message once; what became of it ("delivered", "retry", "failed" or
    "skipped" when it was not due or another worker has it)."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return "skipped"
    message = Message.objects.select_related("subscription").get(pk=message_id)
    subscription = message.subscription
    if not subscription.is_active:
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
        return "failed"
    # Signed with the time of sending (the receiver checks it), whatever `now` schedules by.
    outcome = send(message, now=timezone.now())
    return _record(message, outcome, now)


class Outcome:
    def __init__(self, status_code=None, body="", error="", latency_ms=0):
        self.status_code, self.body, self.error = status_code, body, error
        self.latency_ms = latency_ms

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def request_for(message: Message, at) -> tuple[str, bytes, dict]:
    """The path, body and headers of a message, signed for its endpoint's format."""
    subscription = message.subscription
    endpoint = checked_endpoint(subscription.url)
    if subscription.format == Format.DINGTALK:
        title, lines = markdown_of(message.topic, message.payload)
        path = signing.dingtalk_path(endpoint.path, subscription.secret, at)
        body = signing.dingtalk_body(title, lines)
        return path, body, {"content-type": "application/json"}
    body = signing.body_bytes(
        {"type": message.topic, "timestamp": at.isoformat(), "data": message.payload}
    )
    headers = signing.standard_headers(subscription.secret, message.msg_id, at, body)
    return endpoint.path, body, headers


def send(message: Message, *, now) -> Outcome:
    """POST the message, once: no redirect followed, a timeout, the answer's start kept."""
    try:
        endpoint = checked_endpoint(message.subscription.url)
        path, body, headers = request_for(message, now)
    except GridGovError as refused:
        return Outcome(error=str(refused.message))
    headers = {**headers, "host": _host_header(endpoint), "user-agent": "GridGov-Webhooks/1"}
    pool_class = (
        urllib3.HTTPSConnectionPool if endpoint.scheme == "https" else urllib3.HTTPConnectionPool
    )
    options = {"server_hostname": endpoint.host, "assert_hostname": endpoint.host}
    pool = pool_class(
        endpoint.address,
        endpoint.port,
        timeout=urllib3.Timeout(total=timeout_seconds()),
        retries=False,
        maxsize=1,
        **(options if endpoint.scheme == "https" else {}),
    )
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST", path, body=body, headers=headers, redirect=False, retries=False,
            preload_content=False,
        )  # fmt: skip
        start = response.read(RESPONSE_KEPT * 4, decode_content=True)
        response.release_conn()
        answer = start.decode("utf-8", "replace")[:RESPONSE_KEPT]
        return Outcome(response.status, answer, "", _ms(started))
    except urllib3.exceptions.TimeoutError:
        return Outcome(error=_("No answer within %(s)s s.") % {"s": timeout_seconds()},
                       latency_ms=_ms(started))  # fmt: skip
    except urllib3.exceptions.HTTPError as error:
        return Outcome(error=str(error)[:255], latency_ms=_ms(started))
    finally:
        pool.close()


def _host_header(endpoint) -> str:
    default = 443 if endpoint.scheme == "https" else 80
    return endpoint.host if endpoint.port == default else f"{endpoint.host}:{endpoint.port}"


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@transaction.atomic
def _record(message: Message, outcome: Outcome, now) -> str:
    number = message.attempts + 1
    error = outcome.error
    if not error and not outcome.ok:
        error = _("The endpoint answered %(code)s.") % {"code": outcome.status_code}
    Attempt.objects.create(
        message=message,
        number=number,
        at=now,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        error=error[:255],
        response_body=outcome.body,
    )
    message.attempts = number
    if outcome.ok:
        message.status, message.delivered_at, message.next_attempt_at = (
            MessageStatus.DELIVERED, now, None,
        )  # fmt: skip
        message.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
        Subscription.objects.filter(pk=message.subscription_id).update(consecutive_failures=0)
        return "delivered"
    if number >= MAX_ATTEMPTS:
        message.status, message.next_attempt_at = MessageStatus.FAILED, None
    else:
        message.next_attempt_at = now + backoff(number)
    message.save(update_fields=["attempts", "status", "next_attempt_at"])
    _count_failure(message.subscription_id)
    return "failed" if message.status == MessageStatus.FAILED else "retry"


def _count_failure(subscription_id: int) -> None:
    Subscription.objects.filter(pk=subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
    limit = settings.GRIDGOV_WEBHOOK_MAX_FAILURES
    if subscription.is_active and subscription.consecutive_failures >= limit:
        _switch_off(subscription, limit)


def _switch_off(subscription: Subscription, limit: int) -> None:
    with override(settings.LANGUAGE_CODE):
        reason = _("Switched off after %(n)d failed attempts in a row.") % {"n": limit}
        text = _("Webhook %(name)s was switched off: its endpoint kept failing.") % {
            "name": subscription.name
        }
    subscription.is_active = False
    subscription.disabled_reason = reason[:255]
    subscription.save(update_fields=["is_active", "disabled_reason"])
    Message.objects.filter(subscription=subscription, status=MessageStatus.PENDING).update(
        status=MessageStatus.FAILED, next_attempt_at=None
    )
    Notification.objects.create(
        user_id=subscription.created_by_id, text=text[:255], url=subscription.get_absolute_url()
    )
    audit.record(
        "webhooks.subscription.switched_off",
        actor="worker",
        target=subscription,
        summary=subscription.name,
        changes={"failures": subscription.consecutive_failures},
    )


# --- What a group robot shows --------------------------------------------------------------


def markdown_of(topic: str, payload: dict) -> tuple[str, list[str]]:
    """A title and markdown lines for people reading a chat group."""
    with override(settings.LANGUAGE_CODE):
        label = dict(Topic.choices).get(topic) or (
            _("Test message") if topic == TEST_TOPIC else topic
        )
        title = str(payload.get("title") or label)
        lines = [f"**{label}**"] if title != str(label) else []
        for key, value in payload.items():
            if key in ("title", "url", "figures") or isinstance(value, dict | list):
                continue
            lines.append(f"- {key}: {value}")
        for figure in payload.get("figures", []) or []:
            if isinstance(figure, dict):
                value = figure.get("value")
                shown = "-" if value is None else f"{value}{figure.get('unit', '')}"
                lines.append(f"- {figure.get('label', figure.get('key', ''))}: {shown}")
        if payload.get("url"):
            lines.append(f"[{_('Open')}]({payload['url']})")
    return title, lines
