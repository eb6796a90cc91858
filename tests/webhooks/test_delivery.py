"""Deliveries to a real endpoint on 127.0.0.1: signed as Standard Webhooks or as a DingTalk
robot, retried with backoff on errors and timeouts, logged, and a failing subscription
switched off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.webhooks.choices import MessageStatus
from gridgov.webhooks.delivery import (
    BACKOFF_BASE,
    JITTER,
    MAX_ATTEMPTS,
    RESPONSE_KEPT,
    attempt_delivery,
    backoff,
    receive,
)
from gridgov.webhooks.models import Message
from gridgov.workflow.models import Notification
from tests.conftest import GRID_A, OTHER_TOWN

from .conftest import subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def grid_a_id():
    from gridgov.regions.models import Region

    return Region.objects.get(code=GRID_A).pk


def published(captured, topic="warning.raised", payload=None, region_id=None):
    """Publish as a producer does and run what is queued after the commit."""
    with captured(execute=True):
        receive(
            topic, payload or {"title": "水位超警戒", "number": "YJ1"}, region_id or grid_a_id()
        )


def test_a_published_warning_reaches_the_endpoint_signed_as_standard_webhooks_say(
    county_leader, town, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    published(django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got["verified"], got.get("error")
    assert got["json"]["type"] == "warning.raised"
    assert got["json"]["data"]["title"] == "水位超警戒"
    message = Message.objects.get(subscription=subscription)
    assert got["headers"]["webhook-id"] == message.msg_id
    assert got["path"] == "/hook?token=abc"
    assert message.status == MessageStatus.DELIVERED and message.attempts == 1
    log = message.attempt_log.get()
    assert log.status_code == 200 and log.response_body == "ok" and log.error == ""


def test_a_dingtalk_robot_gets_markdown_signed_with_timestamp_and_sign(
    county_leader, town, django_capture_on_commit_callbacks
):
    secret = "SEC0123456789abcdef"
    with Receiver(secret, dingtalk=True) as robot:
        subscribe(county_leader, robot.url, region=town, fmt="dingtalk", secret=secret)
        published(django_capture_on_commit_callbacks)
    got = robot.received[0]
    assert got["verified"]
    assert got["path"].startswith("/hook?token=abc&timestamp=")
    assert got["json"]["msgtype"] == "markdown"
    assert got["json"]["markdown"]["title"] == "水位超警戒"
    assert "YJ1" in got["json"]["markdown"]["text"]


def test_a_wrong_secret_fails_the_receivers_verification(
    county_leader, town, receiver, django_capture_on_commit_callbacks
):
    subscribe(county_leader, receiver.url, region=town)
    receiver.secret = "whsec_" + "QUJD" * 8  # not the subscription's
    published(django_capture_on_commit_callbacks)
    assert receiver.received[0]["verified"] is False


def test_only_subscriptions_whose_region_covers_the_place_and_that_chose_the_topic_hear(
    county_leader, admin_user, town, receiver, django_capture_on_commit_callbacks
):
    from gridgov.regions.models import Region

    mine, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    elsewhere, _ = subscribe(admin_user, receiver.url, region=Region.objects.get(code=OTHER_TOWN))
    other_topic, _ = subscribe(county_leader, receiver.url, region=town, topics=["event.overdue"])
    published(django_capture_on_commit_callbacks)
    assert Message.objects.filter(subscription=mine).count() == 1
    assert not Message.objects.filter(subscription__in=[elsewhere, other_topic]).exists()


def test_a_region_wide_topic_goes_only_to_subscriptions_of_that_very_region(
    county_leader, town, receiver, django_capture_on_commit_callbacks
):
    subscribe(county_leader, receiver.url, region=town, topics=["summary.daily"])
    published(django_capture_on_commit_callbacks, "summary.daily", {"title": "日报"})
    assert Message.objects.count() == 0
    published(django_capture_on_commit_callbacks, "summary.daily", {"title": "日报"}, town.pk)
    assert Message.objects.count() == 1


def test_the_backoff_grows_fourfold_with_a_jitter_of_a_fifth_over_about_an_hour():
    assert backoff(1, rand=lambda: 0.5) == BACKOFF_BASE
    assert backoff(2, rand=lambda: 0.5) == 4 * BACKOFF_BASE
    assert backoff(1, rand=lambda: 0.0) == BACKOFF_BASE * (1 - JITTER)
    assert backoff(1, rand=lambda: 1.0) == BACKOFF_BASE * (1 + JITTER)
    total = sum((backoff(n, rand=lambda: 0.5) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(minutes=50) <= total <= timedelta(minutes=70)


def delay_after(message, now) -> timedelta:
    message.refresh_from_db()
    return message.next_attempt_at - now


def test_a_500_is_retried_with_growing_delays_until_the_endpoint_answers(
    county_leader, town, receiver
):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    receiver.answers = [(500, "boom", 0), (503, "busy", 0), (204, "", 0)]
    receive("warning.raised", {"title": "t"}, grid_a_id())  # outside a transaction: queued
    message = Message.objects.get(subscription=subscription)
    now = timezone.now()
    assert attempt_delivery(message.pk, now=now) == "retry"
    first = delay_after(message, now)
    assert BACKOFF_BASE * (1 - JITTER) <= first <= BACKOFF_BASE * (1 + JITTER)
    assert attempt_delivery(message.pk, now=now) == "skipped"  # not due yet
    now += first
    assert attempt_delivery(message.pk, now=now) == "retry"
    second = delay_after(message, now)
    assert 4 * BACKOFF_BASE * (1 - JITTER) <= second <= 4 * BACKOFF_BASE * (1 + JITTER)
    assert attempt_delivery(message.pk, now=now + second) == "delivered"
    codes = list(message.attempt_log.order_by("number").values_list("status_code", flat=True))
    assert codes == [500, 503, 204]
    assert message.attempt_log.get(number=1).response_body == "boom"
    assert all(r["verified"] for r in receiver.received)
    assert len({r["headers"]["webhook-id"] for r in receiver.received}) == 1
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_an_endpoint_that_does_not_answer_in_time_is_logged_and_retried(
    county_leader, town, receiver, webhook_settings
):
    webhook_settings.GRIDGOV_WEBHOOK_TIMEOUT_SECONDS = 0.3
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret, receiver.answers = secret, [(200, "late", 1.5)]
    receive("warning.raised", {"title": "t"}, grid_a_id())
    message = Message.objects.get(subscription=subscription)
    now = timezone.now()
    assert attempt_delivery(message.pk, now=now) == "retry"
    log = message.attempt_log.get()
    assert log.status_code is None and log.error and log.latency_ms < 1400
    assert delay_after(message, now) >= BACKOFF_BASE * (1 - JITTER)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(county_leader, town, receiver):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret, receiver.answers = secret, [(302, "", 0)]
    receive("warning.raised", {"title": "t"}, grid_a_id())
    message = Message.objects.get(subscription=subscription)
    assert attempt_delivery(message.pk) == "retry"
    assert [r["path"] for r in receiver.received] == ["/hook?token=abc"]
    assert message.attempt_log.get().status_code == 302


def test_a_long_answer_is_kept_only_in_its_first_thousand_characters(county_leader, town, receiver):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret, receiver.answers = secret, [(200, "好" * 5000, 0)]
    receive("warning.raised", {"title": "t"}, grid_a_id())
    attempt_delivery(Message.objects.get(subscription=subscription).pk)
    kept = Message.objects.get(subscription=subscription).attempt_log.get().response_body
    assert kept == "好" * RESPONSE_KEPT


def test_a_receiver_that_is_down_is_retried_then_given_up_and_the_webhook_switched_off(
    county_leader, town, webhook_settings
):
    with Receiver() as gone:
        url = gone.url
    webhook_settings.GRIDGOV_WEBHOOK_MAX_FAILURES = 7
    subscription, _ = subscribe(county_leader, url, region=town)
    receive("warning.raised", {"title": "一"}, grid_a_id())
    first = Message.objects.get(subscription=subscription)
    now = timezone.now()
    outcomes = []
    for _n in range(MAX_ATTEMPTS):
        outcomes.append(attempt_delivery(first.pk, now=now))
        now += timedelta(hours=1)
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert all(a.error and a.status_code is None for a in first.attempt_log.all())
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == MAX_ATTEMPTS
    receive("warning.raised", {"title": "二"}, grid_a_id())
    receive("warning.raised", {"title": "三"}, grid_a_id())
    second, third = Message.objects.filter(subscription=subscription).order_by("pk")[1:]
    attempt_delivery(second.pk, now=now)
    assert attempt_delivery(second.pk, now=now + timedelta(hours=1)) == "retry"
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason
    third.refresh_from_db()
    assert third.status == MessageStatus.FAILED  # nothing more goes to a switched-off webhook
    assert Notification.objects.filter(user=county_leader, url=subscription.get_absolute_url())
    assert AuditEntry.objects.filter(action="webhooks.subscription.switched_off").count() == 1
    receive("warning.raised", {"title": "四"}, grid_a_id())
    assert Message.objects.filter(subscription=subscription).count() == 3


def test_a_message_is_claimed_so_that_a_second_worker_does_not_send_it_too(
    county_leader, town, receiver
):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    receive("warning.raised", {"title": "t"}, grid_a_id())
    message = Message.objects.get(subscription=subscription)
    now = timezone.now()
    from gridgov.webhooks.delivery import _claim

    assert _claim(message.pk, now) is True
    assert attempt_delivery(message.pk, now=now) == "skipped"
    assert receiver.received == []
