"""Reads of the webhooks on behalf of a user: always through `scoped`."""

from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.org.scoping import scoped

from .models import Attempt, Message, Subscription


def subscriptions_for(user):
    return (
        scoped(Subscription.objects.all(), user)
        .select_related("region")
        .defer("secret", "region__boundary")
        .order_by("name", "pk")
    )


def subscription_for(user, pk, *, lock=False) -> Subscription:
    rows = scoped(Subscription.objects.all(), user).select_related("region")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=stored_id(pk) or 0).first()
    if found is None:
        raise NotFound(_("No such webhook in your area."))
    return found


def messages_for(user, subscription: Subscription):
    return scoped(Message.objects.filter(subscription=subscription), user).order_by(
        "-created_at", "-id"
    )


def message_for(user, pk, *, lock=False) -> Message:
    rows = scoped(Message.objects.all(), user).select_related("subscription")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=stored_id(pk) or 0).first()
    if found is None:
        raise NotFound(_("No such message in your area."))
    return found


def attempts_of(user, messages) -> dict[int, list[Attempt]]:
    """The delivery log of a page of messages, one query."""
    log: dict[int, list[Attempt]] = {m.pk: [] for m in messages}
    rows = scoped(Attempt.objects.filter(message__in=list(log)), user).order_by("message", "number")
    for attempt in rows:
        log[attempt.message_id].append(attempt)
    return log


def regions_subscribed_to(topic: str) -> list[int]:
    """The regions with an active subscription to `topic` (for producers that publish per
    region, like the daily summary)."""
    rows = Subscription.objects.filter(is_active=True).values_list("region_id", "topics")
    return sorted({region for region, topics in rows if topic in topics})
